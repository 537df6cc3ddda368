/**
 * `SelectKBest` on a fitted vectorizer: the vocabulary itself is cut to the k best terms, so a
 * classifier saved with it needs no extra state and predicts from the smaller vocabulary directly.
 */
import { invalidArgument } from '../../internal/errors.js';
import { CountVectorizer, type VectorizerJSON } from '../vectorize/count-vectorizer.js';
import type { SparseMatrix } from '../vectorize/sparse-matrix.js';
import { TfidfVectorizer } from '../vectorize/tfidf-vectorizer.js';
import { chi2, mutualInformation, selectKBest } from './scores.js';

/** Feature selection options accepted by the classic and tree classifiers (`featureSelection`). */
export interface FeatureSelectionOptions {
  /** `'chi2'` (chi-square) or `'mutual-info'` (information gain of term presence). */
  method: 'chi2' | 'mutual-info';
  /** Number of features to keep (all when the vocabulary is smaller), or `'all'`. */
  k: number | 'all';
}

/** Scores every column of `X` against `y` with the chosen method. */
export function scoreFeatures(
  X: SparseMatrix,
  y: ArrayLike<number>,
  method: FeatureSelectionOptions['method'],
): Float64Array {
  if (method === 'chi2') return chi2(X, y).scores;
  if (method === 'mutual-info') return mutualInformation(X, y);
  throw invalidArgument(`featureSelection.method must be 'chi2' or 'mutual-info', got ${JSON.stringify(method)}.`);
}

/** Checks a `featureSelection` option, naming the problem. */
export function checkFeatureSelection(options: FeatureSelectionOptions): void {
  if (!options || typeof options !== 'object')
    throw invalidArgument("featureSelection must be an object like { method: 'chi2', k: 5000 }.");
  if (options.method !== 'chi2' && options.method !== 'mutual-info')
    throw invalidArgument(
      `featureSelection.method must be 'chi2' or 'mutual-info', got ${JSON.stringify(options.method)}.`,
    );
  if (options.k !== 'all' && !(Number.isInteger(options.k) && options.k >= 1))
    throw invalidArgument(`featureSelection.k must be a positive integer or 'all', got ${JSON.stringify(options.k)}.`);
}

/** A vectorizer keeping only `columns` (ascending) of a fitted one, with the same options (and idf). */
export function restrictVectorizer(vectorizer: CountVectorizer, columns: ArrayLike<number>): CountVectorizer {
  const json = vectorizer.toJSON() as VectorizerJSON;
  const keep = Array.from(columns);
  const cut: VectorizerJSON = { ...json, features: keep.map((j) => json.features[j]!) };
  if (json.idf) cut.idf = keep.map((j) => json.idf![j]!);
  return json.format === 'ulasan-tfidf-vectorizer' ? TfidfVectorizer.fromJSON(cut) : CountVectorizer.fromJSON(cut);
}

/**
 * Scores the columns of a freshly fitted vectorizer's matrix `X`, keeps the `k` best, and returns
 * the cut vectorizer with `tokens` re-vectorized by it. Re-vectorizing (rather than dropping
 * columns) keeps training and prediction identical: with an L2-normalized TF-IDF the rows are
 * normalized over the kept terms, whereas scikit-learn's `Pipeline(TfidfVectorizer, SelectKBest)`
 * leaves the rows as normalized over the full vocabulary.
 *
 * @example
 * ```ts
 * const tfidf = new TfidfVectorizer({ ngramRange: [1, 2] });
 * const X = tfidf.fitTransform(tokens);
 * const cut = selectVectorizerFeatures(tfidf, X, tokens, y, { method: 'chi2', k: 2000 });
 * cut.vectorizer.size; // 2000
 * ```
 */
export function selectVectorizerFeatures(
  vectorizer: CountVectorizer,
  X: SparseMatrix,
  tokens: readonly (readonly string[])[],
  y: ArrayLike<number>,
  options: FeatureSelectionOptions,
): { vectorizer: CountVectorizer; X: SparseMatrix; selected: Int32Array; scores: Float64Array } {
  checkFeatureSelection(options);
  const scores = scoreFeatures(X, y, options.method);
  const selected = selectKBest(scores, options.k);
  if (selected.length === X.cols) return { vectorizer, X, selected, scores };
  const cut = restrictVectorizer(vectorizer, selected);
  return { vectorizer: cut, X: cut.transform(tokens), selected, scores };
}
