/**
 * Seeded train/validation/test splits and k-fold cross-validation that return INDICES, so every
 * array aligned with the labels (texts, ratings, image paths, frames) can be split the same way.
 *
 * Semantics follow scikit-learn: `testSize` is a fraction in (0, 1) or a whole count; stratified
 * allocation uses `_approximate_mode` (StratifiedShuffleSplit); `kFold` and `stratifiedKFold` match
 * KFold and StratifiedKFold fold for fold when `shuffle` is false. Resampling, when asked for,
 * touches the training indices only (see {@link resampleTrainOnly}).
 */
import type { Label } from '../core/classifier.js';
import { invalidArgument, UlasanError } from '../internal/errors.js';
import { Random } from '../internal/random.js';
import { groupByLabel, sortAscending } from './label-groups.js';
import { resampleTrainOnly, type TrainResampleOptions } from './resample.js';

/** Train and test indices of one split or one cross-validation fold. */
export interface TrainTestIndices {
  /** Indices of the training rows (after resampling, when asked for: may repeat rows). */
  train: number[];
  /** Indices of the held-out rows (never resampled). */
  test: number[];
}

/** Train, validation and test indices. */
export interface TrainValidTestIndices extends TrainTestIndices {
  /** Indices of the validation rows (never resampled). */
  valid: number[];
}

/** Options shared by the split helpers. */
export interface SplitCommonOptions {
  /** Keep each class's share the same in every part (needs labels, not a count); default false. */
  stratify?: boolean;
  /** Shuffle before splitting; default true (false keeps the data order: the test part is taken from the end). */
  shuffle?: boolean;
  /** Seed of the shuffle; default 42. */
  seed?: number;
  /** Resample the TRAINING indices only (validation and test rows are never duplicated or dropped). */
  resample?: TrainResampleOptions;
}

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions extends SplitCommonOptions {
  /** Test part: a fraction in (0, 1) or a whole number of rows; default 0.25 (scikit-learn's default). */
  testSize?: number;
  /** Training part: a fraction or a count; default all rows not in the test part. */
  trainSize?: number;
  /**
   * A fixed number of test rows per class (seed 003 holds out 386 per class), or per-class counts
   * `{ label: count }`. Overrides `testSize`; needs labels.
   */
  testPerClass?: number | Readonly<Record<string, number>>;
}

/** Options of {@link trainValidTestSplit}. */
export interface TrainValidTestSplitOptions extends TrainTestSplitOptions {
  /** Validation part: a fraction or a whole count; default 0.2. */
  validSize?: number;
  /**
   * What a fractional `validSize` is a fraction of: `'rest'` (default; the rows left after the test
   * part, as seed 003's "the rest 80:20") or `'all'` (all rows, e.g. 80/10/10 with 0.1 and 0.1).
   */
  validFrom?: 'rest' | 'all';
  /** A fixed number of validation rows per class, or per-class counts. Overrides `validSize`. */
  validPerClass?: number | Readonly<Record<string, number>>;
}

/** Options of {@link kFold} and {@link stratifiedKFold}. */
export interface KFoldOptions {
  /** Number of folds (≥ 2); default 5. Seed 002 recommends 10. */
  k?: number;
  /** Shuffle before assigning folds; default false (scikit-learn's default). */
  shuffle?: boolean;
  /** Seed of the shuffle; default 42. */
  seed?: number;
  /** Resample each fold's training indices (never the held-out fold). */
  resample?: TrainResampleOptions;
}

/**
 * Splits rows into a training and a test part.
 *
 * @param labelsOrN - the label of each row (needed for `stratify`, `testPerClass` and `resample`), or just the number of rows.
 * @returns indices into the rows: `train` and `test`, disjoint.
 * @example
 * ```ts
 * const { train, test } = trainTestSplit(labels, { testSize: 0.2, stratify: true, seed: 42 });
 * const trainTexts = train.map((i) => texts[i]);
 * // seed 003: 386 test reviews per class
 * const fixed = trainTestSplit(labels, { testPerClass: 386, seed: 42 });
 * ```
 */
export function trainTestSplit(
  labelsOrN: readonly Label[] | number,
  options: TrainTestSplitOptions = {},
): TrainTestIndices {
  const { labels, n } = unpack(labelsOrN, options);
  const random = new Random(options.seed ?? 42);
  const shuffle = options.shuffle ?? true;
  let split: TrainTestIndices;
  if (options.testPerClass !== undefined) {
    split = perClassSplit(needLabels(labels, 'testPerClass'), options.testPerClass, shuffle, random, 'test');
  } else {
    const nTest = resolveSize(options.testSize ?? 0.25, n, 'testSize', 'ceil');
    const nTrain =
      options.trainSize === undefined ? n - nTest : resolveSize(options.trainSize, n, 'trainSize', 'floor');
    if (nTrain + nTest > n) {
      throw invalidArgument(`trainSize (${nTrain} rows) + testSize (${nTest} rows) is more than the ${n} rows given.`);
    }
    if (nTrain === 0) {
      throw invalidArgument(
        `testSize leaves no rows for training (${n} rows, ${nTest} for test); use a smaller testSize.`,
      );
    }
    split = options.stratify
      ? stratifiedSplit(needLabels(labels, 'stratify'), nTrain, nTest, shuffle, random)
      : plainSplit(n, nTrain, nTest, shuffle, random);
  }
  return withResampling(split, labels, options.resample);
}

/**
 * Splits rows into training, validation and test parts: first the test part (by `testSize` or
 * `testPerClass`), then the validation part from the rest (by `validSize` or `validPerClass`).
 *
 * @param labelsOrN - the label of each row, or the number of rows.
 * @returns disjoint `train`, `valid` and `test` indices.
 * @example
 * ```ts
 * // seed 003: 386 per class for test, the rest 80:20 train/validation, stratified
 * const s = trainValidTestSplit(labels, { testPerClass: 386, validSize: 0.2, stratify: true, seed: 42 });
 * ```
 */
export function trainValidTestSplit(
  labelsOrN: readonly Label[] | number,
  options: TrainValidTestSplitOptions = {},
): TrainValidTestIndices {
  const { labels, n } = unpack(labelsOrN, options);
  const { resample, validSize, validPerClass, validFrom, trainSize, ...common } = options;
  if (trainSize !== undefined) {
    throw invalidArgument('trainValidTestSplit takes testSize and validSize; the training part is what is left.');
  }
  const first = trainTestSplit(labelsOrN, common);
  const rest = first.train;
  const restLabels = labels ? rest.map((i) => labels[i] as Label) : undefined;
  let size = validSize ?? 0.2;
  if (validPerClass === undefined && (validFrom ?? 'rest') === 'all') {
    if (!(size > 0 && size < 1) && !Number.isInteger(size)) {
      throw invalidArgument(`validSize must be a fraction in (0, 1) or a whole count, got ${size}.`);
    }
    if (size > 0 && size < 1) size = Math.ceil(size * n);
  }
  const second = trainTestSplit(restLabels ?? rest.length, {
    stratify: common.stratify,
    shuffle: common.shuffle,
    seed: (common.seed ?? 42) + 1,
    ...(validPerClass !== undefined ? { testPerClass: validPerClass } : { testSize: size }),
  });
  const split: TrainValidTestIndices = {
    train: second.train.map((j) => rest[j] as number),
    valid: second.test.map((j) => rest[j] as number),
    test: first.test,
  };
  return withResampling(split, labels, resample);
}

/**
 * K-fold cross-validation folds (scikit-learn's KFold): the first `n % k` folds hold one extra row.
 *
 * @param labelsOrN - the number of rows, or the labels (needed only when `resample` is set).
 * @returns `k` folds; each fold's `test` is the held-out part (ascending) and `train` the rest.
 * @example
 * ```ts
 * for (const { train, test } of kFold(texts.length, { k: 10, shuffle: true, seed: 1 })) { ... }
 * ```
 */
export function kFold(labelsOrN: readonly Label[] | number, options: KFoldOptions = {}): TrainTestIndices[] {
  const { labels, n } = unpack(labelsOrN, options);
  const k = checkK(options.k ?? 5, n);
  const order = options.shuffle ? new Random(options.seed ?? 42).permutation(n) : range(n);
  const folds: TrainTestIndices[] = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    const test = sortAscending(order.slice(start, start + size));
    start += size;
    folds.push(complement(test, n));
  }
  return folds.map((fold) => withResampling(fold, labels, options.resample));
}

/**
 * Stratified k-fold cross-validation with scikit-learn's StratifiedKFold allocation: the rows of each
 * class (sorted by order of first appearance) are dealt round-robin over the folds, so every fold
 * holds each class in (almost) the same proportion; with `shuffle` the fold of each row within its
 * class is shuffled.
 *
 * @param labels - the label of each row.
 * @returns `k` folds of `train`/`test` indices (test ascending).
 * @example
 * ```ts
 * const folds = stratifiedKFold(labels, { k: 10, shuffle: true, seed: 42 });
 * ```
 */
export function stratifiedKFold(labels: readonly Label[], options: KFoldOptions = {}): TrainTestIndices[] {
  const groups = groupByLabel(labels);
  const n = labels.length;
  const k = checkK(options.k ?? 5, n);
  // Encode classes by order of first appearance, like scikit-learn.
  const order = groups.indices.map((_, c) => c).sort((a, b) => groups.indices[a]![0]! - groups.indices[b]![0]!);
  const counts = order.map((c) => groups.indices[c]!.length);
  if (counts.every((m) => m < k)) {
    throw invalidArgument(
      `stratifiedKFold: k=${k} is more than the number of rows in every class (largest class: ${Math.max(...counts)}); use a smaller k.`,
    );
  }
  const smallest = Math.min(...counts);
  if (smallest < k) {
    process.emitWarning(
      `stratifiedKFold: the smallest class has only ${smallest} rows, fewer than k=${k}; some folds will miss it.`,
      { code: 'ULASAN_SMALL_CLASS' },
    );
  }
  // allocation[f][c]: rows of class c in fold f, by dealing the class-sorted rows round-robin.
  const allocation = Array.from({ length: k }, () => new Array<number>(order.length).fill(0));
  let position = 0;
  counts.forEach((count, c) => {
    for (let j = 0; j < count; j++, position++) (allocation[position % k] as number[])[c]! += 1;
  });
  const random = new Random(options.seed ?? 42);
  const testFold = new Array<number>(n);
  order.forEach((cls, c) => {
    const foldsForClass: number[] = [];
    for (let f = 0; f < k; f++) for (let j = 0; j < allocation[f]![c]!; j++) foldsForClass.push(f);
    if (options.shuffle) random.shuffle(foldsForClass);
    groups.indices[cls]!.forEach((row, j) => {
      testFold[row] = foldsForClass[j] as number;
    });
  });
  const folds: TrainTestIndices[] = [];
  for (let f = 0; f < k; f++) {
    const test: number[] = [];
    for (let i = 0; i < n; i++) if (testFold[i] === f) test.push(i);
    folds.push(complement(test, n));
  }
  return folds.map((fold) => withResampling(fold, labels, options.resample));
}

function unpack(labelsOrN: readonly Label[] | number, options: { resample?: unknown; stratify?: boolean }) {
  if (typeof labelsOrN === 'number') {
    if (!Number.isInteger(labelsOrN) || labelsOrN < 2) {
      throw invalidArgument(`the number of rows must be a whole number ≥ 2, got ${labelsOrN}.`);
    }
    if (options.stratify || options.resample) {
      throw invalidArgument(
        'stratify and resample need the labels of the rows: pass the label array instead of a count.',
      );
    }
    return { labels: undefined, n: labelsOrN };
  }
  const labels = labelsOrN;
  groupByLabel(labels); // validates
  if (labels.length < 2) throw invalidArgument(`cannot split ${labels.length} rows: at least 2 are needed.`);
  return { labels, n: labels.length };
}

function needLabels(labels: readonly Label[] | undefined, option: string): readonly Label[] {
  if (!labels)
    throw invalidArgument(`${option} needs the labels of the rows: pass the label array instead of a count.`);
  return labels;
}

function resolveSize(size: number, n: number, name: string, rounding: 'ceil' | 'floor'): number {
  if (typeof size !== 'number' || !Number.isFinite(size) || size <= 0) {
    throw invalidArgument(`${name} must be a fraction in (0, 1) or a whole number of rows ≥ 1, got ${size}.`);
  }
  if (size < 1) {
    const rows = rounding === 'ceil' ? Math.ceil(size * n) : Math.floor(size * n);
    if (rows === 0) throw invalidArgument(`${name}=${size} of ${n} rows selects no row; use a larger ${name}.`);
    return rows;
  }
  if (!Number.isInteger(size)) {
    throw invalidArgument(`${name} must be a fraction in (0, 1) or a whole number of rows, got ${size}.`);
  }
  if (size >= n) throw invalidArgument(`${name}=${size} rows is not less than the ${n} rows given.`);
  return size;
}

function plainSplit(n: number, nTrain: number, nTest: number, shuffle: boolean, random: Random): TrainTestIndices {
  if (shuffle) {
    const p = random.permutation(n);
    return { train: p.slice(nTest, nTest + nTrain), test: p.slice(0, nTest) };
  }
  return { train: range(nTrain), test: range(nTest).map((i) => i + nTrain) };
}

function stratifiedSplit(
  labels: readonly Label[],
  nTrain: number,
  nTest: number,
  shuffle: boolean,
  random: Random,
): TrainTestIndices {
  const groups = groupByLabel(labels);
  const counts = groups.indices.map((g) => g.length);
  const smallest = Math.min(...counts);
  if (smallest < 2) {
    const c = counts.indexOf(smallest);
    throw new UlasanError(
      'INVALID_DATA',
      `cannot stratify: class ${JSON.stringify(groups.classes[c])} has only ${smallest} row; every class needs at least 2. Drop that class or split without stratify.`,
    );
  }
  const nClasses = counts.length;
  if (nTest < nClasses || nTrain < nClasses) {
    throw invalidArgument(
      `a stratified split needs at least one row per class in each part: ${nClasses} classes but ${Math.min(nTest, nTrain)} rows in the smaller part.`,
    );
  }
  const trainPerClass = approximateMode(counts, nTrain, random);
  const testPerClass = approximateMode(
    counts.map((m, c) => m - (trainPerClass[c] as number)),
    nTest,
    random,
  );
  const train: number[] = [];
  const test: number[] = [];
  groups.indices.forEach((members, c) => {
    const ordered = shuffle ? random.shuffle([...members]) : members;
    const a = trainPerClass[c] as number;
    const b = testPerClass[c] as number;
    if (shuffle) {
      train.push(...ordered.slice(0, a));
      test.push(...ordered.slice(a, a + b));
    } else {
      // Without shuffling keep the data order: training rows first, test rows from the end.
      train.push(...ordered.slice(0, a));
      test.push(...ordered.slice(ordered.length - b));
    }
  });
  return shuffle
    ? { train: random.shuffle(train), test: random.shuffle(test) }
    : { train: sortAscending(train), test: sortAscending(test) };
}

function perClassSplit(
  labels: readonly Label[],
  perClass: number | Readonly<Record<string, number>>,
  shuffle: boolean,
  random: Random,
  part: string,
): TrainTestIndices {
  const groups = groupByLabel(labels);
  const wanted = groups.classes.map((label) => {
    if (typeof perClass === 'number') return perClass;
    const v = perClass[String(label)];
    if (v === undefined) {
      throw invalidArgument(
        `${part}PerClass gives no count for class ${JSON.stringify(String(label))}; list every class (${groups.classes.map((l) => JSON.stringify(String(l))).join(', ')}) or pass one number.`,
      );
    }
    return v;
  });
  if (typeof perClass === 'object') {
    for (const key of Object.keys(perClass)) {
      if (!groups.classes.some((l) => String(l) === key)) {
        throw invalidArgument(`${part}PerClass names class ${JSON.stringify(key)}, which is not in the labels.`);
      }
    }
  }
  const train: number[] = [];
  const test: number[] = [];
  groups.indices.forEach((members, c) => {
    const count = wanted[c] as number;
    if (!Number.isInteger(count) || count < 0) {
      throw invalidArgument(`${part}PerClass must be whole numbers ≥ 0, got ${count}.`);
    }
    if (count >= members.length) {
      throw new UlasanError(
        'INVALID_DATA',
        `${part}PerClass asks for ${count} rows of class ${JSON.stringify(groups.classes[c])}, which has only ${members.length}; at least one must stay for training. Lower the count.`,
      );
    }
    const ordered = shuffle ? random.shuffle([...members]) : members;
    test.push(...(shuffle ? ordered.slice(0, count) : ordered.slice(ordered.length - count)));
    train.push(...(shuffle ? ordered.slice(count) : ordered.slice(0, ordered.length - count)));
  });
  return shuffle
    ? { train: random.shuffle(train), test: random.shuffle(test) }
    : { train: sortAscending(train), test: sortAscending(test) };
}

/**
 * scikit-learn's `_approximate_mode`: the most likely per-class counts when drawing `draws` rows
 * without replacement; leftover rows go to the largest fractional parts, ties broken at random.
 */
function approximateMode(counts: number[], draws: number, random: Random): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((m) => (m / total) * draws);
  const floored = continuous.map(Math.floor);
  let need = draws - floored.reduce((a, b) => a + b, 0);
  if (need > 0) {
    const remainder = continuous.map((v, c) => v - (floored[c] as number));
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const tied = random.shuffle(remainder.flatMap((r, c) => (r === value ? [c] : [])));
      const take = Math.min(tied.length, need);
      for (const c of tied.slice(0, take)) floored[c] = (floored[c] as number) + 1;
      need -= take;
      if (need === 0) break;
    }
  }
  return floored;
}

function checkK(k: number, n: number): number {
  if (!Number.isInteger(k) || k < 2) throw invalidArgument(`k must be a whole number ≥ 2, got ${k}.`);
  if (k > n) throw invalidArgument(`k=${k} folds need at least ${k} rows, got ${n}.`);
  return k;
}

function complement(test: number[], n: number): TrainTestIndices {
  const held = new Uint8Array(n);
  for (const i of test) held[i] = 1;
  const train: number[] = [];
  for (let i = 0; i < n; i++) if (!held[i]) train.push(i);
  return { train, test };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function withResampling<S extends { train: number[] }>(
  split: S,
  labels: readonly Label[] | undefined,
  resample: TrainResampleOptions | undefined,
): S {
  if (!resample) return split;
  return resampleTrainOnly(split, needLabels(labels, 'resample'), resample);
}
