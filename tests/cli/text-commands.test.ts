import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
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
    io: {
      out: (s: string | Uint8Array) => void out.push(String(s)),
      err: (s: string) => void err.push(s),
      interactive: false,
    },
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
      [
        ['train', '--data', '/nonexistent.tsv', '--model', 'nb', '--out', work, '--format', 'xml'],
        /--format expects one of auto/,
      ],
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

describe('ulasan train --resume', () => {
  it('says so on stderr when there is no checkpoint to resume, and trains from the first epoch', async () => {
    const c = capture();
    const out = join(work, 'resume-none');
    const args = ['train', '--data', trainFile, '--model', 'gru', '--out', out, ...tiny, '--epochs', '1'];
    expect(await runCli([...args, '--pipeline', 'whitespace', '--resume', '--json'], c.io), c.err()).toBe(0);
    expect(c.err()).toMatch(
      /--resume: no checkpoint in .*resume-none\/checkpoint \(nothing to resume\): training from the first epoch/,
    );
    expect(JSON.parse(c.out()).history).toHaveLength(1);
  });
});

describe('ulasan word2vec train --resume and --out', () => {
  const corpus = join(work, 'corpus.txt');
  beforeAll(() => {
    const lines = readFileSync(trainFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => l.slice(0, l.lastIndexOf('\t')).toLowerCase());
    writeFileSync(corpus, `${lines.join('\n')}\n`);
  });
  const base = [
    'word2vec',
    'train',
    '--input',
    corpus,
    '--size',
    '8',
    '--min-count',
    '2',
    '--threads',
    '1',
    '--seed',
    '3',
  ];

  it('continues from --checkpoint with --resume: the epochs already trained are kept, the rest are added', async () => {
    const ckpt = join(work, 'w2v.ckpt');
    const first = capture();
    const out = join(work, 'w2v-part.txt');
    expect(
      await runCli([...base, '--epochs', '2', '--checkpoint', ckpt, '--out', out, '--json'], first.io),
      first.err(),
    ).toBe(0);
    const resumed = capture();
    expect(
      await runCli([...base, '--epochs', '3', '--checkpoint', ckpt, '--resume', '--out', out, '--json'], resumed.io),
      resumed.err(),
    ).toBe(0);
    expect(resumed.err()).toMatch(/--resume: continuing from .*w2v\.ckpt \(2 of 3 epochs done\)/);
    const before = JSON.parse(first.out());
    const after = JSON.parse(resumed.out());
    expect(after.epochs).toBe(3);
    expect(after.loss.slice(0, 2)).toEqual(before.loss);
    // The saved options win over flags given again.
    const again = capture();
    expect(
      await runCli(
        [...base, '--size', '16', '--epochs', '4', '--checkpoint', ckpt, '--resume', '--out', out, '--json'],
        again.io,
      ),
    ).toBe(0);
    expect(again.err()).toMatch(
      /--size \(the checkpoint has vectorSize 8\) ignored: the checkpoint's saved options are used/,
    );
    expect(resumed.err()).not.toMatch(/ignored/);
    expect(JSON.parse(again.out()).dims).toBe(8);
  });

  it('--resume without a checkpoint file says so; --resume without --checkpoint is a usage error', async () => {
    const c = capture();
    const ckpt = join(work, 'missing.ckpt');
    expect(
      await runCli([...base, '--epochs', '1', '--checkpoint', ckpt, '--resume', '--out', join(work, 'w.txt')], c.io),
    ).toBe(0);
    expect(c.err()).toMatch(/--resume: no checkpoint at .*missing\.ckpt \(nothing to resume\)/);
    const u = capture();
    expect(await runCli([...base, '--resume', '--out', join(work, 'w.txt')], u.io)).toBe(2);
    expect(u.err()).toMatch(/--resume needs --checkpoint/);
  });

  it('writes the vectors to stdout with --out -, and keeps --output as a deprecated alias', async () => {
    const c = capture();
    expect(await runCli([...base, '--epochs', '1', '--out', '-'], c.io), c.err()).toBe(0);
    expect(c.out()).toMatch(/^\d+ 8\n/);
    const old = capture();
    const file = join(work, 'alias.txt');
    expect(await runCli([...base, '--epochs', '1', '--output', file], old.io), old.err()).toBe(0);
    expect(old.err()).toMatch(/--output is deprecated; use --out/);
    expect(readFileSync(file, 'utf8')).toBe(c.out());
    // The corpus and the vectors can come from stdin too.
    const piped = capture();
    const args = ['word2vec', 'train', '--input', '-', ...base.slice(4), '--epochs', '1', '--out', '-'];
    expect(await runCli(args, { ...piped.io, stdin: Readable.from([readFileSync(corpus)]) }), piped.err()).toBe(0);
    expect(piped.out()).toBe(c.out());
    const similar = capture();
    const word = c.out().split('\n')[1]!.split(' ')[0]!;
    expect(
      await runCli(['word2vec', 'similar', '--vectors', '-', word, '--topn', '2', '--json'], {
        ...similar.io,
        stdin: Readable.from([Buffer.from(c.out())]),
      }),
      similar.err(),
    ).toBe(0);
    expect(JSON.parse(similar.out()).result).toHaveLength(2);
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
    // ROC and precision-recall curves, one per class against the rest, from the same inference pass.
    expect(result.figures).toEqual(
      expect.arrayContaining([join(gruDir, 'roc-curve.svg'), join(gruDir, 'precision-recall-curve.svg')]),
    );
    const roc = readFileSync(join(gruDir, 'roc-curve.svg'), 'utf8');
    for (const label of ['negative', 'neutral', 'positive']) expect(roc).toContain(label);
  });

  it('prints the report and confusion matrix on stdout (so `evaluate > report.txt` keeps them)', async () => {
    const c = capture();
    expect(await runCli(['evaluate', '--model', logregDir, '--data', validFile, '--no-figures'], c.io)).toBe(0);
    expect(c.out()).toMatch(/precision\s+recall\s+f1-score\s+support/);
    expect(c.out()).toMatch(/Confusion matrix/);
    expect(c.err()).not.toMatch(/precision/);
  });

  it('reads the labelled data from stdin with --data -', async () => {
    const c = capture();
    const stdin = Readable.from([readFileSync(validFile)]);
    expect(
      await runCli(['evaluate', '--model', logregDir, '--data', '-', '--no-figures', '--json'], { ...c.io, stdin }),
    ).toBe(0);
    const fromFile = capture();
    expect(
      await runCli(['evaluate', '--model', logregDir, '--data', validFile, '--no-figures', '--json'], fromFile.io),
    ).toBe(0);
    const a = JSON.parse(c.out());
    const b = JSON.parse(fromFile.out());
    expect(a.size).toBe(126);
    expect(a.confusionMatrix).toEqual(b.confusionMatrix);
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

  it('rejects a malformed JSONL line instead of predicting the raw JSON (exit 1, file and line named)', async () => {
    const bad = join(work, 'bad.jsonl');
    writeFileSync(bad, '{"text": "bagus sekali"}\n{"text": "rusak\n{"text": "jelek"}\n');
    for (const extra of [[], ['--input-format', 'jsonl']]) {
      const c = capture();
      expect(await runCli(['predict', '--model', logregDir, '--data', bad, ...extra], c.io)).toBe(1);
      expect(c.err()).toMatch(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line 2: not valid JSON`));
      expect(c.out()).not.toMatch(/rusak/);
    }
  });

  it('rejects a TSV with invalid UTF-8 instead of predicting it as lines (exit 1, line named)', async () => {
    const bad = join(work, 'latin1.tsv');
    writeFileSync(
      bad,
      Buffer.concat([
        Buffer.from('bagus sekali\tpositive\nenak caf'),
        Buffer.from([0xe9]),
        Buffer.from('\tpositive\n'),
      ]),
    );
    const c = capture();
    expect(await runCli(['predict', '--model', logregDir, '--data', bad], c.io)).toBe(1);
    expect(c.err()).toMatch(/latin1\.tsv is not valid UTF-8 .*line 2/);
    expect(c.out()).toBe('');
  });

  it('reads a texts-only CSV/JSONL (no label column) and JSON strings', async () => {
    const csv = join(work, 'texts.csv');
    writeFileSync(csv, 'id,review\n1,"bagus, cepat"\n2,jelek sekali\n');
    const c = capture();
    expect(await runCli(['predict', '--model', logregDir, '--data', csv, '--format', 'jsonl'], c.io), c.err()).toBe(0);
    expect(
      c
        .out()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).text),
    ).toEqual(['bagus, cepat', 'jelek sekali']);
    const jsonl = join(work, 'texts.jsonl');
    writeFileSync(jsonl, '{"content": "mantap"}\n"lumayan"\n');
    const j = capture();
    expect(await runCli(['predict', '--model', logregDir, '--data', jsonl, '--format', 'jsonl'], j.io), j.err()).toBe(
      0,
    );
    expect(
      j
        .out()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).text),
    ).toEqual(['mantap', 'lumayan']);
  });

  it('stdin: the byte-order mark is removed, invalid UTF-8 is an error, JSONL is read with --input-format jsonl', async () => {
    const bom = capture();
    const withBom = Readable.from([Buffer.from('\ufeffbagus sekali\r\njelek\n', 'utf8')]);
    expect(await runCli(['predict', '--model', logregDir, '--format', 'jsonl'], { ...bom.io, stdin: withBom })).toBe(0);
    expect(
      bom
        .out()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).text),
    ).toEqual(['bagus sekali', 'jelek']);
    const bad = capture();
    const latin1 = Readable.from([Buffer.from('bagus\n'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])]);
    expect(await runCli(['predict', '--model', logregDir, '--data', '-'], { ...bad.io, stdin: latin1 })).toBe(1);
    expect(bad.err()).toMatch(/stdin, line 2: not valid UTF-8/);
    const j = capture();
    const lines = Readable.from([Buffer.from('{"text": "mantap"}\n{"text": "buruk"}\n')]);
    expect(
      await runCli(['predict', '--model', logregDir, '--input-format', 'jsonl', '--format', 'jsonl'], {
        ...j.io,
        stdin: lines,
      }),
    ).toBe(0);
    expect(
      j
        .out()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).text),
    ).toEqual(['mantap', 'buruk']);
  });

  it('rejects an unknown input format and a bad --batch-size as usage errors (exit 2)', async () => {
    const f = capture();
    expect(await runCli(['predict', '--model', logregDir, '--input-format', 'xml'], f.io)).toBe(2);
    expect(f.err()).toMatch(/--input-format expects one of auto, lines, jsonl/);
    const b = capture();
    expect(await runCli(['predict', '--model', logregDir, '--batch-size', '-5'], b.io)).toBe(2);
    expect(b.err()).toMatch(/--batch-size expects an integer >= 1, got "-5"/);
  });

  it('rejects an unknown output format', async () => {
    const c = capture();
    expect(await runCli(['predict', '--model', gruDir, '--format', 'xml'], c.io)).toBe(2);
    expect(c.err()).toMatch(/--format expects tsv or jsonl/);
  });
});
