/** The one `argmax` of the library (text, ssl and vision predictions). */

/**
 * Index of the largest value, the first one on ties (like numpy's `argmax`); 0 for an empty row.
 * NaN never wins (a comparison with NaN is false).
 */
export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < row.length; j++) if ((row[j] as number) > (row[best] as number)) best = j;
  return best;
}
