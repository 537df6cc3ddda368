/**
 * The contract between the grid runner (the coordinator: log, tables, figures, refit) and an
 * executor that runs the scenarios: in this process, in worker threads, or on queue workers.
 */
import type { Label } from '../../core/classifier.js';
import type { FitDiagnosisOptions } from '../fit-diagnosis.js';
import type { GridCvConfig, GridResampleConfig, Scenario } from '../grid-config.js';
import type { ScenarioResult } from '../results-table.js';

/**
 * Everything a worker needs to run any scenario of one grid, as plain data (structured-clone and
 * JSON safe): the prepared rows and their splits (so workers never re-read or re-split files), the
 * scenarios, and where the shared word vectors are.
 */
export interface GridJobSpec<X = string> {
  /** The grid's name. */
  name: string;
  /** Hash of the config parts that change results (the log header's). */
  gridHash: string;
  /** The grid's seed (cross-validation folds and resampling default to it). */
  seed: number;
  /** Cross-validation of every scenario, when the config asks. */
  cv?: GridCvConfig;
  /** Training-part resampling (re-applied per fold under cross-validation). */
  resample?: GridResampleConfig;
  /** Thresholds of the fit verdict. */
  fitDiagnosis?: FitDiagnosisOptions;
  /** The prepared rows: every input and label, and index lists of the parts. */
  data: {
    inputs: X[];
    labels: Label[];
    train: number[];
    trainOriginal: number[];
    valid: number[];
    test: number[];
    classes: Label[];
    dataHash: string;
  };
  /** Every scenario of the grid (options are plain JSON). */
  scenarios: Scenario[];
  /** Word vectors handed to every scenario as option `option`, saved in ulasan's native format at `path`. */
  embeddings?: { option: string; path: string };
  /** The coordinator's TensorFlow.js backend, used by workers too so the numbers match. */
  backend?: string;
  /**
   * URL of the module holding the grid's model-family defaults (`GridDefaults.module`), when the
   * grid runs on them: a worker without defaults of its own imports them from here.
   */
  defaultsModule?: string;
}

/** What the runner hands an executor: the scenarios to run and where each outcome goes. */
export interface GridExecution<X = string> {
  /** The grid's name (for messages). */
  name: string;
  /** Scenarios not yet in `results.jsonl`, in grid order. */
  pending: Scenario[];
  /** Cancels the run. */
  signal?: AbortSignal;
  /** Builds the plain-data description of the grid (writes the shared vectors file once). */
  spec(): Promise<GridJobSpec<X>>;
  /** Runs one scenario in this process, with the live classifier factory. */
  runHere(
    scenario: Scenario,
    report: (fraction: number, info: Record<string, number | string>) => void,
  ): Promise<ScenarioResult>;
  /** True when the scenario is already recorded (a duplicate result is then ignored). */
  isDone(key: string): boolean;
  /** A worker started a scenario. */
  started(scenario: Scenario, worker: string): void;
  /** Progress inside a scenario: `fraction` is the epochs done (summed over folds, divided by the folds under cv). */
  progress(scenario: Scenario, fraction: number, info: Record<string, number | string>, worker: string): void;
  /**
   * A scenario finished: the runner logs it (once: a result for a recorded key is ignored) and
   * redraws the tables. Rejects when the run must stop.
   */
  finished(result: ScenarioResult, worker: string): Promise<void>;
  /**
   * A scenario threw. Resolves when the grid goes on without it (`continueOnError`), rejects with
   * the error that stops the grid otherwise (or an `ABORTED` error after the signal fired).
   */
  failed(scenario: Scenario, error: unknown, worker: string): Promise<void>;
}

/**
 * Runs a grid's scenarios somewhere: {@link inProcessExecutor} (the default), `localExecutor`
 * (worker threads) or `queueExecutor` (BullMQ workers on any machine).
 *
 * @example
 * ```ts
 * import { runGrid, localExecutor } from 'ulasan/experiments';
 * await runGrid('grid.yaml', { executor: localExecutor({ workers: 2 }) });
 * ```
 */
export interface GridExecutor {
  /** `in-process`, `local` or `queue`. */
  readonly kind: string;
  /** Runs every pending scenario, reporting each outcome through `run`. */
  execute<X>(run: GridExecution<X>): Promise<void>;
}

/**
 * Runs the scenarios one after another in this process (what `runGrid` does without an executor).
 *
 * @example
 * ```ts
 * await runGrid('grid.yaml', { executor: inProcessExecutor() });
 * ```
 */
export function inProcessExecutor(): GridExecutor {
  return {
    kind: 'in-process',
    async execute<X>(run: GridExecution<X>): Promise<void> {
      const worker = 'main';
      for (const scenario of run.pending) {
        if (run.isDone(scenario.key)) continue;
        if (run.signal?.aborted) {
          await run.failed(scenario, run.signal.reason, worker);
          return;
        }
        run.started(scenario, worker);
        let result: ScenarioResult;
        try {
          result = await run.runHere(scenario, (f, info) => run.progress(scenario, f, info, worker));
        } catch (error) {
          await run.failed(scenario, error, worker);
          continue;
        }
        await run.finished(result, worker);
      }
    },
  };
}
