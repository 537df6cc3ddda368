/**
 * The sufficient statistics of single-label classification: a (weighted) confusion matrix plus
 * per-label sums accumulated in sample order (as numpy's `bincount` does), so that every metric
 * derived from it rounds exactly like scikit-learn.
 */
import type { Label, LabelArray } from './targets.js';
import { compareLabels } from './targets.js';

/** @internal Accumulated counts over an ordered label list. */
export interface ClassCounts {
  labels: Label[];
  /** Row-major n×n cells: row = true label, column = predicted label. */
  cells: Float64Array;
  trueSum: Float64Array;
  predSum: Float64Array;
  /** Whether the label occurred (with any weight, even 0) among the true / predicted labels. */
  seenTrue: Uint8Array;
  seenPred: Uint8Array;
  /** Sum of sample weights (sample count when unweighted), accumulated in order. */
  total: number;
  nSamples: number;
  weighted: boolean;
}

/** @internal Counts `yTrue`/`yPred` over `labels` (which must contain every label present). */
export function countClasses(
  labels: readonly Label[],
  yTrue: LabelArray,
  yPred: LabelArray,
  weights: Float64Array | undefined,
): ClassCounts {
  const n = labels.length;
  const index = new Map<Label, number>();
  labels.forEach((l, i) => {
    if (!index.has(l)) index.set(l, i);
  });
  const counts: ClassCounts = {
    labels: [...labels],
    cells: new Float64Array(n * n),
    trueSum: new Float64Array(n),
    predSum: new Float64Array(n),
    seenTrue: new Uint8Array(n),
    seenPred: new Uint8Array(n),
    total: 0,
    nSamples: yTrue.length,
    weighted: weights !== undefined,
  };
  for (let s = 0; s < yTrue.length; s++) {
    const i = index.get(yTrue[s] as Label)!;
    const j = index.get(yPred[s] as Label)!;
    const w = weights ? weights[s]! : 1;
    counts.cells[i * n + j]! += w;
    counts.trueSum[i]! += w;
    counts.predSum[j]! += w;
    counts.seenTrue[i] = 1;
    counts.seenPred[j] = 1;
    counts.total += w;
  }
  return counts;
}

/** @internal Sorted union of `present` and `extra`. */
export function unionLabels(present: readonly Label[], extra: readonly Label[] | undefined): Label[] {
  if (!extra || extra.length === 0) return [...present];
  const set = new Set<Label>(present);
  for (const l of extra) set.add(l);
  return [...set].sort(compareLabels);
}

/** @internal Index of each label of `wanted` in `counts.labels` (-1 when absent). */
export function indicesOf(counts: ClassCounts, wanted: readonly Label[]): number[] {
  const index = new Map<Label, number>();
  counts.labels.forEach((l, i) => {
    index.set(l, i);
  });
  return wanted.map((l) => index.get(l) ?? -1);
}

/** @internal The sub-matrix over `idx` (rows true, columns predicted) as number[][]. */
export function subMatrix(counts: ClassCounts, idx: readonly number[]): number[][] {
  const n = counts.labels.length;
  return idx.map((i) => idx.map((j) => (i < 0 || j < 0 ? 0 : counts.cells[i * n + j]!)));
}

/** @internal Indices of labels that occurred at all (scikit-learn's `unique_labels(y_true, y_pred)`). */
export function seenIndices(counts: ClassCounts): number[] {
  const out: number[] = [];
  for (let i = 0; i < counts.labels.length; i++) if (counts.seenTrue[i] || counts.seenPred[i]) out.push(i);
  return out;
}
