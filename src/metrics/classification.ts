/**
 * Label-based classification metrics, numerically identical to scikit-learn: precision, recall,
 * F-beta (all averages, zero-division rules), accuracy, Cohen's kappa, Matthews correlation and
 * balanced accuracy. Each takes 1-D labels (strings or numbers, arrays or typed arrays); the
 * precision/recall/F family and accuracy also take multi-label indicator matrices.
 */
import { invalidArgument, UlasanError } from '../internal/errors.js';
import { type ClassCounts, countClasses, indicesOf, seenIndices, unionLabels } from './counts.js';
import { indicatorColumns, indicatorStats } from './multilabel.js';
import {
  type Average,
  checkPrfOptions,
  type PrfRaw,
  type PrfStats,
  prfFromStats,
  type WarnFor,
  type ZeroDivision,
} from './prf.js';
import {
  type ClassTargets,
  checkLabelsOption,
  checkSampleWeight,
  checkTargets,
  type IndicatorTargets,
  type Label,
  type LabelArray,
  pairwiseSum,
  type SampleWeight,
  type Targets,
} from './targets.js';
import { emitMetricWarning, type WarningOptions } from './warnings.js';

export type { Average, ZeroDivision };

/** Options of {@link precisionRecallFscoreSupport} and the precision/recall/F conveniences. */
export interface PrecisionRecallOptions extends WarningOptions {
  /**
   * Labels to score, in this order (may include labels absent from the data, or leave some out).
   * For indicator matrices these are column indices. Default: sorted union of both arrays.
   */
  labels?: readonly Label[];
  /** Averaging; `null` returns one value per label. */
  average?: Average;
  /** The positive class for `average: 'binary'` (default 1, as in scikit-learn). */
  posLabel?: Label;
  /** Weight of recall in the F-score (default 1: F1). */
  beta?: number;
  /** Value on zero division (default `'warn'`: 0 and an UndefinedMetricWarning). */
  zeroDivision?: ZeroDivision;
  /** Per-sample weights. */
  sampleWeight?: SampleWeight;
}

/** Per-label scores (`average: null`). */
export interface PerLabelScores {
  precision: number[];
  recall: number[];
  fscore: number[];
  /** Number (or weight sum) of true samples of each label. */
  support: number[];
}

/** Averaged scores (any `average` other than `null`); `support` is null, as in scikit-learn. */
export interface AveragedScores {
  precision: number;
  recall: number;
  fscore: number;
  support: null;
}

/** @internal Everything needed to compute set-wise scores for several averages. */
export interface SetWise {
  targets: ClassTargets | IndicatorTargets;
  labels: Label[];
  stats: (average: Average) => PrfStats;
  weighted: boolean;
  /**
   * Whether scikit-learn's supports come out as floats: with sample weights, or (a quirk of its
   * `multilabel_confusion_matrix`) when no sample at all is predicted correctly.
   */
  floatSupport: boolean;
}

/** @internal scikit-learn's `_check_set_wise_labels` plus the statistics. */
export function setWise(yTrue: Targets, yPred: Targets, options: PrecisionRecallOptions, forAverage: Average): SetWise {
  const t = checkTargets(yTrue, yPred);
  const weights = checkSampleWeight(options.sampleWeight, t.yTrue.length);
  let labels: Label[] | undefined =
    options.labels === undefined
      ? undefined
      : t.type === 'multilabel-indicator'
        ? [...options.labels]
        : checkLabelsOption(options.labels, t.kind);
  const posLabel = options.posLabel ?? 1;
  if (forAverage === 'binary') {
    if (t.type === 'binary') {
      if (!t.present.includes(posLabel) && t.present.length >= 2) {
        throw invalidArgument(
          `posLabel=${String(posLabel)} is not a valid label. It should be one of ${pyList(t.present)}: set posLabel to your positive class.`,
        );
      }
      labels = [posLabel];
    } else {
      const opts =
        t.type === 'multiclass'
          ? "null, 'micro', 'macro', 'weighted'"
          : "null, 'micro', 'macro', 'weighted', 'samples'";
      throw invalidArgument(
        `Target is ${t.type} but average='binary'. Please choose another average setting, one of ${opts} (or pass labels with two classes only).`,
      );
    }
  } else if (options.posLabel !== undefined && options.posLabel !== 1) {
    emitMetricWarning(
      options,
      'UserWarning',
      `Note that posLabel (set to ${JSON.stringify(options.posLabel)}) is ignored when average != 'binary' (got ${JSON.stringify(forAverage)}). You may use labels=[posLabel] to specify a single positive class.`,
    );
  }
  if (t.type === 'multilabel-indicator') {
    const columns = indicatorColumns(t.nLabels, labels);
    const stats = (average: Average): PrfStats => {
      if (average === 'samples') return { ...indicatorStats(t, columns, weights, true), sampleWeight: weights };
      return indicatorStats(t, columns, weights, false);
    };
    return { targets: t, labels: columns, stats, weighted: weights !== undefined, floatSupport: weights !== undefined };
  }
  const wanted = labels ?? t.present;
  const counts = countClasses(unionLabels(t.present, wanted), t.yTrue, t.yPred, weights);
  const idx = indicesOf(counts, wanted);
  const n = counts.labels.length;
  const stats = (average: Average): PrfStats => {
    if (average === 'samples') {
      throw invalidArgument(
        "Samplewise metrics are not available outside of multilabel classification: average 'samples' needs indicator matrices.",
      );
    }
    return {
      tp: Float64Array.from(idx, (i) => counts.cells[i * n + i]!),
      pred: Float64Array.from(idx, (i) => counts.predSum[i]!),
      true: Float64Array.from(idx, (i) => counts.trueSum[i]!),
    };
  };
  let anyCorrect = false;
  for (let s = 0; s < t.yTrue.length && !anyCorrect; s++) anyCorrect = t.yTrue[s] === t.yPred[s];
  return {
    targets: t,
    labels: wanted,
    stats,
    weighted: weights !== undefined,
    floatSupport: weights !== undefined || !anyCorrect,
  };
}

/** @internal Python's repr of a label list, for messages that mirror scikit-learn's. */
export function pyList(labels: readonly Label[]): string {
  return `[${labels.map((l) => (typeof l === 'string' ? `'${l}'` : String(l))).join(', ')}]`;
}

/** @internal */
export function toScores(raw: PrfRaw): PerLabelScores | AveragedScores {
  if (raw.support === null) {
    return {
      precision: raw.precision as number,
      recall: raw.recall as number,
      fscore: raw.fscore as number,
      support: null,
    };
  }
  return {
    precision: Array.from(raw.precision as Float64Array),
    recall: Array.from(raw.recall as Float64Array),
    fscore: Array.from(raw.fscore as Float64Array),
    support: Array.from(raw.support),
  };
}

function prfs(
  yTrue: Targets,
  yPred: Targets,
  options: PrecisionRecallOptions,
  defaults: { average: Average; warnFor: WarnFor },
) {
  const average = options.average === undefined ? defaults.average : options.average;
  const beta = options.beta ?? 1;
  const zeroDivision = options.zeroDivision ?? 'warn';
  checkPrfOptions(average, beta, zeroDivision);
  const sw = setWise(yTrue, yPred, options, average);
  return toScores(
    prfFromStats(sw.stats(average), {
      average,
      beta,
      zeroDivision,
      warnFor: defaults.warnFor,
      onWarning: options.onWarning,
    }),
  );
}

/**
 * Precision, recall, F-beta and support, exactly as scikit-learn's
 * `precision_recall_fscore_support` (default `average: null`: one value per label, in `labels`
 * order; averaged results have `support: null`). Labels absent from the data score 0 (or
 * `zeroDivision`) with an UndefinedMetricWarning; with `zeroDivision: NaN` they are left out of
 * averages.
 *
 * @example
 * ```ts
 * const r = precisionRecallFscoreSupport(['pos', 'neg', 'neg'], ['pos', 'pos', 'neg']);
 * // r.precision = [1, 0.5] (labels ['neg', 'pos']), r.support = [2, 1]
 * precisionRecallFscoreSupport(yTrue, yPred, { average: 'macro' }).fscore; // macro F1
 * ```
 */
export function precisionRecallFscoreSupport(
  yTrue: Targets,
  yPred: Targets,
  options?: PrecisionRecallOptions & { average?: null },
): PerLabelScores;
export function precisionRecallFscoreSupport(
  yTrue: Targets,
  yPred: Targets,
  options: PrecisionRecallOptions & { average: Exclude<Average, null> },
): AveragedScores;
export function precisionRecallFscoreSupport(
  yTrue: Targets,
  yPred: Targets,
  options?: PrecisionRecallOptions,
): PerLabelScores | AveragedScores;
export function precisionRecallFscoreSupport(
  yTrue: Targets,
  yPred: Targets,
  options: PrecisionRecallOptions = {},
): PerLabelScores | AveragedScores {
  return prfs(yTrue, yPred, options, { average: null, warnFor: ['precision', 'recall', 'f-score'] });
}

/** Options of the single-score conveniences (default `average: 'binary'`, as in scikit-learn). */
export type ScoreOptions = Omit<PrecisionRecallOptions, 'beta'>;

function single(r: PerLabelScores | AveragedScores, key: 'precision' | 'recall' | 'fscore'): number | number[] {
  return r[key];
}

/**
 * F-beta score (scikit-learn's `fbeta_score`); default `average: 'binary'` with `posLabel: 1`.
 * Returns one value per label with `average: null`.
 *
 * @example
 * ```ts
 * fbetaScore([0, 1, 1, 0], [0, 1, 0, 0], 2); // 0.5555555555555556
 * ```
 */
export function fbetaScore(
  yTrue: Targets,
  yPred: Targets,
  beta: number,
  options?: ScoreOptions & { average?: Exclude<Average, null> },
): number;
export function fbetaScore(
  yTrue: Targets,
  yPred: Targets,
  beta: number,
  options: ScoreOptions & { average: null },
): number[];
export function fbetaScore(
  yTrue: Targets,
  yPred: Targets,
  beta: number,
  options: ScoreOptions = {},
): number | number[] {
  return single(prfs(yTrue, yPred, { ...options, beta }, { average: 'binary', warnFor: ['f-score'] }), 'fscore');
}

/**
 * F1 score (scikit-learn's `f1_score`); default `average: 'binary'` with `posLabel: 1`. For
 * string labels or more than two classes pass `average` (e.g. `'macro'`) or `posLabel`.
 *
 * @example
 * ```ts
 * f1Score(['a', 'b', 'c', 'a'], ['a', 'b', 'b', 'a'], { average: 'macro' }); // 0.5555555555555555
 * ```
 */
export function f1Score(
  yTrue: Targets,
  yPred: Targets,
  options?: ScoreOptions & { average?: Exclude<Average, null> },
): number;
export function f1Score(yTrue: Targets, yPred: Targets, options: ScoreOptions & { average: null }): number[];
export function f1Score(yTrue: Targets, yPred: Targets, options: ScoreOptions = {}): number | number[] {
  return single(prfs(yTrue, yPred, { ...options, beta: 1 }, { average: 'binary', warnFor: ['f-score'] }), 'fscore');
}

/**
 * Precision (scikit-learn's `precision_score`); default `average: 'binary'` with `posLabel: 1`.
 *
 * @example
 * ```ts
 * precisionScore([0, 1, 1], [1, 1, 1]); // 0.6666666666666666
 * ```
 */
export function precisionScore(
  yTrue: Targets,
  yPred: Targets,
  options?: ScoreOptions & { average?: Exclude<Average, null> },
): number;
export function precisionScore(yTrue: Targets, yPred: Targets, options: ScoreOptions & { average: null }): number[];
export function precisionScore(yTrue: Targets, yPred: Targets, options: ScoreOptions = {}): number | number[] {
  return single(prfs(yTrue, yPred, options, { average: 'binary', warnFor: ['precision'] }), 'precision');
}

/**
 * Recall (scikit-learn's `recall_score`); default `average: 'binary'` with `posLabel: 1`.
 *
 * @example
 * ```ts
 * recallScore([0, 1, 1], [1, 1, 0]); // 0.5
 * ```
 */
export function recallScore(
  yTrue: Targets,
  yPred: Targets,
  options?: ScoreOptions & { average?: Exclude<Average, null> },
): number;
export function recallScore(yTrue: Targets, yPred: Targets, options: ScoreOptions & { average: null }): number[];
export function recallScore(yTrue: Targets, yPred: Targets, options: ScoreOptions = {}): number | number[] {
  return single(prfs(yTrue, yPred, options, { average: 'binary', warnFor: ['recall'] }), 'recall');
}

/** Options of {@link accuracyScore}. */
export interface AccuracyOptions extends WarningOptions {
  /** `false` returns the (weighted) number of correct samples instead of the fraction. Default true. */
  normalize?: boolean;
  /** Per-sample weights. */
  sampleWeight?: SampleWeight;
}

/**
 * Accuracy (scikit-learn's `accuracy_score`); for indicator matrices, subset accuracy (a sample
 * counts only when every label matches). Empty input gives NaN with a RuntimeWarning, as numpy.
 *
 * @example
 * ```ts
 * accuracyScore([0, 1, 2, 3], [0, 2, 1, 3]); // 0.5
 * accuracyScore([[0, 1], [1, 1]], [[1, 1], [1, 1]]); // 0.5 (subset accuracy)
 * ```
 */
export function accuracyScore(yTrue: Targets, yPred: Targets, options: AccuracyOptions = {}): number {
  const t = checkTargets(yTrue, yPred);
  const n = t.yTrue.length;
  const weights = checkSampleWeight(options.sampleWeight, n);
  const score = new Float64Array(n);
  if (t.type === 'multilabel-indicator') {
    for (let s = 0; s < n; s++) {
      const a = t.yTrue[s]!;
      const b = t.yPred[s]!;
      let same = 1;
      for (let c = 0; c < t.nLabels; c++) {
        if (a[c] !== b[c]) {
          same = 0;
          break;
        }
      }
      score[s] = same;
    }
  } else {
    for (let s = 0; s < n; s++) score[s] = t.yTrue[s] === t.yPred[s] ? 1 : 0;
  }
  return weightedSum(score, weights, options.normalize ?? true, options);
}

function weightedSum(
  score: Float64Array,
  weights: Float64Array | undefined,
  normalize: boolean,
  w: WarningOptions,
): number {
  if (normalize) {
    if (score.length === 0) {
      emitMetricWarning(w, 'RuntimeWarning', 'Mean of empty slice: yTrue and yPred are empty, so the score is NaN.');
      return Number.NaN;
    }
    if (!weights) return pairwiseSum(score) / score.length;
    const scl = pairwiseSum(weights);
    if (scl === 0) {
      throw new UlasanError(
        'INVALID_ARGUMENT',
        "Weights sum to zero, can't be normalized: give at least one sample a non-zero weight, or pass normalize: false.",
      );
    }
    const prod = Float64Array.from(score, (v, i) => v * weights[i]!);
    return pairwiseSum(prod) / scl;
  }
  if (weights) {
    let dot = 0;
    for (let i = 0; i < score.length; i++) dot += score[i]! * weights[i]!;
    return dot;
  }
  return pairwiseSum(score);
}

/** @internal The sklearn `confusion_matrix(y_true, y_pred, labels=labels)` as an n×n Float64 array. */
export function labelMatrix(
  yTrue: LabelArray | Targets,
  yPred: LabelArray | Targets,
  labels: readonly Label[] | undefined,
  sampleWeight: SampleWeight | undefined,
  what: string,
): { labels: Label[]; m: Float64Array; counts: ClassCounts } {
  const t = checkTargets(yTrue, yPred);
  if (t.type === 'multilabel-indicator') {
    throw invalidArgument(
      `${what} needs 1-D labels, not multi-label indicator matrices: use multilabelConfusionMatrix or score each label column separately.`,
    );
  }
  const weights = checkSampleWeight(sampleWeight, t.yTrue.length);
  const wanted = labels === undefined ? t.present : checkLabelsOption(labels, t.kind);
  if (labels !== undefined) {
    if (wanted.length === 0) throw invalidArgument("'labels' should contain at least one label.");
    if (t.yTrue.length > 0) {
      const trueSet = new Set<Label>(Array.from(t.yTrue as ArrayLike<Label>));
      if (!wanted.some((l) => trueSet.has(l))) {
        throw invalidArgument(
          `At least one label specified must be in yTrue: none of ${JSON.stringify(wanted)} occurs in yTrue. Check the labels option against your data.`,
        );
      }
    }
  }
  const counts = countClasses(unionLabels(t.present, wanted), t.yTrue, t.yPred, weights);
  const idx = indicesOf(counts, wanted);
  const n = counts.labels.length;
  const k = idx.length;
  const m = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) m[a * k + b] = counts.cells[idx[a]! * n + idx[b]!]!;
  return { labels: wanted, m, counts };
}

/** Row sums (`C.sum(axis=1)`, pairwise per row) and column sums (`axis=0`, sequential). */
export function marginals(m: Float64Array, k: number): { rows: Float64Array; cols: Float64Array } {
  const rows = new Float64Array(k);
  const cols = new Float64Array(k);
  for (let i = 0; i < k; i++) rows[i] = pairwiseSum(m, i * k, k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) cols[j]! += m[i * k + j]!;
  return { rows, cols };
}

/** @internal Kappa from a k×k matrix. */
export function kappaFromMatrix(m: Float64Array, k: number, weights: KappaWeights, w: WarningOptions): number {
  const { rows: sum1, cols: sum0 } = marginals(m, k);
  const total = pairwiseSum(sum0);
  const expected = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) expected[i * k + j] = (sum0[i]! * sum1[j]!) / total;
  const wm = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (weights === 'linear') wm[i * k + j] = Math.abs(i - j);
      else if (weights === 'quadratic') wm[i * k + j] = (i - j) * (i - j);
      else wm[i * k + j] = i === j ? 0 : 1;
    }
  }
  const num = pairwiseSum(Float64Array.from(wm, (v, i) => v * m[i]!));
  const den = pairwiseSum(Float64Array.from(wm, (v, i) => v * expected[i]!));
  if (den === 0 || Number.isNaN(den)) {
    emitMetricWarning(
      w,
      'UndefinedMetricWarning',
      "Cohen's kappa is undefined (the expected disagreement is zero, e.g. both raters use one single label); returning NaN.",
    );
    return Number.NaN;
  }
  return 1 - num / den;
}

/** @internal MCC from a k×k matrix (scikit-learn's multi-class definition). */
export function mccFromMatrix(m: Float64Array, k: number): number {
  const { rows: tSum, cols: pSum } = marginals(m, k);
  let nCorrect = 0;
  for (let i = 0; i < k; i++) nCorrect += m[i * k + i]!;
  const nSamples = pairwiseSum(pSum);
  let dotTP = 0;
  let dotPP = 0;
  let dotTT = 0;
  for (let i = 0; i < k; i++) {
    dotTP += tSum[i]! * pSum[i]!;
    dotPP += pSum[i]! * pSum[i]!;
    dotTT += tSum[i]! * tSum[i]!;
  }
  const covYtYp = nCorrect * nSamples - dotTP;
  const covYpYp = nSamples * nSamples - dotPP;
  const covYtYt = nSamples * nSamples - dotTT;
  if (covYtYt * covYpYp === 0) return 0;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}

/** @internal Balanced accuracy from a k×k matrix. */
export function balancedFromMatrix(m: Float64Array, k: number, adjusted: boolean, w: WarningOptions): number {
  const { rows } = marginals(m, k);
  const perClass: number[] = [];
  let dropped = false;
  for (let i = 0; i < k; i++) {
    const v = m[i * k + i]! / rows[i]!;
    if (Number.isNaN(v)) dropped = true;
    else perClass.push(v);
  }
  if (dropped) emitMetricWarning(w, 'UserWarning', 'y_pred contains classes not in y_true');
  if (perClass.length === 0) {
    emitMetricWarning(
      w,
      'RuntimeWarning',
      'Mean of empty slice: no class has true samples, so balanced accuracy is NaN.',
    );
    return Number.NaN;
  }
  let score = pairwiseSum(perClass) / perClass.length;
  if (adjusted) {
    const chance = 1 / perClass.length;
    score -= chance;
    score /= 1 - chance;
  }
  return score;
}

/** @internal k×k matrix over the labels that occurred, from counts. */
export function seenMatrix(counts: ClassCounts): { m: Float64Array; k: number } {
  const idx = seenIndices(counts);
  const n = counts.labels.length;
  const k = idx.length;
  const m = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) m[a * k + b] = counts.cells[idx[a]! * n + idx[b]!]!;
  return { m, k };
}

/** Weighting of disagreements in {@link cohenKappaScore}. */
export type KappaWeights = null | 'linear' | 'quadratic';

/** Options of {@link cohenKappaScore}. */
export interface CohenKappaOptions extends WarningOptions {
  /** Labels to index the matrix (their order matters for linear/quadratic weights). */
  labels?: readonly Label[];
  /** `null` (unweighted, default), `'linear'` or `'quadratic'`. */
  weights?: KappaWeights;
  /** Per-sample weights. */
  sampleWeight?: SampleWeight;
}

/**
 * Cohen's kappa between two annotators (scikit-learn's `cohen_kappa_score`), optionally weighted
 * linearly or quadratically by the distance between label positions. NaN (with a warning) when
 * undefined.
 *
 * @example
 * ```ts
 * cohenKappaScore(['neg', 'pos', 'pos', 'neu'], ['neg', 'pos', 'neu', 'neu']); // 0.636...
 * ```
 */
export function cohenKappaScore(y1: LabelArray, y2: LabelArray, options: CohenKappaOptions = {}): number {
  const weights = options.weights ?? null;
  if (weights !== null && weights !== 'linear' && weights !== 'quadratic') {
    throw invalidArgument(`weights must be null, 'linear' or 'quadratic'; got ${JSON.stringify(weights)}.`);
  }
  const { m, labels } = labelMatrix(y1, y2, options.labels, options.sampleWeight, 'cohenKappaScore');
  return kappaFromMatrix(m, labels.length, weights, options);
}

/** Options of {@link matthewsCorrcoef}. */
export interface MccOptions {
  /** Per-sample weights. */
  sampleWeight?: SampleWeight;
}

/**
 * Matthews correlation coefficient, multi-class (scikit-learn's `matthews_corrcoef`); 0 when
 * undefined.
 *
 * @example
 * ```ts
 * matthewsCorrcoef([1, 1, 1, 0], [1, 0, 1, 1]); // -0.3333333333333333
 * ```
 */
export function matthewsCorrcoef(yTrue: LabelArray, yPred: LabelArray, options: MccOptions = {}): number {
  const { counts } = labelMatrix(yTrue, yPred, undefined, options.sampleWeight, 'matthewsCorrcoef');
  const { m, k } = seenMatrix(counts);
  return mccFromMatrix(m, k);
}

/** Options of {@link balancedAccuracyScore}. */
export interface BalancedAccuracyOptions extends WarningOptions {
  /** Rescale so that chance scores 0 and perfect 1. Default false. */
  adjusted?: boolean;
  /** Per-sample weights. */
  sampleWeight?: SampleWeight;
}

/**
 * Balanced accuracy: the mean recall over classes present in `yTrue` (scikit-learn's
 * `balanced_accuracy_score`), optionally adjusted for chance. Predicted classes absent from
 * `yTrue` are ignored with a UserWarning.
 *
 * @example
 * ```ts
 * balancedAccuracyScore([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1]); // 0.625
 * ```
 */
export function balancedAccuracyScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: BalancedAccuracyOptions = {},
): number {
  const { counts } = labelMatrix(yTrue, yPred, undefined, options.sampleWeight, 'balancedAccuracyScore');
  const { m, k } = seenMatrix(counts);
  return balancedFromMatrix(m, k, options.adjusted ?? false, options);
}
