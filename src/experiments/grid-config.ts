/**
 * Scenario-grid configs: the shape, loading from JSON / YAML / a JS or TS module, strict validation
 * (unknown keys are named), and expansion into named scenarios (`0.002-LSTM-50-128`, as in seed 003).
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Label } from '../core/classifier.js';
import { closest } from '../internal/closest.js';
import { UlasanError } from '../internal/errors.js';
import { stableHash } from '../internal/hash.js';
import type { SamplingStrategy } from './resample.js';

/** A dataset given inline (TS/JS configs), instead of a file path. */
export interface InlineDataset<X = string> {
  /** The inputs (texts for text models; anything a custom `classifierFactory` understands). */
  inputs: X[];
  /** One label per input. */
  labels: Label[];
}

/** Where the data of a grid comes from and how it is filtered. */
export interface GridDataConfig<X = string> {
  /** Training data: a file (CSV/TSV/JSONL, read with `readDataset`; relative to the config file) or inline data. */
  train: string | InlineDataset<X>;
  /** Validation data; without it the validation part is split off the training data (`split.validSize`). */
  valid?: string | InlineDataset<X>;
  /** Test data; without it a test part is split off only when `split.testSize` or `split.testPerClass` is set. */
  test?: string | InlineDataset<X>;
  /** File format for `readDataset` (`auto`, `smsa`, `csv`, `tsv`, `jsonl`...). */
  format?: string;
  /** Text column (name or 0-based index). */
  textColumn?: string | number;
  /** Label column (name or 0-based index). */
  labelColumn?: string | number;
  /** Keep only these classes (seed 003: `[positive, negative]`). */
  labels?: Label[];
  /** Drop exact duplicate texts (first one kept) before splitting, as seed 003's preprocessing does. */
  dedupe?: boolean;
  /**
   * Use at most this many rows (a stratified, seeded sample), for quick runs: one number for every
   * file, or per part.
   */
  limit?: number | { train?: number; valid?: number; test?: number };
}

/** How the training file is split when no separate validation/test files are given. */
export interface GridSplitConfig {
  /** Test part carved from the training data: a fraction or a count. */
  testSize?: number;
  /** Fixed test rows per class (seed 003: 386), or per-class counts. */
  testPerClass?: number | Record<string, number>;
  /** Validation part carved from what is left (default 0.2 when no validation file is given). */
  validSize?: number;
  /** Fixed validation rows per class. */
  validPerClass?: number | Record<string, number>;
  /** Keep class ratios in every part; default true. */
  stratify?: boolean;
  /** Seed of the split; default the grid's `seed`. */
  seed?: number;
}

/** Resampling of the TRAINING part only (each fold's training part under cross-validation). */
export interface GridResampleConfig {
  /** `'over'` (seed 004) or `'under'` (seed 003). */
  method: 'over' | 'under';
  /** imbalanced-learn `sampling_strategy`; default `'auto'`. */
  samplingStrategy?: SamplingStrategy;
  /** Seed; default the grid's `seed`. */
  seed?: number;
}

/** Cross-validation of every scenario on the training pool (training + validation parts). */
export interface GridCvConfig {
  /** Number of stratified folds (≥ 2). */
  k: number;
  /** Shuffle before assigning folds; default true. */
  shuffle?: boolean;
  /** Seed; default the grid's `seed`. */
  seed?: number;
}

/**
 * Word vectors for every scenario (passed as the `embeddings` option): trained once with Word2Vec on
 * the training texts only, or loaded from a file.
 */
export interface GridEmbeddingsConfig {
  /**
   * Word2Vec options (camelCase gensim names), e.g. seed 003's
   * `{ vectorSize: 100, window: 5, minCount: 1, sg: 0, epochs: 120 }`. Trained on the training part
   * only (never validation or test texts) and cached in the output folder.
   */
  word2vec?: Record<string, unknown>;
  /** Pre-trained vectors instead (word2vec text/binary or ulasan native; relative to the config file). */
  file?: string;
  /** The classifier option that receives the vectors; default `embeddings`. */
  option?: string;
}

/** Metrics a grid can rank scenarios by. */
export type GridMetric = 'macroF1' | 'accuracy' | 'weightedF1';

/**
 * A scenario grid. Every scenario gets `{ ...fixed, ...oneCombinationOfGrid, seed }` as its
 * classifier options.
 *
 * `grid` values are lists; the scenarios are their Cartesian product. A list of objects is a
 * LINKED axis whose name is free: each object sets several options together, e.g. seed 003's
 * learning rate with its L2 pair: `regularization: [{ learningRate: 0.002, l2: [0.001, 0.001] }, ...]`.
 */
export interface GridConfig<X = string> {
  /** Name of the study (used in reports and the default output folder). */
  name: string;
  /** Free text for humans. */
  description?: string;
  /** Seed of splits, resampling and every scenario's training; default 42. */
  seed?: number;
  /** The data. */
  data: GridDataConfig<X>;
  /** How to split the training data. */
  split?: GridSplitConfig;
  /** Resampling of the training part. */
  resample?: GridResampleConfig;
  /** Word vectors shared by every scenario. */
  embeddings?: GridEmbeddingsConfig;
  /** Options shared by every scenario. */
  fixed?: Record<string, unknown>;
  /** The axes to combine (`model`, `learningRate`, `l2`, `epochs`, `batchSize`, `optimizer`, `dropout`, ...). */
  grid: Record<string, unknown[]>;
  /** The metric that picks the best scenario (on validation, or the cross-validated mean); default `macroF1`. */
  metric?: GridMetric;
  /** Cross-validate every scenario. */
  cv?: GridCvConfig;
  /** Retrain the best scenario on training + validation data (then score it on test, when there is one). */
  refitBest?: boolean;
  /** Largest grid that runs without `yes`; default 200. */
  maxScenarios?: number;
  /** Confirm a grid larger than `maxScenarios`. */
  yes?: boolean;
  /** Overrides merged in by `--quick` / `{ quick: true }`. */
  quick?: Partial<Omit<GridConfig<X>, 'quick'>>;
}

/** One expanded scenario of a grid. */
export interface Scenario {
  /** 0-based position in the grid's order. */
  index: number;
  /** Readable name in the seeds' style: `lr-MODEL-epochs-batch`, then other varying options. */
  name: string;
  /** The options that vary across the grid (what the name encodes). */
  params: Record<string, unknown>;
  /** All classifier options: `fixed` + `params` + `seed`. */
  options: Record<string, unknown>;
  /** Hash of the scenario's options and the grid's data/split/resample/cv settings (the log key). */
  key: string;
}

const TOP_KEYS = [
  'name',
  'description',
  'seed',
  'data',
  'split',
  'resample',
  'embeddings',
  'fixed',
  'grid',
  'metric',
  'cv',
  'refitBest',
  'maxScenarios',
  'yes',
  'quick',
] as const;
const DATA_KEYS = ['train', 'valid', 'test', 'format', 'textColumn', 'labelColumn', 'labels', 'dedupe', 'limit'];
const SPLIT_KEYS = ['testSize', 'testPerClass', 'validSize', 'validPerClass', 'stratify', 'seed'];
const RESAMPLE_KEYS = ['method', 'samplingStrategy', 'seed'];
const CV_KEYS = ['k', 'shuffle', 'seed'];
const METRICS: GridMetric[] = ['macroF1', 'accuracy', 'weightedF1'];

/** Default largest grid that runs without confirmation. */
export const DEFAULT_MAX_SCENARIOS = 200;

/** Options of {@link loadGridConfig}. */
export interface LoadGridConfigOptions {
  /** Apply the config's `quick` overrides, or load the sibling `NAME.quick.yaml` when there is one. */
  quick?: boolean;
}

/**
 * Reads a grid config from a `.json`, `.yaml`/`.yml`, or JS/TS module (default export) file, and
 * validates it. Relative data paths are resolved against the config file's folder.
 *
 * @example
 * ```ts
 * const config = await loadGridConfig('examples/configs/seed-003-grid.yaml', { quick: true });
 * ```
 */
export async function loadGridConfig(path: string, options: LoadGridConfigOptions = {}): Promise<GridConfig> {
  let file = resolve(path);
  if (options.quick) {
    const ext = extname(file);
    const sibling = join(dirname(file), `${basename(file, ext)}.quick${ext}`);
    if (!file.includes('.quick.') && (await exists(sibling))) file = sibling;
  }
  const raw = await readConfigFile(file);
  // A NAME.quick.yaml file is already the quick variant; its own `quick` section is not applied again.
  const config = validateGridConfig(raw, { source: file, quick: options.quick && !basename(file).includes('.quick.') });
  const base = dirname(file);
  const embeddings =
    typeof config.embeddings?.file === 'string' && !isAbsolute(config.embeddings.file)
      ? { ...config.embeddings, file: resolve(base, config.embeddings.file) }
      : config.embeddings;
  return { ...config, data: resolveDataPaths(config.data, base), ...(embeddings ? { embeddings } : {}) };
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}

async function readConfigFile(file: string): Promise<unknown> {
  const ext = extname(file).toLowerCase();
  let text: string;
  if (['.ts', '.mts', '.js', '.mjs', '.cjs'].includes(ext)) {
    try {
      const mod = (await import(pathToFileURL(file).href)) as { default?: unknown; config?: unknown };
      return mod.default ?? mod.config;
    } catch (error) {
      throw new UlasanError(
        'CONFIG',
        `cannot load grid config module ${file}: ${(error as Error).message}${ext.endsWith('ts') ? ' (TypeScript configs need a loader such as tsx: node --import tsx ...)' : ''}`,
        { cause: error },
      );
    }
  }
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new UlasanError('FILE_NOT_FOUND', `grid config ${file} cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    if (ext === '.json') return JSON.parse(text);
    if (ext === '.yaml' || ext === '.yml') {
      const { parse } = await import('yaml');
      return parse(text);
    }
  } catch (error) {
    throw new UlasanError(
      'FILE_FORMAT',
      `grid config ${file} is not valid ${ext.slice(1).toUpperCase()}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  throw new UlasanError(
    'CONFIG',
    `grid config ${file} has an unknown extension "${ext}": use .json, .yaml, .yml, .js, .mjs or .ts.`,
  );
}

function resolveDataPaths<X>(data: GridDataConfig<X>, base: string): GridDataConfig<X> {
  const fix = (p: string | InlineDataset<X> | undefined) =>
    typeof p === 'string' && !isAbsolute(p) ? resolve(base, p) : p;
  const out: GridDataConfig<X> = { ...data, train: fix(data.train) as string | InlineDataset<X> };
  if (data.valid !== undefined) out.valid = fix(data.valid);
  if (data.test !== undefined) out.test = fix(data.test);
  return out;
}

/**
 * Checks a parsed config and returns it typed (with `quick` overrides merged when asked). Errors
 * name the offending key and, for typos, the closest valid one.
 */
export function validateGridConfig<X = string>(
  raw: unknown,
  options: { source?: string; quick?: boolean } = {},
): GridConfig<X> {
  const where = options.source ? ` in ${options.source}` : '';
  const fail = (message: string): never => {
    throw new UlasanError('CONFIG', `grid config${where}: ${message}`);
  };
  if (!isPlainObject(raw)) fail(`expected an object with name, data and grid, found ${describe(raw)}.`);
  let cfg = raw as Record<string, unknown>;
  checkKeys(cfg, TOP_KEYS, '', fail);
  if (options.quick) {
    if (cfg.quick === undefined) {
      fail('--quick was asked for, but the config has no "quick" section and there is no NAME.quick.yaml beside it.');
    }
    cfg = deepMerge(cfg, cfg.quick as Record<string, unknown>);
  }
  if (cfg.quick !== undefined && !isPlainObject(cfg.quick)) fail('"quick" must be an object of overrides.');
  if (typeof cfg.name !== 'string' || cfg.name.trim() === '') fail('"name" must be a non-empty string.');
  if (cfg.seed !== undefined && !Number.isInteger(cfg.seed))
    fail(`"seed" must be an integer, got ${describe(cfg.seed)}.`);

  if (!isPlainObject(cfg.data)) fail('"data" must be an object with at least "train".');
  const data = cfg.data as Record<string, unknown>;
  checkKeys(data, DATA_KEYS, 'data.', fail);
  for (const part of ['train', 'valid', 'test']) {
    const v = data[part];
    if (v === undefined && part !== 'train') continue;
    if (typeof v === 'string' && v !== '') continue;
    if (isPlainObject(v) && Array.isArray(v.inputs) && Array.isArray(v.labels)) {
      if (v.inputs.length !== v.labels.length) {
        fail(`data.${part} has ${v.inputs.length} inputs but ${v.labels.length} labels.`);
      }
      continue;
    }
    fail(`data.${part} must be a file path or { inputs, labels }, found ${describe(v)}.`);
  }
  if (data.labels !== undefined && (!Array.isArray(data.labels) || data.labels.length < 2)) {
    fail('data.labels must list at least two classes to keep.');
  }
  if (data.limit !== undefined) {
    const lim = data.limit;
    const ok = (n: unknown) => n === undefined || (Number.isInteger(n) && (n as number) >= 2);
    if (isPlainObject(lim)) {
      checkKeys(lim, ['train', 'valid', 'test'], 'data.limit.', fail);
      if (!Object.values(lim).every(ok)) fail('data.limit values must be whole numbers ≥ 2.');
    } else if (!ok(lim)) fail(`data.limit must be a whole number ≥ 2 or { train, valid, test }, got ${describe(lim)}.`);
  }

  if (cfg.split !== undefined) {
    if (!isPlainObject(cfg.split)) fail('"split" must be an object.');
    checkKeys(cfg.split as Record<string, unknown>, SPLIT_KEYS, 'split.', fail);
    const split = cfg.split as Record<string, unknown>;
    if (data.valid !== undefined && (split.validSize !== undefined || split.validPerClass !== undefined)) {
      fail('data.valid is given, so split.validSize / split.validPerClass would be ignored: remove one of them.');
    }
    if (data.test !== undefined && (split.testSize !== undefined || split.testPerClass !== undefined)) {
      fail('data.test is given, so split.testSize / split.testPerClass would be ignored: remove one of them.');
    }
  }
  if (cfg.resample !== undefined) {
    if (!isPlainObject(cfg.resample)) fail('"resample" must be an object like { method: over }.');
    const r = cfg.resample as Record<string, unknown>;
    checkKeys(r, RESAMPLE_KEYS, 'resample.', fail);
    if (r.method !== 'over' && r.method !== 'under') {
      fail(`resample.method must be "over" or "under", got ${describe(r.method)}.`);
    }
  }
  if (cfg.embeddings !== undefined) {
    if (!isPlainObject(cfg.embeddings)) fail('"embeddings" must be an object like { word2vec: { vectorSize: 100 } }.');
    const e = cfg.embeddings as Record<string, unknown>;
    checkKeys(e, ['word2vec', 'file', 'option'], 'embeddings.', fail);
    if ((e.word2vec === undefined) === (e.file === undefined)) {
      fail('embeddings needs exactly one of "word2vec" (train on the training texts) or "file" (pre-trained vectors).');
    }
    if (e.word2vec !== undefined && !isPlainObject(e.word2vec))
      fail('embeddings.word2vec must be an object of Word2Vec options.');
    if (e.file !== undefined && (typeof e.file !== 'string' || e.file === '')) fail('embeddings.file must be a path.');
  }
  if (cfg.cv !== undefined) {
    if (!isPlainObject(cfg.cv)) fail('"cv" must be an object like { k: 5 }.');
    const cv = cfg.cv as Record<string, unknown>;
    checkKeys(cv, CV_KEYS, 'cv.', fail);
    if (!Number.isInteger(cv.k) || (cv.k as number) < 2)
      fail(`cv.k must be a whole number ≥ 2, got ${describe(cv.k)}.`);
  }
  if (cfg.metric !== undefined && !METRICS.includes(cfg.metric as GridMetric)) {
    fail(`"metric" must be one of ${METRICS.join(', ')}, got ${describe(cfg.metric)}.`);
  }
  if (cfg.fixed !== undefined && !isPlainObject(cfg.fixed)) fail('"fixed" must be an object of classifier options.');
  if (!isPlainObject(cfg.grid)) fail('"grid" must be an object whose values are lists, e.g. { model: [lstm, gru] }.');
  const grid = cfg.grid as Record<string, unknown>;
  for (const [axis, values] of Object.entries(grid)) {
    if (!Array.isArray(values)) fail(`grid.${axis} must be a list of values, found ${describe(values)}.`);
    const list = values as unknown[];
    const objects = list.filter(isPlainObject).length;
    if (objects > 0 && objects !== list.length) {
      fail(`grid.${axis} mixes objects and plain values: a linked axis must list only objects.`);
    }
    if (objects > 0) {
      const keys = new Set(list.flatMap((o) => Object.keys(o as object)));
      for (const key of keys) {
        if (key in grid) fail(`grid.${axis} sets "${key}", which is also a grid axis of its own: keep one.`);
      }
    }
  }
  for (const key of ['refitBest', 'yes'] as const) {
    if (cfg[key] !== undefined && typeof cfg[key] !== 'boolean') fail(`"${key}" must be true or false.`);
  }
  if (cfg.maxScenarios !== undefined && (!Number.isInteger(cfg.maxScenarios) || (cfg.maxScenarios as number) < 1)) {
    fail('"maxScenarios" must be a whole number ≥ 1.');
  }
  return cfg as unknown as GridConfig<X>;
}

/**
 * Expands a grid into scenarios (Cartesian product of the axes, first axis slowest), with names in
 * the seeds' style and content-hash keys.
 *
 * @param config - a validated config.
 * @param context - extra values that identify the data (e.g. a hash of the files), folded into every key.
 * @example
 * ```ts
 * const scenarios = expandGrid({ name: 'g', data: { train: 'x.tsv' }, grid: { model: ['lstm'], learningRate: [0.002], epochs: [50], batchSize: [128] } });
 * scenarios[0].name; // '0.002-LSTM-50-128'
 * ```
 */
export function expandGrid<X>(config: GridConfig<X>, context: Record<string, unknown> = {}): Scenario[] {
  const axes = Object.entries(config.grid).map(([axis, values]) => ({
    axis,
    values: values.map((v) =>
      isPlainObject(v) ? (v as Record<string, unknown>) : ({ [axis]: v } as Record<string, unknown>),
    ),
  }));
  let combos: Record<string, unknown>[] = [{}];
  for (const { values } of axes) {
    const next: Record<string, unknown>[] = [];
    for (const combo of combos) for (const v of values) next.push({ ...combo, ...v });
    combos = next;
  }
  if (axes.length === 0 || axes.some((a) => a.values.length === 0)) combos = [];
  const varying = new Set<string>();
  const allKeys = new Set(combos.flatMap((c) => Object.keys(c)));
  for (const key of allKeys) {
    const seen = new Set(combos.map((c) => JSON.stringify(c[key])));
    if (seen.size > 1) varying.add(key);
  }
  const nameKeys = extraNameKeys(axes, varying);
  const seed = config.seed ?? 42;
  const keyBase = {
    data: dataIdentity(config.data),
    context,
    split: config.split ?? null,
    resample: config.resample ?? null,
    embeddings: embeddingsIdentity(config.embeddings),
    cv: config.cv ?? null,
  };
  const fixedPrint = jsonFingerprint(config.fixed ?? {});
  const scenarios = combos.map((params, index) => {
    const options = { ...(config.fixed ?? {}), ...params, seed };
    return {
      index,
      name: scenarioName(options, nameKeys),
      params,
      options,
      key: stableHash({ ...keyBase, options: { ...(fixedPrint as object), ...jsonFingerprint(params), seed } }).slice(
        0,
        16,
      ),
    };
  });
  // Names must be unique (they name folders): add the key when two scenarios would collide.
  const counts = new Map<string, number>();
  for (const s of scenarios) counts.set(s.name, (counts.get(s.name) ?? 0) + 1);
  for (const s of scenarios) if ((counts.get(s.name) ?? 0) > 1) s.name = `${s.name}-${s.key.slice(0, 6)}`;
  return scenarios;
}

/** The parts of a config that change results (so a log written under a different one is refused). */
export function gridIdentity<X>(config: GridConfig<X>): Record<string, unknown> {
  return {
    seed: config.seed ?? 42,
    data: dataIdentity(config.data),
    split: config.split ?? null,
    resample: config.resample ?? null,
    embeddings: embeddingsIdentity(config.embeddings),
    fixed: jsonFingerprint(config.fixed ?? {}),
    grid: config.grid,
    metric: config.metric ?? 'macroF1',
    cv: config.cv ?? null,
  };
}

const fingerprints = new WeakMap<object, unknown>();

/**
 * A JSON-safe stand-in for an option value, for hashing and for the results log: plain data is kept
 * as it is; typed arrays become `{ typedArray, length, sha256 }`; objects with `toJSON` (pipelines)
 * are replaced by their JSON; other class instances (e.g. word vectors passed as `embeddings` in a TS
 * config) become `{ instanceOf, sha256 }` of their fields. Never copies megabytes into a log line.
 */
export function jsonFingerprint(value: unknown): Record<string, unknown> {
  return fingerprint(value) as Record<string, unknown>;
}

function fingerprint(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') return { function: (value as { name?: string }).name || 'anonymous' };
    return typeof value === 'bigint' ? String(value) : value;
  }
  const cached = fingerprints.get(value);
  if (cached !== undefined) return cached;
  let out: unknown;
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    out = {
      typedArray: value.constructor.name,
      length: (value as unknown as { length?: number }).length ?? value.byteLength,
      sha256: stableHash(Buffer.from(bytes).toString('base64')).slice(0, 16),
    };
  } else if (Array.isArray(value)) {
    out = value.map(fingerprint);
  } else if (isPlainObject(value)) {
    out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fingerprint(v)]));
  } else if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    out = fingerprint((value as { toJSON: () => unknown }).toJSON());
  } else {
    const fields = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fingerprint(v)]));
    out = { instanceOf: value.constructor?.name ?? 'Object', sha256: stableHash(fields).slice(0, 16) };
  }
  fingerprints.set(value, out);
  return out;
}

function embeddingsIdentity(e: GridEmbeddingsConfig | undefined): unknown {
  if (!e) return null;
  return { ...e, ...(e.file !== undefined ? { file: basename(e.file) } : {}) };
}

function dataIdentity<X>(data: GridDataConfig<X>): Record<string, unknown> {
  const part = (p: string | InlineDataset<X> | undefined) =>
    p === undefined ? null : typeof p === 'string' ? { file: basename(p) } : { inline: stableHash(p).slice(0, 16) };
  return { ...data, train: part(data.train), valid: part(data.valid), test: part(data.test) };
}

/**
 * Seed 003's naming, `learningRate-MODEL-epochs-batchSize` (e.g. `0.002-LSTM-50-128`), followed by
 * `key=value` for each option in `extraKeys` (the other options that vary, e.g. `dropout=0.3`).
 */
export function scenarioName(options: Record<string, unknown>, extraKeys: readonly string[]): string {
  const parts: string[] = [];
  for (const key of NAMED_KEYS) {
    if (options[key] === undefined) continue;
    parts.push(key === 'model' ? String(options[key]).toUpperCase() : formatValue(options[key]));
  }
  for (const key of extraKeys) parts.push(`${key}=${formatValue(options[key])}`);
  return parts.length > 0 ? parts.join('-') : 'scenario';
}

const NAMED_KEYS = ['learningRate', 'model', 'epochs', 'batchSize'];

/**
 * The varying options that the name must show besides the four named ones. A key of a linked axis
 * is left out when the keys before it already tell the axis' entries apart (seed 003's L2 pair is
 * implied by its learning rate, so `0.002-LSTM-50-128` needs no `l2=` part).
 */
function extraNameKeys(axes: { axis: string; values: Record<string, unknown>[] }[], varying: Set<string>): string[] {
  const out: string[] = [];
  for (const { values } of axes) {
    const keys = [...new Set(values.flatMap((v) => Object.keys(v)))].filter((k) => varying.has(k));
    keys.sort((a, b) => rank(a) - rank(b));
    const shown: string[] = [];
    for (const key of keys) {
      const signature = (v: Record<string, unknown>) => JSON.stringify(shown.map((k) => v[k]));
      const distinct = new Set(values.map(signature)).size === values.length;
      if (distinct && shown.length > 0) break;
      shown.push(key);
    }
    out.push(...shown.filter((k) => !NAMED_KEYS.includes(k)));
  }
  return out;
}

function rank(key: string): number {
  const i = NAMED_KEYS.indexOf(key);
  return i >= 0 ? i : NAMED_KEYS.length;
}

function formatValue(v: unknown): string {
  if (Array.isArray(v)) return v.map(formatValue).join(',');
  if (isPlainObject(v)) return stableHash(v).slice(0, 6);
  return String(v);
}

function checkKeys(
  obj: Record<string, unknown>,
  allowed: readonly string[],
  prefix: string,
  fail: (m: string) => never,
): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const near = closest(key, allowed);
    fail(
      `unknown key "${prefix}${key}"${near ? ` (did you mean "${prefix}${near}"?)` : ''}. Allowed: ${allowed.map((k) => prefix + k).join(', ')}.`,
    );
  }
}

/** True for `{...}` objects (not arrays, null, dates or class instances). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isPlainObject(v) && isPlainObject(base[k]) && k !== 'grid' ? deepMerge(base[k], v) : v;
  }
  delete out.quick;
  return out;
}
