/**
 * Prepares the data of a grid once: reads the files, keeps the chosen classes, drops duplicates,
 * samples down for quick runs, splits off validation/test parts and resamples the training part
 * only. Internal to the grid runner.
 */
import type { Label } from '../core/classifier.js';
import type { DatasetFormat } from '../data/index.js';
import { readDataset } from '../data/index.js';
import { UlasanError } from '../internal/errors.js';
import { stableHash } from '../internal/hash.js';
import type { GridConfig, InlineDataset } from './grid-config.js';
import { checkLeakage, type LeakageReport } from './leakage.js';
import { classCounts, resampleTrainOnly } from './resample.js';
import { trainTestSplit } from './split.js';

/** The grid's data after preparation: one pool of rows and index lists into it. */
export interface PreparedGridData<X> {
  /** Every row used (training file rows first, then validation, then test). */
  inputs: X[];
  /** Label of each row of `inputs`. */
  labels: Label[];
  /** Training rows, resampled when the config asks (may repeat rows). */
  train: number[];
  /** Training rows before resampling. */
  trainOriginal: number[];
  /** Validation rows (empty under cross-validation without a validation part). */
  valid: number[];
  /** Test rows (may be empty). */
  test: number[];
  /** Sorted classes of the training rows. */
  classes: Label[];
  /** Hash of the rows and labels, so a log is never mixed across different data. */
  dataHash: string;
  /** Summary for `data.json` and reports. */
  summary: DataSummary;
}

/** Sizes, class counts and leakage findings of the prepared data. */
export interface DataSummary {
  /** Rows per part. */
  sizes: { train: number; trainBeforeResampling: number; valid: number; test: number };
  /** Rows per class per part. */
  classCounts: Record<'train' | 'valid' | 'test', Record<string, number>>;
  /** Exact duplicate texts dropped by `data.dedupe`. */
  duplicatesDropped: number;
  /** Rows dropped because their class is not in `data.labels`. */
  otherClassesDropped: number;
  /** Leakage between the training rows and the validation/test rows (texts only). */
  leakage: { valid?: LeakageReport; test?: LeakageReport };
}

interface Part<X> {
  inputs: X[];
  labels: Label[];
}

/** Reads and prepares the data described by `config` (see {@link PreparedGridData}). */
export async function prepareGridData<X>(config: GridConfig<X>): Promise<PreparedGridData<X>> {
  const { data } = config;
  const seed = config.seed ?? 42;
  const load = async (source: string | InlineDataset<X>, part: 'train' | 'valid' | 'test'): Promise<Part<X>> => {
    if (typeof source !== 'string') return { inputs: [...source.inputs], labels: [...source.labels] };
    const ds = await readDataset(source, {
      format: (data.format ?? 'auto') as DatasetFormat,
      ...(data.textColumn !== undefined ? { textColumn: data.textColumn } : {}),
      ...(data.labelColumn !== undefined ? { labelColumn: data.labelColumn } : {}),
    });
    if (ds.texts.length === 0) throw new UlasanError('INVALID_DATA', `data.${part} (${source}) has no rows.`);
    return { inputs: ds.texts as unknown as X[], labels: ds.labels };
  };
  const parts: Partial<Record<'train' | 'valid' | 'test', Part<X>>> = { train: await load(data.train, 'train') };
  if (data.valid !== undefined) parts.valid = await load(data.valid, 'valid');
  if (data.test !== undefined) parts.test = await load(data.test, 'test');

  let otherClassesDropped = 0;
  let duplicatesDropped = 0;
  for (const name of ['train', 'valid', 'test'] as const) {
    let part = parts[name];
    if (!part) continue;
    if (data.labels) {
      const keep = new Set(data.labels.map(String));
      const before = part.labels.length;
      const present = new Set(part.labels.map(String));
      for (const l of keep) {
        if (!present.has(l)) {
          throw new UlasanError(
            'CONFIG',
            `data.labels keeps class ${JSON.stringify(l)}, but data.${name} has no row with it (classes there: ${[...present].join(', ')}).`,
          );
        }
      }
      part = select(part, (i) => keep.has(String(part!.labels[i])));
      otherClassesDropped += before - part.labels.length;
    }
    if (data.dedupe) {
      const seen = new Set<string>();
      const before = part.labels.length;
      const p = part;
      part = select(p, (i) => {
        const key = typeof p.inputs[i] === 'string' ? (p.inputs[i] as string) : stableHash(p.inputs[i]);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      duplicatesDropped += before - part.labels.length;
    }
    const limit = typeof data.limit === 'number' ? data.limit : data.limit?.[name];
    if (limit !== undefined && limit < part.labels.length) {
      const sample = trainTestSplit(part.labels, { testSize: limit, stratify: true, seed }).test.sort((a, b) => a - b);
      const p = part;
      part = { inputs: sample.map((i) => p.inputs[i] as X), labels: sample.map((i) => p.labels[i] as Label) };
    }
    parts[name] = part;
  }

  // One pool: training-file rows, then validation-file rows, then test-file rows.
  const inputs: X[] = [];
  const labels: Label[] = [];
  const offsets: Record<string, number[]> = {};
  for (const name of ['train', 'valid', 'test'] as const) {
    const part = parts[name];
    if (!part) continue;
    offsets[name] = part.labels.map((_, i) => inputs.length + i);
    inputs.push(...part.inputs);
    labels.push(...part.labels);
  }
  let train = offsets.train as number[];
  let valid = offsets.valid ?? [];
  let test = offsets.test ?? [];
  const split = config.split ?? {};
  const splitSeed = split.seed ?? seed;
  const stratify = split.stratify ?? true;
  const sub = (rows: number[], chosen: number[]) => chosen.map((j) => rows[j] as number);
  if (!parts.test && (split.testSize !== undefined || split.testPerClass !== undefined)) {
    const s = trainTestSplit(
      train.map((i) => labels[i] as Label),
      {
        stratify,
        seed: splitSeed,
        ...(split.testPerClass !== undefined ? { testPerClass: split.testPerClass } : { testSize: split.testSize }),
      },
    );
    test = sub(train, s.test);
    train = sub(train, s.train);
  }
  const wantsValid = split.validSize !== undefined || split.validPerClass !== undefined || !config.cv;
  if (!parts.valid && wantsValid) {
    const s = trainTestSplit(
      train.map((i) => labels[i] as Label),
      {
        stratify,
        seed: splitSeed + 1,
        ...(split.validPerClass !== undefined
          ? { testPerClass: split.validPerClass }
          : { testSize: split.validSize ?? 0.2 }),
      },
    );
    valid = sub(train, s.test);
    train = sub(train, s.train);
  }
  const trainOriginal = train;
  if (config.resample && !config.cv) {
    train = resampleTrainOnly({ train }, labels, { seed, ...config.resample }).train;
  }
  const classes = [...classCounts(trainOriginal.map((i) => labels[i] as Label)).keys()];

  const leakage: DataSummary['leakage'] = {};
  if (inputs.every((x) => typeof x === 'string')) {
    const texts = inputs as unknown as string[];
    const trainTexts = trainOriginal.map((i) => texts[i] as string);
    if (valid.length > 0) {
      leakage.valid = checkLeakage(
        trainTexts,
        valid.map((i) => texts[i] as string),
        { names: ['training', 'validation'] },
      );
    }
    if (test.length > 0) {
      leakage.test = checkLeakage(
        trainTexts,
        test.map((i) => texts[i] as string),
        { names: ['training', 'test'] },
      );
    }
  }
  const countsOf = (rows: number[]) =>
    Object.fromEntries(
      rows.length === 0 ? [] : [...classCounts(rows.map((i) => labels[i] as Label))].map(([k, v]) => [String(k), v]),
    );
  return {
    inputs,
    labels,
    train,
    trainOriginal,
    valid,
    test,
    classes,
    dataHash: stableHash({ inputs, labels, train, valid, test }).slice(0, 16),
    summary: {
      sizes: {
        train: train.length,
        trainBeforeResampling: trainOriginal.length,
        valid: valid.length,
        test: test.length,
      },
      classCounts: { train: countsOf(train), valid: countsOf(valid), test: countsOf(test) },
      duplicatesDropped,
      otherClassesDropped,
      leakage,
    },
  };
}

function select<X>(part: Part<X>, keep: (i: number) => boolean): Part<X> {
  const inputs: X[] = [];
  const labels: Label[] = [];
  part.labels.forEach((label, i) => {
    if (!keep(i)) return;
    inputs.push(part.inputs[i] as X);
    labels.push(label);
  });
  return { inputs, labels };
}
