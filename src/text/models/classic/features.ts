/**
 * The bag-of-words / TF-IDF feature step shared by the classic baselines, and the base class that
 * turns a sparse-matrix learner into a {@link TextClassifier}.
 */
import { invalidArgument, UlasanError } from '../../../internal/errors.js';
import { CountVectorizer, type VectorizerJSON } from '../../vectorize/count-vectorizer.js';
import type { SparseMatrix } from '../../vectorize/sparse-matrix.js';
import { TfidfVectorizer, type TfidfVectorizerOptions } from '../../vectorize/tfidf-vectorizer.js';
import type { TextTrainingData } from '../text-classifier.js';

/** How the classic baselines turn tokens into features. */
export interface FeatureOptions extends TfidfVectorizerOptions {
  /** `'tfidf'` (default) or `'count'` (bag of words; TF-IDF-only options are ignored). */
  kind?: 'tfidf' | 'count';
}

/**
 * Default features: TF-IDF on unigrams and bigrams with sublinear tf and L2 norm, which is the
 * usual strongest linear-baseline setting on short reviews.
 */
export const DEFAULT_FEATURES: Readonly<FeatureOptions> = Object.freeze({
  kind: 'tfidf',
  ngramRange: [1, 2] as [number, number],
  sublinearTf: true,
  norm: 'l2',
});

/** Default features of naive Bayes: raw unigram + bigram counts (the multinomial model's natural input). */
export const NAIVE_BAYES_FEATURES: Readonly<FeatureOptions> = Object.freeze({
  kind: 'count',
  ngramRange: [1, 2] as [number, number],
});

/** Class weighting for imbalanced data: `'balanced'` (n / (k · count)) or explicit weights per label. */
export type ClassWeight = 'balanced' | Record<string, number>;

/** Creates the vectorizer described by `features`, on top of `defaults` (default {@link DEFAULT_FEATURES}). */
export function createVectorizer(
  features: FeatureOptions | undefined,
  defaults: Readonly<FeatureOptions> = DEFAULT_FEATURES,
): CountVectorizer {
  const f = { ...defaults, ...(features ?? {}) };
  if (f.kind !== 'tfidf' && f.kind !== 'count') {
    throw invalidArgument(`features.kind must be 'tfidf' or 'count', got ${JSON.stringify(f.kind)}.`);
  }
  const { kind, ...rest } = f;
  return kind === 'count' ? new CountVectorizer(rest) : new TfidfVectorizer(rest);
}

/** Restores a saved vectorizer of either kind. */
export function vectorizerFromJSON(json: unknown): CountVectorizer {
  const format = (json as Partial<VectorizerJSON> | null)?.format;
  if (format === 'ulasan-tfidf-vectorizer') return TfidfVectorizer.fromJSON(json);
  if (format === 'ulasan-count-vectorizer') return CountVectorizer.fromJSON(json);
  throw new UlasanError('FILE_FORMAT', `Unknown vectorizer format ${JSON.stringify(format)} in the saved model.`);
}

/** Multiplies sample weights by class weights (scikit-learn's `compute_class_weight`). */
export function applyClassWeight(data: TextTrainingData, classWeight: ClassWeight | undefined): Float64Array {
  const w = Float64Array.from(data.sampleWeights);
  if (classWeight === undefined) return w;
  const k = data.classes.length;
  const factors = new Float64Array(k).fill(1);
  if (classWeight === 'balanced') {
    const counts = new Float64Array(k);
    for (const c of data.y) counts[c]! += 1;
    for (let c = 0; c < k; c++) factors[c] = counts[c]! > 0 ? data.y.length / (k * counts[c]!) : 0;
  } else if (typeof classWeight === 'object' && classWeight !== null) {
    for (const [label, value] of Object.entries(classWeight)) {
      const c = data.classes.findIndex((x) => String(x) === label);
      if (c < 0)
        throw invalidArgument(
          `classWeight names label ${JSON.stringify(label)}, which is not in the training labels (${data.classes.join(', ')}).`,
        );
      if (!(value >= 0)) throw invalidArgument(`classWeight[${JSON.stringify(label)}] must be ≥ 0, got ${value}.`);
      factors[c] = value;
    }
  } else {
    throw invalidArgument(
      `classWeight must be 'balanced' or an object of label → weight, got ${JSON.stringify(classWeight)}.`,
    );
  }
  for (let i = 0; i < w.length; i++) w[i]! *= factors[data.y[i]!]!;
  return w;
}

/** Reads a numeric matrix `[rows][cols]` from saved JSON, checking its shape. */
export function readMatrix(value: unknown, rows: number, cols: number, name: string): Float64Array[] {
  if (!Array.isArray(value) || value.length !== rows) {
    throw new UlasanError(
      'FILE_FORMAT',
      `Saved model: "${name}" must have ${rows} rows, found ${Array.isArray(value) ? value.length : typeof value}.`,
    );
  }
  return value.map((row, i) => {
    if (!Array.isArray(row) || row.length !== cols || row.some((x) => typeof x !== 'number' && x !== null)) {
      throw new UlasanError('FILE_FORMAT', `Saved model: "${name}[${i}]" must be ${cols} numbers.`);
    }
    return Float64Array.from(row as (number | null)[], fromJsonNumber);
  });
}

/** Reads a numeric vector from saved JSON, checking its length. */
export function readVector(value: unknown, length: number, name: string): Float64Array {
  if (!Array.isArray(value) || value.length !== length || value.some((x) => typeof x !== 'number' && x !== null)) {
    throw new UlasanError('FILE_FORMAT', `Saved model: "${name}" must be ${length} numbers.`);
  }
  return Float64Array.from(value as (number | null)[], fromJsonNumber);
}

/** Numbers for JSON: −∞ (log of a zero probability) becomes `null`, which JSON can hold. */
export function toJsonNumbers(values: ArrayLike<number>): (number | null)[] {
  return Array.from(values, (v) => (Number.isFinite(v) ? v : null));
}

// `null` in saved state stands for −∞ (see toJsonNumbers).
function fromJsonNumber(v: number | null): number {
  return v === null ? Number.NEGATIVE_INFINITY : v;
}

/** Row-wise softmax of scores, in place; returns plain arrays. */
export function softmaxRows(scores: Float64Array[]): number[][] {
  return scores.map((s) => {
    let max = Number.NEGATIVE_INFINITY;
    for (const v of s) if (v > max) max = v;
    let sum = 0;
    const out = new Array<number>(s.length);
    for (let j = 0; j < s.length; j++) {
      out[j] = Math.exp(s[j]! - max);
      sum += out[j]!;
    }
    for (let j = 0; j < s.length; j++) out[j]! /= sum;
    return out;
  });
}

/** Linear scores `X · Wᵀ + b` for each row (W: one coefficient row per output). */
export function linearScores(X: SparseMatrix, W: readonly Float64Array[], b: Float64Array): Float64Array[] {
  const out: Float64Array[] = [];
  const k = W.length;
  for (let i = 0; i < X.rows; i++) {
    const s = Float64Array.from(b);
    for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) {
      const j = X.indices[p]!;
      const v = X.data[p]!;
      for (let c = 0; c < k; c++) s[c]! += W[c]![j]! * v;
    }
    out.push(s);
  }
  return out;
}

/**
 * The classic base class and its options moved to `classic-text-classifier.ts`; re-exported here so
 * imports of the old path keep working.
 */
export { ClassicTextClassifier, type ClassicTextClassifierOptions } from './classic-text-classifier.js';
