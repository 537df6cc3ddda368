/**
 * Runs a grid's scenarios on BullMQ workers (`ulasan worker --queue redis://...`, on any number of
 * machines). The coordinator (`runGrid` with this executor) publishes the grid once to Redis (the
 * prepared rows and splits, the scenarios, and the word vectors' bytes), enqueues one job per
 * scenario not yet in `results.jsonl` (job id = grid hash + scenario key, so a restarted coordinator
 * never enqueues a scenario twice), collects the results and writes the log, tables and figures
 * itself. Workers need nothing on disk: no shared folder, no data files, no config.
 */
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { UlasanError } from '../../internal/errors.js';
import type { ScenarioResult } from '../results-table.js';
import {
  type BullJob,
  type BullQueue,
  DEFAULT_QUEUE_NAME,
  loadBullMQ,
  payloadKey,
  type QueueConnection,
  redisOptions,
} from './bullmq.js';
import type { GridExecution, GridExecutor } from './types.js';

/** Options of {@link queueExecutor}. */
export interface QueueExecutorOptions {
  /** The Redis server: `redis://HOST:6379` (or `{ host, port, password }`). */
  connection: QueueConnection;
  /** Queue name; workers must use the same (default `ulasan`). */
  queueName?: string;
  /** How often the coordinator looks at its jobs, in ms; default 1000. */
  pollMs?: number;
  /**
   * Tries per scenario when it throws (a crashed or killed worker is not a try: its job is
   * retried after the lease through BullMQ's stalled-job check); default 1.
   */
  attempts?: number;
  /** A module whose default export is the grid's custom `classifierFactory` (loaded by the workers). */
  factoryModule?: string;
  /** Called with the queue's state each poll: scenarios waiting, and running per worker. */
  onStatus?: (status: QueueGridStatus) => void;
}

/** What the coordinator sees of the queue. */
export interface QueueGridStatus {
  /** Scenarios enqueued and not started. */
  waiting: number;
  /** Scenarios running, by worker (`host:pid`). */
  running: Record<string, string[]>;
}

/** A {@link GridExecutor} on a BullMQ queue; see {@link queueExecutor}. */
export interface QueueExecutor extends GridExecutor {
  readonly kind: 'queue';
  /** The custom factory's module, when given. */
  readonly factoryModule?: string;
}

/** What a worker returns for a scenario job. */
export interface ScenarioJobResult {
  /** The worker (`host:pid`). */
  worker: string;
  /** The scenario's result, exactly as the log will hold it. */
  result: ScenarioResult;
}

/** What a worker reports as a running job's progress. */
export interface ScenarioJobProgress {
  /** The worker running the job (`host:pid`). */
  worker: string;
  /** Epochs done (summed over folds, divided by the folds under cross-validation). */
  fraction: number;
  /** The last epoch's progress fields (`epoch`, `valLoss`, `fold`). */
  info?: Record<string, number | string>;
}

/**
 * Creates an executor that enqueues scenarios on a BullMQ queue in Redis and collects the results
 * from any number of `ulasan worker` processes. Needs the optional package `bullmq`.
 *
 * @example
 * ```ts
 * import { queueExecutor, runGrid } from 'ulasan/experiments';
 * await runGrid('grid.yaml', { out: 'runs/g', resume: true, executor: queueExecutor({ connection: 'redis://10.0.0.5:6379' }) });
 * ```
 */
export function queueExecutor(options: QueueExecutorOptions): QueueExecutor {
  redisOptions(options.connection); // a bad URL fails now
  return {
    kind: 'queue',
    ...(options.factoryModule ? { factoryModule: options.factoryModule } : {}),
    execute: (run) => executeOnQueue(run, options),
  };
}

async function executeOnQueue<X>(run: GridExecution<X>, options: QueueExecutorOptions): Promise<void> {
  const todo = run.pending.filter((s) => !run.isDone(s.key));
  if (todo.length === 0) return;
  const { Queue } = await loadBullMQ('distributed grids (queueExecutor, ulasan grid --queue)');
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const queue = new Queue(queueName, { connection: redisOptions(options.connection) });
  try {
    const spec = await run.spec();
    const client = await queue.client;
    // The grid, once: workers fetch it by hash (the vectors travel as bytes, not as a path).
    const { embeddings, ...rest } = spec;
    const published = { ...rest, ...(embeddings ? { embeddings: { option: embeddings.option, path: '' } } : {}) };
    await client.set(payloadKey(queueName, 'grid', spec.gridHash), JSON.stringify(published));
    if (embeddings)
      await client.set(payloadKey(queueName, 'vectors', spec.gridHash), await fs.readFile(embeddings.path));

    const jobId = (key: string) => `grid-${spec.gridHash}-${key}`;
    // A job that failed in an earlier run is tried again (as a rerun of a local grid would).
    for (const s of todo) {
      const old = await queue.getJob(jobId(s.key));
      if (old && (await old.getState()) === 'failed') await old.remove();
    }
    const jobOptions = (key: string) => ({
      jobId: jobId(key),
      attempts: options.attempts ?? 1,
      removeOnComplete: false,
      removeOnFail: false,
    });
    await queue.addBulk(
      todo.map((s) => ({
        name: 'scenario',
        data: { gridHash: spec.gridHash, key: s.key, name: s.name },
        opts: jobOptions(s.key),
      })),
    );

    const open = new Map(todo.map((s) => [s.key, s]));
    const startedBy = new Map<string, string>();
    const pollMs = options.pollMs ?? 1000;
    while (open.size > 0) {
      if (run.signal?.aborted) {
        await withdrawWaiting(queue, [...open.keys()].map(jobId));
        const first = open.values().next().value;
        if (first) await run.failed(first, run.signal.reason, 'coordinator');
        return;
      }
      const status: QueueGridStatus = { waiting: 0, running: {} };
      for (const [key, scenario] of open) {
        let job: BullJob | undefined;
        let state: string;
        try {
          job = await queue.getJob(jobId(key));
          state = job ? await job.getState() : 'missing';
        } catch {
          break; // Redis is unreachable for now (restarting): look again at the next poll
        }
        if (!job || state === 'missing' || state === 'unknown') {
          // Lost (Redis restarted without its append-only file) or removed by hand: enqueue again.
          await queue.add('scenario', { gridHash: spec.gridHash, key, name: scenario.name }, jobOptions(key));
          status.waiting++;
          continue;
        }
        if (state === 'completed') {
          const value = job.returnvalue as ScenarioJobResult | null;
          open.delete(key);
          if (!value?.result) {
            await run.failed(scenario, new Error('the worker returned no result'), value?.worker ?? 'worker');
          } else {
            await run.finished(value.result, value.worker);
          }
          // Recorded in results.jsonl (fsynced): the job is no longer needed.
          await job.remove().catch(() => {});
        } else if (state === 'failed') {
          open.delete(key);
          const worker = (job.progress as ScenarioJobProgress | undefined)?.worker ?? 'worker';
          await run.failed(
            scenario,
            new UlasanError('INVALID_DATA', job.failedReason ?? 'the job failed on its worker'),
            worker,
          );
        } else if (state === 'active') {
          const p = job.progress as ScenarioJobProgress | number | undefined;
          const worker = typeof p === 'object' && p ? p.worker : 'worker';
          if (startedBy.get(key) !== worker) {
            startedBy.set(key, worker);
            run.started(scenario, worker);
          }
          if (typeof p === 'object' && p) run.progress(scenario, p.fraction, p.info ?? {}, worker);
          (status.running[worker] ??= []).push(scenario.name);
        } else {
          status.waiting++;
        }
      }
      options.onStatus?.(status);
      if (open.size > 0) await sleep(pollMs, run.signal);
    }
    await client.del(payloadKey(queueName, 'grid', spec.gridHash), payloadKey(queueName, 'vectors', spec.gridHash));
  } finally {
    await queue.close();
  }
}

/** On Ctrl-C: take back the scenarios no worker has started (running ones finish; --resume collects them). */
async function withdrawWaiting(queue: BullQueue, ids: string[]): Promise<void> {
  for (const id of ids) {
    const job = await queue.getJob(id).catch(() => undefined);
    if (job && ['waiting', 'delayed', 'prioritized'].includes(await job.getState())) await job.remove().catch(() => {});
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The worker name reported in progress and results: `host:pid`. */
export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}
