/**
 * Metrics on predicted probabilities / scores: log loss, ROC AUC (binary and one-vs-rest
 * multi-class) and top-k accuracy, as scikit-learn computes them. Probability columns follow the
 * *sorted* labels (scikit-learn's `LabelBinarizer` order), whatever order `labels` is given in.
 */
import { invalidArgument, UlasanError } from '../internal/errors.js';
import { pyList } from './classification.js';
import {
  checkLabelArray,
  checkLabelsOption,
  checkLength,
  checkSampleWeight,
  compareLabels,
  type Label,
  type LabelArray,
  pairwiseSum,
  type SampleWeight,
  uniqueLabels,
} from './targets.js';
import { emitMetricWarning, type WarningOptions } from './warnings.js';

/** Scores or probabilities: one row per sample (columns in sorted label order), or one value per sample for binary problems. */
export type ScoreMatrix = readonly (readonly number[] | ArrayLike<number>)[] | readonly number[] | ArrayLike<number>;

/** Scores as a flat row-major matrix (`cols` = 1 for 1-D input). */
export interface ScoreData {
  data: Float64Array;
  n: number;
  cols: number;
  oneD: boolean;
}

/** Validates scores (finite numbers, equal row lengths) into a flat matrix; shared with the curves. @internal */
export function toScores(y: ScoreMatrix, name: string): ScoreData {
  if (!y || typeof (y as { length?: unknown }).length !== 'number') {
    throw invalidArgument(
      `${name} must be an array of scores (one row per sample) or a 1-D array for binary problems.`,
    );
  }
  const n = y.length;
  const first = (y as ArrayLike<unknown>)[0];
  const oneD = !(Array.isArray(first) || ArrayBuffer.isView(first));
  const cols = oneD ? 1 : (first as ArrayLike<number>).length;
  const data = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) {
    const r = (y as ArrayLike<unknown>)[i];
    if (oneD) {
      if (typeof r !== 'number' || !Number.isFinite(r)) {
        throw invalidArgument(`${name}[${i}] is not a finite number: scores must be finite.`);
      }
      data[i] = r;
      continue;
    }
    const row = r as ArrayLike<unknown>;
    if (!row || typeof row.length !== 'number' || row.length !== cols) {
      throw new UlasanError(
        'SHAPE_MISMATCH',
        `${name} rows must all have ${cols} columns; row ${i} has ${row?.length}.`,
      );
    }
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw invalidArgument(`${name}[${i}][${j}] is not a finite number: scores must be finite.`);
      }
      data[i * cols + j] = v;
    }
  }
  return { data, n, cols, oneD };
}

function column(d: ScoreData, c: number): Float64Array {
  const out = new Float64Array(d.n);
  for (let i = 0; i < d.n; i++) out[i] = d.data[i * d.cols + c]!;
  return out;
}

function weightedSum(values: Float64Array, weights: Float64Array | undefined, normalize: boolean): number {
  if (normalize) {
    if (!weights) return pairwiseSum(values) / values.length;
    const scl = pairwiseSum(weights);
    if (scl === 0)
      throw invalidArgument("Weights sum to zero, can't be normalized: give at least one sample a non-zero weight.");
    return pairwiseSum(Float64Array.from(values, (v, i) => v * weights[i]!)) / scl;
  }
  if (!weights) return pairwiseSum(values);
  let dot = 0;
  for (let i = 0; i < values.length; i++) dot += values[i]! * weights[i]!;
  return dot;
}

/** Options of {@link logLoss}. */
export interface LogLossOptions extends WarningOptions {
  /** All class labels (needed when `yTrue` lacks some); columns follow their sorted order. */
  labels?: readonly Label[];
  /** Mean loss (default) or, with `false`, the (weighted) sum. */
  normalize?: boolean;
  /** Per-sample weights. */
  sampleWeight?: SampleWeight;
}

/**
 * Cross-entropy loss (scikit-learn's `log_loss`). `yProb` has one row per sample with one column
 * per label in sorted order, or, for two classes, the probability of the greater label per sample.
 * Probabilities are clipped to `[eps, 1 - eps]` (float64 eps); rows that do not sum to one give a
 * UserWarning.
 *
 * @example
 * ```ts
 * logLoss(['neg', 'pos', 'pos'], [[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]]); // 0.2283...
 * logLoss([0, 1, 1], [0.1, 0.8, 0.7]); // same, 1-D binary form
 * ```
 */
export function logLoss(yTrue: LabelArray, yProb: ScoreMatrix, options: LogLossOptions = {}): number {
  const kind = checkLabelArray(yTrue, 'yTrue');
  checkLength(yTrue, yProb, ['yTrue', 'yProb']);
  const weights = checkSampleWeight(options.sampleWeight, yTrue.length);
  const classes =
    options.labels === undefined
      ? uniqueLabels(yTrue)
      : [...new Set(checkLabelsOption(options.labels, kind))].sort(compareLabels);
  if (classes.length === 1) {
    if (options.labels === undefined) {
      throw invalidArgument(
        `yTrue contains only one label (${String(classes[0])}). Please provide the true labels explicitly through the labels option.`,
      );
    }
    throw invalidArgument(`The labels array needs to contain at least two labels for logLoss, got ${pyList(classes)}.`);
  }
  const index = new Map<Label, number>();
  classes.forEach((l, i) => {
    index.set(l, i);
  });
  const sd = toScores(yProb, 'yProb');
  const eps = Number.EPSILON;
  const nCols = sd.n === 0 ? classes.length : sd.cols === 1 ? 2 : sd.cols;
  const row = (s: number): Float64Array =>
    sd.cols === 1 ? Float64Array.of(1 - sd.data[s]!, sd.data[s]!) : sd.data.subarray(s * sd.cols, (s + 1) * sd.cols);
  if (classes.length !== nCols) {
    if (options.labels === undefined) {
      throw invalidArgument(
        `yTrue and yProb contain different number of classes ${classes.length}, ${nCols}. Please provide the true labels explicitly through the labels option. Classes found in yTrue: ${pyList(classes)}`,
      );
    }
    throw invalidArgument(
      `The number of classes in labels is different from that in yProb. Classes found in labels: ${pyList(classes)}`,
    );
  }
  let warned = false;
  const loss = new Float64Array(yTrue.length);
  for (let s = 0; s < yTrue.length; s++) {
    const label = yTrue[s] as Label;
    const c = index.get(label);
    if (c === undefined) {
      throw invalidArgument(
        `yTrue[${s}] is ${JSON.stringify(label)}, which is not among labels ${pyList(classes)}: add it to the labels option.`,
      );
    }
    const probs = row(s);
    const rawSum = pairwiseSum(probs);
    if (!warned && !(Math.abs(rawSum - 1) <= Math.sqrt(eps) * 1)) {
      warned = true;
      emitMetricWarning(options, 'UserWarning', 'The yProb values do not sum to one. Make sure to pass probabilities.');
    }
    const clipped = Float64Array.from(probs, (v) => Math.min(Math.max(v, eps), 1 - eps));
    // scikit-learn (<= 1.4) renormalizes the clipped rows; for valid probabilities this changes
    // nothing beyond the last bit, and keeps rows that were clipped consistent.
    const sum = pairwiseSum(clipped);
    loss[s] = -Math.log(clipped[c]! / sum);
  }
  return weightedSum(loss, weights, options.normalize ?? true);
}

/** @internal Binary ROC AUC exactly as scikit-learn's roc_curve + auc (ties share a threshold). */
export function binaryRocAuc(
  positive: Uint8Array,
  score: Float64Array,
  weights: Float64Array | undefined,
  w: WarningOptions = {},
): number {
  const tpsAll: number[] = [];
  const fpsAll: number[] = [];
  if (!weights) {
    // Unweighted: sort the positive and negative scores separately (native numeric sort) and walk
    // both downwards, one step per distinct score, which is where scikit-learn puts thresholds.
    let nPos = 0;
    for (let i = 0; i < positive.length; i++) nPos += positive[i]!;
    const pos = new Float64Array(nPos);
    const neg = new Float64Array(positive.length - nPos);
    for (let i = 0, a = 0, b = 0; i < positive.length; i++) {
      if (positive[i]) pos[a++] = score[i]!;
      else neg[b++] = score[i]!;
    }
    pos.sort();
    neg.sort();
    let i = pos.length - 1;
    let j = neg.length - 1;
    let tp = 0;
    let fp = 0;
    while (i >= 0 || j >= 0) {
      const v = i < 0 ? neg[j]! : j < 0 ? pos[i]! : Math.max(pos[i]!, neg[j]!);
      while (i >= 0 && pos[i] === v) {
        tp++;
        i--;
      }
      while (j >= 0 && neg[j] === v) {
        fp++;
        j--;
      }
      tpsAll.push(tp);
      fpsAll.push(fp);
    }
  } else {
    const idx = Array.from({ length: score.length }, (_, i) => i).filter((i) => weights[i] !== 0);
    idx.sort((a, b) => score[b]! - score[a]!);
    let tp = 0;
    let fp = 0;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      if (positive[i]) tp += weights[i]!;
      else fp += weights[i]!;
      if (k === idx.length - 1 || score[idx[k + 1]!] !== score[i]) {
        tpsAll.push(tp);
        fpsAll.push(fp);
      }
    }
  }
  // drop_intermediate: keep only points where the curve changes direction.
  const tps: number[] = [0];
  const fps: number[] = [0];
  for (let k = 0; k < tpsAll.length; k++) {
    const keep =
      k === 0 ||
      k === tpsAll.length - 1 ||
      fpsAll[k + 1]! - fpsAll[k]! - (fpsAll[k]! - fpsAll[k - 1]!) !== 0 ||
      tpsAll[k + 1]! - tpsAll[k]! - (tpsAll[k]! - tpsAll[k - 1]!) !== 0;
    if (keep) {
      tps.push(tpsAll[k]!);
      fps.push(fpsAll[k]!);
    }
  }
  let tMax = tps[tps.length - 1]!;
  let fMax = fps[fps.length - 1]!;
  // Possible when every sample of one side has weight 0: scikit-learn warns and the AUC is NaN.
  if (fMax <= 0) {
    emitMetricWarning(
      w,
      'UndefinedMetricWarning',
      'No negative samples in yTrue, false positive value should be meaningless',
    );
    fMax = Number.NaN;
  }
  if (tMax <= 0) {
    emitMetricWarning(
      w,
      'UndefinedMetricWarning',
      'No positive samples in yTrue, true positive value should be meaningless',
    );
    tMax = Number.NaN;
  }
  const parts = new Float64Array(tps.length - 1);
  for (let k = 1; k < tps.length; k++) {
    const dx = fps[k]! / fMax - fps[k - 1]! / fMax;
    parts[k - 1] = (dx * (tps[k]! / tMax + tps[k - 1]! / tMax)) / 2;
  }
  return pairwiseSum(parts);
}

/** Options of {@link rocAucScore}. */
export interface RocAucOptions extends WarningOptions {
  /** Multi-class averaging of the one-vs-rest scores: `'macro'` (default) or `'weighted'` (by prevalence). */
  average?: 'macro' | 'weighted';
  /** Multi-class strategy; only one-vs-rest (`'ovr'`, the default here) is implemented. */
  multiClass?: 'ovr';
  /** All class labels, sorted (multi-class, when `yTrue` lacks some). */
  labels?: readonly Label[];
  /** Per-sample weights. */
  sampleWeight?: SampleWeight;
}

/**
 * Area under the ROC curve (scikit-learn's `roc_auc_score`). Binary: `yScore` is the score of the
 * greater label per sample (an n×2 matrix is also accepted: its second column is used).
 * Multi-class: one-vs-rest over probability rows (columns in sorted label order, rows summing to
 * 1), macro or prevalence-weighted average. Tied scores share a threshold, as in scikit-learn.
 * Unlike scikit-learn, `multiClass` defaults to `'ovr'` instead of raising.
 *
 * @example
 * ```ts
 * rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * rocAucScore(['neg', 'neu', 'pos'], probs, { average: 'weighted' });
 * ```
 */
export function rocAucScore(yTrue: LabelArray, yScore: ScoreMatrix, options: RocAucOptions = {}): number {
  const kind = checkLabelArray(yTrue, 'yTrue');
  checkLength(yTrue, yScore, ['yTrue', 'yScore']);
  const weights = checkSampleWeight(options.sampleWeight, yTrue.length);
  const sd = toScores(yScore, 'yScore');
  const { oneD } = sd;
  const present = uniqueLabels(yTrue);
  const cols = sd.n === 0 ? 0 : sd.cols;
  const average = options.average ?? 'macro';
  if (average !== 'macro' && average !== 'weighted') {
    throw invalidArgument(`average must be 'macro' or 'weighted' for rocAucScore; got ${JSON.stringify(average)}.`);
  }
  if ((options.multiClass ?? 'ovr') !== 'ovr') throw invalidArgument("multiClass must be 'ovr' (one-vs-rest).");
  const multiclass = present.length > 2 || (!oneD && cols > 2);
  if (!multiclass) {
    if (present.length < 2) {
      throw invalidArgument(
        'Only one class present in yTrue. ROC AUC score is not defined in that case: evaluate on data with both classes.',
      );
    }
    if (!oneD && cols !== 2)
      throw invalidArgument(`For binary yTrue, yScore must be 1-D (or have 2 columns); got ${cols} columns.`);
    const score = column(sd, oneD ? 0 : 1);
    const positive = Uint8Array.from({ length: yTrue.length }, (_, i) => (yTrue[i] === present[1] ? 1 : 0));
    return binaryRocAuc(positive, score, weights, options);
  }
  if (oneD) throw invalidArgument('Multi-class yTrue needs yScore with one probability column per class.');
  for (let i = 0; i < sd.n; i++) {
    const sum = pairwiseSum(sd.data, i * cols, cols);
    if (!(Math.abs(sum - 1) <= 1e-8 + 1e-5)) {
      throw invalidArgument(
        `Target scores need to be probabilities for multiclass roc_auc, i.e. they should sum up to 1.0 over classes (row ${i} sums to ${sum}).`,
      );
    }
  }
  let classes: Label[];
  if (options.labels !== undefined) {
    const given = checkLabelsOption(options.labels, kind);
    classes = [...new Set(given)];
    if (classes.length !== given.length) throw invalidArgument("Parameter 'labels' must be unique.");
    if (classes.some((l, i) => i > 0 && compareLabels(classes[i - 1]!, l) > 0))
      throw invalidArgument("Parameter 'labels' must be ordered.");
    if (classes.length !== cols) {
      throw invalidArgument(
        `Number of given labels, ${classes.length}, not equal to the number of columns in 'yScore', ${cols}.`,
      );
    }
    const set = new Set(classes);
    if (present.some((l) => !set.has(l))) throw invalidArgument("'yTrue' contains labels not in parameter 'labels'.");
  } else {
    classes = present;
    if (classes.length !== cols) {
      throw invalidArgument(
        `Number of classes in yTrue not equal to the number of columns in 'yScore' (${classes.length} vs ${cols}): pass labels with every class.`,
      );
    }
  }
  const avgWeight = new Float64Array(classes.length);
  const scores = new Float64Array(classes.length);
  for (let c = 0; c < classes.length; c++) {
    const positive = Uint8Array.from({ length: yTrue.length }, (_, i) => (yTrue[i] === classes[c] ? 1 : 0));
    for (let i = 0; i < positive.length; i++) if (positive[i]) avgWeight[c]! += weights ? weights[i]! : 1;
    if (!positive.includes(1) || !positive.includes(0)) {
      throw invalidArgument(
        `Only one class present in yTrue. ROC AUC score is not defined in that case (class ${JSON.stringify(classes[c])} has ${positive.includes(1) ? 'no negatives' : 'no samples'} in yTrue).`,
      );
    }
    scores[c] = binaryRocAuc(positive, column(sd, c), weights, options);
  }
  if (average === 'macro') return pairwiseSum(scores) / scores.length;
  if (Math.abs(pairwiseSum(avgWeight)) <= 1e-8) return 0;
  for (let c = 0; c < scores.length; c++) if (avgWeight[c] === 0) scores[c] = 0;
  return pairwiseSum(Float64Array.from(scores, (v, i) => v * avgWeight[i]!)) / pairwiseSum(avgWeight);
}

/** Options of {@link topKAccuracyScore}. */
export interface TopKAccuracyOptions extends WarningOptions {
  /** How many of the highest scores may contain the true label (default 2, as in scikit-learn). */
  k?: number;
  /** Fraction (default) or, with `false`, the (weighted) count of hits. */
  normalize?: boolean;
  /** All class labels, sorted (when `yTrue` lacks some). */
  labels?: readonly Label[];
  /** Per-sample weights. */
  sampleWeight?: SampleWeight;
}

/**
 * Top-k accuracy (scikit-learn's `top_k_accuracy_score`): a sample counts when its true label is
 * among the `k` highest scores. Ties rank the later column first, as scikit-learn does. Binary
 * problems take a 1-D score of the greater label (threshold 0.5 for probabilities, else 0).
 *
 * @example
 * ```ts
 * topKAccuracyScore([0, 1, 2, 2], [[0.5, 0.2, 0.2], [0.3, 0.4, 0.2], [0.2, 0.4, 0.3], [0.7, 0.2, 0.1]], { k: 2 }); // 0.75
 * ```
 */
export function topKAccuracyScore(yTrue: LabelArray, yScore: ScoreMatrix, options: TopKAccuracyOptions = {}): number {
  const kind = checkLabelArray(yTrue, 'yTrue');
  checkLength(yTrue, yScore, ['yTrue', 'yScore']);
  const weights = checkSampleWeight(options.sampleWeight, yTrue.length);
  const k = options.k ?? 2;
  if (!Number.isInteger(k) || k < 1) throw invalidArgument(`k must be a positive integer; got ${k}.`);
  const sd = toScores(yScore, 'yScore');
  const { oneD } = sd;
  const present = uniqueLabels(yTrue);
  let binary = present.length <= 2;
  if (binary && options.labels !== undefined && options.labels.length > 2) binary = false;
  if (binary && !oneD && sd.n > 0 && sd.cols !== 1) {
    throw invalidArgument(
      `\`yTrue\` is binary while yScore is 2d with ${sd.cols} classes. If \`yTrue\` does not contain all the labels, \`labels\` must be provided.`,
    );
  }
  const nScoreClasses = oneD || sd.cols === 1 ? 2 : sd.cols;
  let classes: Label[];
  if (options.labels === undefined) {
    classes = present;
    if (classes.length !== nScoreClasses) {
      throw invalidArgument(
        `Number of classes in 'yTrue' (${classes.length}) not equal to the number of classes in 'yScore' (${nScoreClasses}). You can provide a list of all known classes by assigning it to the \`labels\` option.`,
      );
    }
  } else {
    const given = checkLabelsOption(options.labels, kind);
    classes = [...new Set(given)];
    if (classes.length !== given.length) throw invalidArgument("Parameter 'labels' must be unique.");
    if (classes.some((l, i) => i > 0 && compareLabels(classes[i - 1]!, l) > 0))
      throw invalidArgument("Parameter 'labels' must be ordered.");
    if (classes.length !== nScoreClasses) {
      throw invalidArgument(
        `Number of given labels (${classes.length}) not equal to the number of classes in 'yScore' (${nScoreClasses}).`,
      );
    }
    const set = new Set(classes);
    if (present.some((l) => !set.has(l))) throw invalidArgument("'yTrue' contains labels not in parameter 'labels'.");
  }
  if (k >= classes.length) {
    emitMetricWarning(
      options,
      'UndefinedMetricWarning',
      `'k' (${k}) greater than or equal to 'n_classes' (${classes.length}) will result in a perfect score and is therefore meaningless.`,
    );
  }
  const index = new Map<Label, number>();
  classes.forEach((l, i) => {
    index.set(l, i);
  });
  const hits = new Float64Array(yTrue.length);
  if (binary) {
    const scores = sd.data;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of scores) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const threshold = min >= 0 && max <= 1 ? 0.5 : 0;
    for (let s = 0; s < yTrue.length; s++) {
      if (k !== 1) hits[s] = 1;
      else hits[s] = (scores[s]! > threshold ? 1 : 0) === index.get(yTrue[s] as Label) ? 1 : 0;
    }
  } else {
    for (let s = 0; s < yTrue.length; s++) {
      const c = index.get(yTrue[s] as Label)!;
      const row = sd.data.subarray(s * sd.cols, (s + 1) * sd.cols);
      const sc = row[c]!;
      let ahead = 0;
      for (let j = 0; j < row.length; j++) if (row[j]! > sc || (row[j] === sc && j > c)) ahead++;
      hits[s] = ahead < k ? 1 : 0;
    }
  }
  return weightedSum(hits, weights, options.normalize ?? true);
}
