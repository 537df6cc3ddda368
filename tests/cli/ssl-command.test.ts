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
  // Positive/negative reviews only, as in seeds 001/003.
  await writeFile(join(dir, 'binary.tsv'), `${lines.filter((l) => !l.endsWith('\tneutral')).join('\n')}\n`);
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
    expect(summary.stopDetail).toMatch(/pool is empty/);
    expect(summary.balancePolicy).toBe('cap');
    expect(Object.keys(summary.labelingByClass).sort()).toEqual(['negative', 'neutral', 'positive']);
    // One stderr line per iteration with the per-class counts, and the policy in words.
    const log = c.err.join('');
    expect(log).toMatch(/iteration 1: threshold 0\.700, \+\d+ \(.*; passed .*\)/);
    expect(log).toMatch(/Balance policy cap: each iteration keeps the prior negative \d+\.\d% \/ neutral/);
    expect(summary.labeled).toBe(summary.pool);
    expect(summary.labelingAccuracy).toBeGreaterThan(0.4);
    const tsv = (await readFile(join(out, 'pseudo-labels.tsv'), 'utf8')).trim().split('\n');
    expect(tsv[0]).toBe('text\tlabel\tconfidence\titeration');
    expect(tsv).toHaveLength(summary.labeled + 1);
    // The per-iteration figure, one point per logged iteration.
    const figure = await readFile(join(out, 'self-training.svg'), 'utf8');
    expect(figure).toContain('<svg');
    expect(figure).toContain('Self-training (nb)');
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

  it('--initial-labels lexicon labels the pool first, without --labeled (seed 001)', async () => {
    const c = capture();
    const code = await runCli(
      [
        'ssl',
        '--initial-labels',
        'lexicon',
        '--unlabeled',
        join(dir, 'binary.tsv'),
        '--model',
        'nb',
        '--balance',
        '--until-exhausted',
        '--max-iterations',
        '4',
        '--out',
        join(dir, 'lexicon'),
        '--json',
      ],
      c.io,
    );
    expect(code, c.err.join('')).toBe(0);
    const summary = JSON.parse(c.out.join(''));
    expect(summary.labeledInput).toBe(0);
    expect(summary.initialLabels.name).toBe('lexicon');
    expect(summary.initialLabels.assigned).toBeGreaterThan(0);
    expect(summary.initialLabels.accuracy).toBeGreaterThan(0.7);
    expect(summary.log[0].iteration).toBe(0);
    expect(summary.remaining).toBe(0);
    expect(summary.labeled).toBe(summary.pool);
    expect(c.err.join('')).toMatch(/iteration 0: .*initial labels by lexicon at confidence >= 0\.999/);
    const tsv = (await readFile(join(dir, 'lexicon', 'pseudo-labels.tsv'), 'utf8')).trim().split('\n');
    expect(tsv.filter((l) => l.endsWith('\t0'))).toHaveLength(summary.initialLabels.assigned);
    // Iteration 0 (initial labels, no validation scores) still draws.
    expect(await readFile(join(dir, 'lexicon', 'self-training.svg'), 'utf8')).toContain('<svg');
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
    const e = capture();
    expect(
      await runCli(
        ['ssl', '--labeled', 'x', '--unlabeled', 'y', '--model', 'nb', '--balance-policy', 'even', '--out', dir],
        e.io,
      ),
    ).toBe(2);
    expect(e.err.join('')).toMatch(/--balance-policy expects cap, fill or proportional/);
    const g = capture();
    expect(
      await runCli(
        ['ssl', '--labeled', 'x', '--unlabeled', 'y', '--model', 'nb', '--termination', 'x', '--out', dir],
        g.io,
      ),
    ).toBe(2);
    expect(g.err.join('')).toMatch(/--termination expects stop, decay or exhaust/);
    const f = capture();
    expect(await runCli(['ssl', '--unlabeled', 'y', '--model', 'nb', '--out', dir], f.io)).toBe(2);
    expect(f.err.join('')).toMatch(/--labeled/);
  });
});
