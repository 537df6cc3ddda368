/**
 * The one classifier contract every model in ulasan implements (deep text models, classic
 * baselines, vision heads, user-made models), modelled on scikit-learn's estimator API:
 * constructors only store options, `fit` trains and resolves to the classifier itself, fitted state
 * is set by `fit`, and `predict` before `fit` throws `NotFittedError`.
 *
 * The experiments runner and the self-training loop only rely on this interface.
 */
import type { Logs, TrainingCallbacks } from '../internal/progress.js';

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
}

/** A classifier that can be saved to a directory and evaluated. */
export interface PersistableClassifier<X = string> extends Classifier<X> {
  /** Saves everything needed to predict (weights, preprocessing, vocabulary, labels, metadata). */
  save(dir: string): Promise<void>;
  /** Training history per epoch, when the model trains in epochs. */
  readonly history?: Logs[];
}
