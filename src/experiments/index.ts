/**
 * `ulasan/experiments`: leak-free splits, resampling, cross-validation and resumable scenario grids.
 *
 * @packageDocumentation
 */

export type { PartScores } from './evaluation.js';
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
