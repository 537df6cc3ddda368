/**
 * Random over- and undersampling with imbalanced-learn's `sampling_strategy` semantics. Both return
 * the chosen row INDICES (never copies of data), so texts, ratings, image paths or video frames that
 * are aligned with the labels stay aligned: `indices.map((i) => texts[i])`.
 *
 * Resampling belongs to the training part of a split or fold only: oversampling before a split puts
 * copies of test rows into training (one likely reason seed 004 reports 0.99 accuracy). Use
 * {@link resampleTrainOnly} or the `resample` option of the split and fold helpers, which never touch
 * the validation or test indices.
 */
import type { Label } from '../core/classifier.js';
import { invalidArgument } from '../internal/errors.js';
import { Random } from '../internal/random.js';
import { groupByLabel, type LabelGroups, sortAscending } from './label-groups.js';

/**
 * Which classes to resample and to what size (imbalanced-learn's `sampling_strategy`):
 * - `'auto'`: oversampling → `'not majority'`; undersampling → `'not minority'`.
 * - `'all'`: every class (to the majority size when oversampling, the minority size when undersampling).
 * - `'minority'` (oversampling only), `'majority'` (undersampling only), `'not minority'`, `'not majority'`.
 * - a number (two classes only): the desired ratio minority / majority after resampling.
 * - a record `{ label: count }`: the desired number of rows per listed class; unlisted classes are kept as they are.
 */
export type SamplingStrategy =
  | 'auto'
  | 'all'
  | 'minority'
  | 'majority'
  | 'not minority'
  | 'not majority'
  | number
  | Readonly<Record<string, number>>;

/** Options of {@link randomOverSample}. */
export interface OverSampleOptions {
  /** Which classes to grow and to what size; default `'auto'`. */
  samplingStrategy?: SamplingStrategy;
  /** Seed of the random draws; default 42. */
  seed?: number;
}

/** Options of {@link randomUnderSample}. */
export interface UnderSampleOptions {
  /** Which classes to shrink and to what size; default `'auto'`. */
  samplingStrategy?: SamplingStrategy;
  /** Seed of the random draws; default 42. */
  seed?: number;
  /** Draw with replacement (imbalanced-learn's `replacement`); default false. */
  replacement?: boolean;
}

/** Options of {@link resampleTrainOnly} and of the `resample` option of the split helpers. */
export interface TrainResampleOptions extends UnderSampleOptions {
  /** `'over'`: random oversampling (seed 004); `'under'`: random undersampling (seed 003). */
  method: 'over' | 'under';
}

/**
 * Random oversampling: keeps every row and appends random duplicates (drawn with replacement) of
 * the selected classes until each reaches its target size.
 *
 * @param labels - class label per row.
 * @returns indices into `labels`: all original rows in order, then the duplicates, class by class.
 * @example
 * ```ts
 * const idx = randomOverSample(['a', 'a', 'a', 'b'], { seed: 1 }); // [0, 1, 2, 3, 3, 3]
 * const texts = idx.map((i) => trainTexts[i]);
 * ```
 */
export function randomOverSample(labels: readonly Label[], options: OverSampleOptions = {}): number[] {
  const groups = groupByLabel(labels);
  const targets = resolveTargets(groups, options.samplingStrategy ?? 'auto', 'over');
  const random = new Random(options.seed ?? 42);
  const out = Array.from({ length: labels.length }, (_, i) => i);
  groups.classes.forEach((_, c) => {
    const members = groups.indices[c] as number[];
    const extra = (targets[c] as number) - members.length;
    for (let j = 0; j < extra; j++) out.push(members[random.int(members.length)] as number);
  });
  return out;
}

/**
 * Random undersampling: keeps a random subset of each selected class so that it shrinks to its
 * target size; other classes are kept whole.
 *
 * @param labels - class label per row.
 * @returns indices into `labels` of the kept rows, ascending (so the data keeps its order).
 * @example
 * ```ts
 * const idx = randomUnderSample(['a', 'a', 'a', 'b'], { seed: 1 }); // e.g. [2, 3]
 * ```
 */
export function randomUnderSample(labels: readonly Label[], options: UnderSampleOptions = {}): number[] {
  const groups = groupByLabel(labels);
  const targets = resolveTargets(groups, options.samplingStrategy ?? 'auto', 'under');
  const random = new Random(options.seed ?? 42);
  const out: number[] = [];
  groups.classes.forEach((_, c) => {
    const members = groups.indices[c] as number[];
    const target = targets[c] as number;
    if (target >= members.length) {
      out.push(...members);
    } else if (options.replacement) {
      for (let j = 0; j < target; j++) out.push(members[random.int(members.length)] as number);
    } else {
      const shuffled = random.shuffle([...members]);
      out.push(...shuffled.slice(0, target));
    }
  });
  return sortAscending(out);
}

/**
 * Resamples only the `train` indices of a split or fold; `valid` and `test` (and any other field)
 * are returned unchanged, so no validation or test row can be duplicated into training.
 *
 * @param split - a split or fold whose `train` holds indices into `labels`.
 * @param labels - the labels of the WHOLE dataset the indices point into.
 * @returns a copy of `split` whose `train` holds the resampled indices (still into `labels`).
 * @example
 * ```ts
 * const split = trainTestSplit(labels, { testSize: 0.2, stratify: true, seed: 7 });
 * const balanced = resampleTrainOnly(split, labels, { method: 'over', seed: 7 });
 * ```
 */
export function resampleTrainOnly<S extends { train: number[] }>(
  split: S,
  labels: readonly Label[],
  options: TrainResampleOptions,
): S {
  if (options.method !== 'over' && options.method !== 'under') {
    throw invalidArgument(`resample method must be "over" or "under", got ${JSON.stringify(options.method)}.`);
  }
  for (const i of split.train) {
    if (!Number.isInteger(i) || i < 0 || i >= labels.length) {
      throw invalidArgument(
        `split.train holds index ${i}, outside the ${labels.length} labels given: pass the labels of the whole dataset the split was made from.`,
      );
    }
  }
  const trainLabels = split.train.map((i) => labels[i] as Label);
  const local =
    options.method === 'over' ? randomOverSample(trainLabels, options) : randomUnderSample(trainLabels, options);
  return { ...split, train: local.map((j) => split.train[j] as number) };
}

/** Counts rows per class, e.g. to report class balance before and after resampling. */
export function classCounts(labels: readonly Label[]): Map<Label, number> {
  const groups = groupByLabel(labels);
  return new Map(groups.classes.map((c, i) => [c, (groups.indices[i] as number[]).length]));
}

function resolveTargets(groups: LabelGroups, strategy: SamplingStrategy, mode: 'over' | 'under'): number[] {
  const counts = groups.indices.map((g) => g.length);
  if (counts.length === 0) throw invalidArgument('cannot resample an empty label array.');
  const max = Math.max(...counts);
  const min = Math.min(...counts);
  const majority = counts.indexOf(max);
  const minority = counts.indexOf(min);
  const sampler = mode === 'over' ? 'randomOverSample' : 'randomUnderSample';
  const goal = mode === 'over' ? max : min;
  const select = (pick: (c: number) => boolean) => counts.map((n, c) => (pick(c) ? goal : n));
  if (typeof strategy === 'string') {
    const s = strategy === 'auto' ? (mode === 'over' ? 'not majority' : 'not minority') : strategy;
    switch (s) {
      case 'all':
        return select(() => true);
      case 'not majority':
        return select((c) => c !== majority);
      case 'not minority':
        return select((c) => c !== minority);
      case 'minority':
        if (mode === 'under') break;
        return select((c) => c === minority);
      case 'majority':
        if (mode === 'over') break;
        return select((c) => c === majority);
    }
    const allowed =
      mode === 'over'
        ? "'auto', 'all', 'minority', 'not minority', 'not majority'"
        : "'auto', 'all', 'majority', 'not minority', 'not majority'";
    throw invalidArgument(
      `${sampler}: samplingStrategy ${JSON.stringify(strategy)} is not valid here; use one of ${allowed}, a ratio, or per-class counts.`,
    );
  }
  if (typeof strategy === 'number') {
    if (!(strategy > 0 && strategy <= 1)) {
      throw invalidArgument(`${sampler}: a ratio samplingStrategy must be in (0, 1], got ${strategy}.`);
    }
    if (counts.length !== 2) {
      throw invalidArgument(
        `${sampler}: a ratio samplingStrategy only works with two classes, found ${counts.length}; pass per-class counts ({ label: count }) instead.`,
      );
    }
    if (mode === 'over') {
      const target = Math.floor(max * strategy);
      if (target < min) {
        throw invalidArgument(
          `${sampler}: ratio ${strategy} would need ${target} minority rows, fewer than the ${min} there are; increase the ratio.`,
        );
      }
      return counts.map((n, c) => (c === majority ? n : target));
    }
    const target = Math.floor(min / strategy);
    if (target > max) {
      throw invalidArgument(
        `${sampler}: ratio ${strategy} would need ${target} majority rows, more than the ${max} there are; increase the ratio.`,
      );
    }
    return counts.map((n, c) => (c === minority ? n : target));
  }
  if (strategy && typeof strategy === 'object') {
    const byKey = new Map(groups.classes.map((label, c) => [String(label), c]));
    const targets = [...counts];
    for (const [key, value] of Object.entries(strategy)) {
      const c = byKey.get(key);
      if (c === undefined) {
        throw invalidArgument(
          `${sampler}: samplingStrategy names class ${JSON.stringify(key)}, which is not in the labels (${groups.classes.map((l) => JSON.stringify(String(l))).join(', ')}).`,
        );
      }
      if (!Number.isInteger(value) || value < 0) {
        throw invalidArgument(
          `${sampler}: the target count for class ${JSON.stringify(key)} must be a whole number ≥ 0, got ${value}.`,
        );
      }
      const n = counts[c] as number;
      if (mode === 'over' && value < n) {
        throw invalidArgument(
          `${sampler}: class ${JSON.stringify(key)} has ${n} rows, more than the target ${value}; oversampling cannot remove rows (use randomUnderSample).`,
        );
      }
      if (mode === 'under' && value > n) {
        throw invalidArgument(
          `${sampler}: class ${JSON.stringify(key)} has ${n} rows, fewer than the target ${value}; undersampling cannot add rows (use randomOverSample).`,
        );
      }
      targets[c] = value;
    }
    return targets;
  }
  throw invalidArgument(
    `${sampler}: samplingStrategy must be a string, a ratio or per-class counts, got ${String(strategy)}.`,
  );
}
