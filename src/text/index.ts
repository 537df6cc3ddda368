/**
 * `ulasan/text`.
 *
 * @packageDocumentation
 */

// Data files (readDataset / writeDataset).
export type { Label } from '../core/classifier.js';
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
export { parseDataset, RATING_RULES, readDataset, writeDataset } from '../data/index.js';
// Survey breadth (issue 12): feature selection, tree ensembles, lexicon sentiment, multi-label.
export type { Chi2Result, FeatureSelectionOptions, MutualInformationOptions } from './feature-selection/index.js';
export {
  chi2,
  mutualInformation,
  restrictVectorizer,
  selectColumns,
  selectKBest,
  selectVectorizerFeatures,
} from './feature-selection/index.js';
export {
  TEXT_GRID_OPTIONS,
  textClassifierFactory,
  textGridDefaults,
  textGridOptionNames,
  textQueueLabeler,
} from './grid.js';
export type { GridEmbeddingsRequest } from './grid-embeddings.js';
export type {
  LexiconLanguage,
  LexiconSentimentOptions,
  PolarityOptions,
  PolarityScores,
  RuleRole,
  SentimentLexicon,
} from './lexicon/index.js';
export { LexiconSentimentAnalyzer, polarityScores, sentimentLexicon } from './lexicon/index.js';
export type { Artifact, ArtifactManifest, ArtifactMetadata, TrainingMetadata } from './models/artifact.js';
export {
  ARTIFACT_FORMAT,
  ARTIFACT_VERSION,
  MANIFEST_FILE,
  readArtifact,
  resolveArtifactPath,
  writeArtifact,
} from './models/artifact.js';
export {
  ClassicTextClassifier,
  type ClassicTextClassifierOptions,
} from './models/classic/classic-text-classifier.js';
export type { ClassWeight, FeatureOptions } from './models/classic/features.js';
export { DEFAULT_FEATURES, NAIVE_BAYES_FEATURES } from './models/classic/features.js';
export type { LinearSvmOptions } from './models/classic/linear-svm.js';
export { LinearSvmClassifier } from './models/classic/linear-svm.js';
export type { LogisticRegressionOptions } from './models/classic/logistic-regression.js';
export { LogisticRegressionClassifier } from './models/classic/logistic-regression.js';
export type { NaiveBayesOptions } from './models/classic/naive-bayes.js';
export { NaiveBayesClassifier } from './models/classic/naive-bayes.js';
// Deep text classifiers (src/text/models/deep): builders, training loop, LSTM/GRU/BiLSTM/CNN-LSTM kinds.
export type {
  DeepArchitectureOptions,
  DeepModelSpec,
  DeepTextModelKind,
} from './models/deep/builders.js';
export { buildDeepTextModel, DEEP_TEXT_MODEL_KINDS, resolveDeepModelSpec } from './models/deep/builders.js';
export type {
  ClassWeightOption,
  DeepTextClassifierOptions,
  EmbeddingSource,
} from './models/deep/deep-text-classifier.js';
export {
  BiLstmClassifier,
  CnnLstmClassifier,
  DeepTextClassifier,
  deepTextClassifierKinds,
  encodeSequences,
  GruClassifier,
  LstmClassifier,
  predictTextStream,
} from './models/deep/deep-text-classifier.js';
export type { DeepOptimizerName } from './models/deep/optimizers.js';
export { DEEP_OPTIMIZER_NAMES, DEFAULT_LEARNING_RATES } from './models/deep/optimizers.js';
export type {
  DeepTrainingOptions,
  DeepTrainingResult,
  EarlyStoppingOptions,
  EncodedSequences,
  MonitoredMetric,
} from './models/deep/trainer.js';
export { evaluateEncoded, predictEncoded, trainDeepModel } from './models/deep/trainer.js';
// Soft-voting ensembles of any kinds (src/text/models/ensemble), the shipped model's recipe.
export type { EnsembleCombine, EnsembleMemberSpec, EnsembleOptions } from './models/ensemble/index.js';
export { DEFAULT_ENSEMBLE_MEMBERS, EnsembleClassifier } from './models/ensemble/index.js';
export {
  type ParallelPredictOptions,
  parallelPredictProba,
  predictTextStreamParallel,
  type StreamedPrediction,
} from './models/parallel-predict.js';
export type { TextClassifierParamsKind } from './models/params.js';
export { TEXT_CLASSIFIER_PARAMS } from './models/params.js';
export type { PretrainedModelName } from './models/pretrained.js';
export { loadPretrainedModel, pretrainedModelPath } from './models/pretrained.js';
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
  textClassifierParamNames,
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
export type { GradientBoostingOptions, RandomForestOptions } from './models/trees/index.js';
export { GradientBoostingClassifier, RandomForestClassifier } from './models/trees/index.js';
export type {
  BinarizedLabels,
  ClassifierChainOptions,
  MultiLabelFitOptions,
  MultiLabelManifest,
  MultiLabelOptions,
  MultiLabelReport,
  MultiLabelReportOptions,
  MultiLabelRow,
  TextClassifierFactory,
} from './multilabel/index.js';
export {
  BinaryRelevance,
  binarizeMultiOutput,
  ClassifierChain,
  chainToken,
  LabelPowerset,
  loadMultiLabelClassifier,
  MultiLabelTextClassifier,
  multiLabelReport,
} from './multilabel/index.js';
// Preprocessing (src/text/preprocess): steps usable alone, the serializable pipeline, presets.
export type {
  CaseFoldStep,
  CleanOptions,
  CleanStep,
  DropDuplicatesOptions,
  DropReason,
  DropResult,
  EcsRule,
  NormalizeSlangOptions,
  NormalizeSlangStep,
  PipelineConfig,
  PipelineLoadOptions,
  PipelinePresets,
  PipelineStep,
  PipelineStepName,
  PipelineTrace,
  PreprocessLanguage,
  ProcessAllOptions,
  PunctuationOptions,
  RemovePunctuationStep,
  RemoveStopwordsStep,
  ResolvedCleanOptions,
  ResolvedTokenizeOptions,
  SlangLexiconOptions,
  SlangLoadReport,
  Stemmer,
  StemmerAlgorithm,
  StemmerOptions,
  StemmerReport,
  StemStep,
  StopwordOptions,
  StopwordProfile,
  TokenizeOptions,
  TokenizeStep,
  TraceEntry,
} from './preprocess/index.js';
export {
  builtinSlang,
  CLITIC_EXCEPTIONS,
  caseFold,
  cleanText,
  collapseElongation,
  createPipeline,
  createSlangLexicon,
  createStemmer,
  dropDuplicates,
  dropEmpty,
  duplicateKey,
  ECS_RULE_GROUPS,
  ecsStem,
  emojiWords,
  interjections,
  normalizeSlang,
  PIPELINE_FORMAT,
  PIPELINE_PRESETS,
  PIPELINE_VERSION,
  porterStem,
  removePunctuation,
  removeStopwords,
  resolveCleanOptions,
  resolveTokenizeOptions,
  SlangLexicon,
  sentimentWords,
  stopwords,
  TextPipeline,
  talaStem,
  tokenize,
} from './preprocess/index.js';
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
export type {
  EmbeddingMatrix,
  EmbeddingMatrixOptions,
  LoadWordVectorsOptions,
  ResolvedWord2VecOptions,
  SaveWordVectorsOptions,
  SentenceSource,
  SimilarWord,
  Word2VecCorpus,
  Word2VecEpochStats,
  Word2VecOptions,
  Word2VecPresets,
  Word2VecSentence,
  Word2VecTrainOptions,
  WordOrVector,
  WordVectorsFormat,
} from './word2vec/index.js';
// Word2Vec: trainer, frozen vectors, word2vec/native formats.
export {
  resolveWord2VecOptions,
  trainWord2Vec,
  WORD2VEC_DEFAULTS,
  WORD2VEC_PRESETS,
  Word2VecTrainer,
  WordVectors,
} from './word2vec/index.js';
