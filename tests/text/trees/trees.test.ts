import { describe, expect, it } from 'vitest';
import { createTextClassifier } from '../../../src/text/models/registry.js';
import { WhitespacePipeline } from '../../../src/text/models/text-classifier.js';
import { binMatrix } from '../../../src/text/models/trees/hist-tree.js';
import { GradientBoostingClassifier, RandomForestClassifier } from '../../../src/text/models/trees/index.js';
import { resolveMaxFeatures } from '../../../src/text/models/trees/random-forest.js';
import { SparseMatrix } from '../../../src/text/vectorize/sparse-matrix.js';
import { readSmsaFixture, runClassifierConformance } from '../../conformance/classifier-conformance.js';

const small = { featureSelection: { method: 'chi2' as const, k: 500 } };
runClassifierConformance(
  'RandomForestClassifier',
  (seed) => new RandomForestClassifier({ seed, nEstimators: 15, ...small }),
  {
    minAccuracy: 0.55,
  },
);
runClassifierConformance(
  'GradientBoostingClassifier',
  (seed) => new GradientBoostingClassifier({ seed, nEstimators: 15, numLeaves: 8, minChildSamples: 5, ...small }),
  { minAccuracy: 0.55 },
);

describe('tree internals', () => {
  it('bins non-zero values into at most maxBins quantile bins, zero stays bin 0', () => {
    const X = SparseMatrix.fromDense([
      [0, 1],
      [2, 3],
      [4, 0],
      [6, 5],
      [8, 7],
    ]);
    const b = binMatrix(X, 2);
    expect(Array.from(b.nbins)).toEqual([2, 2]);
    expect(b.bins.every((v) => v >= 1 && v <= 2)).toBe(true);
    expect(() => binMatrix(SparseMatrix.fromDense([[-1]]), 4)).toThrow(/non-negative/);
  });

  it('resolves max features like scikit-learn', () => {
    expect(resolveMaxFeatures('sqrt', 10000)).toBe(100);
    expect(resolveMaxFeatures(0.5, 10)).toBe(5);
    expect(() => resolveMaxFeatures(-2, 10)).toThrow(/maxFeatures/);
  });

  it('gbdt early stopping keeps the best round and records the history', async () => {
    const train = readSmsaFixture('smsa-sample.tsv');
    const valid = readSmsaFixture('smsa-valid-sample.tsv');
    const m = new GradientBoostingClassifier({
      pipeline: new WhitespacePipeline(),
      nEstimators: 60,
      learningRate: 0.5,
      numLeaves: 8,
      minChildSamples: 5,
      earlyStoppingRounds: 3,
      ...small,
    });
    await m.fit(train.texts, train.labels, { validation: { inputs: valid.texts, labels: valid.labels } });
    expect(m.history!.length).toBeLessThan(60);
    expect(m.bestIteration).toBe(m.history!.length - 3);
    const losses = m.history!.map((h) => h.valLoss!);
    expect(Math.min(...losses)).toBe(losses[m.bestIteration - 1]);
  }, 30_000);

  it('is registered as kinds random-forest and gbdt', async () => {
    expect((await createTextClassifier({ model: 'random-forest' })).kind).toBe('random-forest');
    expect((await createTextClassifier({ model: 'gbdt' })).kind).toBe('gbdt');
  });
});
