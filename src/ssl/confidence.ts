/**
 * Confidence of a probability row, the quantity pseudo-labeling thresholds. Higher is always
 * more confident and every measure lies in [0, 1], so one threshold scale fits all three.
 */
import { UlasanError } from '../internal/errors.js';

/** How confidence is computed from a probability row. */
export type ConfidenceMeasure = 'max' | 'margin' | 'entropy';

/** Tolerance for rows that should sum to one (float32 softmax rounding). */
const SUM_TOLERANCE = 1e-3;

/**
 * Confidence of each row of `proba`:
 * - `max` (seed 001, eq. 2.1): `max_k P(y=k|x) / Σ_k P(y=k|x)`;
 * - `margin`: top-1 minus top-2 probability;
 * - `entropy`: `1 − H(p) / log K` (1 for a one-hot row, 0 for a uniform one).
 *
 * Rows must be finite, non-negative and sum to one (within 1e-3); anything else is rejected,
 * because a classifier that returns such rows would make every threshold meaningless.
 *
 * @example
 * ```ts
 * confidenceScores([[0.2, 0.5, 0.3]]); // [0.5], the worked example of seed 001
 * ```
 */
export function confidenceScores(proba: readonly (readonly number[])[], measure: ConfidenceMeasure = 'max'): number[] {
  return proba.map((row, i) => rowConfidence(validateRow(row, i), measure));
}

function validateRow(row: readonly number[], i: number): readonly number[] {
  if (row.length < 2) {
    throw new UlasanError(
      'INVALID_DATA',
      `predictProba row ${i} has ${row.length} column(s); expected one per class (at least 2).`,
    );
  }
  let sum = 0;
  for (const p of row) {
    if (!Number.isFinite(p) || p < 0) {
      throw new UlasanError(
        'INVALID_DATA',
        `predictProba row ${i} contains ${p}: probabilities must be finite and >= 0. Check the classifier for NaN outputs.`,
      );
    }
    sum += p;
  }
  if (Math.abs(sum - 1) > SUM_TOLERANCE) {
    throw new UlasanError(
      'INVALID_DATA',
      `predictProba row ${i} sums to ${sum}, not 1: the classifier must return probabilities (apply softmax).`,
    );
  }
  return row;
}

function rowConfidence(row: readonly number[], measure: ConfidenceMeasure): number {
  switch (measure) {
    case 'max': {
      let max = 0;
      let sum = 0;
      for (const p of row) {
        if (p > max) max = p;
        sum += p;
      }
      return max / sum;
    }
    case 'margin': {
      let a = 0;
      let b = 0;
      for (const p of row) {
        if (p > a) {
          b = a;
          a = p;
        } else if (p > b) b = p;
      }
      return a - b;
    }
    case 'entropy': {
      let h = 0;
      for (const p of row) if (p > 0) h -= p * Math.log(p);
      return 1 - h / Math.log(row.length);
    }
    default:
      throw new UlasanError(
        'INVALID_ARGUMENT',
        `Unknown confidence measure "${String(measure)}". Use 'max', 'margin' or 'entropy'.`,
      );
  }
}
