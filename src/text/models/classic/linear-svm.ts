/**
 * Linear support vector machine, scikit-learn's `LinearSVC` (liblinear's L2-regularized squared-hinge
 * loss, solved in the dual by coordinate descent, Hsieh et al. 2008), one-vs-rest for more than two
 * classes. Like liblinear, the intercept is an extra constant feature (`interceptScaling`) and is
 * regularized with the weights.
 *
 * Probabilities: an SVM gives margins, not probabilities. `predictProba` returns the softmax of the
 * one-vs-rest decision values (for two classes, the logistic sigmoid of the margin), so its argmax is
 * exactly `predict` and rows sum to 1, but the values are not calibrated; use the logistic-regression
 * baseline where calibrated confidence matters (e.g. pseudo-label thresholds).
 */
import { invalidArgument, throwIfAborted } from '../../../internal/errors.js';
import { Random } from '../../../internal/random.js';
import type { SparseMatrix } from '../../vectorize/sparse-matrix.js';
import type { TextTrainingData } from '../text-classifier.js';
import { ClassicTextClassifier, type ClassicTextClassifierOptions } from './classic-text-classifier.js';
import { linearScores, readMatrix, readVector, softmaxRows } from './features.js';

/** Options of {@link LinearSvmClassifier}. */
export interface LinearSvmOptions extends ClassicTextClassifierOptions {
  /** Penalty of margin violations, as in scikit-learn (default 1). */
  C?: number;
  /** Maximum passes over the data per binary problem (default 1000, like scikit-learn). */
  maxIter?: number;
  /** Stop when the projected-gradient spread falls below this (default 1e-4). */
  tol?: number;
  /** Value of the constant feature that carries the intercept (default 1; 0 disables the intercept). */
  interceptScaling?: number;
}

/**
 * Linear SVM text classifier (kind `'svm'`).
 *
 * @example
 * ```ts
 * const svm = new LinearSvmClassifier({ C: 0.5, features: { kind: 'tfidf', ngramRange: [1, 2], sublinearTf: true } });
 * await svm.fit(train.texts, train.labels);
 * await svm.predict(['makanannya enak tapi mahal']);
 * ```
 */
export class LinearSvmClassifier extends ClassicTextClassifier<LinearSvmOptions> {
  /** `'svm'`. */
  readonly kind = 'svm';
  private coefficients?: Float64Array[];
  private intercepts?: Float64Array;
  /** Coordinate-descent passes used per binary problem in the last `fit`. */
  solverInfo?: { iterations: number[]; converged: boolean[] };

  /** Stores the options; training happens in `fit`. */
  constructor(options: LinearSvmOptions = {}) {
    super(options);
  }

  /** Coefficients, one row per class (one row for two classes, like scikit-learn). */
  get coef(): Float64Array[] {
    this.checkFitted();
    return this.coefficients!.map((r) => Float64Array.from(r));
  }

  /** Intercepts (one per row of {@link LinearSvmClassifier.coef}). */
  get intercept(): Float64Array {
    this.checkFitted();
    return Float64Array.from(this.intercepts!);
  }

  protected async fitMatrix(X: SparseMatrix, data: TextTrainingData, weights: Float64Array): Promise<void> {
    const C = this.options.C ?? 1;
    const maxIter = this.options.maxIter ?? 1000;
    const tol = this.options.tol ?? 1e-4;
    const bias = this.options.interceptScaling ?? 1;
    if (!(C > 0) || !Number.isFinite(C)) throw invalidArgument(`LinearSvmClassifier: C must be > 0, got ${C}.`);
    if (!Number.isInteger(maxIter) || maxIter < 1)
      throw invalidArgument(`LinearSvmClassifier: maxIter must be a positive integer, got ${maxIter}.`);
    if (!(bias >= 0)) throw invalidArgument(`LinearSvmClassifier: interceptScaling must be ≥ 0, got ${bias}.`);
    const k = data.classes.length;
    // Two classes: one problem with classes[1] positive (scikit-learn's layout); else one per class.
    const problems = k === 2 ? [1] : Array.from({ length: k }, (_, c) => c);
    const n = X.rows;
    // ‖xᵢ‖² + bias² for the dual's diagonal.
    const sqNorm = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = bias * bias;
      for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) s += X.data[p]! * X.data[p]!;
      sqNorm[i] = s;
    }
    const random = new Random(data.seed);
    this.coefficients = [];
    this.intercepts = new Float64Array(problems.length);
    const info = { iterations: [] as number[], converged: [] as boolean[] };
    problems.forEach((positive, q) => {
      const y = new Int8Array(n);
      for (let i = 0; i < n; i++) y[i] = data.y[i] === positive ? 1 : -1;
      const r = solveDualL2Loss(X, y, weights, sqNorm, C, bias, maxIter, tol, random, data.signal);
      this.coefficients!.push(r.w);
      this.intercepts![q] = r.b * bias;
      info.iterations.push(r.iterations);
      info.converged.push(r.converged);
    });
    this.solverInfo = info;
  }

  protected probaMatrix(X: SparseMatrix): number[][] {
    return softmaxRows(this.scores(X));
  }

  private scores(X: SparseMatrix): Float64Array[] {
    const raw = linearScores(X, this.coefficients!, this.intercepts!);
    // Binary: margin m for classes[1] → scores [0, m], so softmax = sigmoid(m) and argmax = sign(m).
    return this.coefficients!.length === 1 ? raw.map((s) => Float64Array.of(0, s[0]!)) : raw;
  }

  /** Decision values: one column per class, or one margin (for `classes[1]`) with two classes. */
  async decisionFunction(texts: string[]): Promise<number[][]> {
    this.checkFitted();
    const X = this.vectorizer.transform(texts.map((t) => this.pipeline.process(t)));
    return linearScores(X, this.coefficients!, this.intercepts!).map((r) => [...r]);
  }

  protected modelState(): Record<string, unknown> {
    return { coef: this.coefficients!.map((r) => [...r]), intercept: [...this.intercepts!], solver: this.solverInfo };
  }

  protected restoreModelState(state: Record<string, unknown>, features: number, classes: number): void {
    const rows = classes === 2 ? 1 : classes;
    this.coefficients = readMatrix(state.coef, rows, features, 'coef');
    this.intercepts = readVector(state.intercept, rows, 'intercept');
  }
}

/**
 * Dual coordinate descent for the L2-regularized squared-hinge SVM (liblinear solver 1):
 * min_α ½ αᵀQ̄α − eᵀα, α ≥ 0, Q̄ = Q + D, Dᵢᵢ = 1 / (2 C sᵢ). The bias is feature `bias` on every row.
 */
function solveDualL2Loss(
  X: SparseMatrix,
  y: Int8Array,
  weights: Float64Array,
  sqNorm: Float64Array,
  C: number,
  bias: number,
  maxIter: number,
  tol: number,
  random: Random,
  signal: AbortSignal | undefined,
): { w: Float64Array; b: number; iterations: number; converged: boolean } {
  const n = X.rows;
  const w = new Float64Array(X.cols);
  let b = 0;
  const alpha = new Float64Array(n);
  const active: number[] = [];
  const diag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ci = C * weights[i]!;
    if (ci > 0) {
      active.push(i);
      diag[i] = 1 / (2 * ci);
    }
  }
  let iter = 0;
  let converged = false;
  while (iter < maxIter) {
    throwIfAborted(signal, 'Training');
    random.shuffle(active);
    let pgMax = Number.NEGATIVE_INFINITY;
    let pgMin = Number.POSITIVE_INFINITY;
    for (const i of active) {
      const yi = y[i]!;
      let dotWx = b * bias;
      for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) dotWx += w[X.indices[p]!]! * X.data[p]!;
      const G = yi * dotWx - 1 + diag[i]! * alpha[i]!;
      const PG = alpha[i] === 0 ? Math.min(G, 0) : G;
      if (PG > pgMax) pgMax = PG;
      if (PG < pgMin) pgMin = PG;
      if (Math.abs(PG) > 1e-12) {
        const old = alpha[i]!;
        const next = Math.max(old - G / (sqNorm[i]! + diag[i]!), 0);
        alpha[i] = next;
        const delta = (next - old) * yi;
        if (delta !== 0) {
          for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) w[X.indices[p]!]! += delta * X.data[p]!;
          b += delta * bias;
        }
      }
    }
    iter++;
    if (pgMax - pgMin <= tol) {
      converged = true;
      break;
    }
  }
  return { w, b, iterations: iter, converged };
}
