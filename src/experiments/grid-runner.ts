/**
 * Runs a scenario grid: every combination of the grid's options is trained, scored on validation
 * (and test), logged crash-safely, and summarised in Markdown / CSV / JSON tables; the best
 * scenario can be refitted on training + validation data.
 *
 * Resuming: each finished scenario is one line of `results.jsonl`, keyed by a hash of its options
 * and data. A rerun with `resume` skips finished scenarios, so an interrupted grid continues where
 * it stopped and ends with the same tables as an uninterrupted run (every scenario is seeded by the
 * config's seed, never by what ran before it). A log written under a different config is refused.
 */
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Classifier, Label } from '../core/classifier.js';
import { writeFileAtomic, writeJsonAtomic } from '../internal/atomic-fs.js';
import { closest } from '../internal/closest.js';
import { AbortError, throwIfAborted, UlasanError } from '../internal/errors.js';
import { stableHash } from '../internal/hash.js';
import type { Logs, ProgressCallback } from '../internal/progress.js';
import {
  gridComparisonSvg,
  trainingCurvesSvg,
  writeEvaluationFigures,
  writeFigures as writeFigureFiles,
} from '../metrics/index.js';
import { type PartScores, scorePredictions } from './evaluation.js';
import { acquireGridLock } from './executors/grid-lock.js';
import type { GridExecution, GridExecutor, GridJobSpec } from './executors/types.js';
import { inProcessExecutor } from './executors/types.js';
import { diagnoseFit, type FitDiagnosisOptions, readLog } from './fit-diagnosis.js';
import {
  DEFAULT_MAX_SCENARIOS,
  expandGrid,
  type GridConfig,
  type GridMetric,
  gridIdentity,
  jsonFingerprint,
  loadGridConfig,
  type Scenario,
  validateGridConfig,
} from './grid-config.js';
import { type DataSummary, type PreparedGridData, prepareGridData } from './grid-data.js';
import { type GridDefaults, missingGridDefaults } from './grid-defaults.js';
import { resampleTrainOnly } from './resample.js';
import {
  appendGridLog,
  GRID_LOG_FORMAT,
  GRID_LOG_VERSION,
  type GridLogHeader,
  readGridLog,
  truncateGridLog,
} from './results-log.js';
import {
  type CvScores,
  type MeanStd,
  resultsCsv,
  resultsMarkdown,
  type ScenarioResult,
  scenarioScore,
} from './results-table.js';
import { stratifiedKFold } from './split.js';

/**
 * Creates an unfitted classifier for one scenario from its options (`fixed` + grid values + `seed`).
 * Without one, the grid uses its {@link GridDefaults} (from `ulasan/experiments`: the text models,
 * `options.model` picking the kind).
 */
export type ClassifierFactory<X = string> = (
  options: Record<string, unknown>,
  scenario: Scenario,
) => Classifier<X> | Promise<Classifier<X>>;

/** Options of {@link runGrid}. */
export interface RunGridOptions<X = string> {
  /** Output folder for `results.jsonl`, the tables, `best.json` and per-scenario files; default `runs/<name>`. */
  out?: string;
  /** Continue a grid whose log is already in `out`, skipping finished scenarios; default false. */
  resume?: boolean;
  /** Cancels between scenarios and inside training. */
  signal?: AbortSignal;
  /** Progress per scenario and epoch, with an overall ETA. */
  onProgress?: ProgressCallback;
  /** Called after each scenario is logged. */
  onScenarioEnd?: (result: ScenarioResult) => void | Promise<void>;
  /** Makes the classifier of each scenario (e.g. vision models); default: `defaults.factory`. */
  classifierFactory?: ClassifierFactory<X>;
  /**
   * The model family used when there is no `classifierFactory`: its factory, option names and
   * embeddings. `runGrid` from `ulasan/experiments` fills in the text models' (`textGridDefaults`).
   */
  defaults?: GridDefaults<X>;
  /** Apply the config's `quick` overrides (or load `NAME.quick.yaml` for a file config). */
  quick?: boolean;
  /** Run a grid larger than `maxScenarios`. */
  yes?: boolean;
  /**
   * Keep going when a scenario throws (e.g. a NaN loss): it is reported in `failed`, left out of the
   * log and tables, and retried by the next `resume`. Default false: stop at the first failure.
   */
  continueOnError?: boolean;
  /** Thresholds of the good-fit / overfit verdict. */
  fitDiagnosis?: FitDiagnosisOptions;
  /**
   * Write `scenarios/<name>/confusion-matrix.svg` and `training-curves.svg` (plus PNGs when sharp is
   * installed) per scenario; default true.
   */
  figures?: boolean;
  /**
   * Where the scenarios run: in this process one after another (default), in worker threads
   * (`localExecutor({ workers: 2 })`), or on BullMQ workers (`queueExecutor({ connection })`). The
   * log, tables, figures and refit are always written here, the same way.
   */
  executor?: GridExecutor;
}

/** The refit of the best scenario on training + validation data. */
export interface RefitResult {
  /** The scenario refitted. */
  key: string;
  /** Rows trained on. */
  trainSize: number;
  /** Test scores of the refitted model, when there is a test part. */
  test?: PartScores;
  /** Where the model was saved (classifiers with `save`). */
  modelDir?: string;
  /** Wall-clock seconds. */
  seconds: number;
}

/** What {@link runGrid} returns (also written to `results.json`). */
export interface GridRunResult {
  /** The grid's name. */
  name: string;
  /** Output folder. */
  out: string;
  /** Ranking metric. */
  metric: GridMetric;
  /** Hash of the config parts that change results. */
  gridHash: string;
  /** Every scenario's result, in grid order. */
  results: ScenarioResult[];
  /** The best scenario by `metric`. */
  best: ScenarioResult;
  /** The refit of the best scenario, when `refitBest`. */
  refit?: RefitResult;
  /** Scenarios skipped because the log already had them. */
  skipped: number;
  /** Scenarios that threw (only with `continueOnError`); they are not logged, so a rerun retries them. */
  failed: { name: string; key: string; message: string }[];
  /** Data sizes, class counts and leakage findings. */
  data: DataSummary;
  /** Scenarios finished and failed in this run, per worker (`main` in process, `thread-1`, `host:pid`...). */
  workers: Record<string, { done: number; failed: number }>;
}

/**
 * Runs (or resumes) a scenario grid.
 *
 * @param configOrPath - a config object or the path of a JSON / YAML / JS config file.
 * @example
 * ```ts
 * const result = await runGrid('examples/configs/seed-003-grid.quick.yaml', { out: 'runs/seed-003-quick', resume: true });
 * console.log(result.best.name, result.best.valid?.macroF1);
 * ```
 * @throws UlasanError `CONFIG` for a bad config, an empty or too large grid, or a log written by a
 *   different config; `ABORTED` when `signal` fires (finished scenarios stay in the log).
 */
export async function runGrid<X = string>(
  configOrPath: GridConfig<X> | string,
  options: RunGridOptions<X> = {},
): Promise<GridRunResult> {
  const config =
    typeof configOrPath === 'string'
      ? ((await loadGridConfig(configOrPath, { quick: options.quick })) as unknown as GridConfig<X>)
      : validateGridConfig<X>(configOrPath, { quick: options.quick });
  const metric = config.metric ?? 'macroF1';
  const out = options.out ?? join('runs', config.name.replace(/[^\w.-]+/g, '-'));
  const logPath = join(out, 'results.jsonl');
  const defaults = options.defaults;
  const baseFactory = options.classifierFactory ?? defaults?.factory;
  if (!baseFactory) throw missingGridDefaults(config.name);

  // Grid size before any data is read: a typo'd grid fails fast.
  const draft = expandGrid(config);
  if (draft.length === 0) {
    const empty = Object.entries(config.grid).find(([, v]) => v.length === 0)?.[0];
    throw new UlasanError(
      'CONFIG',
      `grid "${config.name}" expands to zero scenarios${empty ? `: grid.${empty} is an empty list` : ': grid has no axes'}. Give every axis at least one value.`,
    );
  }
  const limit = config.maxScenarios ?? DEFAULT_MAX_SCENARIOS;
  if (draft.length > limit && !(options.yes || config.yes)) {
    throw new UlasanError(
      'CONFIG',
      `grid "${config.name}" expands to ${draft.length} scenarios, more than the limit of ${limit}. Check the grid for a mistake, or confirm with --yes (yes: true) or raise maxScenarios.`,
    );
  }

  const data = await prepareGridData(config);
  const scenarios = expandGrid(config, { dataHash: data.dataHash });
  const gridHash = stableHash({ ...gridIdentity(config), dataHash: data.dataHash }).slice(0, 16);

  if (!options.classifierFactory && defaults?.optionNames)
    warnUnknownOptions(scenarios, defaults.optionNames, defaults.name);

  // Every classifier is constructed once up front (constructors only store options), so a bad
  // option fails now, not hours into the grid.
  for (const scenario of scenarios) {
    try {
      await dispose(checkContract(await baseFactory(scenario.options, scenario)));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new UlasanError('CONFIG', `grid "${config.name}", scenario ${scenario.name}: ${message}`, { cause: error });
    }
  }

  // One writer per output folder: a second grid into the same folder would interleave the log.
  const release = await acquireGridLock(out);
  try {
    const finished = await openLog(logPath, config.name, gridHash, scenarios.length, options.resume === true);
    // Shared word vectors (trained on the training part only, cached in `out`), handed to every scenario.
    const vectors = await prepareEmbeddings(config, data, out, defaults, options);
    const vectorOption = config.embeddings?.option ?? 'embeddings';
    const factory: ClassifierFactory<X> = vectors
      ? (o, s) => baseFactory({ ...o, [vectorOption]: vectors }, s)
      : baseFactory;
    const byKey = new Map(finished.map((r) => [r.key, r]));
    const skipped = scenarios.filter((s) => byKey.has(s.key)).length;
    await writeJsonAtomic(join(out, 'data.json'), sanitize(data.summary));

    const weight = (s: Scenario) => (Number(s.options.epochs) || 1) * (config.cv?.k ?? 1);
    const totalWeight = scenarios.reduce((a, s) => a + weight(s), 0);
    let doneWeight = scenarios.filter((s) => byKey.has(s.key)).reduce((a, s) => a + weight(s), 0);
    const startWeight = doneWeight;
    const started = performance.now();
    const report = (scenario: Scenario | undefined, extra: Record<string, number | string> = {}, partial = 0) => {
      if (!options.onProgress) return;
      const elapsed = (performance.now() - started) / 1000;
      const ranWeight = doneWeight + partial - startWeight;
      const eta = ranWeight > 0 ? (elapsed / ranWeight) * (totalWeight - doneWeight - partial) : undefined;
      options.onProgress({
        task: 'grid',
        done: [...byKey.keys()].filter((k) => scenarios.some((s) => s.key === k)).length,
        total: scenarios.length,
        ...(eta !== undefined ? { etaSeconds: eta } : {}),
        info: { ...(scenario ? { scenario: scenario.name } : {}), ...extra },
      });
    };

    const writeTables = async (best?: ScenarioResult, refit?: RefitResult) => {
      const results = scenarios.flatMap((s) => (byKey.has(s.key) ? [byKey.get(s.key) as ScenarioResult] : []));
      const title = `${config.name}: scenario results`;
      await writeFileAtomic(
        join(out, 'results.md'),
        resultsMarkdown(results, { title, metric, best, total: scenarios.length, ...(refit ? { refit } : {}) }),
      );
      await writeFileAtomic(join(out, 'results.csv'), resultsCsv(results));
      await writeJsonAtomic(
        join(out, 'results.json'),
        sanitize({
          name: config.name,
          metric,
          gridHash,
          scenarios: scenarios.length,
          results,
          failed,
          best: best?.name,
          refit,
        }),
      );
      return results;
    };

    const failed: GridRunResult['failed'] = [];
    const workers: GridRunResult['workers'] = {};
    const tally = (worker: string) => {
      workers[worker] ??= { done: 0, failed: 0 };
      return workers[worker];
    };
    // Progress of the scenarios running now (several at once with a parallel executor).
    const running = new Map<string, { worker: string; fraction: number }>();
    // `fraction` is the scenario's progress in weight units (epochs done, × folds under cv).
    const partial = () => [...running.values()].reduce((a, r) => a + r.fraction, 0);
    const busy = (): Record<string, number> => (running.size > 1 ? { running: running.size } : {});
    report(undefined);
    // Outcomes may arrive concurrently: log them one at a time.
    let queue: Promise<unknown> = Promise.resolve();
    const serial = <T>(fn: () => Promise<T>): Promise<T> => {
      const next = queue.then(fn);
      queue = next.catch(() => {});
      return next;
    };
    const pending = scenarios.filter((s) => !byKey.has(s.key));
    const executor = options.executor ?? inProcessExecutor();
    if (executor.kind !== 'in-process' && options.classifierFactory && !executorHasFactory(executor)) {
      throw new UlasanError(
        'CONFIG',
        `grid "${config.name}": a custom classifierFactory cannot be sent to ${executor.kind} workers. Give the executor a factoryModule (a module whose default export is the factory), or run in process.`,
      );
    }
    let spec: Promise<GridJobSpec<X>> | undefined;
    const execution: GridExecution<X> = {
      name: config.name,
      pending,
      ...(options.signal ? { signal: options.signal } : {}),
      spec: () => {
        spec ??= buildJobSpec(config, data, scenarios, gridHash, vectors, vectorOption, out, options);
        return spec;
      },
      runHere: async (scenario, onEpoch) => {
        throwIfAborted(options.signal, `grid "${config.name}"`);
        return runScenarioTask(config, data, scenario, factory, options, onEpoch);
      },
      isDone: (key) => byKey.has(key),
      started: (scenario, worker) => {
        running.set(scenario.key, { worker, fraction: 0 });
        report(scenario, { ...busy(), ...(worker !== 'main' ? { worker } : {}) }, partial());
      },
      progress: (scenario, fraction, info, worker) => {
        running.set(scenario.key, { worker, fraction });
        report(scenario, { ...info, ...busy(), ...(worker !== 'main' ? { worker } : {}) }, partial());
      },
      finished: (result, worker) =>
        serial(async () => {
          running.delete(result.key);
          const scenario = scenarios.find((s) => s.key === result.key);
          // Idempotent by scenario key: a retried job that finished twice is recorded once.
          if (!scenario || byKey.has(result.key)) return;
          // Keep exactly what the log holds, so fresh and resumed results are the same values.
          const logged = sanitize(result);
          await appendGridLog(logPath, logged);
          byKey.set(scenario.key, logged);
          tally(worker).done++;
          doneWeight += weight(scenario);
          await writeFigures(out, logged, options.figures ?? true);
          await writeTables();
          report(
            scenario,
            { [metric]: scenarioScore(logged, metric), ...(worker !== 'main' ? { worker } : {}) },
            partial(),
          );
          await options.onScenarioEnd?.(logged);
        }),
      failed: (scenario, error, worker) =>
        serial(async () => {
          running.delete(scenario.key);
          if (options.signal?.aborted) {
            if (UlasanError.isInstance(error) && error.code === 'ABORTED') throw error;
            throw Object.assign(new AbortError(`grid "${config.name}"`), { cause: error });
          }
          if (byKey.has(scenario.key)) return; // another attempt already finished it
          const message = error instanceof Error ? error.message : String(error);
          if (!options.continueOnError) {
            throw new UlasanError(
              UlasanError.isInstance(error) ? error.code : 'INVALID_DATA',
              `grid "${config.name}", scenario ${scenario.name} failed${worker !== 'main' ? ` on ${worker}` : ''}: ${message} (finished scenarios are kept; fix the cause and rerun with --resume, or pass --keep-going to skip failing scenarios)`,
              { cause: error },
            );
          }
          failed.push({ name: scenario.name, key: scenario.key, message });
          tally(worker).failed++;
          doneWeight += weight(scenario);
        }),
    };
    await executor.execute(execution);
    await queue;

    const results = scenarios.flatMap((s) => (byKey.has(s.key) ? [byKey.get(s.key) as ScenarioResult] : []));
    if (results.length === 0) {
      throw new UlasanError(
        'INVALID_DATA',
        `grid "${config.name}": every scenario failed (first: ${failed[0]?.name}: ${failed[0]?.message}).`,
      );
    }
    const best = results.reduce((a, b) => (scenarioScore(b, metric) > scenarioScore(a, metric) ? b : a));
    let refit: RefitResult | undefined;
    if (config.refitBest ?? Boolean(config.cv && data.test.length > 0)) {
      // The live scenario (not the logged fingerprint) holds the real option values.
      const scenario = scenarios.find((s) => s.key === best.key) as Scenario;
      refit = await refitBest(best, scenario, config, data, factory, out, options);
    }
    await writeTables(best, refit);
    if (options.figures ?? true) await writeComparisonFigure(out, config.name, results, metric, best.name);
    await writeJsonAtomic(
      join(out, 'best.json'),
      sanitize({
        name: best.name,
        key: best.key,
        metric,
        score: scenarioScore(best, metric),
        options: best.options,
        refit,
      }),
    );
    return {
      name: config.name,
      out,
      metric,
      gridHash,
      results,
      best,
      refit,
      skipped,
      failed,
      data: data.summary,
      workers,
    };
  } finally {
    await release();
  }
}

async function openLog(
  path: string,
  name: string,
  gridHash: string,
  scenarios: number,
  resume: boolean,
): Promise<ScenarioResult[]> {
  const log = await readGridLog<ScenarioResult>(path);
  if (log.header) {
    if (log.header.gridHash !== gridHash) {
      throw new UlasanError(
        'CONFIG',
        `${path} was written by a different grid config (log ${log.header.gridHash}, this config ${gridHash}: data, split, resampling, fixed options or grid differ). Results of different configs are never mixed: use another --out folder, or delete the old one.`,
      );
    }
    if (!resume && log.records.length > 0) {
      throw new UlasanError(
        'CONFIG',
        `${path} already holds ${log.records.length} finished scenario(s) of this grid. Pass --resume (resume: true) to skip them and continue, or use another --out folder.`,
      );
    }
    if (log.partialTail) await truncateGridLog(path, log.validBytes);
    return resume ? log.records : [];
  }
  if (log.records.length > 0)
    throw new UlasanError('FILE_FORMAT', `${path} has no header line; it is not a ulasan grid log.`);
  const header: GridLogHeader = {
    type: 'header',
    format: GRID_LOG_FORMAT,
    version: GRID_LOG_VERSION,
    gridHash,
    name,
    scenarios,
    createdAt: new Date().toISOString(),
  };
  // A missing, empty or header-less partial file starts over with a fresh header.
  await writeFileAtomic(path, `${JSON.stringify(header)}\n`);
  return [];
}

type EpochReporter = (epochFraction: number, info: Record<string, number | string>) => void;

/** The config parts a scenario's training needs (a {@link GridConfig} or a {@link GridJobSpec}). */
interface ScenarioSettings {
  seed?: number;
  cv?: GridConfig<unknown>['cv'];
  resample?: GridConfig<unknown>['resample'];
}

/**
 * Trains and scores one scenario: the code path of every executor (in process, worker thread, queue
 * worker), so a scenario gives the same numbers wherever it runs. `seconds` is its training time.
 * Internal; exported for the executors.
 */
export async function runScenarioTask<X>(
  settings: ScenarioSettings,
  data: PreparedGridData<X> | GridJobSpec<X>['data'],
  scenario: Scenario,
  factory: ClassifierFactory<X>,
  options: Pick<RunGridOptions<X>, 'signal' | 'fitDiagnosis'>,
  report: EpochReporter,
): Promise<ScenarioResult> {
  const t0 = performance.now();
  const prepared = data as PreparedGridData<X>;
  const result = settings.cv
    ? await runCvScenario(scenario, settings, prepared, factory, options, report)
    : await runScenario(scenario, prepared, factory, options, report);
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}

/**
 * A scenario runner for a worker: builds the classifier factory of a {@link GridJobSpec}
 * (`defaults.factory` unless `classifierFactory` is given, with the grid's word vectors loaded
 * once by `defaults.loadEmbeddings`) and returns a function that runs one of its scenarios by key. Internal; for the executors.
 */
export async function createSpecRunner<X>(
  spec: GridJobSpec<X>,
  classifierFactory?: ClassifierFactory<X>,
  defaults?: GridDefaults<X>,
): Promise<
  (key: string, report: EpochReporter, options?: Pick<RunGridOptions<X>, 'signal'>) => Promise<ScenarioResult>
> {
  const base = classifierFactory ?? defaults?.factory;
  if (!base) throw missingGridDefaults(spec.name);
  let factory = base;
  if (spec.embeddings) {
    if (!defaults?.loadEmbeddings) {
      throw new UlasanError(
        'CONFIG',
        `grid "${spec.name}" shares embeddings, but this worker has no model-family defaults to load them with.`,
      );
    }
    const vectors = await defaults.loadEmbeddings(spec.embeddings.path);
    const option = spec.embeddings.option;
    factory = (o, s) => base({ ...o, [option]: vectors }, s);
  }
  const byKey = new Map(spec.scenarios.map((s) => [s.key, s]));
  return async (key, report, options = {}) => {
    const scenario = byKey.get(key);
    if (!scenario) {
      throw new UlasanError('CONFIG', `grid "${spec.name}" (${spec.gridHash}) has no scenario with key ${key}.`);
    }
    return runScenarioTask(
      spec,
      spec.data,
      scenario,
      factory,
      { ...options, ...(spec.fitDiagnosis ? { fitDiagnosis: spec.fitDiagnosis } : {}) },
      report,
    );
  };
}

/** True when the executor was given its own factory module for a custom classifierFactory. */
function executorHasFactory(executor: GridExecutor): boolean {
  return typeof (executor as { factoryModule?: unknown }).factoryModule === 'string';
}

/**
 * The plain-data description of the grid for workers. Scenario options must be plain JSON (a YAML or
 * JSON config always is); the word vectors are written once in native format beside the log.
 */
async function buildJobSpec<X>(
  config: GridConfig<X>,
  data: PreparedGridData<X>,
  scenarios: Scenario[],
  gridHash: string,
  vectors: object | undefined,
  vectorOption: string,
  out: string,
  options: RunGridOptions<X>,
): Promise<GridJobSpec<X>> {
  for (const scenario of scenarios) {
    const plain = JSON.stringify(scenario.options);
    if (plain !== JSON.stringify(jsonFingerprint(scenario.options))) {
      throw new UlasanError(
        'CONFIG',
        `grid "${config.name}", scenario ${scenario.name}: its options hold values that are not plain JSON (class instances, typed arrays or functions), which cannot be sent to workers. Use a JSON or YAML config, or run the grid in process.`,
      );
    }
  }
  let embeddings: GridJobSpec<X>['embeddings'];
  if (vectors) {
    const path = join(out, 'embeddings', `grid-${gridHash}.native.w2v`);
    try {
      await fs.access(path);
    } catch {
      await fs.mkdir(join(out, 'embeddings'), { recursive: true });
      await (vectors as { save: (p: string, o: { format: string }) => Promise<void> }).save(path, { format: 'native' });
    }
    embeddings = { option: vectorOption, path: resolve(path) };
  }
  const { backendInfo } = await import('../backend/backends.js');
  const backend = backendInfo().active ?? process.env.ULASAN_BACKEND;
  return {
    name: config.name,
    gridHash,
    seed: config.seed ?? 42,
    ...(config.cv ? { cv: config.cv } : {}),
    ...(config.resample ? { resample: config.resample } : {}),
    ...(options.fitDiagnosis ? { fitDiagnosis: options.fitDiagnosis } : {}),
    data: {
      inputs: data.inputs,
      labels: data.labels,
      train: data.train,
      trainOriginal: data.trainOriginal,
      valid: data.valid,
      test: data.test,
      classes: data.classes,
      dataHash: data.dataHash,
    },
    scenarios: scenarios.map((s) => ({ ...s, options: JSON.parse(JSON.stringify(s.options)) })),
    ...(embeddings ? { embeddings } : {}),
    ...(backend ? { backend: String(backend) } : {}),
    ...(!options.classifierFactory && options.defaults?.module ? { defaultsModule: options.defaults.module } : {}),
  };
}

async function runScenario<X>(
  scenario: Scenario,
  data: PreparedGridData<X>,
  factory: ClassifierFactory<X>,
  options: Pick<RunGridOptions<X>, 'signal' | 'fitDiagnosis'>,
  report: EpochReporter,
): Promise<ScenarioResult> {
  const pick = (rows: number[]) => ({
    inputs: rows.map((i) => data.inputs[i] as X),
    labels: rows.map((i) => data.labels[i] as Label),
  });
  const train = pick(data.train);
  const valid = pick(data.valid);
  const { classifier, history } = await fitOne(scenario, factory, train, valid, options, report, 0, 1);
  try {
    const validScores = await score(classifier, valid, data.classes);
    const testScores = data.test.length > 0 ? await score(classifier, pick(data.test), data.classes) : undefined;
    let trainAccuracy = readLog(history[history.length - 1], 'accuracy');
    if (!Number.isFinite(trainAccuracy))
      trainAccuracy = (await score(classifier, train, data.classes))?.accuracy ?? Number.NaN;
    const fit = diagnoseFit(
      {
        history,
        trainAccuracy,
        validAccuracy: validScores?.accuracy ?? readLog(history.at(-1), 'valAccuracy'),
        chanceAccuracy: majorityShare(train.labels),
      },
      options.fitDiagnosis,
    );
    return {
      type: 'scenario',
      key: scenario.key,
      index: scenario.index,
      name: scenario.name,
      params: jsonFingerprint(scenario.params),
      options: jsonFingerprint(scenario.options),
      classes: data.classes,
      ...(validScores ? { valid: validScores } : {}),
      ...(testScores ? { test: testScores } : {}),
      fit,
      ...(history.length > 0 ? { history } : {}),
      seconds: 0,
      finishedAt: new Date().toISOString(),
    };
  } finally {
    await dispose(classifier);
  }
}

async function runCvScenario<X>(
  scenario: Scenario,
  config: ScenarioSettings,
  data: PreparedGridData<X>,
  factory: ClassifierFactory<X>,
  options: Pick<RunGridOptions<X>, 'signal' | 'fitDiagnosis'>,
  report: EpochReporter,
): Promise<ScenarioResult> {
  const cv = config.cv as NonNullable<ScenarioSettings['cv']>;
  const seed = cv.seed ?? config.seed ?? 42;
  const pool = [...data.trainOriginal, ...data.valid];
  const poolLabels = pool.map((i) => data.labels[i] as Label);
  const folds = stratifiedKFold(poolLabels, { k: cv.k, shuffle: cv.shuffle ?? true, seed });
  const foldScores: PartScores[] = [];
  const trainAccuracies: number[] = [];
  const chances: number[] = [];
  let lastHistory: Logs[] = [];
  for (let f = 0; f < folds.length; f++) {
    let fold = folds[f] as { train: number[]; test: number[] };
    if (config.resample) fold = resampleTrainOnly(fold, poolLabels, { seed: seed + f, ...config.resample });
    const pick = (rows: number[]) => ({
      inputs: rows.map((j) => data.inputs[pool[j] as number] as X),
      labels: rows.map((j) => poolLabels[j] as Label),
    });
    const train = pick(fold.train);
    const held = pick(fold.test);
    chances.push(majorityShare(train.labels));
    const { classifier, history } = await fitOne(scenario, factory, train, held, options, report, f, folds.length);
    try {
      const s = (await score(classifier, held, data.classes)) as PartScores;
      foldScores.push(s);
      let trainAccuracy = readLog(history[history.length - 1], 'accuracy');
      if (!Number.isFinite(trainAccuracy))
        trainAccuracy = (await score(classifier, train, data.classes))?.accuracy ?? Number.NaN;
      trainAccuracies.push(trainAccuracy);
      lastHistory = history;
    } finally {
      await dispose(classifier);
    }
  }
  const stat = (m: 'accuracy' | 'macroF1' | 'weightedF1') => meanStd(foldScores.map((s) => s[m]));
  const cvScores: CvScores = {
    k: folds.length,
    folds: foldScores.map(({ accuracy, macroF1, weightedF1, support }) => ({ accuracy, macroF1, weightedF1, support })),
    accuracy: stat('accuracy'),
    macroF1: stat('macroF1'),
    weightedF1: stat('weightedF1'),
  };
  const fit = diagnoseFit(
    {
      trainAccuracy: meanStd(trainAccuracies).mean,
      validAccuracy: cvScores.accuracy.mean,
      chanceAccuracy: meanStd(chances).mean,
    },
    options.fitDiagnosis,
  );
  return {
    type: 'scenario',
    key: scenario.key,
    index: scenario.index,
    name: scenario.name,
    params: jsonFingerprint(scenario.params),
    options: jsonFingerprint(scenario.options),
    classes: data.classes,
    cv: cvScores,
    fit,
    ...(lastHistory.length > 0 ? { history: lastHistory } : {}),
    seconds: 0,
    finishedAt: new Date().toISOString(),
  };
}

async function fitOne<X>(
  scenario: Scenario,
  factory: ClassifierFactory<X>,
  train: { inputs: X[]; labels: Label[] },
  valid: { inputs: X[]; labels: Label[] },
  options: Pick<RunGridOptions<X>, 'signal'>,
  report: EpochReporter,
  fold: number,
  folds: number,
): Promise<{ classifier: Classifier<X>; history: Logs[] }> {
  const classifier = await factory(scenario.options, scenario);
  const history: Logs[] = [];
  const epochs = Number(scenario.options.epochs) || 0;
  try {
    await classifier.fit(train.inputs, train.labels, {
      ...(valid.inputs.length > 0 ? { validation: valid } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      callbacks: {
        onEpochEnd: (epoch, logs) => {
          history.push({ ...(logs ?? {}) });
          if (epochs > 0) {
            const info: Record<string, number | string> = { epoch: `${epoch + 1}/${epochs}` };
            if (folds > 1) info.fold = `${fold + 1}/${folds}`;
            const loss = readLog(logs, 'valLoss');
            if (Number.isFinite(loss)) info.valLoss = loss;
            report((fold * epochs + epoch + 1) / folds, info);
          }
        },
      },
    });
  } catch (error) {
    await dispose(classifier);
    throw error;
  }
  const own = (classifier as { history?: Logs[] }).history;
  if (history.length === 0 && Array.isArray(own)) history.push(...own.map((h) => ({ ...h })));
  return { classifier, history };
}

async function score<X>(
  classifier: Classifier<X>,
  part: { inputs: X[]; labels: Label[] },
  classes: Label[],
): Promise<PartScores | undefined> {
  if (part.inputs.length === 0) return undefined;
  const predicted = await classifier.predict(part.inputs);
  return scorePredictions(part.labels, predicted, classes);
}

async function refitBest<X>(
  best: ScenarioResult,
  scenario: Scenario,
  config: GridConfig<X>,
  data: PreparedGridData<X>,
  factory: ClassifierFactory<X>,
  out: string,
  options: RunGridOptions<X>,
): Promise<RefitResult> {
  const previous = await readGridLogBest(join(out, 'best.json'));
  if (options.resume && previous?.key === best.key && previous.refit) return previous.refit;
  throwIfAborted(options.signal, `grid "${config.name}"`);
  const t0 = performance.now();
  let rows = [...data.trainOriginal, ...data.valid];
  if (config.resample)
    rows = resampleTrainOnly({ train: rows }, data.labels, { seed: config.seed ?? 42, ...config.resample }).train;
  const train = { inputs: rows.map((i) => data.inputs[i] as X), labels: rows.map((i) => data.labels[i] as Label) };
  const { classifier } = await fitOne(scenario, factory, train, { inputs: [], labels: [] }, options, () => {}, 0, 1);
  try {
    const test =
      data.test.length > 0
        ? await score(
            classifier,
            {
              inputs: data.test.map((i) => data.inputs[i] as X),
              labels: data.test.map((i) => data.labels[i] as Label),
            },
            data.classes,
          )
        : undefined;
    let modelDir: string | undefined;
    const savable = classifier as unknown as { save?: (dir: string) => Promise<void> };
    if (typeof savable.save === 'function') {
      modelDir = join(out, 'best-model');
      await savable.save(modelDir);
    }
    return {
      key: best.key,
      trainSize: rows.length,
      ...(test ? { test } : {}),
      ...(modelDir ? { modelDir } : {}),
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await dispose(classifier);
  }
}

async function readGridLogBest(path: string): Promise<{ key?: string; refit?: RefitResult } | undefined> {
  try {
    return JSON.parse(await fs.readFile(path, 'utf8')) as { key?: string; refit?: RefitResult };
  } catch {
    return undefined;
  }
}

/**
 * `comparison.svg/.png`: one bar per scenario (validation or cross-validated mean ± std, test,
 * train accuracy), the best marked. Written from the logged results only, so a resumed or
 * distributed grid draws the same picture. A drawing failure is a warning, never a lost grid.
 */
async function writeComparisonFigure(
  out: string,
  name: string,
  results: readonly ScenarioResult[],
  metric: string,
  best: string,
): Promise<void> {
  try {
    const svg = gridComparisonSvg(results as unknown as Parameters<typeof gridComparisonSvg>[0], {
      title: `${name}: scenarios by ${metric === 'accuracy' ? 'accuracy' : 'macro-F1'}`,
      metric: metric === 'accuracy' ? 'accuracy' : 'macroF1',
      best,
    });
    await writeFigureFiles(out, { comparison: svg }, { onWarning: () => {} });
  } catch (error) {
    process.emitWarning(`grid: could not draw comparison.svg: ${(error as Error).message}`, { code: 'ULASAN_FIGURE' });
  }
}

async function writeFigures(out: string, result: ScenarioResult, enabled: boolean): Promise<void> {
  if (!enabled) return;
  const dir = join(out, 'scenarios', result.name);
  const history = result.history ?? [];
  const plottable = history.some((h) => Number.isFinite(readLog(h, 'loss')) || Number.isFinite(readLog(h, 'accuracy')));
  try {
    if (result.valid) {
      await writeEvaluationFigures(dir, {
        cm: { labels: result.valid.labels, matrix: result.valid.confusionMatrix },
        ...(plottable ? { history } : {}),
        title: result.name,
        onWarning: () => {}, // no sharp: SVGs only, said once in docs rather than once per scenario
      });
    } else if (plottable) {
      await writeFileAtomic(join(dir, 'training-curves.svg'), trainingCurvesSvg(history, { title: result.name }));
    }
  } catch (error) {
    // A figure is a convenience: never lose a finished scenario over it.
    process.emitWarning(`grid: could not draw the figures of ${result.name}: ${(error as Error).message}`, {
      code: 'ULASAN_GRID_FIGURES',
    });
  }
}

/** Share of the most frequent label: the accuracy of always predicting it. */
function majorityShare(labels: readonly Label[]): number {
  const counts = new Map<Label, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return labels.length === 0 ? 0 : Math.max(...counts.values()) / labels.length;
}

function meanStd(values: number[]): MeanStd {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

// Every classifier of the contract has an async dispose(); the runner awaits it, so a scenario's
// tensors are freed before the next one trains.
async function dispose(classifier: Classifier<unknown>): Promise<void> {
  await classifier.dispose();
}

/** The factory's classifier has the methods the runner calls (a plain-JS factory may miss some). */
function checkContract<C extends Classifier<unknown>>(classifier: C): C {
  const c = classifier as unknown as Record<string, unknown> | undefined;
  const missing = ['fit', 'predictProba', 'predict', 'getParams', 'dispose'].filter(
    (m) => typeof c?.[m] !== 'function',
  );
  if (missing.length > 0) {
    throw new UlasanError(
      'CONFIG',
      `the classifier factory returned an object without ${missing.map((m) => `${m}()`).join(', ')}; every classifier needs the contract of Classifier (ulasan's core/classifier), including getParams() and an async dispose().`,
    );
  }
  return classifier;
}

/** JSON cannot hold NaN/Infinity: store them as null. */
function sanitize<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
}

/** Warns about option names the defaults' classifiers do not know (they would be ignored silently). */
function warnUnknownOptions(scenarios: readonly Scenario[], known: readonly string[], family: string): void {
  const unknown = new Set<string>();
  for (const s of scenarios) for (const key of Object.keys(s.options)) if (!known.includes(key)) unknown.add(key);
  for (const key of unknown) {
    const near = closest(key, [...known]);
    process.emitWarning(
      `grid: option "${key}" is not an option of the built-in ${family} classifiers and will be ignored${near ? ` (did you mean "${near}"?)` : ''}.`,
      { code: 'ULASAN_UNKNOWN_OPTION' },
    );
  }
}

/** The config's shared embeddings (trained on the training part only), or undefined when it asks for none. */
async function prepareEmbeddings<X>(
  config: GridConfig<X>,
  data: PreparedGridData<X>,
  out: string,
  defaults: GridDefaults<X> | undefined,
  options: RunGridOptions<X>,
): Promise<object | undefined> {
  const spec = config.embeddings;
  if (!spec) return undefined;
  if (!defaults?.prepareEmbeddings) {
    throw new UlasanError(
      'CONFIG',
      `grid "${config.name}" asks for embeddings, but ${defaults ? `the ${defaults.name} defaults make none` : 'no model-family defaults were given to make them'}. Remove embeddings from the config, or run the grid with the text defaults (runGrid from "ulasan/experiments").`,
    );
  }
  return defaults.prepareEmbeddings({
    spec: spec as { file?: string; word2vec?: Record<string, unknown> },
    texts: data.trainOriginal.map((i) => data.inputs[i]),
    fixed: (config.fixed ?? {}) as Record<string, unknown>,
    seed: config.seed ?? 42,
    out,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}
