/**
 * `ulasan/experiments`: leak-free splits, resampling, cross-validation and resumable scenario grids.
 *
 * @packageDocumentation
 */

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
