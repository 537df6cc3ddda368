/**
 * Bad input behaves like scikit-learn (value, warning or error) with messages that name the
 * problem; plus the documented deliberate differences (mixed label types are an error).
 */
import { describe, expect, it } from 'vitest';
import { UlasanError } from '../../src/internal/errors.js';
import {
  accuracyScore,
  balancedAccuracyScore,
  ConfusionMatrix,
  classificationReport,
  cohenKappaScore,
  confusionMatrix,
  f1Score,
  logLoss,
  type MetricWarning,
  matthewsCorrcoef,
  precisionRecallFscoreSupport,
  recallScore,
  rocAucScore,
  topKAccuracyScore,
} from '../../src/metrics/index.js';

function capture() {
  const warnings: MetricWarning[] = [];
  return { warnings, onWarning: (w: MetricWarning) => warnings.push(w) };
}

function thrown(fn: () => unknown): UlasanError {
  try {
    fn();
  } catch (e) {
    expect(UlasanError.isInstance(e)).toBe(true);
    return e as UlasanError;
  }
  throw new Error('expected an error');
}

describe('length mismatch', () => {
  it('names both lengths', () => {
    const e = thrown(() => accuracyScore([1, 2, 3], [1, 2]));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toMatch(/yTrue and yPred must have the same length.*got 3 and 2/);
    expect(() => confusionMatrix(['a'], ['a', 'b'])).toThrow(/same length/);
    expect(() => accuracyScore([1, 2], [1, 2], { sampleWeight: [1] })).toThrow(
      /sampleWeight has 1 values but there are 2 samples/,
    );
    expect(() => logLoss([0, 1], [[0.5, 0.5]])).toThrow(/yTrue and yProb must have the same length/);
  });
});

describe('empty arrays', () => {
  it('gives NaN with a warning where numpy does, and an empty matrix', () => {
    const c = capture();
    expect(accuracyScore([], [], c)).toBeNaN();
    expect(c.warnings[0]!.name).toBe('RuntimeWarning');
    expect(confusionMatrix([], [])).toEqual({ labels: [], matrix: [] });
    expect(confusionMatrix([], [], { labels: ['a', 'b'] }).matrix).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(matthewsCorrcoef([], [])).toBe(0);
    expect(balancedAccuracyScore([], [], { onWarning: () => {} })).toBeNaN();
    expect(cohenKappaScore([], [], { onWarning: () => {} })).toBeNaN();
    expect(precisionRecallFscoreSupport([], [], { average: 'macro' }).fscore).toBeNaN();
  });
  it('refuses to print a report of nothing', () => {
    expect(() => classificationReport([], [])).toThrow(/needs at least one label.*empty/);
  });
});

describe('missing labels', () => {
  it('rejects NaN, undefined and null with the index', () => {
    expect(() => accuracyScore([1, Number.NaN], [1, 2])).toThrow(/yTrue\[1\] is NaN/);
    expect(() => f1Score(['a', 'b'], ['a', undefined as unknown as string], { average: 'macro' })).toThrow(
      /yPred\[1\] is undefined.*Drop or fill missing labels/,
    );
    expect(() => confusionMatrix([null as unknown as string], ['a'])).toThrow(/yTrue\[0\] is null/);
    expect(() => new ConfusionMatrix().update([1], [Number.NaN])).toThrow(/yPred\[0\] is NaN/);
  });
  it('rejects continuous values (probabilities passed as labels)', () => {
    expect(() => accuracyScore([0.5, 1], [1, 1])).toThrow(/numeric labels must be integers.*argmax or a threshold/);
  });
});

describe('mixed label types', () => {
  it('is an error, within and across arrays and options', () => {
    expect(() => accuracyScore(['a', 1], ['a', 1])).toThrow(/mixes label types/);
    expect(() => accuracyScore(['a', 'b'], [1, 2])).toThrow(/Mix of label input types \(string and number\)/);
    expect(() => confusionMatrix(['a', 'b'], ['a', 'b'], { labels: [0, 1] })).toThrow(/Mix of label input types/);
    const cm = new ConfusionMatrix().update(['a'], ['a']);
    expect(() => cm.update([1], [1])).toThrow(/Mix of label input types/);
  });
});

describe('labels that never occur', () => {
  it('scores 0 with an UndefinedMetricWarning naming the cause', () => {
    const c = capture();
    const r = precisionRecallFscoreSupport([0, 1, 2], [0, 1, 1], { labels: [0, 1, 2, 3], ...c });
    expect(r.precision).toEqual([1, 0.5, 0, 0]);
    expect(r.support).toEqual([1, 1, 1, 0]);
    expect(c.warnings.map((w) => w.name)).toContain('UndefinedMetricWarning');
    expect(c.warnings.map((w) => w.message).join('\n')).toMatch(
      /Recall is ill-defined and being set to 0.0 in labels with no true samples/,
    );
    expect(c.warnings.map((w) => w.message).join('\n')).toMatch(/Precision is ill-defined .* no predicted samples/);
  });
  it('is left out of averages with zeroDivision NaN', () => {
    const r = precisionRecallFscoreSupport([0, 1, 2], [0, 1, 1], {
      labels: [0, 1, 2, 3],
      average: 'macro',
      zeroDivision: Number.NaN,
    });
    // recall per label [1, 1, 0, NaN] -> mean of the three defined values
    expect(r.recall).toBeCloseTo(2 / 3, 15);
  });
  it('confusionMatrix needs at least one of labels in yTrue', () => {
    expect(() => confusionMatrix([0, 1, 2], [0, 1, 1], { labels: [5, 6] })).toThrow(
      /At least one label specified must be in yTrue: none of \[5,6\]/,
    );
    expect(confusionMatrix([0, 1, 2], [0, 1, 1], { labels: [2, 6] }).matrix).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(() => confusionMatrix([0], [0], { labels: [] })).toThrow(/at least one label/);
  });
  it('streaming matrix with fixed labels rejects unknown labels and stays unchanged', () => {
    const cm = new ConfusionMatrix(['neg', 'pos']).update(['neg'], ['pos']);
    expect(() => cm.update(['neg', 'neutral'], ['neg', 'neg'])).toThrow(
      /"neutral", which is not one of this ConfusionMatrix's labels/,
    );
    expect(cm.size).toBe(1);
    expect(cm.matrix).toEqual([
      [0, 1],
      [0, 0],
    ]);
  });
});

describe("average 'binary'", () => {
  it('with more than two labels is an error listing the alternatives', () => {
    expect(() => f1Score([0, 1, 2], [0, 1, 1])).toThrow(
      /Target is multiclass but average='binary'. Please choose another average setting, one of null, 'micro', 'macro', 'weighted'/,
    );
    expect(() =>
      new ConfusionMatrix().update([0, 1, 2], [0, 1, 1]).precisionRecallFscoreSupport({ average: 'binary' }),
    ).toThrow(/Target is multiclass/);
  });
  it('with string labels needs posLabel', () => {
    expect(() => f1Score(['neg', 'pos'], ['neg', 'pos'])).toThrow(
      /posLabel=1 is not a valid label. It should be one of \['neg', 'pos'\]/,
    );
    expect(f1Score(['neg', 'pos', 'pos'], ['neg', 'pos', 'neg'], { posLabel: 'pos' })).toBeCloseTo(2 / 3, 15);
  });
  it('warns that posLabel is ignored for other averages', () => {
    const c = capture();
    recallScore(['a', 'b'], ['a', 'a'], { average: 'macro', posLabel: 'b', ...c });
    expect(c.warnings.some((w) => w.name === 'UserWarning' && /posLabel .* is ignored/.test(w.message))).toBe(true);
  });
  it("average 'samples' needs indicator matrices", () => {
    expect(() => f1Score([0, 1, 2], [0, 1, 1], { average: 'samples' })).toThrow(/Samplewise metrics are not available/);
  });
});

describe('option validation', () => {
  it('rejects bad average, beta, zeroDivision, normalize and weights', () => {
    expect(() => precisionRecallFscoreSupport([0, 1], [0, 1], { average: 'mean' as never })).toThrow(
      /average must be one of/,
    );
    expect(() => precisionRecallFscoreSupport([0, 1], [0, 1], { beta: -1 })).toThrow(/beta should be >= 0/);
    expect(() => precisionRecallFscoreSupport([0, 1], [0, 1], { zeroDivision: 2 })).toThrow(/zeroDivision must be/);
    expect(() => confusionMatrix([0, 1], [0, 1], { normalize: 'rows' as never })).toThrow(/normalize must be/);
    expect(() => cohenKappaScore([0, 1], [0, 1], { weights: 'cubic' as never })).toThrow(/weights must be/);
    expect(() => accuracyScore([0, 1], [0, 1], { sampleWeight: [0, 0] })).toThrow(/Weights sum to zero/);
    expect(() => accuracyScore([0, 1], [0, 1], { sampleWeight: [1, Number.NaN] })).toThrow(/sampleWeight\[1\]/);
  });
  it('checks target names', () => {
    expect(() => classificationReport([0, 1, 2], [0, 1, 1], { targetNames: ['a', 'b'] })).toThrow(
      /Number of classes, 3, does not match size of targetNames, 2/,
    );
    const c = capture();
    classificationReport([0, 1, 2], [0, 1, 1], { labels: [0, 1], targetNames: ['a', 'b', 'c'], ...c });
    expect(c.warnings.some((w) => /labels size, 2, does not match size of target_names, 3/.test(w.message))).toBe(true);
  });
});

describe('indicator matrices', () => {
  it('must not be mixed with 1-D labels and must hold 0/1', () => {
    expect(() => accuracyScore([[0, 1]], [1])).toThrow(/can't handle a mix of multilabel-indicator and multiclass/);
    expect(() => accuracyScore([[0, 2]], [[0, 1]])).toThrow(/holds only 0 and 1/);
    expect(() => accuracyScore([[0, 1, 1]], [[0, 1]])).toThrow(/3 label columns but yPred has 2/);
    expect(() => f1Score([[0, 1]], [[0, 1]], { labels: [0, 5], average: 'macro' })).toThrow(/Got 5 > 1/);
  });
});

describe('probability metrics', () => {
  it('explain class-count and probability problems', () => {
    expect(() => logLoss([0, 0], [0.2, 0.1])).toThrow(/yTrue contains only one label \(0\)/);
    expect(() =>
      logLoss(
        [0, 1, 2],
        [
          [0.5, 0.5],
          [0.5, 0.5],
          [0.5, 0.5],
        ],
      ),
    ).toThrow(/different number of classes 3, 2/);
    expect(() => logLoss(['a', 'b'], [0.2, 0.7], { labels: ['a', 'b'] })).not.toThrow();
    expect(() => logLoss(['a', 'c'], [0.2, 0.7], { labels: ['a', 'b'] })).toThrow(/"c", which is not among labels/);
    const c = capture();
    logLoss(
      [0, 1],
      [
        [0.2, 0.7],
        [0.1, 0.9],
      ],
      c,
    );
    expect(c.warnings[0]!.message).toMatch(/do not sum to one/);
    expect(() => rocAucScore([0, 0], [0.1, 0.2])).toThrow(/Only one class present in yTrue/);
    expect(() =>
      rocAucScore(
        [0, 1, 2],
        [
          [0.5, 0.5, 0.5],
          [0.2, 0.3, 0.5],
          [0.1, 0.1, 0.8],
        ],
      ),
    ).toThrow(/should sum up to 1.0/);
    expect(() =>
      rocAucScore(
        [0, 1, 2],
        [
          [0.5, 0.5],
          [0.2, 0.8],
          [0.1, 0.9],
        ],
      ),
    ).toThrow(/Number of classes in yTrue not equal/);
    expect(() =>
      topKAccuracyScore(
        [0, 1, 2],
        [
          [0.5, 0.5],
          [0.2, 0.8],
          [0.1, 0.9],
        ],
      ),
    ).toThrow(/not equal to the number of classes in 'yScore'/);
    expect(() => rocAucScore([0, 1], [0.1, Number.NaN])).toThrow(/yScore\[1\] is not a finite number/);
  });
  it('handle ties like scikit-learn', () => {
    // Tied scores share a threshold: the tied pair counts half.
    expect(rocAucScore([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBe(0.875);
    // Ties in top-k rank the later column first.
    expect(
      topKAccuracyScore(
        [0, 1],
        [
          [0.4, 0.4, 0.2],
          [0.4, 0.4, 0.2],
        ],
        { k: 1, labels: [0, 1, 2] },
      ),
    ).toBe(0.5);
  });
});

describe('typed arrays', () => {
  it('are accepted as labels and weights', () => {
    const yTrue = Int32Array.from([0, 1, 2, 2, 1]);
    const yPred = Float64Array.from([0, 2, 2, 2, 1]);
    expect(accuracyScore(yTrue, yPred, { sampleWeight: Float32Array.from([1, 1, 1, 1, 0]) })).toBe(0.75);
    expect(confusionMatrix(yTrue, yPred).matrix).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 0, 2],
    ]);
    expect(
      f1Score(
        [Uint8Array.from([1, 0]), Uint8Array.from([0, 1])],
        [
          [1, 0],
          [1, 1],
        ],
        { average: 'micro' },
      ),
    ).toBeCloseTo(0.8, 15);
  });
});
