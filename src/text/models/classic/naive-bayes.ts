/**
 * Multinomial naive Bayes on bag-of-words / TF-IDF features, with scikit-learn's MultinomialNB
 * formulas: log P(w|c) = log(N_cw + α) − log(Σ_w N_cw + α·|V|), class priors from (weighted) class
 * frequencies.
 */
import { invalidArgument } from '../../../internal/errors.js';
import type { SparseMatrix } from '../../vectorize/sparse-matrix.js';
import type { TextTrainingData } from '../text-classifier.js';
import { ClassicTextClassifier, type ClassicTextClassifierOptions } from './classic-text-classifier.js';
import {
  type FeatureOptions,
  linearScores,
  NAIVE_BAYES_FEATURES,
  readMatrix,
  readVector,
  softmaxRows,
  toJsonNumbers,
} from './features.js';

/** Options of {@link NaiveBayesClassifier}. */
export interface NaiveBayesOptions extends ClassicTextClassifierOptions {
  /** Additive (Laplace/Lidstone) smoothing (default 1). */
  alpha?: number;
  /** Learn class priors from the data (default true); false uses uniform priors. */
  fitPrior?: boolean;
}

/**
 * Multinomial naive Bayes text classifier (kind `'nb'`).
 *
 * @example
 * ```ts
 * const nb = new NaiveBayesClassifier({ alpha: 0.5, features: { kind: 'count', ngramRange: [1, 2] } });
 * await nb.fit(train.texts, train.labels);
 * const { macroF1 } = await nb.evaluate(valid.texts, valid.labels);
 * ```
 */
export class NaiveBayesClassifier extends ClassicTextClassifier<NaiveBayesOptions> {
  /** `'nb'`. */
  readonly kind = 'nb';
  private featureLogProb?: Float64Array[];
  private classLogPrior?: Float64Array;

  /** Stores the options; training happens in `fit`. */
  constructor(options: NaiveBayesOptions = {}) {
    super(options);
  }

  /** log P(feature | class), one row per class. */
  get featureLogProbabilities(): Float64Array[] {
    this.checkFitted();
    return this.featureLogProb!.map((r) => Float64Array.from(r));
  }

  /** log P(class). */
  get classLogPriors(): Float64Array {
    this.checkFitted();
    return Float64Array.from(this.classLogPrior!);
  }

  /** Naive Bayes defaults to unigram + bigram counts ({@link NAIVE_BAYES_FEATURES}). */
  protected override defaultFeatures(): Readonly<FeatureOptions> {
    return NAIVE_BAYES_FEATURES;
  }

  protected async fitMatrix(X: SparseMatrix, data: TextTrainingData, weights: Float64Array): Promise<void> {
    const alpha = this.options.alpha ?? 1;
    if (!(alpha >= 0) || !Number.isFinite(alpha))
      throw invalidArgument(`NaiveBayesClassifier: alpha must be ≥ 0, got ${alpha}.`);
    const k = data.classes.length;
    const d = X.cols;
    const featureCount = Array.from({ length: k }, () => new Float64Array(d));
    const classCount = new Float64Array(k);
    for (let i = 0; i < X.rows; i++) {
      const c = data.y[i]!;
      const w = weights[i]!;
      classCount[c]! += w;
      const row = featureCount[c]!;
      for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) row[X.indices[p]!]! += w * X.data[p]!;
    }
    // sklearn clips alpha to 1e-10 to avoid log(0) when alpha = 0.
    const a = Math.max(alpha, 1e-10);
    this.featureLogProb = featureCount.map((row) => {
      let total = 0;
      for (let j = 0; j < d; j++) total += row[j]! + a;
      const logTotal = Math.log(total);
      return row.map((v) => Math.log(v + a) - logTotal);
    });
    const totalCount = classCount.reduce((s, v) => s + v, 0);
    this.classLogPrior =
      this.options.fitPrior === false
        ? new Float64Array(k).fill(-Math.log(k))
        : classCount.map((v) => Math.log(v) - Math.log(totalCount));
  }

  protected probaMatrix(X: SparseMatrix): number[][] {
    return softmaxRows(linearScores(X, this.featureLogProb!, this.classLogPrior!));
  }

  protected modelState(): Record<string, unknown> {
    return {
      featureLogProb: this.featureLogProb!.map((r) => toJsonNumbers(r)),
      classLogPrior: toJsonNumbers(this.classLogPrior!),
    };
  }

  protected restoreModelState(state: Record<string, unknown>, features: number, classes: number): void {
    this.featureLogProb = readMatrix(state.featureLogProb, classes, features, 'featureLogProb');
    this.classLogPrior = readVector(state.classLogPrior, classes, 'classLogPrior');
  }
}
