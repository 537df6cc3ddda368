/**
 * The callback protocol shared by every long loop in ulasan (training, Word2Vec, grids, self-training).
 * It follows tfjs-layers' `onEpochEnd(epoch, logs)` shape so Keras/tfjs users already know it; every
 * long call also takes `signal: AbortSignal` for cancellation.
 */

/** Numeric metrics for one epoch or batch, e.g. `{ loss, accuracy, valLoss, valAccuracy }`. */
export type Logs = Record<string, number>;

/** Training callbacks. All are optional and may be async. */
export interface TrainingCallbacks {
  onTrainBegin?: (logs?: Logs) => void | Promise<void>;
  onTrainEnd?: (logs?: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs?: Logs) => void | Promise<void>;
}

/** A progress report from a long job that is not epoch-shaped (preprocessing, Word2Vec, grids). */
export interface ProgressEvent {
  /** What is running, e.g. `'word2vec'`, `'grid'`. */
  task: string;
  /** Units done so far (words, batches, scenarios...). */
  done: number;
  /** Total units, when known. */
  total?: number;
  /** Estimated seconds left, when known. */
  etaSeconds?: number;
  /** Extra numbers worth showing (words/s, alpha, loss...). */
  info?: Record<string, number | string>;
}

/** A function that receives progress reports. */
export type ProgressCallback = (event: ProgressEvent) => void;
