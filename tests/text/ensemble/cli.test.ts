import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { loadTextClassifier } from '../../../src/text/models/registry.js';
import { readSmsaFixture } from '../../conformance/classifier-conformance.js';

let dir: string;

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
  dir = await mkdtemp(join(tmpdir(), 'ulasan-ensemble-cli-'));
  const valid = readSmsaFixture('smsa-valid-sample.tsv');
  await writeFile(
    join(dir, 'valid.tsv'),
    valid.texts
      .slice(0, 40)
      .map((t, i) => `${t}\t${valid.labels[i]}\n`)
      .join(''),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the CLI without --model uses the shipped model', () => {
  it('ulasan predict labels a --data file with the shipped model', async () => {
    const c = capture();
    const code = await runCli(['predict', '--data', join(dir, 'valid.tsv'), '--input-format', 'smsa', '--json'], c.io);
    expect(code, c.stderr.join('')).toBe(0);
    const rows = c.stdout
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(40);
    expect(Object.keys(rows[0].probabilities).sort()).toEqual(['negative', 'neutral', 'positive']);
  });

  it('ulasan evaluate scores the shipped model and writes no figures into the package', async () => {
    const c = capture();
    const code = await runCli(['evaluate', '--data', join(dir, 'valid.tsv'), '--format', 'smsa', '--json'], c.io);
    expect(code, c.stderr.join('')).toBe(0);
    const report = JSON.parse(c.stdout.join(''));
    expect(report.kind).toBe('ensemble');
    expect(report.accuracy).toBeGreaterThan(0.75);
    expect(report.figures).toEqual([]);
  });
});

describe('ulasan train --model ensemble', () => {
  it('trains and saves the ensemble recipe', async () => {
    const train = readSmsaFixture('smsa-sample.tsv');
    await writeFile(join(dir, 'train.tsv'), train.texts.map((t, i) => `${t}\t${train.labels[i]}\n`).join(''));
    const c = capture();
    const out = join(dir, 'model');
    const code = await runCli(
      ['train', '--data', join(dir, 'train.tsv'), '--format', 'smsa', '--model', 'ensemble', '--out', out],
      c.io,
    );
    expect(code, c.stderr.join('')).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'model.json'), 'utf8'));
    expect(manifest.kind).toBe('ensemble');
    const model = await loadTextClassifier(out);
    expect(await model.predict(['barangnya bagus banget'])).toHaveLength(1);
  }, 60_000);
});
