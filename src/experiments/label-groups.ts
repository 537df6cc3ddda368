/**
 * Grouping of sample indices by class label, shared by splits and resampling. Internal to
 * `ulasan/experiments` (not re-exported).
 */
import type { Label } from '../core/classifier.js';
import { compareLabels } from '../core/labels.js';
import { invalidArgument, UlasanError } from '../internal/errors.js';

/** Indices per class, classes in sorted order (numbers numerically, strings by code point). */
export interface LabelGroups {
  classes: Label[];
  indices: number[][];
}

/** Validates a label array (non-empty, no null/NaN, not mixed string/number) and groups it. */
export function groupByLabel(labels: readonly Label[], what = 'labels'): LabelGroups {
  if (!Array.isArray(labels) && !ArrayBuffer.isView(labels)) {
    throw invalidArgument(`${what} must be an array of class labels, got ${typeof labels}.`);
  }
  const byLabel = new Map<Label, number[]>();
  let kind: 'string' | 'number' | undefined;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as Label;
    const t = typeof label;
    if ((t !== 'string' && t !== 'number') || (t === 'number' && !Number.isFinite(label as number))) {
      throw new UlasanError(
        'INVALID_DATA',
        `${what}[${i}] is ${String(label)}: every label must be a string or a finite number. Drop or fix rows with missing labels first.`,
      );
    }
    if (kind === undefined) kind = t as 'string' | 'number';
    else if (kind !== t) {
      throw new UlasanError(
        'INVALID_DATA',
        `${what} mix strings and numbers (${what}[${i}] is ${JSON.stringify(label)}): convert them all to one type.`,
      );
    }
    let bucket = byLabel.get(label);
    if (!bucket) byLabel.set(label, (bucket = []));
    bucket.push(i);
  }
  const classes = [...byLabel.keys()].sort(compareLabels);
  return { classes, indices: classes.map((c) => byLabel.get(c) as number[]) };
}

/** Sort order for labels: the one label order of ulasan (`core/labels.ts`), re-exported for older imports. */
export { compareLabels };

/** Ascending numeric sort, in place. */
export function sortAscending(values: number[]): number[] {
  return values.sort((a, b) => a - b);
}
