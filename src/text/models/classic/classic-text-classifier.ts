/**
 * The base class of every classifier on sparse bag-of-words features: the classic baselines and the
 * tree ensembles.
 */
import { type FeatureSelectionOptions, selectVectorizerFeatures } from '../../feature-selection/select.js';
import type { CountVectorizer } from '../../vectorize/count-vectorizer.js';
import type { SparseMatrix } from '../../vectorize/sparse-matrix.js';
import type { Artifact } from '../artifact.js';
import { TextClassifier, type TextClassifierOptions, type TextTrainingData } from '../text-classifier.js';
import {
  applyClassWeight,
  type ClassWeight,
  createVectorizer,
  DEFAULT_FEATURES,
  type FeatureOptions,
  vectorizerFromJSON,
} from './features.js';

/** Options shared by the classic baselines. */
export interface ClassicTextClassifierOptions extends TextClassifierOptions {
  /**
   * Feature extraction; fields given here override the model's defaults ({@link DEFAULT_FEATURES}
   * for logistic regression and SVM, {@link NAIVE_BAYES_FEATURES} for naive Bayes).
   */
  features?: FeatureOptions;
  /** Per-class weights multiplying the sample weights (scikit-learn's `class_weight`). */
  classWeight?: ClassWeight;
  /**
   * Keep only the k best features by chi-square or mutual information (`SelectKBest`), e.g.
   * `{ method: 'chi2', k: 5000 }`; the saved vectorizer holds just those terms.
   */
  featureSelection?: FeatureSelectionOptions;
}

/**
 * Base of the classic baselines (naive Bayes, logistic regression, linear SVM) and the tree
 * ensembles: vectorizes tokens (TF-IDF or counts, optional feature selection and class weights),
 * then a learner on the sparse matrix. Saves `vectorizer.json` and `weights.json`. Subclass it for
 * a new sparse-feature learner and register it with `registerTextClassifierKind`.
 *
 * @example
 * ```ts
 * class CentroidClassifier extends ClassicTextClassifier {
 *   readonly kind = 'centroid';
 *   protected async fitMatrix(X, data, weights) { ... }
 *   protected probaMatrix(X) { ... }
 *   protected modelState() { return { centroids: ... }; }
 *   protected restoreModelState(state, features, classes) { ... }
 * }
 * ```
 */
export abstract class ClassicTextClassifier<
  O extends ClassicTextClassifierOptions = ClassicTextClassifierOptions,
> extends TextClassifier<O> {
  private vectorizerState?: CountVectorizer;

  /** The fitted vectorizer (feature names, idf). */
  get vectorizer(): CountVectorizer {
    this.checkFitted();
    return this.vectorizerState!;
  }

  protected async fitTokens(data: TextTrainingData): Promise<void> {
    let vectorizer = createVectorizer(this.options.features, this.defaultFeatures());
    let X = vectorizer.fitTransform(data.tokens);
    if (this.options.featureSelection) {
      ({ vectorizer, X } = selectVectorizerFeatures(vectorizer, X, data.tokens, data.y, this.options.featureSelection));
    }
    // Set before fitMatrix so learners can vectorize validation data with transformTokens();
    // a failed fit puts the previous one back (a refit model stays consistent).
    const previous = this.vectorizerState;
    this.vectorizerState = vectorizer;
    try {
      await this.fitMatrix(X, data, applyClassWeight(data, this.options.classWeight));
    } catch (error) {
      this.vectorizerState = previous;
      throw error;
    }
  }

  /** Vectorizes preprocessed tokens with the fitted (or in-training) vectorizer. */
  protected transformTokens(tokens: string[][]): SparseMatrix {
    return this.vectorizerState!.transform(tokens);
  }

  protected async predictProbaTokens(tokens: string[][]): Promise<number[][]> {
    return this.probaMatrix(this.vectorizerState!.transform(tokens));
  }

  protected async stateFiles(): Promise<Record<string, { path: string; data: object }>> {
    return {
      vectorizer: { path: 'vectorizer.json', data: this.vectorizerState!.toJSON() },
      weights: { path: 'weights.json', data: this.modelState() },
    };
  }

  protected async loadState(artifact: Artifact): Promise<void> {
    const vectorizer = vectorizerFromJSON(await artifact.readJson('vectorizer'));
    const state = await artifact.readJson<Record<string, unknown>>('weights');
    this.restoreModelState(state, vectorizer.size, artifact.manifest.classes.length);
    this.vectorizerState = vectorizer;
  }

  /** The declared options in effect; `features` is the model's default settings overridden by the given fields. */
  override getParams(): Record<string, unknown> {
    return { ...super.getParams(), features: { ...this.defaultFeatures(), ...(this.options.features ?? {}) } };
  }

  /** The features used when `options.features` leaves a field out. */
  protected defaultFeatures(): Readonly<FeatureOptions> {
    return DEFAULT_FEATURES;
  }

  /** Trains on the feature matrix; `weights` are sample × class weights. */
  protected abstract fitMatrix(X: SparseMatrix, data: TextTrainingData, weights: Float64Array): Promise<void>;
  /** Probabilities for a feature matrix. */
  protected abstract probaMatrix(X: SparseMatrix): number[][];
  /** The learned parameters as JSON. */
  protected abstract modelState(): Record<string, unknown>;
  /** Restores learned parameters, checking their shapes. */
  protected abstract restoreModelState(state: Record<string, unknown>, features: number, classes: number): void;
}
