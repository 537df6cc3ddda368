/**
 * The one classifier contract every model in ulasan implements (deep text models, classic
 * baselines, vision heads, user-made models), modelled on scikit-learn's estimator API:
 * constructors only store options, `fit` trains and resolves to the classifier itself, fitted state
 * is set by `fit`, and `predict` before `fit` throws `NotFittedError`.
 *
 * The full contract (checked for every built-in kind by `runClassifierConformance` from
 * `ulasan/testing`, which plugin authors can run on their own kinds):
 * - `classes` is empty before `fit`, then the training labels in {@link compareLabels} order; the
 *   columns of `predictProba` follow it and every row sums to 1; `predict` is its argmax.
 * - declared parameters: `paramNames` lists the constructor options the classifier understands and
 *   `getParams()` returns them as in effect (defaults filled in), so `cloneClassifier` (scikit-learn's
 *   `clone`), the grid's option check and the CLI read one list instead of keeping their own.
 * - `dispose()` frees what the classifier holds (tensors, workers, members); it always resolves, may
 *   be called twice, and leaves a classifier that can be fitted again.
 * - errors come from the one vocabulary of `ulasan` (`UlasanError` codes): `NOT_FITTED` before `fit`,
 *   `INVALID_ARGUMENT` for empty or misaligned inputs and labels unknown to the model,
 *   `INVALID_DATA` for training data with a single class.
 *
 * The experiments runner and the self-training loop only rely on this interface.
 */
import { invalidArgument } from '../internal/errors.js';
import type { Logs, TrainingCallbacks } from '../internal/progress.js';

export { compareLabels, uniqueLabels } from './labels.js';

/** A class label: strings or numbers (never mixed within one dataset). */
export type Label = string | number;

/** Options accepted by every `fit`. */
export interface FitOptions<X = string> {
  /** Held-out data for early stopping / validation metrics (never trained on). */
  validation?: { inputs: X[]; labels: Label[] };
  /** Per-sample weights aligned with the training inputs (e.g. lower for pseudo-labels). */
  sampleWeights?: number[];
  /** Training callbacks (tfjs-style). */
  callbacks?: TrainingCallbacks;
  /** Cancels training between batches/epochs. */
  signal?: AbortSignal;
  /**
   * Continue from the current fitted state instead of re-initialising (used by warm-started
   * self-training). Models that cannot warm-start ignore it and train from scratch.
   */
  warmStart?: boolean;
}

/** Anything with `fit` and `predictProba`: the minimum the self-training loop and grids need. */
export interface Classifier<X = string> {
  /** Class labels in the column order of `predictProba`; set by `fit`. */
  readonly classes: readonly Label[];
  /** Trains on `inputs`/`labels` and resolves to the classifier itself. */
  fit(inputs: X[], labels: Label[], options?: FitOptions<X>): Promise<this>;
  /** One probability row per input, columns in `classes` order, each row summing to 1. */
  predictProba(inputs: X[]): Promise<number[][]>;
  /** The most probable label per input. */
  predict(inputs: X[]): Promise<Label[]>;
  /**
   * Names of the constructor options this classifier declares (what `getParams` returns, what a
   * grid scenario or the CLI may set). Options outside it are ignored by the constructor.
   */
  readonly paramNames: readonly string[];
  /**
   * The declared constructor options as in effect: the given value, else the default. A default
   * that is only decided at `fit` (from the data or another option) is `undefined`. Passing the
   * result to the constructor gives an equal, unfitted classifier ({@link cloneClassifier}).
   */
  getParams(): Record<string, unknown>;
  /** Frees tensors and other held resources; resolves even when there is nothing to free, and may be called again. */
  dispose(): Promise<void>;
}

/** A classifier that can be saved to a directory and evaluated. */
export interface PersistableClassifier<X = string> extends Classifier<X> {
  /** Saves everything needed to predict (weights, preprocessing, vocabulary, labels, metadata). */
  save(dir: string): Promise<void>;
  /** Training history per epoch, when the model trains in epochs. */
  readonly history?: Logs[];
}

/**
 * A new, unfitted classifier with the same parameters as `classifier` (scikit-learn's `clone`):
 * `new classifier.constructor(classifier.getParams())`. The fitted state (weights, vocabulary,
 * classes) is never copied; object-valued parameters (a pipeline, embeddings, a base factory) are
 * shared, as scikit-learn's `clone(safe=False)` does with non-estimator values.
 *
 * @example
 * ```ts
 * const fresh = cloneClassifier(model); // same options, not fitted
 * await fresh.fit(otherTexts, otherLabels);
 * ```
 * @throws UlasanError `INVALID_ARGUMENT` when the object is not a classifier with `getParams()`.
 */
export function cloneClassifier<C extends Pick<Classifier<unknown>, 'getParams'>>(classifier: C): C {
  if (!classifier || typeof (classifier as { getParams?: unknown }).getParams !== 'function') {
    throw invalidArgument(
      'cloneClassifier: expected a classifier with getParams() (every ulasan classifier has one; a custom class needs getParams() returning its constructor options).',
    );
  }
  const Ctor = (classifier as object).constructor as new (params: Record<string, unknown>) => C;
  return new Ctor(classifier.getParams());
}

/**
 * The parameters in effect from a classifier's options and its declared defaults: every declared
 * name, with the given value or else the default (`undefined` where the default is decided at fit).
 * The helper behind the built-in `getParams()`.
 */
export function paramsInEffect(options: object, defaults: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const given = options as Record<string, unknown>;
  return Object.fromEntries(Object.keys(defaults).map((k) => [k, given[k] ?? defaults[k]]));
}
