/**
 * `ulasan/experiments`: leak-free splits, resampling, cross-validation and resumable scenario grids.
 *
 * This entry is the experiments barrel with the text models wired in as the default model family:
 * {@link runGrid} without a `classifierFactory` trains text classifiers (`textGridDefaults`), and
 * {@link runQueueWorker} labels `predict` jobs with them (`textQueueLabeler`). `src/experiments/`
 * itself never imports text (docs/architecture.md).
 *
 * @packageDocumentation
 * @module experiments
 */

import type { QueueWorkerOptions, QueueWorkerSummary } from './experiments/executors/queue-worker.js';
import { runQueueWorker as runQueueWorkerWith } from './experiments/executors/queue-worker.js';
import type { GridConfig } from './experiments/grid-config.js';
import type { GridDefaults } from './experiments/grid-defaults.js';
import { type GridRunResult, type RunGridOptions, runGrid as runGridWith } from './experiments/grid-runner.js';
import { textGridDefaults, textQueueLabeler } from './text/grid.js';

export * from './experiments/index.js';

/**
 * Runs (or resumes) a scenario grid; a grid without `classifierFactory` (and without `defaults`)
 * trains the built-in text classifiers, `options.model` picking the kind.
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
export function runGrid<X = string>(
  configOrPath: GridConfig<X> | string,
  options: RunGridOptions<X> = {},
): Promise<GridRunResult> {
  return runGridWith(configOrPath, withTextDefaults(options));
}

/**
 * Runs a queue worker until `signal` fires: takes scenario jobs and labeling chunks from the queue.
 * Grids without a custom factory train the built-in text classifiers; `predict` jobs are labeled
 * with the text models (`textQueueLabeler`) unless `labeler` is given.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * process.on('SIGTERM', () => stop.abort());
 * await runQueueWorker({ connection: 'redis://127.0.0.1:6379', signal: stop.signal });
 * ```
 */
export function runQueueWorker<X = string>(options: QueueWorkerOptions<X>): Promise<QueueWorkerSummary> {
  return runQueueWorkerWith({ labeler: textQueueLabeler, ...withTextDefaults(options) });
}

function withTextDefaults<O extends { classifierFactory?: unknown; defaults?: unknown }>(options: O): O {
  if (options.classifierFactory !== undefined || options.defaults !== undefined) return options;
  return { ...options, defaults: textGridDefaults as unknown as GridDefaults<never> };
}
