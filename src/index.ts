/**
 * `ulasan`: sentiment pipelines for Indonesian (and English) reviews on TensorFlow.js.
 *
 * The root entry holds what every area shares: the classifier contract, errors, the callback
 * protocol. Each area has its own subpath: `ulasan/text`, `ulasan/metrics`, `ulasan/ssl`,
 * `ulasan/vision`, `ulasan/experiments`, `ulasan/backend`, `ulasan/report`, and `ulasan/testing`
 * (the classifier conformance suite for plugin authors).
 *
 * @packageDocumentation
 */

export type { Classifier, FitOptions, Label, PersistableClassifier } from './core/classifier.js';
export { cloneClassifier, paramsInEffect } from './core/classifier.js';
export type { UlasanErrorCode } from './core/errors.js';
export {
  AbortError,
  MissingDependencyError,
  NotFittedError,
  UlasanError,
} from './core/errors.js';
export { compareLabels, uniqueLabels } from './core/labels.js';
export type { Logs, ProgressCallback, ProgressEvent, TrainingCallbacks } from './core/progress.js';
export { Random } from './core/random.js';
export { ulasanVersion } from './core/version.js';
export type { SentimentPipeline, SentimentPipelineOptions, SentimentPrediction } from './sentiment-pipeline.js';
export { createSentimentPipeline } from './sentiment-pipeline.js';
