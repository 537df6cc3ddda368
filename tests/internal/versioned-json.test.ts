import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UlasanError } from '../../src/internal/errors.js';
import { checkVersioned, readVersionedJson, type VersionedFormat } from '../../src/internal/versioned-json.js';

const dir = mkdtempSync(join(tmpdir(), 'ulasan-versioned-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec: VersionedFormat = {
  format: 'ulasan-thing',
  version: 3,
  what: 'thing',
  upgrades: {
    1: (old) => ({ ...old, labels: old.classes, classes: undefined }),
    2: (old) => ({ ...old, order: 'code-point' }),
  },
};

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'none';
  } catch (error) {
    return UlasanError.isInstance(error) ? `${error.code}: ${error.message}` : String(error);
  }
}

describe('the versioned-file reader', () => {
  it('upgrades an old version step by step to the newest', () => {
    const v = checkVersioned({ format: 'ulasan-thing', version: 1, classes: ['a', 'b'] }, 'x.json', spec);
    expect(v).toMatchObject({ format: 'ulasan-thing', version: 3, labels: ['a', 'b'], order: 'code-point' });
    expect(checkVersioned({ format: 'ulasan-thing', version: 3, n: 1 }, 'x.json', spec)).toEqual({
      format: 'ulasan-thing',
      version: 3,
      n: 1,
    });
  });

  it('refuses another format, a bad version, a newer version and a missing upgrade step', () => {
    expect(codeOf(() => checkVersioned({ format: 'other', version: 1 }, 'x.json', spec))).toMatch(
      /^FILE_FORMAT: x\.json: "format" is "other", expected "ulasan-thing"/,
    );
    expect(codeOf(() => checkVersioned([], 'x.json', spec))).toMatch(/^FILE_FORMAT: .*expected a JSON object/);
    expect(codeOf(() => checkVersioned({ format: 'ulasan-thing', version: 1.5 }, 'x.json', spec))).toMatch(
      /^FILE_FORMAT: .*positive integer/,
    );
    expect(codeOf(() => checkVersioned({ format: 'ulasan-thing', version: 4 }, 'x.json', spec))).toMatch(
      /^UNSUPPORTED_VERSION: x\.json was written in thing format version 4, .*reads up to version 3\. Upgrade ulasan/,
    );
    expect(
      codeOf(() => checkVersioned({ format: 'ulasan-thing', version: 1 }, 'x.json', { ...spec, upgrades: {} })),
    ).toMatch(/^FILE_FORMAT: .*version 1 cannot be upgraded to 3/);
  });

  it('reads a file: missing (with recovery), not JSON, valid', async () => {
    const path = join(dir, 'thing.json');
    await expect(readVersionedJson(path, spec)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    let recovered = 0;
    const value = await readVersionedJson(path, spec, {
      recover: async () => {
        recovered++;
        writeFileSync(path, JSON.stringify({ format: 'ulasan-thing', version: 2, labels: [] }));
        return true;
      },
    });
    expect(recovered).toBe(1);
    expect(value).toMatchObject({ version: 3, order: 'code-point' });
    writeFileSync(path, '{ nope');
    await expect(readVersionedJson(path, spec)).rejects.toMatchObject({ code: 'FILE_FORMAT' });
  });
});
