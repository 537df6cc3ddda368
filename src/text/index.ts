/**
 * `ulasan/text`.
 *
 * @packageDocumentation
 */

export type {
  ColumnRef,
  Dataset,
  DatasetFormat,
  MultiLabelDataset,
  RatingRule,
  ReadDatasetOptions,
  SkippedRow,
  WriteDatasetOptions,
} from '../data/index.js';
// Data files (readDataset / writeDataset).
export { parseDataset, RATING_RULES, readDataset, writeDataset } from '../data/index.js';
export type { Artifact, ArtifactManifest, ArtifactMetadata, TrainingMetadata } from './models/artifact.js';
export {
  ARTIFACT_FORMAT,
  ARTIFACT_VERSION,
  MANIFEST_FILE,
  readArtifact,
  resolveArtifactPath,
  writeArtifact,
} from './models/artifact.js';
export type { ClassicTextClassifierOptions, ClassWeight, FeatureOptions } from './models/classic/features.js';
export { DEFAULT_FEATURES } from './models/classic/features.js';
export type { LinearSvmOptions } from './models/classic/linear-svm.js';
export { LinearSvmClassifier } from './models/classic/linear-svm.js';
export type { LogisticRegressionOptions } from './models/classic/logistic-regression.js';
export { LogisticRegressionClassifier } from './models/classic/logistic-regression.js';
export type { NaiveBayesOptions } from './models/classic/naive-bayes.js';
export { NaiveBayesClassifier } from './models/classic/naive-bayes.js';
export type {
  BuiltinTextClassifierKind,
  CreateTextClassifierOptions,
  TextClassifierKindHandler,
} from './models/registry.js';
export {
  createTextClassifier,
  loadTextClassifier,
  registerTextClassifierKind,
  textClassifierKinds,
} from './models/registry.js';
export type {
  PipelineReviver,
  TextClassifierOptions,
  TextEvaluation,
  TextTrainingData,
  TokenPipeline,
} from './models/text-classifier.js';
// Text classifiers: base, saved-model format, registry, classic baselines.
export {
  hashTrainingData,
  revivePipeline,
  setPipelineReviver,
  TextClassifier,
  WhitespacePipeline,
} from './models/text-classifier.js';
export type {
  CountVectorizerOptions,
  PadSequencesOptions,
  TfidfVectorizerOptions,
  VectorizerJSON,
  VocabularyJSON,
  VocabularyOptions,
} from './vectorize/index.js';
// Vectorizing.
export { CountVectorizer, padSequences, SparseMatrix, TfidfVectorizer, Vocabulary } from './vectorize/index.js';
