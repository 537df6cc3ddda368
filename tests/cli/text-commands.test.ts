import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';

const fixtures = fileURLToPath(new URL('../fixtures/data/', import.meta.url));
const trainFile = join(fixtures, 'smsa-sample.tsv');
const validFile = join(fixtures, 'smsa-valid-sample.tsv');
const work = mkdtempSync(join(tmpdir(), 'ulasan-cli-text-'));
const gruDir = join(work, 'gru');
const logregDir = join(work, 'logreg');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s), interactive: false },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

const tiny = ['--epochs', '2', '--units', '4', '--max-len', '12', '--batch-size', '64', '--backend', 'cpu'];

beforeAll(async () => {
  const c = capture();
  const code = await runCli(
    [
      'train',
      '--data',
      trainFile,
      '--valid',
      validFile,
      '--model',
      'gru',
      '--out',
      gruDir,
      ...tiny,
      '--pipeline',
      'whitespace',
      '--json',
    ],
    c.io,
  );
  if (code !== 0) throw new Error(`train failed (${code}): ${c.err()}`);
  const summary = JSON.parse(c.out());
  if (summary.history.length !== 2) throw new Error('expected two epochs of history');
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('ulasan train', () => {
  it('saves a loadable deep model directory and reports progress on stderr only', () => {
    expect(readdirSync(gruDir).sort()).toEqual(['deep-model.json', 'model.json', 'tfjs', 'vocabulary.json']);
    expect(existsSync(join(gruDir, 'checkpoint'))).toBe(false); // the default checkpoint is removed after success
  });

  it('trains a classic baseline through the same command', async () => {
    const c = capture();
    expect(
      await runCli(
        ['train', '--data', trainFile, '--valid', validFile, '--model', 'logreg', '--out', logregDir, '--json'],
        c.io,
      ),
    ).toBe(0);
    const summary = JSON.parse(c.out());
    expect(summary.model).toBe('logreg');
    expect(summary.validation.accuracy).toBeGreaterThan(0.5);
    expect(c.err()).toMatch(/validation: accuracy=/);
  });

  it('initialises the embedding from a word2vec text file with --embeddings', async () => {
    const { trainWord2Vec } = await import('../../src/text/word2vec/index.js');
    const { readFileSync } = await import('node:fs');
    const sentences = readFileSync(trainFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => l.slice(0, l.lastIndexOf('\t')).toLowerCase().split(/\s+/));
    const vectors = await trainWord2Vec(sentences, { vectorSize: 8, minCount: 1, epochs: 1, threads: 1, seed: 2 });
    const vectorsFile = join(work, 'vectors.txt');
    await vectors.save(vectorsFile);
    const out = join(work, 'cnn-w2v');
    const c = capture();
    const args = ['train', '--data', trainFile, '--model', 'cnn-lstm', '--out', out, '--embeddings', vectorsFile];
    expect(
      await runCli([...args, '--freeze-embeddings', ...tiny, '--epochs', '1', '--pipeline', 'whitespace'], c.io),
    ).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(manifest.metadata.embeddings.dims).toBe(8);
    expect(manifest.options).toMatchObject({ embeddings: 'pretrained', trainableEmbeddings: false });
  });

  it('rejects wrong usage with exit code 2 and a message naming the option', async () => {
    const cases: [string[], RegExp][] = [
      [['train', '--data', trainFile, '--model', 'rnn', '--out', work], /--model expects one of lstm, gru/],
      [
        ['train', '--data', trainFile, '--model', 'svm', '--out', work, '--epochs', '3'],
        /--epochs applies to deep models only/,
      ],
      [['train', '--model', 'gru', '--out', work], /missing required option --data/],
      [['train', '--data', trainFile, '--model', 'gru', '--out', work, '--patience', '2'], /need --valid/],
      [['train', '--data', trainFile, '--model', 'nb', '--out', work, '--class-weight', 'neutral'], /label=weight/],
    ];
    for (const [args, message] of cases) {
      const c = capture();
      expect(await runCli(args, c.io)).toBe(2);
      expect(c.err()).toMatch(message);
    }
  });

  it('fails with exit code 1 and a clear message on a file with one class', async () => {
    const one = join(work, 'one-class.tsv');
    writeFileSync(one, 'bagus sekali\tpositive\nsangat bagus\tpositive\n');
    const c = capture();
    expect(await runCli(['train', '--data', one, '--model', 'nb', '--out', join(work, 'x')], c.io)).toBe(1);
    expect(c.err()).toMatch(/only one class/);
  });
});

describe('ulasan evaluate', () => {
  it('--json prints one object with the documented fields and writes the heatmap beside the model', async () => {
    const c = capture();
    expect(await runCli(['evaluate', '--model', gruDir, '--data', validFile, '--json'], c.io)).toBe(0);
    const result = JSON.parse(c.out());
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining(['accuracy', 'macroF1', 'weightedF1', 'labels', 'confusionMatrix']),
    );
    expect(result.labels).toEqual(['negative', 'neutral', 'positive']);
    const total = (result.confusionMatrix as number[][]).flat().reduce((a, b) => a + b, 0);
    expect(total).toBe(126);
    expect(existsSync(join(gruDir, 'confusion-matrix.svg'))).toBe(true);
  });

  it('prints the report and confusion matrix for humans on stderr', async () => {
    const c = capture();
    expect(await runCli(['evaluate', '--model', logregDir, '--data', validFile, '--no-figures'], c.io)).toBe(0);
    expect(c.out()).toBe('');
    expect(c.err()).toMatch(/precision\s+recall\s+f1-score\s+support/);
    expect(c.err()).toMatch(/Confusion matrix/);
  });

  it('fails clearly for a directory that holds no model', async () => {
    const c = capture();
    expect(await runCli(['evaluate', '--model', work, '--data', validFile], c.io)).toBe(1);
    expect(c.err()).toMatch(/No saved model/);
  });
});

describe('ulasan predict', () => {
  it('writes TSV: a header, then label and one probability per class for every text', async () => {
    const c = capture();
    expect(await runCli(['predict', '--model', gruDir, '--data', validFile], c.io)).toBe(0);
    const lines = c.out().trim().split('\n');
    expect(lines[0]).toBe('label\tp_negative\tp_neutral\tp_positive\ttext');
    expect(lines).toHaveLength(127);
    const cells = lines[1]!.split('\t');
    expect(['negative', 'neutral', 'positive']).toContain(cells[0]);
    expect(
      cells
        .slice(1, 4)
        .map(Number)
        .reduce((a, b) => a + b, 0),
    ).toBeCloseTo(1, 4);
  });

  it('writes JSONL with --format jsonl, reading plain text lines', async () => {
    const texts = join(work, 'texts.txt');
    writeFileSync(texts, 'aplikasinya bagus sekali\n\npelayanan buruk dan lambat\n');
    const c = capture();
    expect(
      await runCli(
        ['predict', '--model', logregDir, '--data', texts, '--input-format', 'lines', '--format', 'jsonl'],
        c.io,
      ),
    ).toBe(0);
    const rows = c
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => r.text)).toEqual(['aplikasinya bagus sekali', 'pelayanan buruk dan lambat']);
    expect(Object.keys(rows[0].probabilities)).toEqual(['negative', 'neutral', 'positive']);
  });

  it('rejects an unknown output format', async () => {
    const c = capture();
    expect(await runCli(['predict', '--model', gruDir, '--format', 'xml'], c.io)).toBe(2);
    expect(c.err()).toMatch(/--format expects tsv or jsonl/);
  });
});
