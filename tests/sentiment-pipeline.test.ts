import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSentimentPipeline } from '../src/index.js';
import { EnsembleClassifier, LexiconSentimentAnalyzer, pretrainedModelPath, readDataset } from '../src/text/index.js';
import { LogisticRegressionClassifier } from '../src/text/models/classic/logistic-regression.js';
import { readSmsaFixture } from './conformance/classifier-conformance.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/data/smsa-sample.tsv', import.meta.url));
let dir: string;
let model: LogisticRegressionClassifier;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ulasan-facade-'));
  const data = await readDataset(FIXTURE);
  model = new LogisticRegressionClassifier({ C: 10 });
  await model.fit(data.texts, data.labels);
  await model.save(join(dir, 'model'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function* lines(texts: string[]): AsyncGenerator<string> {
  for (const t of texts) yield t;
}

describe('createSentimentPipeline with the shipped model', () => {
  // 126 reviews cut from SmSA valid, which the shipped model never trained on.
  const valid = readSmsaFixture('smsa-valid-sample.tsv');

  it('loads the shipped Indonesian model when called with no arguments', async () => {
    const classify = await createSentimentPipeline();
    expect(classify.classifier).toBeInstanceOf(EnsembleClassifier);
    expect([...classify.classifier.classes]).toEqual(['negative', 'neutral', 'positive']);
    expect(pretrainedModelPath()).toMatch(/resources[\\/]models[\\/]sentiment-id$/);
    const [p] = await classify(['barangnya bagus banget']);
    expect(p!.label).toBe('positive');
    // Shared across calls: loaded once per process.
    expect((await createSentimentPipeline()).classifier).toBe(classify.classifier);
  });

  it('classifies real SmSA valid reviews above the floor (macro-F1 on the whole valid split is 0.856)', async () => {
    const classify = await createSentimentPipeline();
    const predictions = await classify(valid.texts);
    const accuracy = predictions.filter((p, i) => p.label === valid.labels[i]).length / valid.texts.length;
    expect(accuracy).toBeGreaterThan(0.78); // 0.833 on this sample
    const report = await classify.classifier.evaluate(valid.texts, valid.labels);
    expect(report.macroF1).toBeGreaterThan(0.72); // 0.804 on this sample
  });

  it('gives every class with allScores, and streams an async iterable in order', async () => {
    const classify = await createSentimentPipeline({ allScores: true, batchSize: 4 });
    const texts = valid.texts.slice(0, 10);
    const direct = await classify(texts);
    expect(Object.keys(direct[0]!.scores!).sort()).toEqual(['negative', 'neutral', 'positive']);
    const streamed = [];
    for await (const p of classify(lines(texts))) streamed.push(p);
    expect(streamed).toEqual(direct);
    const one = await classify(texts[0]!);
    expect(one).toEqual(direct[0]);
  });
});

describe('createSentimentPipeline on several threads', () => {
  const valid = readSmsaFixture('smsa-valid-sample.tsv');

  it('labels the batches of a saved classic model on 2 threads with the same predictions as on one', async () => {
    const one = await createSentimentPipeline({
      model: join(dir, 'model'),
      threads: 1,
      batchSize: 16,
      allScores: true,
    });
    const two = await createSentimentPipeline({
      model: join(dir, 'model'),
      threads: 2,
      batchSize: 16,
      allScores: true,
    });
    const expected = await one(valid.texts);
    expect(await two(valid.texts)).toEqual(expected);
    const streamed = [];
    for await (const p of two(lines(valid.texts))) streamed.push(p);
    expect(streamed).toEqual(expected);
    // the shipped model too (a directory inside the package)
    const shipped = await createSentimentPipeline({ threads: 2, batchSize: 32 });
    const shippedOne = await createSentimentPipeline({ threads: 1, batchSize: 32 });
    expect(await shipped(valid.texts)).toEqual(await shippedOne(valid.texts));
    await expect(createSentimentPipeline({ threads: 0 })).rejects.toThrow(/threads must be a whole number/);
  }, 60_000);
});

describe('createSentimentPipeline with lexicons (no training)', () => {
  it("uses VADER's English lexicon for language: 'en'", async () => {
    const classify = await createSentimentPipeline({ language: 'en', allScores: true });
    expect(classify.classifier).toBeInstanceOf(LexiconSentimentAnalyzer);
    expect((await classify('The food was great and the staff were lovely!')).label).toBe('positive');
    expect((await classify('Terrible service, the worst meal I ever had.')).label).toBe('negative');
  });

  it("uses the Indonesian lexicon for model: 'lexicon', without fit()", async () => {
    const classify = await createSentimentPipeline({ model: 'lexicon' });
    expect(classify.classifier).toBeInstanceOf(LexiconSentimentAnalyzer);
    const reference = new LexiconSentimentAnalyzer({ language: 'id' });
    const texts = readSmsaFixture('smsa-valid-sample.tsv').texts.slice(0, 20);
    expect((await classify(texts)).map((p) => p.label)).toEqual(reference.label(texts));
  });
});

describe('createSentimentPipeline with your own model', () => {
  it('loads a saved model directory and classifies like the model itself', async () => {
    const classify = await createSentimentPipeline({ model: join(dir, 'model'), backend: 'cpu' });
    const texts = ['pengirimannya cepat , barang bagus', 'pelayanan nya buruk dan lama sekali', 'rapat dimulai jam 10'];
    const results = await classify(texts);
    expect(results).toHaveLength(3);
    const expected = await model.predictProba(texts);
    results.forEach((r, i) => {
      expect(r.label).toBe(model.classes[expected[i]!.indexOf(Math.max(...expected[i]!))]);
      expect(r.score).toBeCloseTo(Math.max(...expected[i]!), 12);
    });
    const one = await classify('makanan nya enak sekali');
    expect(one.label).toBeTypeOf('string');
    expect(one.scores).toBeUndefined();
  });

  it('returns every class score when asked, in small batches', async () => {
    const classify = await createSentimentPipeline({ model, allScores: true, batchSize: 1 });
    const [r] = await classify(['aplikasi nya bagus']);
    expect(Object.keys(r!.scores!).sort()).toEqual([...model.classes].map(String).sort());
    expect(Object.values(r!.scores!).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
    expect(classify.classifier).toBe(model);
  });

  it('names bad input', async () => {
    await expect(createSentimentPipeline({ model: 42 } as never)).rejects.toThrow(/saved model directory/);
    await expect(createSentimentPipeline({ language: 'fr' } as never)).rejects.toThrow(/language/);
    await expect(createSentimentPipeline({ model, batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(createSentimentPipeline({ model: join(dir, 'nope') })).rejects.toThrow(/nope/);
    const classify = await createSentimentPipeline({ model });
    await expect(classify(42 as never)).rejects.toThrow(/async iterable/);
  });
});
