/**
 * Input checking shared by every metric: what scikit-learn's `_check_targets`, `type_of_target`
 * and `unique_labels` do, with errors that name the problem.
 */
import type { Label } from '../core/classifier.js';
import { compareLabels } from '../core/labels.js';
import { invalidArgument, UlasanError } from '../internal/errors.js';

export type { Label };

/** A 1-D array of labels: a plain array or a typed array of numeric labels. */
export type LabelArray = readonly Label[] | ArrayLike<number>;

/** A multi-label indicator matrix: one row per sample, one 0/1 column per label. */
export type IndicatorMatrix = readonly (readonly number[] | ArrayLike<number>)[];

/** Targets accepted by the classification metrics: 1-D labels or a 2-D indicator matrix. */
export type Targets = LabelArray | IndicatorMatrix;

/** Per-sample weights. */
export type SampleWeight = readonly number[] | ArrayLike<number>;

/** Compares labels the way numpy sorts them: the one label order of ulasan (`core/labels.ts`). */
export { compareLabels };

/** Length of a string in code points (Python's `len`). */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function isRow(value: unknown): value is ArrayLike<number> {
  return Array.isArray(value) || ArrayBuffer.isView(value);
}

/** True when `y` is a 2-D indicator matrix (its first row is an array). */
export function isIndicator(y: Targets): y is IndicatorMatrix {
  return y.length > 0 && isRow((y as ArrayLike<unknown>)[0]);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value;
}

export type LabelKind = 'string' | 'number';

/** Checks one 1-D label array and returns its element kind (undefined when empty). */
export function checkLabelArray(y: LabelArray, name: string): LabelKind | undefined {
  if (y === null || typeof y !== 'object' || typeof (y as { length?: unknown }).length !== 'number') {
    throw invalidArgument(`${name} must be an array or typed array of labels; got ${describe(y)}.`);
  }
  let kind: LabelKind | undefined;
  for (let i = 0; i < y.length; i++) {
    const v = (y as ArrayLike<unknown>)[i];
    let k: LabelKind;
    if (typeof v === 'string') k = 'string';
    else if (typeof v === 'number') {
      if (Number.isNaN(v)) {
        throw invalidArgument(
          `${name}[${i}] is NaN: every label must be a string or a number. Drop or fill missing labels first.`,
        );
      }
      if (!Number.isFinite(v)) throw invalidArgument(`${name}[${i}] is ${v}: labels must be finite.`);
      if (!Number.isInteger(v)) {
        throw invalidArgument(
          `${name}[${i}] is ${v}: numeric labels must be integers (scikit-learn treats non-integer values as continuous targets). If these are probabilities or scores, convert them to labels first (argmax or a threshold).`,
        );
      }
      k = 'number';
    } else {
      throw invalidArgument(
        `${name}[${i}] is ${describe(v)}: every label must be a string or a number. Drop or fill missing labels first.`,
      );
    }
    if (kind === undefined) kind = k;
    else if (kind !== k) {
      throw invalidArgument(
        `${name} mixes label types (string and number) at index ${i}: use one type for all labels, e.g. labels.map(String).`,
      );
    }
  }
  return kind;
}

/** Throws when two label kinds differ. */
export function checkSameKind(a: LabelKind | undefined, b: LabelKind | undefined, what: string): void {
  if (a !== undefined && b !== undefined && a !== b) {
    throw invalidArgument(
      `Mix of label input types (string and number) in ${what}: the labels must all be strings or all numbers. Convert one side, e.g. yPred.map(String).`,
    );
  }
}

/** Sorted unique labels of the given arrays. */
export function uniqueLabels(...arrays: LabelArray[]): Label[] {
  const set = new Set<Label>();
  for (const a of arrays) for (let i = 0; i < a.length; i++) set.add(a[i] as Label);
  return [...set].sort(compareLabels);
}

/** Checks sample weights against the number of samples and returns them as a Float64Array. */
export function checkSampleWeight(sampleWeight: SampleWeight | undefined, n: number): Float64Array | undefined {
  if (sampleWeight === undefined || sampleWeight === null) return undefined;
  if (sampleWeight.length !== n) {
    throw new UlasanError(
      'SHAPE_MISMATCH',
      `sampleWeight has ${sampleWeight.length} values but there are ${n} samples: give one weight per sample.`,
    );
  }
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = sampleWeight[i]!;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw invalidArgument(`sampleWeight[${i}] is ${describe(v)}: weights must be finite numbers.`);
    }
    w[i] = v;
  }
  return w;
}

export function checkLength(a: { length: number }, b: { length: number }, names = ['yTrue', 'yPred']): void {
  if (a.length !== b.length) {
    throw new UlasanError(
      'SHAPE_MISMATCH',
      `${names[0]} and ${names[1]} must have the same length (one entry per sample); got ${a.length} and ${b.length}.`,
    );
  }
}

/** Result of {@link checkTargets} for 1-D (binary / multi-class) targets. */
export interface ClassTargets {
  type: 'binary' | 'multiclass';
  yTrue: LabelArray;
  yPred: LabelArray;
  kind: LabelKind | undefined;
  /** Sorted union of the labels present in both arrays. */
  present: Label[];
}

/** Result of {@link checkTargets} for indicator matrices. */
export interface IndicatorTargets {
  type: 'multilabel-indicator';
  yTrue: Uint8Array[];
  yPred: Uint8Array[];
  nLabels: number;
}

function checkIndicator(y: IndicatorMatrix, name: string): Uint8Array[] {
  const cols = (y[0] as ArrayLike<number>).length;
  const out: Uint8Array[] = new Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const row = y[i] as ArrayLike<unknown>;
    if (!isRow(row))
      throw invalidArgument(`${name}[${i}] is not an array: a multi-label target needs one row per sample.`);
    if (row.length !== cols) {
      throw new UlasanError(
        'SHAPE_MISMATCH',
        `${name} rows must all have ${cols} columns (one per label); row ${i} has ${row.length}.`,
      );
    }
    const r = new Uint8Array(cols);
    for (let j = 0; j < cols; j++) {
      const v = row[j] as unknown;
      if (v === 1 || v === true) r[j] = 1;
      else if (v === 0 || v === false) r[j] = 0;
      else {
        throw invalidArgument(
          `${name}[${i}][${j}] is ${describe(v)}: a multi-label indicator matrix holds only 0 and 1 (multi-class multi-output targets are not supported).`,
        );
      }
    }
    out[i] = r;
  }
  return out;
}

/**
 * Validates a pair of targets like scikit-learn's `_check_targets`: equal lengths, labels of one
 * type, and binary/multi-class versus multi-label indicator matrices (never mixed). A matrix with a
 * single column is treated as a column vector of labels, as in scikit-learn.
 */
export function checkTargets(
  yTrue: Targets,
  yPred: Targets,
  names: [string, string] = ['yTrue', 'yPred'],
): ClassTargets | IndicatorTargets {
  if (yTrue === null || yTrue === undefined || typeof (yTrue as { length?: unknown }).length !== 'number') {
    throw invalidArgument(`${names[0]} must be an array of labels; got ${describe(yTrue)}.`);
  }
  if (yPred === null || yPred === undefined || typeof (yPred as { length?: unknown }).length !== 'number') {
    throw invalidArgument(`${names[1]} must be an array of labels; got ${describe(yPred)}.`);
  }
  checkLength(yTrue, yPred, names);
  let t = yTrue;
  let p = yPred;
  const squeeze = (y: Targets): Targets => {
    if (isIndicator(y) && (y[0] as ArrayLike<number>).length === 1) {
      return Array.from(y as IndicatorMatrix, (row) => row[0] as number);
    }
    return y;
  };
  t = squeeze(t);
  p = squeeze(p);
  const mt = isIndicator(t);
  const mp = isIndicator(p);
  if (mt !== mp) {
    throw invalidArgument(
      `Classification metrics can't handle a mix of ${mt ? 'multilabel-indicator' : 'multiclass'} and ${mp ? 'multilabel-indicator' : 'multiclass'} targets: give ${names[0]} and ${names[1]} in the same form.`,
    );
  }
  if (mt) {
    const a = checkIndicator(t as IndicatorMatrix, names[0]);
    const b = checkIndicator(p as IndicatorMatrix, names[1]);
    if (a[0]!.length !== b[0]!.length) {
      throw new UlasanError(
        'SHAPE_MISMATCH',
        `${names[0]} has ${a[0]!.length} label columns but ${names[1]} has ${b[0]!.length}: both indicator matrices need the same columns.`,
      );
    }
    return { type: 'multilabel-indicator', yTrue: a, yPred: b, nLabels: a[0]!.length };
  }
  const kt = checkLabelArray(t as LabelArray, names[0]);
  const kp = checkLabelArray(p as LabelArray, names[1]);
  checkSameKind(kt, kp, `${names[0]} and ${names[1]}`);
  const present = uniqueLabels(t as LabelArray, p as LabelArray);
  return {
    type: present.length <= 2 ? 'binary' : 'multiclass',
    yTrue: t as LabelArray,
    yPred: p as LabelArray,
    kind: kt ?? kp,
    present,
  };
}

/** Validates a user-given `labels` option against the data's label kind. */
export function checkLabelsOption(labels: readonly Label[], kind: LabelKind | undefined, name = 'labels'): Label[] {
  const k = checkLabelArray(labels, name);
  checkSameKind(kind, k, `the data and the ${name} option`);
  return [...labels];
}

/** numpy's pairwise summation (`np.sum` of a float64 array), so that sums round like scikit-learn's. */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    // numpy starts from -0.0 so that an all -0.0 sum stays -0.0; irrelevant for metrics.
    return res;
  }
  if (n <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = a[start + j]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j]! += a[start + i + j]!;
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}
