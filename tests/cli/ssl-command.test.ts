import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/data/smsa-sample.tsv', import.meta.url));
let dir: string;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), interactive: false }, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ulasan-ssl-cli-'));
  const lines = (await readFile(FIXTURE, 'utf8')).trim().split('\n');
  await writeFile(join(dir, 'labeled.tsv'), `${lines.slice(0, 100).join('\n')}\n`);
  await writeFile(join(dir, 'pool.tsv'), `${lines.slice(100).join('\n')}\n`);
  await writeFile(
    join(dir, 'pool.txt'),
    `${lines
      .slice(100, 150)
      .map((l) => l.split('\t')[0])
      .join('\n')}\n`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ulasan ssl', () => {
  it('scores hidden labels and prints the JSON contract', async () => {
    const c = capture();
    const out = join(dir, 'run');
    const code = await runCli(
      [
        'ssl',
        '--labeled',
        join(dir, 'labeled.tsv'),
        '--unlabeled',
        join(dir, 'pool.tsv'),
        '--valid',
        join(dir, 'pool.tsv'),
        '--model',
        'nb',
        '--threshold',
        '0.7',
        '--balance',
        '--until-exhausted',
        '--out',
        out,
        '--json',
      ],
      c.io,
    );
    expect(code, c.err.join('')).toBe(0);
    const summary = JSON.parse(c.out.join(''));
    for (const key of ['labelingAccuracy', 'labeled', 'iterations', 'macroF1']) expect(summary).toHaveProperty(key);
    expect(summary.stoppedBecause).toBe('exhausted');
    expect(summary.labeled).toBe(summary.pool);
    expect(summary.labelingAccuracy).toBeGreaterThan(0.4);
    const tsv = (await readFile(join(out, 'pseudo-labels.tsv'), 'utf8')).trim().split('\n');
    expect(tsv[0]).toBe('text\tlabel\tconfidence\titeration');
    expect(tsv).toHaveLength(summary.labeled + 1);
    // The saved final model predicts on its own.
    const p = capture();
    await writeFile(join(dir, 'new.txt'), 'pelayanan nya ramah dan makanan nya enak\n');
    expect(
      await runCli(['predict', '--model', join(out, 'model'), '--data', join(dir, 'new.txt'), '--json'], p.io),
      p.err.join(''),
    ).toBe(0);
  });

  it('reads a .txt pool without labels', async () => {
    const c = capture();
    const code = await runCli(
      [
        'ssl',
        '--labeled',
        join(dir, 'labeled.tsv'),
        '--unlabeled',
        join(dir, 'pool.txt'),
        '--model',
        'logreg',
        '--threshold',
        '0.6',
        '--out',
        join(dir, 'txt'),
        '--json',
      ],
      c.io,
    );
    expect(code, c.err.join('')).toBe(0);
    const summary = JSON.parse(c.out.join(''));
    expect(summary.labelingAccuracy).toBeNull();
    expect(summary.pool).toBe(50);
  });

  it('usage errors name the option', async () => {
    const c = capture();
    expect(await runCli(['ssl', '--labeled', 'x.tsv', '--model', 'nb', '--out', dir], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/--unlabeled/);
    const d = capture();
    expect(await runCli(['ssl', '--labeled', 'x', '--unlabeled', 'y', '--model', 'xgboost', '--out', dir], d.io)).toBe(
      2,
    );
    expect(d.err.join('')).toMatch(/--model expects/);
  });
});
