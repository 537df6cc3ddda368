/**
 * One CSV/TSV reader for every command (issue 19): `train`/`evaluate` (readDataset) and
 * `preprocess` read a stray quote the same way, the way Python's csv module does. The fixture is cut
 * from EmoT's training file (rows 1–3 and 266–267): row 266 is a real malformed row (`;` instead of
 * `,`, stray quotes inside an unquoted field).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { parseDelimited } from '../../src/data/csv.js';

const file = fileURLToPath(new URL('../fixtures/data/emot-stray-quote.csv', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ulasan-delimited-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      out: (s: string | Uint8Array) => void out.push(String(s)),
      err: (s: string) => void err.push(s),
      interactive: false,
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('one delimited reader, one quoting rule', () => {
  it('reads a stray quote as a literal character, like Python csv.reader', () => {
    const records = parseDelimited(readFileSync(file, 'utf8'), ',', file);
    // python3 -c "import csv; print([len(r) for r in csv.reader(open(f))])" → [2, 2, 2, 1, 2]
    expect(records.map((r) => r.fields.length)).toEqual([2, 2, 2, 1, 2]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
    const stray = records[3]!.fields[0]!;
    expect(stray).toContain('ndak salah apa"""" kamu');
    expect(stray.endsWith('hwaiting boy"""')).toBe(true);
    // A quoted field with doubled quotes is unquoted.
    expect(records[4]!.fields[1]).toContain('"Panggilan Darurat Saja"');
  });

  it('train and preprocess see the same rows: both name line 4 as the row without a text column', async () => {
    const train = capture();
    expect(
      await runCli(
        ['train', '--data', file, '--model', 'nb', '--out', join(work, 'nb'), '--json', '--skip-invalid'],
        train.io,
      ),
    ).toBe(0);
    expect(JSON.parse(train.out()).trainingSize).toBe(3);
    expect(train.err()).toMatch(/skipped 1 rows/);

    const strict = capture();
    expect(await runCli(['train', '--data', file, '--model', 'nb', '--out', join(work, 'nb2')], strict.io)).toBe(1);
    expect(strict.err()).toMatch(/line 4: missing text column/);

    const pre = capture();
    expect(await runCli(['preprocess', '--data', file, '--out', join(work, 'p.csv')], pre.io)).toBe(1);
    expect(pre.err()).toMatch(/line 4: expected text in the text column, found no such column/);
    expect(pre.err()).not.toMatch(/quoted field|unquoted field/);
  });
});
