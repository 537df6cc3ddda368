import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Classifier, Label } from '../../src/core/classifier.js';
import { readDataset } from '../../src/data/index.js';
import { UlasanError } from '../../src/internal/errors.js';
import { Random } from '../../src/internal/random.js';
import { type IterationLog, selfTrain } from '../../src/ssl/self-training.js';
import { NaiveBayesClassifier } from '../../src/text/models/classic/naive-bayes.js';

const SMSA = fileURLToPath(new URL('../../../shared/data/smsa/', import.meta.url));

// Seed 003's design on real SmSA positive/negative reviews: a small labeled part, a pool with
// hidden labels (evaluation mode), and held-out validation reviews.
let labeled: { inputs: string[]; labels: Label[] };
let pool: { inputs: string[]; labels: Label[] };
let validation: { inputs: string[]; labels: Label[] };
let dir: string;

beforeAll(async () => {
  const train = await readDataset(join(SMSA, 'train_preprocess.tsv'), { format: 'smsa' });
  const valid = await readDataset(join(SMSA, 'valid_preprocess.tsv'), { format: 'smsa' });
  const keep = (l: Label) => l === 'positive' || l === 'negative';
  const idx = new Random(7)
    .permutation(train.texts.length)
    .filter((i) => keep(train.labels[i]!))
    .slice(0, 1500);
  labeled = {
    inputs: idx.slice(0, 300).map((i) => train.texts[i]!),
    labels: idx.slice(0, 300).map((i) => train.labels[i]!),
  };
  pool = { inputs: idx.slice(300).map((i) => train.texts[i]!), labels: idx.slice(300).map((i) => train.labels[i]!) };
  const v = valid.texts.map((_, i) => i).filter((i) => keep(valid.labels[i]!));
  validation = { inputs: v.map((i) => valid.texts[i]!), labels: v.map((i) => valid.labels[i]!) };
  dir = await mkdtemp(join(tmpdir(), 'ulasan-ssl-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const nb = () => new NaiveBayesClassifier({ alpha: 0.5 });

describe('selfTrain on SmSA positive/negative with naive Bayes', () => {
  it("labels the pool well above the seeds' 0.64 and keeps a consistent log", async () => {
    const result = await selfTrain({
      classifier: nb(),
      labeled,
      unlabeled: pool,
      validation,
      threshold: 0.8,
      balance: true,
      maxIterations: 4,
    });
    expect(result.pseudoLabels.length).toBeGreaterThan(100);
    // Observed 0.825 with this seed; the seeds' LSTM/GRU labelers reached 0.60–0.64.
    expect(result.labelingAccuracy).toBeGreaterThan(0.75);
    const selected = result.log.reduce((s, e) => s + e.selected, 0);
    expect(selected).toBe(result.pseudoLabels.length);
    expect(result.remaining.length + result.pseudoLabels.length).toBe(pool.inputs.length);
    for (const p of result.pseudoLabels) {
      expect(p.confidence).toBeGreaterThanOrEqual(result.log[p.iteration - 1]!.threshold);
    }
    // Iteration logs chain: each pool starts where the last ended.
    for (let i = 1; i < result.log.length; i++) expect(result.log[i]!.poolBefore).toBe(result.log[i - 1]!.poolAfter);
    expect(result.log[0]!.labeling?.confusionMatrix).toHaveLength(2);
    expect(result.validation?.macroF1).toBeGreaterThan(0.7);
    // The histogram covers the whole pool before selection.
    expect(result.log[0]!.confidenceHistogram.reduce((s, v) => s + v, 0)).toBe(pool.inputs.length);
  });

  it("'stop' ends when nothing passes; 'exhaust' labels the whole pool", async () => {
    const stopped = await selfTrain({ classifier: nb(), labeled, unlabeled: pool, threshold: 1, termination: 'stop' });
    // NB gives some reviews probability 1 in float64 only rarely; whatever passed, the loop must end by 'nothing-passed'.
    expect(stopped.stoppedBecause).toBe('nothing-passed');

    const exhausted = await selfTrain({
      classifier: nb(),
      labeled,
      unlabeled: { inputs: pool.inputs.slice(0, 300) },
      threshold: 0.999999,
      termination: 'exhaust',
      minThreshold: 0.99,
      fallbackTopK: 100,
      maxIterations: 50,
    });
    expect(exhausted.stoppedBecause).toBe('exhausted');
    expect(exhausted.remaining).toEqual([]);
    expect(exhausted.pseudoLabels).toHaveLength(300);
    expect(exhausted.log.some((e) => e.fallback)).toBe(true);
    // With balanced quotas a budget of one goes to the majority class; the pool must still empty
    // when the remaining samples are all predicted as the minority class.
    const balanced = await selfTrain({
      classifier: nb(),
      labeled,
      unlabeled: { inputs: pool.inputs.slice(0, 40) },
      threshold: 0.999999,
      termination: 'exhaust',
      minThreshold: 0.99,
      fallbackTopK: 1,
      balance: true,
      maxIterations: 200,
    });
    expect(balanced.stoppedBecause).toBe('exhausted');
    expect(balanced.remaining).toEqual([]);
    // Thresholds never go below the floor.
    expect(Math.min(...exhausted.log.map((e) => e.threshold))).toBeGreaterThanOrEqual(0.99);
    // Without hidden labels there is no labeling report but there is a label distribution.
    expect(exhausted.log[0]!.labeling).toBeUndefined();
    expect(exhausted.labelingAccuracy).toBeUndefined();
  });

  it('class-balanced quotas follow the labeled prior', async () => {
    const r = await selfTrain({
      classifier: nb(),
      labeled,
      unlabeled: pool,
      threshold: 0.6,
      balance: true,
      topK: 100,
      maxIterations: 1,
    });
    // Both classes have more than their quota of candidates above 0.6, so the quotas are filled exactly.
    expect(r.log[0]!.selected).toBe(100);
    const counts = labeled.labels.reduce<Record<string, number>>(
      (m, l) => ({ ...m, [l]: (m[l as string] ?? 0) + 1 }),
      {},
    );
    const first = r.log[0]!.labelDistribution;
    const share = (first.positive ?? 0) / r.log[0]!.selected;
    expect(Math.abs(share - counts.positive! / labeled.labels.length)).toBeLessThan(0.01);
  });

  it('resumes after an interruption and ends where an uninterrupted run ends', async () => {
    const options = { labeled, unlabeled: pool, threshold: 0.95, maxIterations: 4, topK: 150 };
    const reference = await selfTrain({ classifier: nb(), ...options });

    const checkpointDir = join(dir, 'resume');
    const controller = new AbortController();
    await expect(
      selfTrain({
        classifier: nb(),
        ...options,
        checkpointDir,
        signal: controller.signal,
        onIteration: (e: IterationLog) => {
          if (e.iteration === 2) controller.abort();
        },
      }),
    ).rejects.toSatisfy((e: unknown) => UlasanError.isInstance(e) && e.code === 'ABORTED');
    const saved = JSON.parse(await readFile(join(checkpointDir, 'ssl-state.json'), 'utf8'));
    expect(saved.iteration).toBe(2);

    const resumed = await selfTrain({ classifier: nb(), ...options, checkpointDir });
    expect(resumed.pseudoLabels).toEqual(reference.pseudoLabels);
    expect(resumed.log.map((e) => e.selected)).toEqual(reference.log.map((e) => e.selected));

    // A different configuration refuses the same state file.
    await expect(selfTrain({ classifier: nb(), ...options, threshold: 0.8, checkpointDir })).rejects.toThrow(
      /different self-training run/,
    );
  });
});

describe('selfTrain bad input', () => {
  const base = () => ({ classifier: nb(), labeled, unlabeled: pool });

  it('names each problem', async () => {
    await expect(selfTrain({ ...base(), unlabeled: { inputs: [] } })).rejects.toThrow(/unlabeled pool is empty/);
    await expect(
      selfTrain({
        ...base(),
        labeled: { inputs: labeled.inputs.slice(0, 5), labels: labeled.labels.slice(0, 5).map(() => 'positive') },
      }),
    ).rejects.toThrow(/only one class/);
    await expect(selfTrain({ ...base(), validation: { inputs: ['x'], labels: ['neutral'] } })).rejects.toThrow(
      /missing from the labeled data: neutral/,
    );
    await expect(selfTrain({ ...base(), threshold: 0 })).rejects.toThrow(/threshold must be in \(0, 1\]/);
    await expect(selfTrain({ ...base(), threshold: 1.5 })).rejects.toThrow(/threshold must be in \(0, 1\]/);
    const noProba = { classes: [], fit: async () => noProba, predict: async () => [] } as unknown as Classifier<string>;
    await expect(selfTrain({ ...base(), classifier: noProba })).rejects.toThrow(/no predictProba/);
  });

  it('rejects probabilities that are NaN or do not sum to one', async () => {
    const real = nb();
    const broken: Classifier<string> = {
      get classes() {
        return real.classes;
      },
      fit: async (x, y, o) => {
        await real.fit(x, y, o);
        return broken;
      },
      predict: (x) => real.predict(x),
      predictProba: async (x) => (await real.predictProba(x)).map((r, i) => (i === 3 ? r.map(() => Number.NaN) : r)),
    };
    await expect(selfTrain({ ...base(), classifier: broken })).rejects.toThrow(/row 3 contains NaN/);
  });
});
