import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UlasanError } from '../../../src/internal/errors.js';
import {
  chi2,
  mutualInformation,
  selectKBest,
  selectVectorizerFeatures,
} from '../../../src/text/feature-selection/index.js';
import { LogisticRegressionClassifier } from '../../../src/text/models/classic/logistic-regression.js';
import { WhitespacePipeline } from '../../../src/text/models/text-classifier.js';
import { CountVectorizer } from '../../../src/text/vectorize/count-vectorizer.js';
import { TfidfVectorizer } from '../../../src/text/vectorize/tfidf-vectorizer.js';
import { readSmsaFixture } from '../../conformance/classifier-conformance.js';

// Scores from scikit-learn 1.2 (tests/fixtures/text/survey/make-fixtures.py) on 120 real SmSA texts.
const fx = JSON.parse(
  readFileSync(new URL('../../fixtures/text/survey/sklearn-fixtures.json', import.meta.url), 'utf8'),
);
const tokens: string[][] = fx.texts.map((t: string) => t.split(/\s+/).filter((w: string) => w !== ''));
const y = Int32Array.from(fx.y as number[]);

function close(actual: ArrayLike<number>, expected: (number | null)[], tol = 1e-9): void {
  expect(actual.length).toBe(expected.length);
  for (let j = 0; j < expected.length; j++) {
    const e = expected[j];
    if (e === null) expect(Number.isNaN(actual[j]!)).toBe(true);
    else expect(Math.abs(actual[j]! - e)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e)));
  }
}

describe.each([
  ['count', () => new CountVectorizer()],
  ['tfidf', () => new TfidfVectorizer()],
] as const)('feature scores match scikit-learn on %s features', (name, make) => {
  const v = make();
  const X = v.fitTransform(tokens);
  it('has the same vocabulary', () => expect(v.featureNames()).toEqual(fx[name].features));
  it('chi2 scores and p-values', () => {
    const r = chi2(X, y);
    close(r.scores, fx[name].chi2);
    close(r.pValues, fx[name].pvalues, 1e-7);
  });
  it('mutual information (values as categories, and presence)', () => {
    close(mutualInformation(X, y, { discretize: 'values' }), fx[name].mi_values);
    close(mutualInformation(X, y), fx[name].mi_presence);
  });
});

describe('selection', () => {
  it('selectKBest keeps the k highest (NaN lowest, later columns win ties) in column order', () => {
    expect(Array.from(selectKBest([1, Number.NaN, 3, 3, 0.5], 2))).toEqual([2, 3]);
    expect(Array.from(selectKBest([2, 2, 2], 1))).toEqual([2]);
    expect(Array.from(selectKBest([1, 2], 'all'))).toEqual([0, 1]);
    expect(() => selectKBest([1], -1)).toThrow(UlasanError);
  });

  it('cuts the vectorizer vocabulary to k terms and re-vectorizes', () => {
    const v = new TfidfVectorizer({ ngramRange: [1, 2] });
    const X = v.fitTransform(tokens);
    const cut = selectVectorizerFeatures(v, X, tokens, y, { method: 'chi2', k: 50 });
    expect(cut.vectorizer.size).toBe(50);
    expect(cut.X.cols).toBe(50);
    const best =
      v.featureNames()[Array.from(cut.scores).indexOf(Math.max(...cut.scores.filter((s) => !Number.isNaN(s))))];
    expect(cut.vectorizer.featureNames()).toContain(best);
  });

  it('rejects negative features and bad options with clear errors', () => {
    const X = new CountVectorizer().fitTransform([['a'], ['b']]);
    (X.data as Float64Array)[0] = -1;
    expect(() => chi2(X, [0, 1])).toThrow(/non-negative/);
    expect(() => chi2(X, [0])).toThrow(/aligned/);
    const v = new CountVectorizer();
    const M = v.fitTransform([['a'], ['b']]);
    expect(() => selectVectorizerFeatures(v, M, [['a'], ['b']], [0, 1], { method: 'gain' as 'chi2', k: 1 })).toThrow(
      /method/,
    );
  });

  it('works as the featureSelection option of a classic classifier', async () => {
    const train = readSmsaFixture('smsa-sample.tsv');
    const valid = readSmsaFixture('smsa-valid-sample.tsv');
    const model = new LogisticRegressionClassifier({
      pipeline: new WhitespacePipeline(),
      featureSelection: { method: 'mutual-info', k: 300 },
    });
    await model.fit(train.texts, train.labels);
    expect(model.vectorizer.size).toBe(300);
    const { accuracy } = await model.evaluate(valid.texts, valid.labels);
    expect(accuracy).toBeGreaterThan(0.5);
  });
});
