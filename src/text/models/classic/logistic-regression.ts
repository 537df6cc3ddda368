/**
 * Multinomial logistic regression with L2 regularization, scikit-learn's objective for
 * `LogisticRegression(multi_class='multinomial', solver='lbfgs')`:
 * minimize Σᵢ sᵢ · cross-entropy(softmax(W xᵢ + b), yᵢ) + ‖W‖² / (2C) (intercepts not penalized),
 * solved with L-BFGS over the sparse feature matrix.
 */
import { invalidArgument } from '../../../internal/errors.js';
import type { SparseMatrix } from '../../vectorize/sparse-matrix.js';
import type { TextTrainingData } from '../text-classifier.js';
import { ClassicTextClassifier, type ClassicTextClassifierOptions } from './classic-text-classifier.js';
import { linearScores, readMatrix, readVector, softmaxRows } from './features.js';
import { minimizeLbfgs } from './lbfgs.js';

/** Options of {@link LogisticRegressionClassifier}. */
export interface LogisticRegressionOptions extends ClassicTextClassifierOptions {
  /** Inverse regularization strength, as in scikit-learn (default 1; larger = less regularization). */
  C?: number;
  /** Maximum L-BFGS iterations (default 100, like scikit-learn). */
  maxIter?: number;
  /** Stop when the largest gradient component is below this (default 1e-4, like scikit-learn). */
  tol?: number;
  /** Learn intercepts (default true). */
  fitIntercept?: boolean;
}

/**
 * Multinomial logistic regression text classifier (kind `'logreg'`); probabilities are the softmax
 * of the linear scores, so they are calibrated in the usual logistic sense.
 *
 * @example
 * ```ts
 * const lr = new LogisticRegressionClassifier({ C: 10, classWeight: 'balanced' });
 * await lr.fit(train.texts, train.labels);
 * await lr.predictProba(['pelayanan nya ramah sekali']);
 * ```
 */
export class LogisticRegressionClassifier extends ClassicTextClassifier<LogisticRegressionOptions> {
  /** `'logreg'`. */
  readonly kind = 'logreg';
  private coefficients?: Float64Array[];
  private intercepts?: Float64Array;
  /** L-BFGS iterations used by the last `fit`, and whether it converged. */
  solverInfo?: { iterations: number; converged: boolean; loss: number; gradientMax: number };

  /** Stores the options; training happens in `fit`. */
  constructor(options: LogisticRegressionOptions = {}) {
    super(options);
  }

  /** Coefficients, one row per class (copies). */
  get coef(): Float64Array[] {
    this.checkFitted();
    return this.coefficients!.map((r) => Float64Array.from(r));
  }

  /** Intercept per class (a copy). */
  get intercept(): Float64Array {
    this.checkFitted();
    return Float64Array.from(this.intercepts!);
  }

  protected async fitMatrix(X: SparseMatrix, data: TextTrainingData, weights: Float64Array): Promise<void> {
    const C = this.options.C ?? 1;
    const maxIter = this.options.maxIter ?? 100;
    const tol = this.options.tol ?? 1e-4;
    if (!(C > 0) || !Number.isFinite(C))
      throw invalidArgument(`LogisticRegressionClassifier: C must be > 0, got ${C}.`);
    if (!Number.isInteger(maxIter) || maxIter < 1)
      throw invalidArgument(`LogisticRegressionClassifier: maxIter must be a positive integer, got ${maxIter}.`);
    const fitIntercept = this.options.fitIntercept ?? true;
    const k = data.classes.length;
    const d = X.cols;
    // Feature-major layout: the k weights of feature j are contiguous at j·k (cache-friendly over
    // CSR rows); the k intercepts follow at d·k.
    const lambda = 1 / C;
    const y = data.y;
    const n = X.rows;
    const { indptr, indices, data: values } = X;
    const scores = new Float64Array(k);
    const objective = (w: Float64Array, grad: Float64Array): number => {
      grad.fill(0);
      let loss = 0;
      const bOff = d * k;
      for (let i = 0; i < n; i++) {
        const si = weights[i]!;
        if (si === 0) continue;
        const a = indptr[i]!;
        const b = indptr[i + 1]!;
        for (let c = 0; c < k; c++) scores[c] = fitIntercept ? w[bOff + c]! : 0;
        for (let p = a; p < b; p++) {
          const base = indices[p]! * k;
          const v = values[p]!;
          for (let c = 0; c < k; c++) scores[c]! += w[base + c]! * v;
        }
        let max = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < k; c++) if (scores[c]! > max) max = scores[c]!;
        let sum = 0;
        for (let c = 0; c < k; c++) sum += Math.exp(scores[c]! - max);
        const logZ = max + Math.log(sum);
        const yi = y[i]!;
        loss += si * (logZ - scores[yi]!);
        // Residuals (softmax − one-hot) · weight, reusing `scores`.
        for (let c = 0; c < k; c++) scores[c] = si * (Math.exp(scores[c]! - logZ) - (c === yi ? 1 : 0));
        for (let p = a; p < b; p++) {
          const base = indices[p]! * k;
          const v = values[p]!;
          for (let c = 0; c < k; c++) grad[base + c]! += scores[c]! * v;
        }
        if (fitIntercept) for (let c = 0; c < k; c++) grad[bOff + c]! += scores[c]!;
      }
      for (let j = 0; j < bOff; j++) {
        const v = w[j]!;
        loss += 0.5 * lambda * v * v;
        grad[j]! += lambda * v;
      }
      return loss;
    };
    const result = minimizeLbfgs(objective, new Float64Array(k * (d + 1)), { maxIter, gtol: tol, signal: data.signal });
    const x = result.x;
    this.coefficients = Array.from({ length: k }, (_, c) => {
      const row = new Float64Array(d);
      for (let j = 0; j < d; j++) row[j] = x[j * k + c]!;
      return row;
    });
    this.intercepts = Float64Array.from({ length: k }, (_, c) => (fitIntercept ? x[d * k + c]! : 0));
    this.solverInfo = {
      iterations: result.iterations,
      converged: result.converged,
      loss: result.value,
      gradientMax: result.gradientMax,
    };
  }

  protected probaMatrix(X: SparseMatrix): number[][] {
    return softmaxRows(linearScores(X, this.coefficients!, this.intercepts!));
  }

  /** Linear scores per class (before the softmax). */
  async decisionFunction(texts: string[]): Promise<number[][]> {
    this.checkFitted();
    const X = this.vectorizer.transform(texts.map((t) => this.pipeline.process(t)));
    return linearScores(X, this.coefficients!, this.intercepts!).map((r) => [...r]);
  }

  protected modelState(): Record<string, unknown> {
    return { coef: this.coefficients!.map((r) => [...r]), intercept: [...this.intercepts!], solver: this.solverInfo };
  }

  protected restoreModelState(state: Record<string, unknown>, features: number, classes: number): void {
    this.coefficients = readMatrix(state.coef, classes, features, 'coef');
    this.intercepts = readVector(state.intercept, classes, 'intercept');
  }
}
