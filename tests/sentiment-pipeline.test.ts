import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSentimentPipeline } from '../src/index.js';
import { readDataset } from '../src/text/index.js';
import { LogisticRegressionClassifier } from '../src/text/models/classic/logistic-regression.js';

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

describe('createSentimentPipeline', () => {
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
    await expect(createSentimentPipeline({} as never)).rejects.toThrow(/saved model directory/);
    await expect(createSentimentPipeline({ model, batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(createSentimentPipeline({ model: join(dir, 'nope') })).rejects.toThrow(/nope/);
  });
});
