/**
 * The streaming ConfusionMatrix gives the one-shot functions' numbers, however the data is split
 * into batches and workers, and survives JSON.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/internal/random.js';
import {
  accuracyScore,
  balancedAccuracyScore,
  ConfusionMatrix,
  classificationReport,
  cohenKappaScore,
  confusionMatrix,
  matthewsCorrcoef,
  precisionRecallFscoreSupport,
} from '../../src/metrics/index.js';

const LABELS = ['negative', 'neutral', 'positive', 'mixed'];

function problem(seed: number, n: number) {
  const rng = new Random(seed);
  const yTrue: string[] = [];
  const yPred: string[] = [];
  // 'mixed' is rare in yTrue and never predicted, so absent-label rules are exercised.
  for (let i = 0; i < n; i++) {
    const t = rng.next() < 0.03 ? 'mixed' : LABELS[rng.int(3)]!;
    yTrue.push(t);
    yPred.push(rng.next() < 0.6 && t !== 'mixed' ? t : LABELS[rng.int(3)]!);
  }
  const w = Array.from({ length: n }, () => rng.int(4));
  return { yTrue, yPred, w };
}

describe('ConfusionMatrix', () => {
  it('matches the functions over batches, workers and JSON', () => {
    for (const seed of [1, 2, 3]) {
      const { yTrue, yPred } = problem(seed, 500);
      const workers = [new ConfusionMatrix(), new ConfusionMatrix(), new ConfusionMatrix()];
      for (let s = 0, b = 0; s < yTrue.length; s += 37, b++) {
        workers[b % 3]!.update(yTrue.slice(s, s + 37), yPred.slice(s, s + 37));
      }
      const cm = ConfusionMatrix.fromJSON(
        JSON.parse(JSON.stringify(workers[0]!.merge(workers[1]!).merge(workers[2]!))),
      );
      expect(cm.labels).toEqual(['mixed', 'negative', 'neutral', 'positive']);
      expect(cm.toResult()).toEqual(confusionMatrix(yTrue, yPred));
      expect(cm.toResult('true')).toEqual(confusionMatrix(yTrue, yPred, { normalize: 'true' }));
      expect(cm.accuracy()).toBeCloseTo(accuracyScore(yTrue, yPred), 14);
      expect(cm.accuracy({ normalize: false })).toBe(accuracyScore(yTrue, yPred, { normalize: false }));
      const quiet = { onWarning: () => {} };
      for (const average of [null, 'micro', 'macro', 'weighted'] as const) {
        for (const zeroDivision of [0, 1, Number.NaN] as const) {
          expect(
            cm.precisionRecallFscoreSupport({ average: average as never, zeroDivision, beta: 2, ...quiet }),
          ).toEqual(precisionRecallFscoreSupport(yTrue, yPred, { average, zeroDivision, beta: 2, ...quiet }));
        }
      }
      expect(cm.cohenKappa({ weights: 'quadratic' })).toBeCloseTo(
        cohenKappaScore(yTrue, yPred, { weights: 'quadratic' }),
        14,
      );
      expect(cm.matthewsCorrcoef()).toBeCloseTo(matthewsCorrcoef(yTrue, yPred), 14);
      expect(cm.balancedAccuracy({ adjusted: true, ...quiet })).toBeCloseTo(
        balancedAccuracyScore(yTrue, yPred, { adjusted: true, ...quiet }),
        14,
      );
      expect(cm.classificationReport({ digits: 3, ...quiet })).toBe(
        classificationReport(yTrue, yPred, { digits: 3, ...quiet }),
      );
      expect(cm.classificationReport({ labels: ['positive', 'negative'], ...quiet })).toBe(
        classificationReport(yTrue, yPred, { labels: ['positive', 'negative'], ...quiet }),
      );
    }
  });

  it('keeps weighted supports identical to the one-shot report', () => {
    const { yTrue, yPred, w } = problem(9, 300);
    const cm = new ConfusionMatrix(['mixed', 'negative', 'neutral', 'positive'])
      .update(yTrue.slice(0, 150), yPred.slice(0, 150), { sampleWeight: w.slice(0, 150) })
      .update(yTrue.slice(150), yPred.slice(150), { sampleWeight: w.slice(150) });
    const quiet = { onWarning: () => {} };
    expect(cm.classificationReport(quiet)).toBe(classificationReport(yTrue, yPred, { sampleWeight: w, ...quiet }));
  });

  it('derives binary scores like the functions', () => {
    const yTrue = ['neg', 'pos', 'pos', 'neg', 'pos', 'neg', 'neg'];
    const yPred = ['neg', 'pos', 'neg', 'pos', 'pos', 'neg', 'neg'];
    const cm = new ConfusionMatrix().update(yTrue, yPred);
    for (const posLabel of ['neg', 'pos']) {
      for (const beta of [0.5, 1, 2]) {
        expect(cm.precisionRecallFscoreSupport({ average: 'binary', posLabel, beta })).toEqual(
          precisionRecallFscoreSupport(yTrue, yPred, { average: 'binary', posLabel, beta }),
        );
      }
    }
    expect(() => cm.precisionRecallFscoreSupport({ average: 'binary' })).toThrow(/posLabel=1 is not a valid label/);
  });

  it('uses fixed labels in the given order, including absent ones', () => {
    const cm = new ConfusionMatrix(['positive', 'neutral', 'negative']).update(
      ['negative', 'positive'],
      ['negative', 'negative'],
    );
    expect(cm.labels).toEqual(['positive', 'neutral', 'negative']);
    expect(cm.matrix).toEqual([
      [0, 0, 1],
      [0, 0, 0],
      [0, 0, 1],
    ]);
    expect(cm.precisionRecallFscoreSupport({ zeroDivision: 0 }).support).toEqual([1, 0, 1]);
    expect(() => new ConfusionMatrix(['a', 'a'])).toThrow(/unique/);
  });

  it('rejects a merge that would lose labels, and malformed JSON', () => {
    const a = new ConfusionMatrix(['neg', 'pos']);
    const b = new ConfusionMatrix().update(['neg', 'neutral'], ['neg', 'neg']);
    expect(() => a.merge(b)).toThrow(/"neutral"\] that this one/);
    expect(() => ConfusionMatrix.fromJSON({ format: 'other' })).toThrow(/Not a confusion matrix/);
    expect(() => ConfusionMatrix.fromJSON({ ...a.toJSON(), version: 2 })).toThrow(/version 2 is not supported/);
    expect(() => ConfusionMatrix.fromJSON({ ...a.toJSON(), matrix: [[1]] })).toThrow(/malformed/);
  });

  it('stays fast on large streams', () => {
    const { yTrue, yPred } = problem(4, 200_000);
    const t0 = performance.now();
    const cm = new ConfusionMatrix(LABELS);
    for (let s = 0; s < yTrue.length; s += 10_000) cm.update(yTrue.slice(s, s + 10_000), yPred.slice(s, s + 10_000));
    expect(cm.size).toBe(200_000);
    // Loose bound: a behavioural guard against accidental quadratic work, not a benchmark.
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});
