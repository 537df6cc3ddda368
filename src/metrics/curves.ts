/**
 * Threshold curves as scikit-learn computes them: `roc_curve` (with `drop_intermediate` and the
 * first threshold at `+Infinity`, as scikit-learn ≥ 1.3), `precision_recall_curve` (ending at
 * precision 1, recall 0), `auc` (trapezoidal rule), `average_precision_score`, and one-vs-rest
 * curves per class for multi-class probabilities.
 */
import { invalidArgument } from '../internal/errors.js';
import { type ScoreData, type ScoreMatrix, toScores } from './probability.js';
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

/** A ROC curve: `fpr[i]`, `tpr[i]` are the rates of predictions with score ≥ `thresholds[i]`. */
export interface RocCurve {
  /** Increasing false positive rates. */
  fpr: number[];
  /** Increasing true positive rates. */
  tpr: number[];
  /** Decreasing thresholds; the first is `Infinity` (nothing predicted positive). */
  thresholds: number[];
}

/** A precision–recall curve, recall decreasing, ending at precision 1 and recall 0. */
export interface PrecisionRecallCurve {
  /** Precision of predictions with score ≥ `thresholds[i]`; the last value is 1. */
  precision: number[];
  /** Recall of predictions with score ≥ `thresholds[i]`; the last value is 0. */
  recall: number[];
  /** Increasing thresholds (one fewer than `precision` and `recall`). */
  thresholds: number[];
}

/** Options shared by {@link rocCurve} and {@link precisionRecallCurve}. */
export interface BinaryCurveOptions extends WarningOptions {
  /**
   * The positive label. Default: `1` for numeric labels within {0, 1} or {-1, 1} (as scikit-learn),
   * otherwise the greater of the two labels (scikit-learn raises instead).
   */
  posLabel?: Label;
  /** Per-sample weights (samples with weight 0 are left out, as in scikit-learn). */
  sampleWeight?: SampleWeight;
}

/** Options of {@link rocCurve}. */
export interface RocCurveOptions extends BinaryCurveOptions {
  /** Drop thresholds whose points lie on a straight segment (default true, as scikit-learn). */
  dropIntermediate?: boolean;
}

/** Options of {@link precisionRecallCurve}. */
export interface PrecisionRecallCurveOptions extends BinaryCurveOptions {
  /** Keep only the first and last point of each run of equal recall (default false, as scikit-learn). */
  dropIntermediate?: boolean;
}

function toScoreVector(y: ArrayLike<number>, name: string): Float64Array {
  if (!y || typeof (y as { length?: unknown }).length !== 'number') {
    throw invalidArgument(`${name} must be an array of numbers (one score per sample).`);
  }
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (Array.isArray(v) || ArrayBuffer.isView(v)) {
      throw invalidArgument(
        `${name} must be 1-D (the score of the positive label per sample); got rows. For multi-class probabilities use oneVsRestCurves.`,
      );
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw invalidArgument(`${name}[${i}] is not a finite number: scores must be finite.`);
    }
    out[i] = v;
  }
  return out;
}

function defaultPosLabel(present: Label[]): Label {
  const numeric = present.every((l) => typeof l === 'number');
  if (numeric && present.every((l) => l === 0 || l === 1)) return 1;
  if (numeric && present.every((l) => l === -1 || l === 1)) return 1;
  if (present.length === 2) return present[1]!;
  throw invalidArgument(
    `yTrue has labels ${JSON.stringify(present)}: pass posLabel to say which label is positive (binary curves need two classes, or labels within {0, 1}).`,
  );
}

interface ClfCurve {
  fps: number[];
  tps: number[];
  thresholds: number[];
}

/** scikit-learn's `_binary_clf_curve`: cumulative counts at each distinct score, descending. */
function binaryClfCurve(yTrue: LabelArray, yScore: ArrayLike<number>, options: BinaryCurveOptions): ClfCurve {
  const kind = checkLabelArray(yTrue, 'yTrue');
  checkLength(yTrue, yScore, ['yTrue', 'yScore']);
  const allScores = toScoreVector(yScore, 'yScore');
  const allWeights = checkSampleWeight(options.sampleWeight, yTrue.length);
  if (yTrue.length === 0) throw invalidArgument('yTrue is empty: curves need at least one sample.');
  const present = uniqueLabels(yTrue);
  if (present.length > 2) {
    throw invalidArgument(
      `yTrue has ${present.length} classes: binary curves need two. For multi-class probabilities use oneVsRestCurves(yTrue, yProb).`,
    );
  }
  let pos: Label;
  if (options.posLabel === undefined) pos = defaultPosLabel(present);
  else {
    checkLabelsOption([options.posLabel], kind, 'posLabel');
    pos = options.posLabel;
  }
  // Zero-weight samples do not count (scikit-learn filters them first).
  const keep: number[] = [];
  for (let i = 0; i < yTrue.length; i++) if (allWeights?.[i] !== 0) keep.push(i);
  const n = keep.length;
  // np.argsort(kind="mergesort")[::-1]: stable ascending, reversed (ties: later sample first).
  const order = keep.map((_, k) => k);
  order.sort((a, b) => allScores[keep[a]!]! - allScores[keep[b]!]! || a - b);
  order.reverse();
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; k++) {
    const i = keep[order[k]!]!;
    const w = allWeights ? allWeights[i]! : 1;
    const isPos = yTrue[i] === pos;
    tp += isPos ? w : 0;
    if (allWeights) fp += isPos ? 0 : w;
    const s = allScores[i]!;
    if (k === n - 1 || allScores[keep[order[k + 1]!]!]! !== s) {
      tps.push(tp);
      fps.push(allWeights ? fp : 1 + k - tp);
      thresholds.push(s);
    }
  }
  return { fps, tps, thresholds };
}

/**
 * The receiver operating characteristic curve of a binary problem (scikit-learn's `roc_curve`).
 * `yScore` is the score (probability or decision value) of the positive label per sample.
 * `thresholds[0]` is `Infinity`, so the curve starts at (0, 0). With only one class present the
 * undefined rate is all NaN, with an UndefinedMetricWarning.
 *
 * @example
 * ```ts
 * rocCurve([1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8], { posLabel: 2 });
 * // { fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1], thresholds: [Infinity, 0.8, 0.4, 0.35, 0.1] }
 * ```
 */
export function rocCurve(yTrue: LabelArray, yScore: ArrayLike<number>, options: RocCurveOptions = {}): RocCurve {
  let { fps, tps, thresholds } = binaryClfCurve(yTrue, yScore, options);
  if ((options.dropIntermediate ?? true) && fps.length > 2) {
    const idx: number[] = [];
    for (let k = 0; k < fps.length; k++) {
      if (
        k === 0 ||
        k === fps.length - 1 ||
        fps[k + 1]! - fps[k]! - (fps[k]! - fps[k - 1]!) !== 0 ||
        tps[k + 1]! - tps[k]! - (tps[k]! - tps[k - 1]!) !== 0
      ) {
        idx.push(k);
      }
    }
    fps = idx.map((k) => fps[k]!);
    tps = idx.map((k) => tps[k]!);
    thresholds = idx.map((k) => thresholds[k]!);
  }
  fps = [0, ...fps];
  tps = [0, ...tps];
  thresholds = [Number.POSITIVE_INFINITY, ...thresholds];
  const fMax = fps[fps.length - 1]!;
  const tMax = tps[tps.length - 1]!;
  let fpr: number[];
  let tpr: number[];
  if (fMax <= 0) {
    emitMetricWarning(
      options,
      'UndefinedMetricWarning',
      'No negative samples in yTrue, false positive value should be meaningless',
    );
    fpr = fps.map(() => Number.NaN);
  } else fpr = fps.map((v) => v / fMax);
  if (tMax <= 0) {
    emitMetricWarning(
      options,
      'UndefinedMetricWarning',
      'No positive samples in yTrue, true positive value should be meaningless',
    );
    tpr = tps.map(() => Number.NaN);
  } else tpr = tps.map((v) => v / tMax);
  return { fpr, tpr, thresholds };
}

/**
 * Precision–recall pairs for every threshold of a binary problem (scikit-learn's
 * `precision_recall_curve`). The last point (precision 1, recall 0) has no threshold. With no
 * positive sample, recall is 1 everywhere, with a UserWarning.
 *
 * @example
 * ```ts
 * precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * // { precision: [0.5, 0.666…, 0.5, 1, 1], recall: [1, 1, 0.5, 0.5, 0], thresholds: [0.1, 0.35, 0.4, 0.8] }
 * ```
 */
export function precisionRecallCurve(
  yTrue: LabelArray,
  yScore: ArrayLike<number>,
  options: PrecisionRecallCurveOptions = {},
): PrecisionRecallCurve {
  let { fps, tps, thresholds } = binaryClfCurve(yTrue, yScore, options);
  if (options.dropIntermediate === true && fps.length > 2) {
    const idx: number[] = [];
    for (let k = 0; k < tps.length; k++) {
      if (k === 0 || k === tps.length - 1 || tps[k]! !== tps[k - 1]! || tps[k + 1]! !== tps[k]!) idx.push(k);
    }
    fps = idx.map((k) => fps[k]!);
    tps = idx.map((k) => tps[k]!);
    thresholds = idx.map((k) => thresholds[k]!);
  }
  const precision = tps.map((tp, k) => {
    const ps = tp + fps[k]!;
    return ps !== 0 ? tp / ps : 0;
  });
  const tMax = tps[tps.length - 1]!;
  let recall: number[];
  if (tMax === 0) {
    emitMetricWarning(
      options,
      'UserWarning',
      'No positive class found in yTrue, recall is set to one for all thresholds.',
    );
    recall = tps.map(() => 1);
  } else recall = tps.map((v) => v / tMax);
  precision.reverse();
  recall.reverse();
  thresholds.reverse();
  precision.push(1);
  recall.push(0);
  return { precision, recall, thresholds };
}

/**
 * Area under a curve by the trapezoidal rule (scikit-learn's `auc`). `x` must be monotonic
 * (increasing, or decreasing: the area stays positive).
 *
 * @example
 * ```ts
 * const { fpr, tpr } = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * auc(fpr, tpr); // 0.75
 * ```
 */
export function auc(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkLength(x, y, ['x', 'y']);
  if (x.length < 2) {
    throw invalidArgument(
      `At least 2 points are needed to compute area under curve, but x has ${x.length}: pass the whole curve.`,
    );
  }
  let direction = 1;
  let anyNeg = false;
  let allNonPos = true;
  for (let i = 1; i < x.length; i++) {
    const d = x[i]! - x[i - 1]!;
    if (d < 0) anyNeg = true;
    if (d > 0) allNonPos = false;
  }
  if (anyNeg) {
    if (allNonPos) direction = -1;
    else throw invalidArgument('x is neither increasing nor decreasing: auc needs a monotonic x (e.g. fpr or recall).');
  }
  const parts = new Float64Array(x.length - 1);
  for (let i = 1; i < x.length; i++) parts[i - 1] = ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return direction * pairwiseSum(parts);
}

/** Scores or probabilities: one row per sample (columns in sorted label order), or one value per sample. */
export type CurveScores = readonly (readonly number[] | ArrayLike<number>)[] | ArrayLike<number>;

/** Options of {@link averagePrecisionScore}. */
export interface AveragePrecisionOptions extends BinaryCurveOptions {
  /**
   * Multi-class averaging of the one-vs-rest scores: `'macro'` (default), `'weighted'` (by
   * support), `'micro'` (all label–sample pairs pooled) or `null` (one score per class).
   */
  average?: 'macro' | 'weighted' | 'micro' | null;
  /** All class labels (multi-class, when `yTrue` lacks some); columns follow their sorted order. */
  labels?: readonly Label[];
}

function binaryAp(yTrue: LabelArray, yScore: ArrayLike<number>, options: BinaryCurveOptions): number {
  const { precision, recall } = precisionRecallCurve(yTrue, yScore, options);
  const parts = new Float64Array(recall.length - 1);
  for (let i = 0; i < parts.length; i++) parts[i] = (recall[i + 1]! - recall[i]!) * precision[i]!;
  return -pairwiseSum(parts);
}

type Matrix = Omit<ScoreData, 'oneD'>;

/** A 2-D score matrix validated by the shared reader, or undefined for 1-D (binary) scores. */
function toMatrix(y: CurveScores, name: string): Matrix | undefined {
  if (y && typeof (y as { length?: unknown }).length === 'number') {
    const first = (y as ArrayLike<unknown>)[0];
    if (!(Array.isArray(first) || ArrayBuffer.isView(first))) return undefined;
  }
  const { data, n, cols } = toScores(y as ScoreMatrix, name);
  return { data, n, cols };
}

function columnOf(m: Matrix, c: number): Float64Array {
  const out = new Float64Array(m.n);
  for (let i = 0; i < m.n; i++) out[i] = m.data[i * m.cols + c]!;
  return out;
}

function classesFor(yTrue: LabelArray, cols: number, labels: readonly Label[] | undefined): Label[] {
  const kind = checkLabelArray(yTrue, 'yTrue');
  const present = uniqueLabels(yTrue);
  const classes = labels === undefined ? present : [...new Set(checkLabelsOption(labels, kind))].sort(compareLabels);
  if (classes.length !== cols) {
    throw invalidArgument(
      `yScore has ${cols} columns but there are ${classes.length} classes (${JSON.stringify(classes)}): give one column per class in sorted label order, or pass labels with every class.`,
    );
  }
  const set = new Set(classes);
  const missing = present.find((l) => !set.has(l));
  if (missing !== undefined)
    throw invalidArgument(`yTrue contains ${JSON.stringify(missing)}, which is not in labels.`);
  return classes;
}

/**
 * Average precision (scikit-learn's `average_precision_score`): the precision at each threshold
 * weighted by the recall gained since the previous one (no interpolation). Binary: `yScore` is
 * the positive label's score per sample. Multi-class: one probability column per class (sorted
 * label order), one-vs-rest scores averaged by `average`.
 *
 * @example
 * ```ts
 * averagePrecisionScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.8333…
 * averagePrecisionScore(['neg', 'neu', 'pos', 'pos'], probs, { average: 'weighted' });
 * ```
 */
export function averagePrecisionScore(
  yTrue: LabelArray,
  yScore: CurveScores,
  options: AveragePrecisionOptions = {},
): number | number[] {
  checkLength(yTrue, yScore, ['yTrue', 'yScore']);
  const m = toMatrix(yScore, 'yScore');
  if (!m) return binaryAp(yTrue, yScore as ArrayLike<number>, options);
  const average = options.average === undefined ? 'macro' : options.average;
  if (average !== null && !['macro', 'weighted', 'micro'].includes(average)) {
    throw invalidArgument(`average must be 'macro', 'weighted', 'micro' or null; got ${JSON.stringify(average)}.`);
  }
  const classes = classesFor(yTrue, m.cols, options.labels);
  const w = checkSampleWeight(options.sampleWeight, yTrue.length);
  const onehot = (c: number) => Uint8Array.from({ length: m.n }, (_, i) => (yTrue[i] === classes[c] ? 1 : 0));
  const sub = { onWarning: options.onWarning };
  if (average === 'micro') {
    const yt = new Uint8Array(m.n * m.cols);
    const sw = w ? new Float64Array(m.n * m.cols) : undefined;
    for (let i = 0; i < m.n; i++) {
      for (let c = 0; c < m.cols; c++) {
        yt[i * m.cols + c] = yTrue[i] === classes[c] ? 1 : 0;
        if (sw) sw[i * m.cols + c] = w![i]!;
      }
    }
    return binaryAp(yt, m.data, { ...sub, posLabel: 1, sampleWeight: sw });
  }
  const scores = classes.map((_, c) => binaryAp(onehot(c), columnOf(m, c), { ...sub, posLabel: 1, sampleWeight: w }));
  if (average === null) return scores;
  if (average === 'macro') return pairwiseSum(scores) / scores.length;
  const support = classes.map((_, c) => {
    const y = onehot(c);
    return pairwiseSum(Float64Array.from(y, (v, i) => v * (w ? w[i]! : 1)));
  });
  const total = pairwiseSum(support);
  if (Math.abs(total) <= 1e-8) return 0;
  return pairwiseSum(Float64Array.from(scores, (s, c) => s * support[c]!)) / total;
}

/** The ROC and precision–recall curves of one class against the rest. */
export interface ClassCurves {
  /** The class these curves treat as positive. */
  label: Label;
  /** Samples of this class (weighted when sample weights are given). */
  support: number;
  /** Its ROC curve. */
  roc: RocCurve;
  /** Area under its ROC curve (NaN when the class is absent or alone). */
  rocAuc: number;
  /** Its precision–recall curve. */
  pr: PrecisionRecallCurve;
  /** Its average precision. */
  averagePrecision: number;
}

/** Options of {@link oneVsRestCurves}. */
export interface OneVsRestCurvesOptions extends WarningOptions {
  /** All class labels, when `yTrue` lacks some; columns follow their sorted order. */
  labels?: readonly Label[];
  /** Per-sample weights. */
  sampleWeight?: SampleWeight;
  /** Passed to {@link rocCurve} (default true). */
  dropIntermediate?: boolean;
}

/**
 * ROC and precision–recall curves of every class against the rest, from a probability matrix
 * (one column per class, sorted label order) — what scikit-learn users draw with
 * `roc_curve(y == c, proba[:, c])` per class. A 1-D score (binary problem) gives one entry, for the
 * greater label (or 1 for {0, 1} labels).
 *
 * @example
 * ```ts
 * const probs = await model.predictProba(texts);
 * for (const c of oneVsRestCurves(labels, probs)) console.log(c.label, c.rocAuc, c.averagePrecision);
 * ```
 */
export function oneVsRestCurves(
  yTrue: LabelArray,
  yScore: CurveScores,
  options: OneVsRestCurvesOptions = {},
): ClassCurves[] {
  checkLength(yTrue, yScore, ['yTrue', 'yScore']);
  const w = checkSampleWeight(options.sampleWeight, yTrue.length);
  const quiet = { onWarning: options.onWarning ?? (() => {}) };
  const one = (y: LabelArray, s: ArrayLike<number>, label: Label, posLabel: Label): ClassCurves => {
    const roc = rocCurve(y, s, { ...quiet, posLabel, sampleWeight: w, dropIntermediate: options.dropIntermediate });
    const pr = precisionRecallCurve(y, s, { ...quiet, posLabel, sampleWeight: w });
    let support = 0;
    for (let i = 0; i < y.length; i++) if (y[i] === posLabel) support += w ? w[i]! : 1;
    const defined = roc.fpr.every((v) => !Number.isNaN(v)) && roc.tpr.every((v) => !Number.isNaN(v));
    const parts = new Float64Array(pr.recall.length - 1);
    for (let i = 0; i < parts.length; i++) parts[i] = (pr.recall[i + 1]! - pr.recall[i]!) * pr.precision[i]!;
    return {
      label,
      support,
      roc,
      rocAuc: defined ? auc(roc.fpr, roc.tpr) : Number.NaN,
      pr,
      averagePrecision: -pairwiseSum(parts),
    };
  };
  const m = toMatrix(yScore, 'yScore');
  if (!m) {
    checkLabelArray(yTrue, 'yTrue');
    const present = uniqueLabels(yTrue);
    const pos = defaultPosLabel(present);
    return [one(yTrue, yScore as ArrayLike<number>, pos, pos)];
  }
  const classes = classesFor(yTrue, m.cols, options.labels);
  return classes.map((label, c) => {
    const y = Uint8Array.from({ length: m.n }, (_, i) => (yTrue[i] === label ? 1 : 0));
    return one(y, columnOf(m, c), label, 1);
  });
}
