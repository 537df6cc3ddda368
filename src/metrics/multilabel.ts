/**
 * Multi-label (indicator matrix) statistics: scikit-learn's `multilabel_confusion_matrix`,
 * `hamming_loss` and the set-wise counts behind precision/recall/F on indicator matrices.
 */
import { invalidArgument } from '../internal/errors.js';
import { countClasses, indicesOf, unionLabels } from './counts.js';
import type { IndicatorTargets, Label, SampleWeight, Targets } from './targets.js';
import { checkLabelsOption, checkSampleWeight, checkTargets } from './targets.js';

/** @internal Column indices selected by `labels` for an indicator matrix with `nLabels` columns. */
export function indicatorColumns(nLabels: number, labels: readonly Label[] | undefined): number[] {
  if (labels === undefined) return Array.from({ length: nLabels }, (_, i) => i);
  for (const l of labels) {
    if (typeof l !== 'number' || !Number.isInteger(l)) {
      throw invalidArgument(`For indicator matrices, labels are column indices (integers); got ${JSON.stringify(l)}.`);
    }
  }
  const cols = labels as readonly number[];
  const max = Math.max(...cols);
  const min = Math.min(...cols);
  if (max > nLabels - 1) {
    throw invalidArgument(
      `All labels must be in [0, n labels) for multilabel targets. Got ${max} > ${nLabels - 1}: the indicator matrix has ${nLabels} columns.`,
    );
  }
  if (min < 0) throw invalidArgument(`All labels must be in [0, n labels) for multilabel targets. Got ${min} < 0.`);
  return labels.map((l) => l as number);
}

/** @internal Column-wise (or sample-wise) tp / pred / true sums of indicator matrices. */
export function indicatorStats(
  t: IndicatorTargets,
  columns: readonly number[],
  weights: Float64Array | undefined,
  samplewise: boolean,
): { tp: Float64Array; pred: Float64Array; true: Float64Array } {
  const n = t.yTrue.length;
  if (samplewise) {
    const tp = new Float64Array(n);
    const pred = new Float64Array(n);
    const tru = new Float64Array(n);
    for (let s = 0; s < n; s++) {
      const a = t.yTrue[s]!;
      const b = t.yPred[s]!;
      let ctp = 0;
      let cp = 0;
      let ct = 0;
      for (const c of columns) {
        ctp += a[c]! & b[c]!;
        cp += b[c]!;
        ct += a[c]!;
      }
      // scikit-learn multiplies the per-sample counts by the sample weight.
      const w = weights ? weights[s]! : 1;
      tp[s] = ctp * w;
      pred[s] = cp * w;
      tru[s] = ct * w;
    }
    return { tp, pred, true: tru };
  }
  const L = columns.length;
  const tp = new Float64Array(L);
  const pred = new Float64Array(L);
  const tru = new Float64Array(L);
  for (let s = 0; s < n; s++) {
    const a = t.yTrue[s]!;
    const b = t.yPred[s]!;
    const w = weights ? weights[s]! : 1;
    for (let k = 0; k < L; k++) {
      const c = columns[k]!;
      if (a[c]! & b[c]!) tp[k]! += w;
      if (b[c]) pred[k]! += w;
      if (a[c]) tru[k]! += w;
    }
  }
  return { tp, pred, true: tru };
}

/** Options of {@link multilabelConfusionMatrix}. */
export interface MultilabelConfusionMatrixOptions {
  /** Labels (for 1-D targets) or column indices (for indicator matrices) to report, in this order. */
  labels?: readonly Label[];
  /** Per-sample weights. */
  sampleWeight?: SampleWeight;
  /** One 2×2 matrix per sample instead of per label (indicator matrices only). */
  samplewise?: boolean;
}

/**
 * One-vs-rest 2×2 confusion matrices, one per label (or per sample with `samplewise`), each
 * `[[tn, fp], [fn, tp]]`: scikit-learn's `multilabel_confusion_matrix`. Accepts indicator
 * matrices and 1-D multi-class labels (binarized one-vs-rest, labels in sorted order).
 *
 * @example
 * ```ts
 * multilabelConfusionMatrix([[1, 0, 1], [0, 1, 0]], [[1, 0, 0], [0, 1, 1]]);
 * // [[[1, 0], [0, 1]], [[1, 0], [0, 1]], [[0, 1], [1, 0]]]
 * ```
 */
export function multilabelConfusionMatrix(
  yTrue: Targets,
  yPred: Targets,
  options: MultilabelConfusionMatrixOptions = {},
): number[][][] {
  const t = checkTargets(yTrue, yPred);
  const weights = checkSampleWeight(options.sampleWeight, t.yTrue.length);
  let tp: Float64Array;
  let pred: Float64Array;
  let tru: Float64Array;
  let tnBase: (k: number) => number;
  if (t.type === 'multilabel-indicator') {
    const columns = indicatorColumns(t.nLabels, options.labels);
    const samplewise = options.samplewise === true;
    ({ tp, pred, true: tru } = indicatorStats(t, columns, weights, samplewise));
    if (samplewise) tnBase = (k) => (weights ? weights[k]! : 1) * columns.length;
    else {
      let total = 0;
      if (weights) for (const w of weights) total += w;
      else total = t.yTrue.length;
      tnBase = () => total;
    }
  } else {
    if (options.samplewise) {
      throw invalidArgument(
        'Samplewise metrics are not available outside of multilabel classification: pass indicator matrices, or leave samplewise off.',
      );
    }
    const labels = options.labels === undefined ? t.present : checkLabelsOption(options.labels, t.kind);
    const counts = countClasses(unionLabels(t.present, labels), t.yTrue, t.yPred, weights);
    const idx = indicesOf(counts, labels);
    tp = Float64Array.from(idx, (i) => counts.cells[i * counts.labels.length + i]!);
    pred = Float64Array.from(idx, (i) => counts.predSum[i]!);
    tru = Float64Array.from(idx, (i) => counts.trueSum[i]!);
    let total = 0;
    if (weights) for (const w of weights) total += w;
    else total = t.yTrue.length;
    tnBase = () => total;
  }
  const out: number[][][] = [];
  for (let k = 0; k < tp.length; k++) {
    const fp = pred[k]! - tp[k]!;
    const fn = tru[k]! - tp[k]!;
    const tn = tnBase(k) - tp[k]! - fp - fn;
    out.push([
      [tn, fp],
      [fn, tp[k]!],
    ]);
  }
  return out;
}

/** Options of {@link hammingLoss}. */
export interface HammingLossOptions {
  /** Per-sample weights. */
  sampleWeight?: SampleWeight;
}

/**
 * The fraction of labels predicted wrongly (scikit-learn's `hamming_loss`): for indicator
 * matrices, wrong cells over all cells; for 1-D labels, `1 - accuracy`.
 *
 * @example
 * ```ts
 * hammingLoss([[0, 1], [1, 1]], [[0, 0], [1, 1]]); // 0.25
 * ```
 */
export function hammingLoss(yTrue: Targets, yPred: Targets, options: HammingLossOptions = {}): number {
  const t = checkTargets(yTrue, yPred);
  const n = t.yTrue.length;
  const weights = checkSampleWeight(options.sampleWeight, n);
  if (t.type === 'multilabel-indicator') {
    let diff = 0;
    let wsum = 0;
    for (let s = 0; s < n; s++) {
      const a = t.yTrue[s]!;
      const b = t.yPred[s]!;
      let d = 0;
      for (let c = 0; c < t.nLabels; c++) if (a[c] !== b[c]) d++;
      diff += weights ? d * weights[s]! : d;
      if (weights) wsum += weights[s]!;
    }
    const weightAverage = weights ? wsum / n : 1;
    return diff / (n * t.nLabels * weightAverage);
  }
  let wrong = 0;
  let wsum = 0;
  for (let s = 0; s < n; s++) {
    const w = weights ? weights[s]! : 1;
    if (t.yTrue[s] !== t.yPred[s]) wrong += w;
    wsum += w;
  }
  return wrong / wsum;
}
