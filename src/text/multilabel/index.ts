/**
 * Multi-label / multi-output text classification: Binary Relevance, Classifier Chains, Label
 * Powerset over any text classifier, and the multi-label report.
 *
 * @packageDocumentation
 */
export type {
  BinarizedLabels,
  MultiLabelReport,
  MultiLabelReportOptions,
  MultiLabelRow,
} from './report.js';
export { binarizeMultiOutput, multiLabelReport } from './report.js';
export type {
  ClassifierChainOptions,
  MultiLabelFitOptions,
  MultiLabelManifest,
  MultiLabelOptions,
  TextClassifierFactory,
} from './transformations.js';
export {
  BinaryRelevance,
  ClassifierChain,
  chainToken,
  LabelPowerset,
  loadMultiLabelClassifier,
  MultiLabelTextClassifier,
} from './transformations.js';
