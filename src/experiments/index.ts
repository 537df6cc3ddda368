/**
 * `ulasan/experiments`: leak-free splits, resampling, cross-validation and resumable scenario grids.
 *
 * @packageDocumentation
 */

export type { GridEmbeddingsRequest } from '../core/grid-embeddings.js';
export type { PartScores } from './evaluation.js';
export type { QueueConnection } from './executors/bullmq.js';
export { type LocalExecutor, type LocalExecutorOptions, localExecutor } from './executors/local-executor.js';
export {
  type QueueExecutor,
  type QueueExecutorOptions,
  type QueueGridStatus,
  queueExecutor,
  type ScenarioJobProgress,
  type ScenarioJobResult,
} from './executors/queue-executor.js';
export {
  predictOnQueue,
  type QueueLabeler,
  type QueuePrediction,
  type QueuePredictOptions,
  queuePoolScorer,
  type StreamTextsOptions,
  streamTexts,
} from './executors/queue-predict.js';
export {
  type QueueWorkerOptions,
  type QueueWorkerSummary,
  runQueueWorker,
} from './executors/queue-worker.js';
export {
  type GridExecution,
  type GridExecutor,
  type GridJobSpec,
  inProcessExecutor,
} from './executors/types.js';
export { diagnoseFit, type FitDiagnosis, type FitDiagnosisOptions, type FitEvidence } from './fit-diagnosis.js';
export {
  DEFAULT_MAX_SCENARIOS,
  expandGrid,
  type GridConfig,
  type GridCvConfig,
  type GridDataConfig,
  type GridEmbeddingsConfig,
  type GridMetric,
  type GridResampleConfig,
  type GridSplitConfig,
  type InlineDataset,
  type LoadGridConfigOptions,
  loadGridConfig,
  type Scenario,
  validateGridConfig,
} from './grid-config.js';
export type { DataSummary } from './grid-data.js';
export { GRID_DEFAULTS_KIND, type GridDefaults, isGridDefaults } from './grid-defaults.js';
export {
  type ClassifierFactory,
  type GridRunResult,
  type RefitResult,
  type RunGridOptions,
  runGrid,
} from './grid-runner.js';
export {
  checkLeakage,
  type LeakageCheckOptions,
  type LeakageExample,
  type LeakageReport,
  normalizeForLeakage,
} from './leakage.js';
export {
  classCounts,
  type OverSampleOptions,
  randomOverSample,
  randomUnderSample,
  resampleTrainOnly,
  type SamplingStrategy,
  type TrainResampleOptions,
  type UnderSampleOptions,
} from './resample.js';
export type { CvScores, MeanStd, ScenarioResult } from './results-table.js';
export {
  type KFoldOptions,
  kFold,
  type SplitCommonOptions,
  stratifiedKFold,
  type TrainTestIndices,
  type TrainTestSplitOptions,
  type TrainValidTestIndices,
  type TrainValidTestSplitOptions,
  trainTestSplit,
  trainValidTestSplit,
} from './split.js';
