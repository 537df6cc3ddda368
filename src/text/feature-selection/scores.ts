/**
 * Univariate feature scoring of a sparse feature matrix against class labels: chi-square
 * (scikit-learn's `chi2`) and mutual information / information gain (scikit-learn's
 * `mutual_info_classif` with `discrete_features=True`), and `SelectKBest`-style selection.
 */
import { invalidArgument } from '../../internal/errors.js';
import type { SparseMatrix } from '../vectorize/sparse-matrix.js';

/** Scores and p-values, one per feature column. */
export interface Chi2Result {
  /** Chi-square statistic per feature (NaN for a feature that never occurs, like scikit-learn). */
  scores: Float64Array;
  /** Survival function of the chi-square distribution with `classes − 1` degrees of freedom. */
  pValues: Float64Array;
}

function checkInputs(X: SparseMatrix, y: ArrayLike<number>, where: string): number {
  if (!X || typeof X.rows !== 'number' || !X.indptr) throw invalidArgument(`${where}: X must be a SparseMatrix.`);
  if (y.length !== X.rows)
    throw invalidArgument(`${where}: X has ${X.rows} rows but y has ${y.length} labels; they must be aligned.`);
  let k = 0;
  for (let i = 0; i < y.length; i++) {
    const c = y[i]!;
    if (!Number.isInteger(c) || c < 0)
      throw invalidArgument(`${where}: y[${i}] = ${c}; y must hold class indices 0..k−1 (encode labels first).`);
    if (c + 1 > k) k = c + 1;
  }
  return k;
}

/**
 * Chi-square statistic of each (non-negative) feature against the classes, exactly as
 * scikit-learn's `sklearn.feature_selection.chi2`: observed = per-class feature sums, expected =
 * class share × feature total, score = Σ (observed − expected)² / expected.
 *
 * @param y - class index (0..k−1) per row
 * @example
 * ```ts
 * const { scores } = chi2(X, y);
 * ```
 * @throws UlasanError `INVALID_ARGUMENT` for negative feature values or misaligned `y`.
 */
export function chi2(X: SparseMatrix, y: ArrayLike<number>): Chi2Result {
  const k = Math.max(2, checkInputs(X, y, 'chi2'));
  const d = X.cols;
  const observed = new Float64Array(k * d);
  const featureCount = new Float64Array(d);
  const classCount = new Float64Array(k);
  for (let i = 0; i < X.rows; i++) {
    const c = y[i]!;
    classCount[c]! += 1;
    for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) {
      const v = X.data[p]!;
      if (v < 0) throw invalidArgument('chi2: feature values must be non-negative (counts or TF-IDF weights).');
      const j = X.indices[p]!;
      observed[c * d + j]! += v;
      featureCount[j]! += v;
    }
  }
  const n = X.rows;
  const scores = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let c = 0; c < k; c++) {
      const e = (classCount[c]! / n) * featureCount[j]!;
      const o = observed[c * d + j]!;
      s += ((o - e) * (o - e)) / e;
    }
    scores[j] = s;
  }
  const df = k - 1;
  const pValues = scores.map((s) => (Number.isNaN(s) ? Number.NaN : chi2Survival(s, df)));
  return { scores, pValues };
}

/** Options of {@link mutualInformation}. */
export interface MutualInformationOptions {
  /**
   * How feature values become discrete events. `'presence'` (default): the term occurs or not, the
   * classic information gain of text classification, equal to scikit-learn's
   * `mutual_info_classif(X > 0, y, discrete_features=True)`. `'values'`: every distinct value is
   * its own category, exactly `mutual_info_classif(X, y, discrete_features=True)` (sensible for
   * counts, not for TF-IDF weights).
   */
  discretize?: 'presence' | 'values';
}

/**
 * Mutual information (information gain, in nats) between each feature and the class, for
 * discrete features. See {@link MutualInformationOptions} for how values are discretized.
 *
 * @example
 * ```ts
 * const ig = mutualInformation(X, y); // presence/absence of each term
 * ```
 */
export function mutualInformation(
  X: SparseMatrix,
  y: ArrayLike<number>,
  options: MutualInformationOptions = {},
): Float64Array {
  const k = Math.max(1, checkInputs(X, y, 'mutualInformation'));
  const mode = options.discretize ?? 'presence';
  if (mode !== 'presence' && mode !== 'values')
    throw invalidArgument(`mutualInformation: discretize must be 'presence' or 'values', got ${JSON.stringify(mode)}.`);
  const n = X.rows;
  const d = X.cols;
  const classCount = new Float64Array(k);
  for (let i = 0; i < n; i++) classCount[y[i]!]! += 1;
  // Column-wise view: for each feature, the (row, value) pairs of its non-zeros.
  const colPtr = new Int32Array(d + 1);
  for (let p = 0; p < X.nnz; p++) colPtr[X.indices[p]! + 1]! += 1;
  for (let j = 0; j < d; j++) colPtr[j + 1]! += colPtr[j]!;
  const fill = colPtr.slice(0, d);
  const colRows = new Int32Array(X.nnz);
  const colVals = new Float64Array(X.nnz);
  for (let i = 0; i < n; i++) {
    for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) {
      const j = X.indices[p]!;
      const q = fill[j]!++;
      colRows[q] = i;
      colVals[q] = X.data[p]!;
    }
  }
  const out = new Float64Array(d);
  const zeroCounts = new Float64Array(k);
  for (let j = 0; j < d; j++) {
    const a = colPtr[j]!;
    const b = colPtr[j + 1]!;
    // category → class counts (category 0 = the implicit zeros, computed by difference)
    const cats = new Map<number, Float64Array>();
    zeroCounts.set(classCount);
    for (let q = a; q < b; q++) {
      const v = colVals[q]!;
      if (v === 0) continue; // explicit zeros belong to the zero category
      const key = mode === 'presence' ? 1 : v;
      let counts = cats.get(key);
      if (!counts) {
        counts = new Float64Array(k);
        cats.set(key, counts);
      }
      const c = y[colRows[q]!]!;
      counts[c]! += 1;
      zeroCounts[c]! -= 1;
    }
    let mi = contribution(zeroCounts, classCount, n);
    for (const counts of cats.values()) mi += contribution(counts, classCount, n);
    out[j] = Math.max(0, mi);
  }
  return out;
}

// Σ_c p(x, c) · log(p(x, c) / (p(x) p(c))) for one category x.
function contribution(counts: Float64Array, classCount: Float64Array, n: number): number {
  let total = 0;
  for (const v of counts) total += v;
  if (total === 0) return 0;
  let s = 0;
  for (let c = 0; c < counts.length; c++) {
    const nxc = counts[c]!;
    if (nxc > 0) s += (nxc / n) * Math.log((nxc * n) / (total * classCount[c]!));
  }
  return s;
}

/**
 * Indices (ascending) of the `k` best-scoring features, like scikit-learn's `SelectKBest`:
 * NaN scores rank lowest; among tied scores at the boundary the later columns win (scikit-learn's
 * stable argsort keeps the last `k`).
 */
export function selectKBest(scores: ArrayLike<number>, k: number | 'all'): Int32Array {
  const d = scores.length;
  if (k === 'all') return Int32Array.from({ length: d }, (_, i) => i);
  if (!Number.isInteger(k) || k < 0)
    throw invalidArgument(`selectKBest: k must be a non-negative integer or 'all', got ${String(k)}.`);
  if (k >= d) return Int32Array.from({ length: d }, (_, i) => i);
  const order = Array.from({ length: d }, (_, i) => i);
  const val = (i: number): number => {
    const s = scores[i]!;
    return Number.isNaN(s) ? Number.NEGATIVE_INFINITY : s;
  };
  order.sort((a, b) => val(a) - val(b) || a - b);
  return Int32Array.from(order.slice(d - k)).sort();
}

/** Keeps only the given columns (ascending indices), renumbered 0..m−1. */
export function selectColumns(X: SparseMatrix, columns: ArrayLike<number>): SparseMatrix {
  const remap = new Int32Array(X.cols).fill(-1);
  for (let i = 0; i < columns.length; i++) remap[columns[i]!] = i;
  const indptr = new Int32Array(X.rows + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < X.rows; i++) {
    for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) {
      const c = remap[X.indices[p]!]!;
      if (c >= 0) {
        idx.push(c);
        val.push(X.data[p]!);
      }
    }
    indptr[i + 1] = idx.length;
  }
  const Ctor = X.constructor as new (
    indptr: Int32Array,
    indices: Int32Array,
    data: Float64Array,
    rows: number,
    cols: number,
  ) => SparseMatrix;
  return new Ctor(indptr, Int32Array.from(idx), Float64Array.from(val), X.rows, columns.length);
}

// Regularized upper incomplete gamma Q(a, x): chi-square survival = Q(df/2, x/2).
function chi2Survival(x: number, df: number): number {
  if (x <= 0) return 1;
  return upperGammaQ(df / 2, x / 2);
}

function logGamma(z: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15.
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - logGamma(1 - z);
  const zz = z - 1;
  let a = c[0]!;
  const t = zz + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (zz + i);
  return 0.5 * Math.log(2 * Math.PI) + (zz + 0.5) * Math.log(t) - t + Math.log(a);
}

function upperGammaQ(a: number, x: number): number {
  const gln = logGamma(a);
  if (x < a + 1) {
    // series for P, Q = 1 − P
    let sum = 1 / a;
    let del = sum;
    let ap = a;
    for (let n = 0; n < 1000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-16) break;
    }
    return Math.max(0, 1 - sum * Math.exp(-x + a * Math.log(x) - gln));
  }
  // continued fraction (Lentz)
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let dd = 1 / b;
  let h = dd;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    dd = an * dd + b;
    if (Math.abs(dd) < 1e-300) dd = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    dd = 1 / dd;
    const del = dd * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - gln) * h;
}
