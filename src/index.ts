/**
 * `ulasan`: sentiment pipelines for Indonesian (and English) reviews on TensorFlow.js.
 *
 * The root entry holds what every area shares: the classifier contract, errors, the callback
 * protocol. Each area has its own subpath: `ulasan/text`, `ulasan/metrics`, `ulasan/ssl`,
 * `ulasan/vision`, `ulasan/experiments`, `ulasan/backend`.
 *
 * @packageDocumentation
 */
export type { Classifier, PersistableClassifier, FitOptions, Label } from './core/classifier.js';
export {
  UlasanError,
  NotFittedError,
  MissingDependencyError,
  AbortError,
} from './internal/errors.js';
export type { UlasanErrorCode } from './internal/errors.js';
export type { Logs, TrainingCallbacks, ProgressEvent, ProgressCallback } from './internal/progress.js';
export { Random } from './internal/random.js';
export { ulasanVersion } from './internal/version.js';
