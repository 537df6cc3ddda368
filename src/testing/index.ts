/**
 * `ulasan/testing`: the classifier conformance suite, for plugin authors and for ulasan's own
 * tests. It checks a classifier factory against the contract every ulasan classifier follows
 * (`core/classifier.ts`): empty `classes` and `NotFittedError` before `fit`, `fit` resolving to the
 * classifier, probability rows summing to 1 in `classes` order (`compareLabels`), `predict` as
 * their argmax, declared parameters and `cloneClassifier`, the error codes, save → load, and an
 * idempotent async `dispose`. Runner-agnostic: it throws (or reports) instead of calling `expect`.
 *
 * @example
 * ```ts
 * import { runClassifierConformance } from 'ulasan/testing';
 * import { createTextClassifier, loadTextClassifier } from 'ulasan/text';
 *
 * await runClassifierConformance({
 *   create: () => createTextClassifier({ model: 'my-model' }),
 *   inputs: train.texts,
 *   labels: train.labels,
 *   load: loadTextClassifier,
 * });
 * ```
 *
 * @packageDocumentation
 */
export type {
  ClassifierConformanceOptions,
  ConformanceCheckName,
  ConformanceCheckResult,
  ConformanceReport,
} from './conformance.js';
export {
  ClassifierConformanceError,
  CONFORMANCE_CHECKS,
  checkClassifierConformance,
  runClassifierConformance,
} from './conformance.js';
export type { MultiLabelConformanceOptions, MultiOutputClassifier } from './multilabel-conformance.js';
export { checkMultiLabelConformance, runMultiLabelConformance } from './multilabel-conformance.js';
