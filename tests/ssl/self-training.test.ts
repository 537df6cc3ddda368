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
import { LexiconSentimentAnalyzer } from '../../src/text/lexicon/index.js';
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

  it("balance 'cap' keeps every iteration's class shares at the labeled prior", async () => {
    const share = (d: Record<string, number>, n: number) => (d.positive ?? 0) / n;
    const priorPositive = labeled.labels.filter((l) => l === 'positive').length / labeled.labels.length;
    const capped = await selfTrain({
      classifier: nb(),
      labeled,
      unlabeled: pool,
      threshold: 0.9,
      balance: true,
      termination: 'decay',
      maxIterations: 5,
    });
    expect(capped.balancePolicy).toBe('cap');
    expect(capped.classPrior.positive).toBeCloseTo(priorPositive, 12);
    const taken = capped.log.filter((e) => e.selected > 0);
    expect(taken.length).toBeGreaterThan(1);
    for (const e of taken) {
      // Rounding allows one sample per class off the exact share.
      expect(Math.abs(share(e.labelDistribution, e.selected) - priorPositive)).toBeLessThanOrEqual(
        1 / e.selected + 1e-9,
      );
      // More positives passed than were taken: the majority was capped by the minority's supply.
      expect(e.passing!.positive!).toBeGreaterThanOrEqual(e.labelDistribution.positive ?? 0);
    }
    // The old quotas ('proportional') let the majority swallow the first iteration on the same data.
    const proportional = await selfTrain({
      classifier: nb(),
      labeled,
      unlabeled: pool,
      threshold: 0.9,
      balance: 'proportional',
      maxIterations: 1,
    });
    const first = proportional.log[0]!;
    expect(Math.abs(share(first.labelDistribution, first.selected) - priorPositive)).toBeGreaterThan(
      Math.abs(share(taken[0]!.labelDistribution, taken[0]!.selected) - priorPositive),
    );
    // Per-class labeling accuracy is reported and adds up to the overall accuracy.
    const byClass = capped.labelingByClass!;
    const correct = Object.values(byClass).reduce((s, c) => s + c.correct, 0);
    expect(correct / capped.pseudoLabels.length).toBeCloseTo(capped.labelingAccuracy!, 12);
    expect(taken[0]!.labeling!.byClass!.negative!.assigned).toBe(taken[0]!.labelDistribution.negative ?? 0);
  });

  it("'exhaust' labels the whole pool within maxIterations and says how; 'stop' says why it stopped", async () => {
    const r = await selfTrain({
      classifier: nb(),
      labeled,
      unlabeled: pool,
      threshold: 0.9,
      balance: true,
      termination: 'exhaust',
      maxIterations: 4,
    });
    expect(r.stoppedBecause).toBe('exhausted');
    expect(r.remaining).toEqual([]);
    expect(r.pseudoLabels).toHaveLength(pool.inputs.length);
    expect(r.log).toHaveLength(4);
    expect(r.log[3]!.fallback).toBe(true);
    expect(r.stopDetail).toMatch(/maxIterations \(4\) reached: the remaining \d+ labeled in one sweep/);

    const stopped = await selfTrain({ classifier: nb(), labeled, unlabeled: pool, threshold: 1, termination: 'stop' });
    expect(stopped.stoppedBecause).toBe('nothing-passed');
    expect(stopped.stopDetail).toMatch(/nothing passed confidence >= 1.*left unlabeled.*--until-exhausted/);
    // 'decay' lowers the threshold while iterations take fewer than minSelected, and stops at the floor.
    const decayed = await selfTrain({
      classifier: nb(),
      labeled,
      unlabeled: pool,
      threshold: 0.99,
      termination: 'decay',
      minThreshold: 0.95,
      minSelected: 10_000,
    });
    expect(decayed.log.map((e) => e.threshold)).toEqual([0.99, 0.95]);
    expect(decayed.stoppedBecause).toBe('floor-reached');
    expect(decayed.stopDetail).toMatch(/at the floor minThreshold 0\.95 \(< minSelected 10000\)/);
    expect(decayed.log[0]!.note).toMatch(/threshold lowered to 0\.95/);
  });

  it('seed 001: a lexicon labels the pool first (iteration 0), the loop labels the rest', async () => {
    const lexicon = new LexiconSentimentAnalyzer({ language: 'id' });
    await lexicon.fit(['negative', 'positive'], ['negative', 'positive']);
    const r = await selfTrain({
      classifier: nb(),
      unlabeled: pool,
      validation,
      initialLabeler: { classifier: lexicon, threshold: 0.999, name: 'lexicon' },
      threshold: 0.9,
      balance: true,
      termination: 'exhaust',
      maxIterations: 3,
    });
    const initial = r.pseudoLabels.filter((p) => p.iteration === 0);
    expect(r.log[0]!.iteration).toBe(0);
    expect(r.log[0]!.selected).toBe(initial.length);
    expect(r.initialLabels?.assigned).toBe(initial.length);
    expect(initial.length).toBeGreaterThan(pool.inputs.length / 2);
    // The lexicon's confident labels are right ~9 times in 10 on SmSA pos/neg (measured 0.93).
    expect(r.initialLabels!.accuracy!).toBeGreaterThan(0.85);
    expect(r.remaining).toEqual([]);
    expect(r.labelingAccuracy!).toBeGreaterThan(0.8);
    // Without labeled data the prior is the lexicon's label distribution over the whole pool.
    expect(r.classPrior.negative! + r.classPrior.positive!).toBeCloseTo(1, 12);
    expect(r.validation!.macroF1).toBeGreaterThan(0.7);

    // With human labels too: the lexicon (unfitted) is fitted on them first.
    const both = await selfTrain({
      classifier: nb(),
      labeled,
      unlabeled: { inputs: pool.inputs.slice(0, 300), labels: pool.labels.slice(0, 300) },
      initialLabeler: { classifier: new LexiconSentimentAnalyzer({ language: 'id' }), threshold: 0.999 },
      maxIterations: 1,
    });
    expect(both.initialLabels!.assigned).toBeGreaterThan(0);
    await expect(
      selfTrain({
        classifier: nb(),
        unlabeled: pool,
        initialLabeler: { classifier: new LexiconSentimentAnalyzer({ language: 'id' }) },
      }),
    ).rejects.toThrow(/not fitted and there is no labeled data/);
    await expect(selfTrain({ classifier: nb(), unlabeled: pool } as never)).rejects.toThrow(/or an initialLabeler/);
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
      paramNames: real.paramNames,
      getParams: () => real.getParams(),
      dispose: () => real.dispose(),
    };
    await expect(selfTrain({ ...base(), classifier: broken })).rejects.toThrow(/row 3 contains NaN/);
  });
});
