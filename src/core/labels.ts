/**
 * The one label order of ulasan: every classifier's `classes`, every metric's label list and every
 * report sorts labels with {@link compareLabels}, so the columns of `predictProba`, a confusion
 * matrix and a classification report line up whichever module produced them. It is numpy's
 * `np.unique` order (what scikit-learn's `classes_` uses): numbers ascending, strings by Unicode
 * code point (Python's `sorted`), not by UTF-16 code unit as JavaScript's default `sort()` does.
 */
import type { Label } from './classifier.js';

/**
 * Compares two labels: numbers ascending, strings (and a number against a string, as text) by
 * code point.
 *
 * @example
 * ```ts
 * ['positive', 'negative', 'neutral'].sort(compareLabels); // ['negative', 'neutral', 'positive']
 * [10, 2, 1].sort(compareLabels); // [1, 2, 10]
 * ```
 */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  if (sa === sb) return 0;
  // UTF-16 comparison differs from code-point order only around surrogates; numpy sorts by code point.
  const n = Math.min(sa.length, sb.length);
  for (let i = 0; i < n; i++) {
    const ca = sa.codePointAt(i)!;
    const cb = sb.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
    if (ca > 0xffff) i++;
  }
  return sa.length - sb.length;
}

/** The distinct labels of `labels` in {@link compareLabels} order (`np.unique`). */
export function uniqueLabels<L extends Label>(labels: Iterable<L>): L[] {
  return [...new Set(labels)].sort(compareLabels);
}
