/**
 * Disk full and unwritable outputs, on real file systems: a tiny tmpfs filled to the last byte, a
 * read-only bind mount, and a 0555 directory written by an unprivileged user (root ignores
 * permission bits). Each must give one clear error naming the file and the fix, leave the previous
 * model / vectors / log byte for byte as they were, and leave no temporary file behind.
 *
 * Mounting needs root (CI runs as root); elsewhere these tests are skipped with the reason printed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { appendLineAtomic, writeFileAtomic } from '../../src/internal/atomic-fs.js';
import { UlasanError } from '../../src/internal/errors.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(repo, 'tests/fixtures/data');
const trainFile = join(fixtures, 'smsa-sample.tsv');
const validFile = join(fixtures, 'smsa-valid-sample.tsv');
const corpus = join(repo, 'tests/fixtures/word2vec');

function canMount(): string | undefined {
  if (process.platform !== 'linux') return 'tmpfs and bind mounts need Linux';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root (CI runs these as root)';
  const probe = mkdtempSync(join(tmpdir(), 'ulasan-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `mount -t tmpfs is not permitted here (${String((error as Error).message).split('\n')[0]})`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const skipReason = canMount();
if (skipReason) console.warn(`tests/faults/disk-faults: skipped: ${skipReason}`);

const work = mkdtempSync(join(tmpdir(), 'ulasan-faults-disk-'));
const mounts: string[] = [];

function mountTmpfs(name: string, size: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

/** Fills the file system of `dir` to the last byte with `dir/filler`. */
function fill(dir: string): void {
  const fd = openSync(join(dir, 'filler'), 'a');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (let size = block.length; size >= 1; ) {
      try {
        writeSync(fd, block, 0, size);
      } catch {
        size = size >> 1;
      }
    }
  } finally {
    closeSync(fd);
  }
}

function unfill(dir: string): void {
  rmSync(join(dir, 'filler'), { force: true });
}

/** SHA-256 of every file under `dir`, by relative path (the filler excluded). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'filler' || e.name === 'lost+found') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, `${rel}${e.name}/`);
      else out[`${rel}${e.name}`] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

/** Temporary files and staging directories anywhere under `dir`. */
function temporaries(dir: string): string[] {
  return Object.keys(snapshot(dir))
    .concat(readdirSync(dir))
    .filter((p) => /\.tmp$|\.saving(\/|$)|\.old(\/|$)/.test(p));
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      out: (s: string | Uint8Array) => void out.push(typeof s === 'string' ? s : Buffer.from(s).toString('utf8')),
      err: (s: string | Uint8Array) => void err.push(typeof s === 'string' ? s : Buffer.from(s).toString('utf8')),
      interactive: false,
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

async function cli(args: string[]) {
  const c = capture();
  const code = await runCli(args, c.io as never);
  return { code, out: c.out(), err: c.err() };
}

const logreg = ['train', '--data', trainFile, '--model', 'logreg', '--backend', 'cpu'];

afterAll(() => {
  for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(skipReason !== undefined)('disk full (a 4 MiB tmpfs filled to the last byte)', () => {
  let disk: string;
  beforeAll(() => {
    disk = mountTmpfs('full', '4m');
  });

  it('train over a saved model: one clear error, the model intact, no temporary file', async () => {
    const out = join(disk, 'model');
    expect((await cli([...logreg, '--out', out])).code).toBe(0);
    const before = snapshot(disk);
    fill(disk);
    const r = await cli([...logreg, '--out', out]);
    unfill(disk);
    expect(r.code).not.toBe(0);
    const lines = r.err.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      /^ulasan: error: Could not save .*\/full\/model \(writing [a-z/]+\.json\): no space left on the device: free space on the file system of .*\/full \(or choose another output directory, --out on the CLI\)\. The previous .*model is intact; the partial copy was removed\.$/,
    );
    expect(lines.filter((l) => l.startsWith('ulasan: error:'))).toHaveLength(1);
    expect(snapshot(disk)).toEqual(before);
    expect(temporaries(disk)).toEqual([]);
    // Each retry on the full disk leaves nothing either.
    fill(disk);
    await cli([...logreg, '--out', out]);
    await cli([...logreg, '--out', out]);
    unfill(disk);
    expect(temporaries(disk)).toEqual([]);
    expect(snapshot(disk)).toEqual(before);
  }, 60_000);

  it('word2vec train over saved vectors: the vectors intact, no temporary file', async () => {
    const vectors = join(disk, 'vectors.txt');
    const input = join(corpus, readdirSync(corpus).find((f) => /\.txt$/.test(f)) ?? 'corpus.txt');
    const args = [
      'word2vec',
      'train',
      '--input',
      input,
      '--out',
      vectors,
      '--size',
      '8',
      '--epochs',
      '1',
      '--min-count',
      '1',
      '--threads',
      '1',
    ];
    expect((await cli(args)).code).toBe(0);
    const before = snapshot(disk);
    fill(disk);
    const r = await cli(args);
    unfill(disk);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(
      /ulasan: error: No space left on the device to write .*vectors\.txt: free space on the file system of .*full/,
    );
    expect(snapshot(disk)).toEqual(before);
    expect(temporaries(disk)).toEqual([]);
  }, 60_000);

  it('appendLineAtomic on a full disk: the log keeps its lines and gains no partial one', async () => {
    const log = join(disk, 'results.jsonl');
    await appendLineAtomic(log, JSON.stringify({ type: 'scenario', name: 'a' }));
    const before = readFileSync(log);
    fill(disk);
    const big = JSON.stringify({ type: 'scenario', name: 'b', pad: 'x'.repeat(20_000) });
    const error = await appendLineAtomic(log, big).catch((e: unknown) => e);
    unfill(disk);
    expect(UlasanError.isInstance(error) && error.code).toBe('FILE_WRITE');
    expect((error as Error).message).toMatch(/No space left on the device to append to .*results\.jsonl: free space/);
    expect(readFileSync(log)).toEqual(before);
  });

  it('writeFileAtomic on a full disk: the previous file intact, no temporary file', async () => {
    const file = join(disk, 'report.txt');
    await writeFileAtomic(file, 'old report\n');
    fill(disk);
    const error = await writeFileAtomic(file, Buffer.alloc(1 << 20, 65)).catch((e: unknown) => e);
    unfill(disk);
    expect(UlasanError.isInstance(error) && error.code).toBe('FILE_WRITE');
    expect((error as Error).message).toContain(file);
    expect(readFileSync(file, 'utf8')).toBe('old report\n');
    expect(temporaries(disk)).toEqual([]);
  });

  it('evaluate --figures on a full disk prints the report and the --json metrics, then fails on the figure', async () => {
    const model = join(work, 'eval-model');
    expect((await cli([...logreg, '--out', model])).code).toBe(0);
    const figures = join(disk, 'figures');
    mkdirSync(figures, { recursive: true });
    fill(disk);
    const r = await cli(['evaluate', '--model', model, '--data', validFile, '--figures', figures, '--json']);
    unfill(disk);
    expect(r.code).not.toBe(0);
    const metrics = JSON.parse(r.out);
    expect(metrics.accuracy).toBeGreaterThan(0.4);
    expect(metrics.size).toBe(126);
    expect(metrics.figuresError).toMatch(/No space left on the device/);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /ulasan: error: No space left on the device to write .*figures\/confusion-matrix\.svg: free space/,
    );
    expect(temporaries(disk)).toEqual([]);
  }, 60_000);
});

describe.skipIf(skipReason !== undefined)('unwritable outputs', () => {
  it('a read-only file system: one clear error naming the directory and --out, the model intact', async () => {
    const ro = mountTmpfs('ro', '4m');
    const out = join(ro, 'model');
    expect((await cli([...logreg, '--out', out])).code).toBe(0);
    execFileSync('mount', ['-o', 'remount,ro', ro]);
    const before = snapshot(ro);
    const r = await cli([...logreg, '--out', out]);
    expect(r.code).not.toBe(0);
    expect(r.err.trim().split('\n').at(-1)).toMatch(
      /^ulasan: error: (Could not save .*ro\/model: .*read-only file system: choose a writable output directory \(--out on the CLI\)|.*ro is on a read-only file system, so .* cannot be written: choose a writable output directory \(--out on the CLI\))/,
    );
    expect(snapshot(ro)).toEqual(before);
  }, 60_000);

  const bin = process.env.FAULTS_BIN ?? join(repo, 'dist/cli/main.js');
  const setpriv = spawnSync('setpriv', ['--version']).status === 0;
  it.skipIf(!existsSync(bin) || !setpriv)(
    'a 0555 directory written by an unprivileged user (the built CLI run as nobody): permission denied and the fix',
    () => {
      const parent = mkdtempSync(join(tmpdir(), 'ulasan-faults-perm-'));
      chmodSync(parent, 0o755);
      const locked = join(parent, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o555);
      try {
        const r = spawnSync(
          'setpriv',
          [
            '--reuid=nobody',
            '--regid=nogroup',
            '--clear-groups',
            process.execPath,
            bin,
            'train',
            '--data',
            trainFile,
            '--model',
            'logreg',
            '--backend',
            'cpu',
            '--out',
            join(locked, 'model'),
          ],
          { encoding: 'utf8', env: { ...process.env, HOME: parent }, timeout: 60_000 },
        );
        expect(r.status).not.toBe(0);
        expect(r.stderr.trim().split('\n').at(-1)).toMatch(
          /^ulasan: error: Permission denied to save .*locked\/model: choose a writable output directory \(--out on the CLI\) or give this user write access to .*locked\.$/,
        );
        expect(readdirSync(locked)).toEqual([]);
        expect(statSync(locked).mode & 0o777).toBe(0o555);
      } finally {
        rmSync(parent, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
