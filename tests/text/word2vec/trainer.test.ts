import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UlasanError } from '../../../src/internal/errors.js';
import type { ProgressEvent } from '../../../src/internal/progress.js';
import {
  trainWord2Vec,
  WORD2VEC_DEFAULTS,
  WORD2VEC_PRESETS,
  Word2VecTrainer,
  WordVectors,
} from '../../../src/text/index.js';
import { fileCache } from '../../../src/text/word2vec/trainer.js';
import { huffmanTree } from '../../../src/text/word2vec/vocab.js';
import { realCorpus, smsaSentences } from './real-corpus.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'ulasan-w2v-'));
const small = smsaSentences(1500);
const SMALL = { vectorSize: 24, minCount: 3, epochs: 3, threads: 1, seed: 11 } as const;

async function rejectsWith(promise: Promise<unknown>, code: string, pattern: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(UlasanError.isInstance(error), `expected an UlasanError, got ${String(error)}`).toBe(true);
  expect((error as UlasanError).code).toBe(code);
  expect((error as Error).message).toMatch(pattern);
}

/** Exact equality of two float arrays without a huge diff on failure. */
function same(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function rank(wv: WordVectors, word: string, neighbour: string): number {
  return wv.mostSimilar(word, [], wv.size).findIndex((r) => r.word === neighbour);
}

describe('Word2VecTrainer on SmSA + EmoT', () => {
  let full: { trainer: Word2VecTrainer; vectors: WordVectors; progress: ProgressEvent[] };

  it('trains CBOW on the real corpus with 2 threads: loss falls and obvious neighbours cluster', async () => {
    const progress: ProgressEvent[] = [];
    const trainer = new Word2VecTrainer({ threads: 2, epochs: 5, seed: 3, vectorSize: 64 });
    const vectors = await trainer.train(realCorpus(), { onProgress: (e) => progress.push(e) });
    full = { trainer, vectors, progress };
    expect(vectors.dims).toBe(64);
    expect(vectors.size).toBeGreaterThan(5000);
    const losses = trainer.history.map((h) => h.loss);
    expect(losses).toHaveLength(5);
    for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThan(losses[i - 1]!);
    // Negative sampling with 5 noise words starts near 6·ln 2 ≈ 4.16 and must fall well below.
    expect(losses[0]!).toBeLessThan(4.2);
    expect(losses[4]!).toBeLessThan(losses[0]! * 0.85);
    // Taste words sit together; food words sit together; both are far from politics.
    expect(rank(vectors, 'enak', 'lezat')).toBeLessThan(15);
    expect(rank(vectors, 'enak', 'nikmat')).toBeLessThan(15);
    expect(rank(vectors, 'murah', 'terjangkau')).toBeLessThan(10);
    expect(rank(vectors, 'nasi', 'ayam')).toBeLessThan(10);
    expect(rank(vectors, 'bagus', 'keren')).toBeLessThan(15);
    expect(vectors.similarity('enak', 'lezat')).toBeGreaterThan(vectors.similarity('enak', 'presiden') + 0.2);
    expect(vectors.similarity('nasi', 'ayam')).toBeGreaterThan(vectors.similarity('nasi', 'pemerintah') + 0.2);
    expect(vectors.doesntMatch(['enak', 'lezat', 'nikmat', 'presiden'])).toBe('presiden');
  });

  it('reports progress with words/s, alpha, ETA, epoch and loss', () => {
    const last = full.progress[full.progress.length - 1]!;
    expect(full.progress.length).toBeGreaterThan(3);
    expect(last.task).toBe('word2vec');
    expect(last.done).toBe(last.total);
    expect(last.info?.epoch).toBe(5);
    expect(last.info?.['words/s']).toBeGreaterThan(0);
    expect(last.info?.alpha).toBeCloseTo(WORD2VEC_DEFAULTS.minAlpha, 3);
    expect(typeof last.info?.loss).toBe('number');
    const mid = full.progress.find((e) => e.etaSeconds !== undefined && e.done < e.total!);
    expect(mid?.etaSeconds).toBeGreaterThan(0);
    const alphas = full.progress.map((e) => e.info?.alpha as number);
    for (let i = 1; i < alphas.length; i++) expect(alphas[i]!).toBeLessThanOrEqual(alphas[i - 1]! + 1e-12);
    // Every in-vocabulary token of every epoch was trained.
    expect(full.trainer.history.every((h) => h.words === full.trainer.history[0]!.words)).toBe(true);
  });
});

describe('Word2VecTrainer determinism, inputs and resume', () => {
  it('is deterministic with threads: 1 and a seed, and the seed matters', async () => {
    const a = await trainWord2Vec(small, SMALL);
    const b = await trainWord2Vec(small, SMALL);
    const c = await trainWord2Vec(small, { ...SMALL, seed: 12 });
    expect(b.words).toEqual(a.words);
    expect(same(b.vectors, a.vectors)).toBe(true);
    expect(same(c.vectors, a.vectors)).toBe(false);
  });

  it('gives identical vectors from arrays, lines, a one-shot async generator, a file and a source function', async () => {
    // ~100k tokens: the in-memory cache spans several chunks, and jobs must still be cut alike.
    const medium = smsaSentences(3000);
    const options = { ...SMALL, epochs: 2 };
    const dir = tmp();
    const file = join(dir, 'corpus.txt');
    writeFileSync(file, `${medium.map((s) => s.join(' ')).join('\n')}\n`);
    const ref = await trainWord2Vec(medium, options);
    async function* oneShot() {
      for (const s of medium) yield s;
    }
    const inputs = [medium.map((s) => s.join(' ')), oneShot(), file, new URL(`file://${file}`), () => medium];
    for (const input of inputs) {
      const wv = await trainWord2Vec(input, options);
      expect(wv.words).toEqual(ref.words);
      expect(same(wv.vectors, ref.vectors)).toBe(true);
    }
    // A file above the in-memory limit is streamed on every epoch instead (a worker reads ahead),
    // and trains alike.
    const limit = fileCache.maxTokens;
    fileCache.maxTokens = 1000;
    try {
      const streamed = await trainWord2Vec(file, options);
      expect(same(streamed.vectors, ref.vectors)).toBe(true);
    } finally {
      fileCache.maxTokens = limit;
    }
  });

  it('trains skip-gram with hierarchical softmax, and both output layers together', async () => {
    for (const options of [
      { sg: 1, hs: 1, negative: 0 },
      { sg: 0, hs: 1, negative: 3, cbowMean: 0 },
      { sg: 1, negative: 5, sample: 0 },
    ] as const) {
      const trainer = new Word2VecTrainer({ ...SMALL, epochs: 4, ...options });
      const wv = await trainer.train(small);
      const losses = trainer.history.map((h) => h.loss);
      expect(losses[3]!, JSON.stringify(options)).toBeLessThan(losses[0]!);
      expect(Number.isFinite(losses[3]!)).toBe(true);
      expect(wv.vectors.every(Number.isFinite)).toBe(true);
    }
  });

  it('reports the exact log-loss: at zero output weights it is ln 2 per binary decision', async () => {
    // With a learning rate of ~0 the output weights stay 0, so every decision has sigma(0) = 1/2.
    const frozen = { ...SMALL, epochs: 1, alpha: 1e-12, minAlpha: 1e-12, sample: 0 };
    const ns = new Word2VecTrainer({ ...frozen, negative: 5 });
    await ns.train(small);
    // 1 positive + 5 negatives, minus the rare negatives that hit the centre word and are skipped.
    expect(ns.history[0]!.loss).toBeLessThanOrEqual(6 * Math.LN2 + 1e-6);
    expect(ns.history[0]!.loss).toBeGreaterThan(6 * Math.LN2 * 0.97);
    // Hierarchical softmax: one decision per inner node on the word's Huffman path.
    const hs = new Word2VecTrainer({ ...frozen, hs: 1, negative: 0 });
    const wv = await hs.train(small);
    const counts = Float64Array.from(wv.words, (w) => wv.count(w)!);
    const tree = huffmanTree(counts);
    let decisions = 0;
    let predictions = 0;
    const index = new Map(wv.words.map((w, i) => [w, i]));
    for (const sentence of small) {
      const ids = sentence.map((w) => index.get(w)).filter((i) => i !== undefined) as number[];
      if (ids.length < 2) continue; // a lone word has no context to predict it from
      for (const i of ids) decisions += tree.offsets[i + 1]! - tree.offsets[i]!;
      predictions += ids.length;
    }
    expect(hs.history[0]!.predictions).toBe(predictions);
    expect(hs.history[0]!.loss).toBeCloseTo((decisions / predictions) * Math.LN2, 4);
  });

  it('checkpoints every epoch and resumes to exactly the uninterrupted result', async () => {
    const dir = tmp();
    const options = { ...SMALL, epochs: 4, hs: 1 as const };
    const uninterrupted = await trainWord2Vec(small, options);
    const controller = new AbortController();
    const first = new Word2VecTrainer(options);
    await rejectsWith(
      first.train(small, {
        checkpoint: join(dir, 'state.w2v'),
        signal: controller.signal,
        callbacks: { onEpochEnd: (epoch) => (epoch === 1 ? controller.abort() : undefined) },
      }),
      'ABORTED',
      /cancelled/,
    );
    // A checkpoint also loads as plain vectors.
    const partial = await WordVectors.load(join(dir, 'state.w2v'));
    expect(partial.size).toBe(uninterrupted.size);
    const resumed = await Word2VecTrainer.resume(join(dir, 'state.w2v'));
    expect(resumed.epochsDone).toBe(2);
    expect(resumed.history).toHaveLength(2);
    // Before training, a resumed state's weights stay in its file: read on demand, and refused
    // once the file changed.
    expect(same(resumed.vectors!.vectors, partial.vectors)).toBe(true);
    await resumed.save(join(dir, 'copy.w2v'));
    const copy = await Word2VecTrainer.resume(join(dir, 'copy.w2v'));
    writeFileSync(join(dir, 'copy.w2v'), 'replaced');
    await rejectsWith(copy.train(small), 'FILE_FORMAT', /changed after it was loaded/);
    const vectors = await resumed.train(small);
    expect(resumed.history).toHaveLength(4);
    expect(same(vectors.vectors, uninterrupted.vectors)).toBe(true);
    // A finished trainer saves its state; resuming with more epochs trains further.
    await resumed.save(join(dir, 'done.w2v'));
    const more = await Word2VecTrainer.resume(join(dir, 'done.w2v'), { epochs: 5 });
    const further = await more.train(small);
    expect(more.history).toHaveLength(5);
    expect(same(further.vectors, vectors.vectors)).toBe(false);
  });

  it('honours minCount, maxFinalVocab and maxVocabSize like gensim', async () => {
    const minCount = await trainWord2Vec(small, { ...SMALL, epochs: 1, minCount: 10 });
    const counts = new Map<string, number>();
    for (const s of small) for (const w of s) counts.set(w, (counts.get(w) ?? 0) + 1);
    expect(minCount.size).toBe([...counts.values()].filter((c) => c >= 10).length);
    expect(minCount.count(minCount.words[0]!)).toBe(Math.max(...counts.values()));
    const capped = await trainWord2Vec(small, { ...SMALL, epochs: 1, maxFinalVocab: 100 });
    expect(capped.size).toBeLessThanOrEqual(100);
    expect(capped.size).toBeGreaterThan(50);
    const pruned = await trainWord2Vec(small, { ...SMALL, epochs: 1, maxVocabSize: 500 });
    expect(pruned.size).toBeLessThanOrEqual(500);
    expect(pruned.has('yang')).toBe(true);
    // Empty tokens are dropped rather than becoming an unsavable '' word.
    const gaps = await trainWord2Vec(
      [
        ['enak', '', 'sekali'],
        ['enak', 'sekali', ''],
      ],
      { ...SMALL, minCount: 1, epochs: 1 },
    );
    expect([...gaps.words].sort()).toEqual(['enak', 'sekali']);
    // Long tokens are copied into the vocabulary (so it never pins a file chunk); the copies
    // must be the same strings, lone surrogates included, and count every occurrence.
    const long = ['pengembalian-dana', 'terimakasihbanyak\uD83D', 'ok'];
    const copied = await trainWord2Vec([long, [...long].reverse(), ['ok', 'pengembalian-dana']], {
      ...SMALL,
      minCount: 1,
      epochs: 1,
    });
    expect([...copied.words].sort()).toEqual([...long].sort());
    expect(copied.count('pengembalian-dana')).toBe(3);
    expect(copied.count('terimakasihbanyak\uD83D')).toBe(2);
  });

  it('has the seed-study preset as a one-liner and gensim defaults', () => {
    expect(WORD2VEC_PRESETS.seed003).toMatchObject({ vectorSize: 100, window: 5, minCount: 1, sg: 0, epochs: 120 });
    const t = new Word2VecTrainer(WORD2VEC_PRESETS.seed003);
    expect(t.options).toMatchObject({ negative: 5, sample: 1e-3, alpha: 0.025, minAlpha: 0.0001, hs: 0, cbowMean: 1 });
    expect(t.options.threads).toBeGreaterThanOrEqual(1);
  });
});

describe('Word2VecTrainer bad input', () => {
  it('rejects bad options with clear errors', () => {
    expect(() => new Word2VecTrainer({ threads: 0 })).toThrow(/threads must be >= 1, got 0/);
    expect(() => new Word2VecTrainer({ vectorSize: 1.5 })).toThrow(/vectorSize must be an integer/);
    expect(() => new Word2VecTrainer({ negative: 0, hs: 0 })).toThrow(/negative > 0.*hs: 1/);
    expect(() => new Word2VecTrainer({ vector_size: 10 } as never)).toThrow(
      /Unknown Word2Vec option "vector_size".*vectorSize/,
    );
    expect(() => new Word2VecTrainer({ minAlpha: 0.1 })).toThrow(/minAlpha/);
  });

  it('rejects an empty corpus, a corpus below minCount, bad sentences and bad files', async () => {
    const dir = tmp();
    await rejectsWith(trainWord2Vec([], SMALL), 'INVALID_DATA', /empty: 0 sentences/);
    await rejectsWith(trainWord2Vec([[], []], SMALL), 'INVALID_DATA', /empty: 2 sentences/);
    await rejectsWith(
      trainWord2Vec([['satu', 'dua'], ['tiga']], { ...SMALL, minCount: 5 }),
      'INVALID_DATA',
      /minCount=5.*most frequent occurs 1 times.*Lower minCount/,
    );
    await rejectsWith(trainWord2Vec([['ok', 3 as never]], SMALL), 'INVALID_ARGUMENT', /Sentence 0.*number/);
    await rejectsWith(trainWord2Vec(42 as never, SMALL), 'INVALID_ARGUMENT', /expects a corpus/);
    await rejectsWith(trainWord2Vec(join(dir, 'missing.txt'), SMALL), 'FILE_NOT_FOUND', /missing\.txt/);
    writeFileSync(
      join(dir, 'latin1.txt'),
      Buffer.concat([Buffer.from('enak sekali\nkop'), Buffer.from([0xe9]), Buffer.from(' enak\n')]),
    );
    await rejectsWith(trainWord2Vec(join(dir, 'latin1.txt'), SMALL), 'INVALID_DATA', /not valid UTF-8.*line 2/);
  });

  it('cancels through an AbortSignal and names an unknown word', async () => {
    const controller = new AbortController();
    controller.abort();
    await rejectsWith(trainWord2Vec(small, SMALL, { signal: controller.signal }), 'ABORTED', /cancelled/);
    const late = new AbortController();
    const p = trainWord2Vec(small, { ...SMALL, epochs: 50 }, { signal: late.signal, onProgress: () => late.abort() });
    await rejectsWith(p, 'ABORTED', /cancelled/);
    const wv = await trainWord2Vec(small, { ...SMALL, epochs: 1 });
    expect(() => wv.mostSimilar('xyz')).toThrow(/"xyz" is not in the vocabulary/);
    await expect(new Word2VecTrainer().save(join(tmp(), 'x'))).rejects.toThrow(/call train\(\) first/);
  });
});
