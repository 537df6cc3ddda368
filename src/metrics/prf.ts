/**
 * Precision, recall and F-beta from per-label sufficient statistics, following the current
 * scikit-learn `precision_recall_fscore_support` (zero-division handling, NaN-ignoring averages,
 * the F-score computed from counts).
 */
import { invalidArgument } from '../internal/errors.js';
import { pairwiseSum } from './targets.js';
import { emitMetricWarning, type WarningOptions } from './warnings.js';

/** How to average per-label scores (scikit-learn's `average`); `null` keeps one score per label. */
export type Average = null | 'micro' | 'macro' | 'weighted' | 'binary' | 'samples';

/**
 * Value used where a score divides by zero: `'warn'` (0 plus an `UndefinedMetricWarning`, the
 * default), 0, 1, or `NaN` (the label is then left out of averages).
 */
export type ZeroDivision = 'warn' | 0 | 1 | number;

/** Which metrics warn on zero division (scikit-learn's `warn_for`). */
export type WarnFor = readonly ('precision' | 'recall' | 'f-score')[];

/** @internal Per-label (or per-sample, for `average: 'samples'`) statistics. */
export interface PrfStats {
  tp: Float64Array;
  pred: Float64Array;
  true: Float64Array;
  /** Weights for `average: 'samples'` (the sample weights), if any. */
  sampleWeight?: Float64Array;
}

/** @internal */
export interface PrfComputeOptions extends WarningOptions {
  average: Average;
  beta: number;
  zeroDivision: ZeroDivision;
  warnFor: WarnFor;
}

/** @internal */
export interface PrfRaw {
  precision: Float64Array | number;
  recall: Float64Array | number;
  fscore: Float64Array | number;
  support: Float64Array | null;
}

const AVERAGES: readonly Average[] = [null, 'micro', 'macro', 'weighted', 'samples', 'binary'];

/** @internal Validates `average`, `beta` and `zeroDivision` like scikit-learn. */
export function checkPrfOptions(average: unknown, beta: unknown, zeroDivision: unknown): void {
  if (!AVERAGES.includes(average as Average)) {
    throw invalidArgument(
      `average must be one of null, 'micro', 'macro', 'weighted', 'samples' or 'binary'; got ${JSON.stringify(average)}.`,
    );
  }
  if (typeof beta !== 'number' || Number.isNaN(beta) || beta < 0) {
    throw invalidArgument(`beta should be >= 0 in the F-beta score; got ${String(beta)}.`);
  }
  if (!(zeroDivision === 'warn' || zeroDivision === 0 || zeroDivision === 1 || Number.isNaN(zeroDivision))) {
    throw invalidArgument(`zeroDivision must be 'warn', 0, 1 or NaN; got ${JSON.stringify(zeroDivision)}.`);
  }
}

function zeroDivisionValue(zd: ZeroDivision): number {
  return zd === 'warn' ? 0 : zd;
}

function warnPrf(options: PrfComputeOptions, modifier: string, msgStart: string, size: number): void {
  let axis0 = 'sample';
  let axis1 = 'label';
  if (options.average === 'samples') [axis0, axis1] = [axis1, axis0];
  const where = size === 1 ? 'due to' : `in ${axis1}s with`;
  emitMetricWarning(
    options,
    'UndefinedMetricWarning',
    `${msgStart} ill-defined and being set to 0.0 ${where} no ${modifier} ${axis0}s. Use \`zeroDivision\` option to control this behavior.`,
  );
}

function divide(
  num: Float64Array,
  den: Float64Array,
  metric: 'precision' | 'recall' | 'f-score',
  modifier: string,
  options: PrfComputeOptions,
): Float64Array {
  const out = new Float64Array(num.length);
  let any = false;
  const zdv = zeroDivisionValue(options.zeroDivision);
  for (let i = 0; i < num.length; i++) {
    if (den[i] === 0) {
      out[i] = zdv;
      any = true;
    } else out[i] = num[i]! / den[i]!;
  }
  if (any && options.zeroDivision === 'warn' && options.warnFor.includes(metric)) {
    const name = metric === 'f-score' ? 'F-score' : metric[0]!.toUpperCase() + metric.slice(1);
    warnPrf(options, modifier, `${name} is`, num.length);
  }
  return out;
}

/** numpy's `np.average(a, weights)`: throws on zero weight sum, like numpy. */
function average(a: ArrayLike<number>, weights?: ArrayLike<number>): number {
  if (!weights) return pairwiseSum(a) / a.length;
  const scl = pairwiseSum(weights);
  if (scl === 0) throw new RangeError('Weights sum to zero');
  const prod = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) prod[i] = a[i]! * weights[i]!;
  return pairwiseSum(prod) / scl;
}

/** scikit-learn's `_nanaverage`: ignores NaN scores; all-zero weights fall back to the plain mean. */
export function nanAverage(a: Float64Array, weights?: ArrayLike<number>): number {
  if (a.length === 0) return Number.NaN;
  const keep: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i]!)) keep.push(i);
  if (keep.length === 0) return Number.NaN;
  const va = Float64Array.from(keep, (i) => a[i]!);
  if (!weights) return average(va);
  const vw = Float64Array.from(keep, (i) => weights[i]!);
  try {
    return average(va, vw);
  } catch {
    return average(va);
  }
}

/** @internal The body of `precision_recall_fscore_support` after the statistics are known. */
export function prfFromStats(stats: PrfStats, options: PrfComputeOptions): PrfRaw {
  let { tp, pred, true: tru } = stats;
  if (options.average === 'micro') {
    tp = Float64Array.of(pairwiseSum(tp));
    pred = Float64Array.of(pairwiseSum(pred));
    tru = Float64Array.of(pairwiseSum(tru));
  }
  const beta2 = options.beta * options.beta;
  const precision = divide(tp, pred, 'precision', 'predicted', options);
  const recall = divide(tp, tru, 'recall', 'true', options);
  let fscore: Float64Array;
  if (options.beta === Number.POSITIVE_INFINITY) fscore = recall;
  else if (options.beta === 0) fscore = precision;
  else {
    const num = new Float64Array(tp.length);
    const den = new Float64Array(tp.length);
    for (let i = 0; i < tp.length; i++) {
      num[i] = (1 + beta2) * tp[i]!;
      den[i] = beta2 * tru[i]! + pred[i]!;
    }
    fscore = divide(num, den, 'f-score', 'true nor predicted', options);
  }
  if (options.average === null) return { precision, recall, fscore, support: tru };
  let weights: ArrayLike<number> | undefined;
  if (options.average === 'weighted') weights = tru;
  else if (options.average === 'samples') weights = stats.sampleWeight;
  return {
    precision: nanAverage(precision, weights),
    recall: nanAverage(recall, weights),
    fscore: nanAverage(fscore, weights),
    support: null,
  };
}
