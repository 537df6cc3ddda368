import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';

let out: string;

function capture() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    io: { out: (s: string) => stdout.push(s), err: (s: string) => stderr.push(s), interactive: false },
    stdout,
    stderr,
  };
}

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'ulasan-demo-'));
});

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('ulasan demo --quick', () => {
  it('runs the main job end to end, writes the report and figures, and reuses them on a second run', async () => {
    const first = capture();
    const code = await runCli(['demo', '--quick', '--out', out, '--json'], first.io);
    expect(code, first.stderr.join('')).toBe(0);
    const summary = JSON.parse(first.stdout.join(''));
    expect(summary.predictions).toHaveLength(3);
    // A GRU trained for 2 epochs on 3,000 reviews is far above chance (0.33 macro-F1) on real valid data.
    expect(summary.gru.macroF1).toBeGreaterThan(0.5);
    expect(summary.baseline.macroF1).toBeGreaterThan(0.7);
    // The shipped model's recipe, trained on the same 3,000 reviews.
    expect(summary.ensemble.macroF1).toBeGreaterThan(0.7);
    expect(summary.gruEnsemble.macroF1).toBeGreaterThan(0.7);
    for (const f of [
      'report.txt',
      'metrics.json',
      'confusion-matrix.svg',
      'training-curves.svg',
      'word2vec.bin',
      'gru-model/model.json',
      'ensemble-model/model.json',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(await readFile(join(out, 'report.txt'), 'utf8')).toMatch(/macro avg/);

    const second = capture();
    expect(await runCli(['demo', '--quick', '--out', out, '--json'], second.io)).toBe(0);
    const log = second.stderr.join('');
    expect(log).toMatch(/reused .*word2vec\.bin/);
    expect(log).toMatch(/reused .*gru-model/);
    expect(log).toMatch(/reused .*ensemble-model/);
    // Same cached model, same numbers.
    expect(JSON.parse(second.stdout.join('')).gru).toEqual(summary.gru);
  }, 600_000);

  it('names a data folder without SmSA', async () => {
    const c = capture();
    expect(await runCli(['demo', '--data-dir', out], c.io)).toBe(2);
    expect(c.stderr.join('')).toMatch(/smsa\/train_preprocess\.tsv/);
  });
});
