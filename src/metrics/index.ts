/**
 * `ulasan/metrics`: classification metrics numerically identical to scikit-learn (confusion
 * matrix, precision/recall/F with every average and zero-division rule, the classification report
 * text and dictionary, kappa, MCC, balanced accuracy, multi-label metrics, log loss, ROC AUC, top-k
 * accuracy), a streaming {@link ConfusionMatrix}, and SVG/PNG figures rendered without a browser.
 *
 * Importing this module loads neither TensorFlow.js nor sharp (sharp is imported lazily by
 * {@link svgToPng}).
 *
 * Warnings that scikit-learn raises (UndefinedMetricWarning and friends) go to the `onWarning`
 * option of each function, or to `process.emitWarning` when it is not given.
 *
 * @packageDocumentation
 */

export type {
  AccuracyOptions,
  AveragedScores,
  BalancedAccuracyOptions,
  CohenKappaOptions,
  KappaWeights,
  MccOptions,
  PerLabelScores,
  PrecisionRecallOptions,
  ScoreOptions,
} from './classification.js';
export {
  accuracyScore,
  balancedAccuracyScore,
  cohenKappaScore,
  f1Score,
  fbetaScore,
  matthewsCorrcoef,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
} from './classification.js';
export type {
  ConfusionMatrixJSON,
  ConfusionMatrixOptions,
  ConfusionMatrixResult,
  ConfusionMatrixUpdateOptions,
  ConfusionNormalize,
} from './confusion-matrix.js';
export { ConfusionMatrix, confusionMatrix } from './confusion-matrix.js';
export type {
  AveragePrecisionOptions,
  BinaryCurveOptions,
  ClassCurves,
  CurveScores,
  OneVsRestCurvesOptions,
  PrecisionRecallCurve,
  PrecisionRecallCurveOptions,
  RocCurve,
  RocCurveOptions,
} from './curves.js';
export { auc, averagePrecisionScore, oneVsRestCurves, precisionRecallCurve, rocCurve } from './curves.js';
export type {
  ConfusionMatrixSvgOptions,
  EvaluationFigures,
  SvgToPngOptions,
  TrainingCurvesSvgOptions,
  TrainingHistory,
} from './figures.js';
export { confusionMatrixSvg, svgToPng, trainingCurvesSvg, writeEvaluationFigures } from './figures.js';
export type {
  ClassDistributionSvgOptions,
  GridComparisonSvgOptions,
  GridScenarioScores,
  SelfTrainingIteration,
  SelfTrainingSvgOptions,
  VideoTimelineData,
  VideoTimelineSvgOptions,
} from './figures-charts.js';
export { classDistributionSvg, gridComparisonSvg, selfTrainingSvg, videoTimelineSvg } from './figures-charts.js';
export type { WriteFiguresOptions } from './figures-common.js';
export { writeFigures } from './figures-common.js';
export type { CurvesSvgOptions } from './figures-curves.js';
export { precisionRecallCurvesSvg, rocCurvesSvg } from './figures-curves.js';
export type {
  ClassWordCloudsOptions,
  PlacedWord,
  WeightedWord,
  WordCloudOptions,
  WordCountOptions,
} from './figures-word-cloud.js';
export { classWordCloudsSvg, wordCloudLayout, wordCloudSvg, wordCounts } from './figures-word-cloud.js';
export type { HammingLossOptions, MultilabelConfusionMatrixOptions } from './multilabel.js';
export { hammingLoss, multilabelConfusionMatrix } from './multilabel.js';
export type { Average, ZeroDivision } from './prf.js';
export type { LogLossOptions, RocAucOptions, ScoreMatrix, TopKAccuracyOptions } from './probability.js';
export { logLoss, rocAucScore, topKAccuracyScore } from './probability.js';
export type {
  ClassificationReportDict,
  ClassificationReportOptions,
  EvaluationSummary,
  EvaluationSummaryOptions,
  ReportRow,
} from './report.js';
export { classificationReport, evaluationSummary } from './report.js';
export type { IndicatorMatrix, Label, LabelArray, SampleWeight, Targets } from './targets.js';
export type { MetricWarning, MetricWarningName, WarningOptions } from './warnings.js';
