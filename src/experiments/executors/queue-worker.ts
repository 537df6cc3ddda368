/**
 * A queue worker: takes grid scenarios (and labeling chunks) from a BullMQ queue, runs each with the
 * same code as a local run, and returns the result through BullMQ. A worker that dies mid-job
 * (SIGKILL, power loss) stops renewing its job's lock; after `lockDuration` BullMQ's stalled-job
 * check (every `stalledInterval`, run by the other workers) puts the job back in the queue for
 * another worker. The coordinator records a scenario once, by its key, whichever attempt finishes.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UlasanError } from '../../internal/errors.js';
import type { GridDefaults } from '../grid-defaults.js';
import type { ClassifierFactory } from '../grid-runner.js';
import type { ScenarioResult } from '../results-table.js';
import {
  type BullJob,
  DEFAULT_QUEUE_NAME,
  loadBullMQ,
  payloadKey,
  type QueueConnection,
  type RedisLike,
  redisOptions,
} from './bullmq.js';
import { ScenarioThread } from './local-executor.js';
import type { ScenarioJobProgress, ScenarioJobResult } from './queue-executor.js';
import { workerName } from './queue-executor.js';
import type { QueueLabeler } from './queue-predict.js';
import type { GridJobSpec } from './types.js';
import { prepareWorkerRunner } from './worker-runner.js';

/** Options of {@link runQueueWorker}. */
export interface QueueWorkerOptions<X = string> {
  /** The Redis server: `redis://HOST:6379` (or `{ host, port, password }`). */
  connection: QueueConnection;
  /** Queue name (default `ulasan`), the coordinator's. */
  queueName?: string;
  /**
   * How long a job stays this worker's without a lock renewal, in ms (BullMQ `lockDuration`,
   * renewed every half of it); default 30000. After a crash the job is retried once this expires.
   */
  lockDuration?: number;
  /** How often this worker looks for stalled jobs of dead workers, in ms (BullMQ `stalledInterval`); default 30000. */
  stalledInterval?: number;
  /** How many times a job may be recovered from a dead worker before it fails; default 2. */
  maxStalledCount?: number;
  /** A module whose default export is a custom `classifierFactory` (vision grids). */
  factoryModule?: string;
  /** A custom `classifierFactory` (a worker started from your own script). */
  classifierFactory?: ClassifierFactory<X>;
  /**
   * The model family of grids without a custom factory (`textGridDefaults`; `runQueueWorker` from
   * `ulasan/experiments` and the CLI pass it). Default: the coordinator's, imported from the path it
   * sent (only valid on the coordinator's host).
   */
  defaults?: GridDefaults<X>;
  /** Labels the texts of `predict` jobs (`textQueueLabeler`; given by `ulasan/experiments` and the CLI). */
  labeler?: QueueLabeler;
  /** Backend to use instead of the coordinator's. */
  backend?: string;
  /** Stops the worker (after the running job is given back to the queue). */
  signal?: AbortSignal;
  /** A line per job started and finished (for the CLI's stderr). */
  log?: (line: string) => void;
}

/** What {@link runQueueWorker} did. */
export interface QueueWorkerSummary {
  /** This worker's name, `host:pid`. */
  worker: string;
  /** Jobs finished. */
  done: number;
  /** Jobs that threw. */
  failed: number;
}

/** The handler of one kind of job (`scenario`, `predict`). */
export type QueueJobHandler = (
  job: BullJob,
  context: { client: RedisLike; queueName: string; worker: string; signal: AbortSignal },
) => Promise<unknown>;

const handlers = new Map<string, () => Promise<QueueJobHandler>>();

/** Registers the handler of a job name (the labeling module registers `predict`). Internal. */
export function registerQueueJobHandler(name: string, load: () => Promise<QueueJobHandler>): void {
  handlers.set(name, load);
}

/**
 * Runs a worker until `signal` fires: takes scenario jobs (and labeling chunks) from the queue, one
 * at a time. Needs the optional package `bullmq`.
 *
 * @example
 * ```ts
 * import { runQueueWorker } from 'ulasan/experiments';
 * const stop = new AbortController();
 * process.on('SIGTERM', () => stop.abort());
 * await runQueueWorker({ connection: 'redis://10.0.0.5:6379', signal: stop.signal });
 * ```
 */
export async function runQueueWorker<X = string>(options: QueueWorkerOptions<X>): Promise<QueueWorkerSummary> {
  const { Queue, Worker } = await loadBullMQ('queue workers (ulasan worker)');
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const connection = redisOptions(options.connection);
  const worker = workerName();
  const summary: QueueWorkerSummary = { worker, done: 0, failed: 0 };
  const log = options.log ?? (() => {});
  // A plain connection for the grid payloads (BullMQ's worker connection blocks on the queue).
  const payloads = new Queue(queueName, { connection });
  const client = await payloads.client;
  // One thread per grid (the last two kept): training runs off this thread, which only talks to
  // Redis, so job locks are renewed on time however long a training step blocks.
  type Runner = (
    key: string,
    report: (f: number, info: Record<string, number | string>) => void,
  ) => Promise<ScenarioResult>;
  const runners = new Map<string, Promise<{ run: Runner; close: () => Promise<void> }>>();
  const runnerFor = (gridHash: string) => {
    let runner = runners.get(gridHash);
    if (!runner) {
      runner = loadSpec<X>(client, queueName, gridHash).then(async (spec) => {
        if (options.classifierFactory) {
          // A factory function cannot cross into a thread: run in this thread.
          const run = await prepareWorkerRunner(spec, {
            classifierFactory: options.classifierFactory,
            backend: options.backend,
          });
          return { run: (key: string, report: Parameters<Runner>[1]) => run(key, report), close: async () => {} };
        }
        // This worker's own defaults module wins over the coordinator's path (another host's files).
        if (options.defaults?.module) spec.defaultsModule = options.defaults.module;
        const thread = new ScenarioThread(spec as GridJobSpec<unknown>, options.factoryModule, options.backend);
        return {
          run: (key: string, report: Parameters<Runner>[1]) => thread.run(key, report),
          close: () => thread.terminate(),
        };
      });
      runner.catch(() => runners.delete(gridHash));
      if (runners.size >= 2) {
        const oldest = runners.keys().next().value as string;
        void runners.get(oldest)?.then(
          (r) => r.close(),
          () => {},
        );
        runners.delete(oldest);
      }
      runners.set(gridHash, runner);
    }
    return runner;
  };

  const processor = async (job: BullJob): Promise<unknown> => {
    const started = performance.now();
    log(
      `${worker}: ${job.name} ${String(job.data.name ?? job.id)} started${job.attemptsMade > 0 ? ` (attempt ${job.attemptsMade + 1})` : ''}`,
    );
    try {
      let value: unknown;
      if (job.name === 'scenario') {
        const runner = await runnerFor(String(job.data.gridHash));
        await job.updateProgress({ worker, fraction: 0 } satisfies ScenarioJobProgress);
        let last = 0;
        let result: ScenarioResult;
        try {
          result = await runner.run(String(job.data.key), (fraction, info) => {
            const now = performance.now();
            if (now - last < 500) return;
            last = now;
            void job.updateProgress({ worker, fraction, info } satisfies ScenarioJobProgress).catch(() => {});
          });
        } catch (error) {
          // A crashed thread is replaced for the next job of its grid.
          runners.delete(String(job.data.gridHash));
          void runner.close();
          throw error;
        }
        value = { worker, result: JSON.parse(JSON.stringify(result)) } satisfies ScenarioJobResult;
      } else {
        const load =
          handlers.get(job.name) ?? (job.name === 'predict' ? () => loadPredictHandler(options.labeler) : undefined);
        if (!load)
          throw new UlasanError(
            'CONFIG',
            `unknown job "${job.name}" on queue ${queueName}; is this worker older than the coordinator?`,
          );
        value = await (await load())(job, {
          client,
          queueName,
          worker,
          signal: options.signal ?? new AbortController().signal,
        });
      }
      summary.done++;
      log(
        `${worker}: ${job.name} ${String(job.data.name ?? job.id)} done (${((performance.now() - started) / 1000).toFixed(1)}s)`,
      );
      return value;
    } catch (error) {
      summary.failed++;
      log(`${worker}: ${job.name} ${String(job.data.name ?? job.id)} FAILED: ${(error as Error).message}`);
      throw error;
    }
  };

  const bull = new Worker(queueName, processor, {
    connection,
    concurrency: 1,
    lockDuration: options.lockDuration ?? 30_000,
    stalledInterval: options.stalledInterval ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 2,
    autorun: false,
  });
  bull.on('error', (error) => log(`${worker}: queue error: ${(error as Error).message}`));
  const running = bull.run();
  await new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve();
    options.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  // Stop taking jobs and let the running one finish (a second Ctrl-C kills the process: its job
  // then goes back to the queue after the lease).
  await bull.close();
  await running.catch(() => {});
  for (const r of runners.values())
    await r.then(
      (x) => x.close(),
      () => {},
    );
  await payloads.close();
  return summary;
}

async function loadSpec<X>(client: RedisLike, queueName: string, gridHash: string): Promise<GridJobSpec<X>> {
  const text = await client.get(payloadKey(queueName, 'grid', gridHash));
  if (!text) {
    throw new UlasanError(
      'CONFIG',
      `grid ${gridHash} is not published on queue ${queueName} (its coordinator finished or its Redis lost it); restart the coordinator (ulasan grid --resume --queue ...).`,
    );
  }
  const spec = JSON.parse(text) as GridJobSpec<X>;
  if (spec.embeddings) {
    const bytes = await client.getBuffer(payloadKey(queueName, 'vectors', gridHash));
    if (!bytes)
      throw new UlasanError('CONFIG', `the word vectors of grid ${gridHash} are missing on queue ${queueName}.`);
    const dir = join(tmpdir(), 'ulasan-worker');
    await fs.mkdir(dir, { recursive: true });
    const path = join(dir, `vectors-${gridHash}-${process.pid}.w2v`);
    await fs.writeFile(path, bytes);
    spec.embeddings = { ...spec.embeddings, path };
  }
  return spec;
}

let predictHandler: { labeler: QueueLabeler; handler: QueueJobHandler } | undefined;

async function loadPredictHandler(labeler: QueueLabeler | undefined): Promise<QueueJobHandler> {
  if (!labeler) {
    throw new UlasanError(
      'CONFIG',
      'this worker cannot label texts: it was started without a labeler. Start it with `ulasan worker`, or runQueueWorker from "ulasan/experiments" (which labels with the text models), or pass labeler.',
    );
  }
  if (predictHandler?.labeler !== labeler) {
    const { createPredictJobHandler } = await import('./queue-predict.js');
    predictHandler = { labeler, handler: createPredictJobHandler(labeler) };
  }
  return predictHandler.handler;
}
