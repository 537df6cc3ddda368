/**
 * Runs a grid's scenarios in worker threads on this machine: each thread loads the grid once (rows,
 * splits, word vectors, backend) and trains one scenario at a time through the same code path as an
 * in-process run, so a scenario gives the same numbers wherever it runs.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, type Worker, workerData } from 'node:worker_threads';
import { type KernelMath, kernelMath, kernelThreads, setKernelMath, setKernelThreads } from '../../backend/threads.js';
import { UlasanError } from '../../internal/errors.js';
import { startModuleThread, threadEntry } from '../../internal/module-thread.js';
import type { ScenarioResult } from '../results-table.js';
import type { GridExecution, GridExecutor, GridJobSpec } from './types.js';

/** Options of {@link localExecutor}. */
export interface LocalExecutorOptions {
  /** Worker threads; default the number of CPU cores (`os.availableParallelism()`). */
  workers?: number;
  /**
   * A module (path or URL) whose default export (or `classifierFactory` export) is the grid's
   * `classifierFactory`, loaded by each thread; needed only for a custom factory (vision models).
   */
  factoryModule?: string;
}

/** A {@link GridExecutor} that runs scenarios in worker threads; see {@link localExecutor}. */
export interface LocalExecutor extends GridExecutor {
  readonly kind: 'local';
  /** Number of threads. */
  readonly workers: number;
  /** The custom factory's module, when given. */
  readonly factoryModule?: string;
}

const THREAD_FLAG = 'ulasanGridThread';

type ToThread = { type: 'run'; key: string } | { type: 'abort' };
type FromThread =
  | { type: 'ready' }
  | { type: 'progress'; key: string; fraction: number; info: Record<string, number | string> }
  | { type: 'result'; key: string; result: ScenarioResult }
  | { type: 'error'; key: string; message: string; code?: string }
  | { type: 'fatal'; message: string; code?: string };

/**
 * Creates an executor that runs a grid's scenarios in `workers` worker threads (one scenario per
 * thread at a time). Results are logged by the coordinating thread as they finish, in any order;
 * the tables list them in grid order, so they are identical to an in-process run.
 *
 * @example
 * ```ts
 * import { localExecutor, runGrid } from 'ulasan/experiments';
 * const result = await runGrid('examples/configs/seed-003-grid.quick.yaml', { executor: localExecutor({ workers: 2 }) });
 * console.log(result.workers); // { 'thread-1': { done: 12, failed: 0 }, 'thread-2': { done: 12, failed: 0 } }
 * ```
 */
export function localExecutor(options: LocalExecutorOptions = {}): LocalExecutor {
  const workers = options.workers ?? Math.max(1, availableParallelism());
  if (!Number.isInteger(workers) || workers < 1) {
    throw new UlasanError('INVALID_ARGUMENT', `localExecutor: workers must be a whole number ≥ 1, got ${workers}.`);
  }
  return {
    kind: 'local',
    workers,
    ...(options.factoryModule ? { factoryModule: options.factoryModule } : {}),
    execute: (run) => executeLocal(run, workers, options.factoryModule),
  };
}

async function executeLocal<X>(run: GridExecution<X>, workers: number, factoryModule?: string): Promise<void> {
  const todo = run.pending.filter((s) => !run.isDone(s.key));
  if (todo.length === 0) return;
  const spec = await run.spec();
  // The cores are shared out: each scenario thread's kernels get their part of the kernel threads.
  const kernelThreadsEach = Math.max(1, Math.floor(kernelThreads() / Math.min(workers, todo.length)));
  const threads = new Set<ScenarioThread>();
  let stopError: unknown;
  const onAbort = () => {
    for (const t of threads) t.abort();
  };
  run.signal?.addEventListener('abort', onAbort, { once: true });
  const loop = async (n: number) => {
    const name = `thread-${n}`;
    let thread: ScenarioThread | undefined;
    try {
      while (stopError === undefined && todo.length > 0) {
        if (!thread) {
          thread = new ScenarioThread(spec, factoryModule, undefined, kernelThreadsEach);
          threads.add(thread);
        }
        const scenario = todo.shift() as (typeof todo)[number];
        if (run.isDone(scenario.key)) continue;
        run.started(scenario, name);
        let result: ScenarioResult;
        try {
          if (run.signal?.aborted) throw run.signal.reason;
          result = await thread.run(scenario.key, (f, info) => run.progress(scenario, f, info, name));
        } catch (error) {
          if (stopError !== undefined) return;
          if (thread.dead) {
            threads.delete(thread);
            thread = undefined; // a crashed thread is replaced for the next scenario
          }
          await run.failed(scenario, error, name);
          continue;
        }
        await run.finished(result, name);
      }
    } catch (error) {
      stopError ??= error;
      for (const t of threads) void t.terminate();
      throw error;
    } finally {
      if (thread) {
        threads.delete(thread);
        await thread.terminate();
      }
    }
  };
  try {
    const loops = Array.from({ length: Math.min(workers, todo.length) }, (_, i) => loop(i + 1));
    const outcomes = await Promise.allSettled(loops);
    if (stopError !== undefined) throw stopError;
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult | undefined;
    if (rejected) throw rejected.reason;
  } finally {
    run.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * One worker thread holding one grid (rows, splits, vectors, backend), running one scenario at a
 * time. Used by the local executor and by queue workers, whose main thread then stays free to
 * renew their job locks however long a training step blocks. Internal.
 */
export class ScenarioThread {
  /** True once the thread exited or crashed. */
  dead = false;
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private current:
    | {
        key: string;
        resolve: (r: ScenarioResult) => void;
        reject: (e: unknown) => void;
        onProgress: (fraction: number, info: Record<string, number | string>) => void;
      }
    | undefined;

  /**
   * @param kernelThreads - threads for the thread's recurrent kernels (default: the process's
   *   setting, see `setKernelThreads`).
   */
  constructor(spec: GridJobSpec<unknown>, factoryModule?: string, backend?: string, kernelThreads?: number) {
    this.worker = spawnThread(spec, factoryModule, backend, kernelThreads);
    let markReady: () => void = () => {};
    let failReady: (e: unknown) => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.ready.catch(() => {});
    const fail = (error: unknown) => {
      failReady(error);
      const c = this.current;
      this.current = undefined;
      c?.reject(error);
    };
    this.worker.on('message', (m: FromThread) => {
      const c = this.current;
      if (m.type === 'ready') markReady();
      else if (m.type === 'fatal') fail(errorFrom(m));
      else if (c && m.key === c.key) {
        if (m.type === 'progress') c.onProgress(m.fraction, m.info);
        else {
          this.current = undefined;
          if (m.type === 'result') c.resolve(m.result);
          else c.reject(errorFrom(m));
        }
      }
    });
    this.worker.on('error', (error) => {
      this.dead = true;
      fail(error);
    });
    this.worker.on('exit', (code) => {
      this.dead = true;
      fail(new UlasanError('INVALID_DATA', `the scenario thread exited (code ${code}) before it finished`));
    });
  }

  /** Runs one scenario of the thread's grid by key. */
  async run(
    key: string,
    onProgress: (fraction: number, info: Record<string, number | string>) => void = () => {},
  ): Promise<ScenarioResult> {
    await this.ready;
    if (this.current) throw new UlasanError('INVALID_ARGUMENT', 'a scenario thread runs one scenario at a time');
    return new Promise<ScenarioResult>((resolve, reject) => {
      this.current = { key, resolve, reject, onProgress };
      this.worker.postMessage({ type: 'run', key } satisfies ToThread);
    });
  }

  /** Cancels the running scenario (between batches). */
  abort(): void {
    if (!this.dead) this.worker.postMessage({ type: 'abort' } satisfies ToThread);
  }

  /** Stops the thread. */
  async terminate(): Promise<void> {
    if (this.dead) return;
    this.dead = true;
    await this.worker.terminate();
  }
}

function errorFrom(m: { message: string; code?: string }): Error {
  return m.code ? new UlasanError(m.code as 'INVALID_DATA', m.message) : new Error(m.message);
}

/** Starts a thread on this very module (its guard below runs {@link threadMain}). */
function spawnThread<X>(
  spec: GridJobSpec<X>,
  factoryModule?: string,
  backend?: string,
  kernelThreads?: number,
): Worker {
  const entry = threadEntry(import.meta.url, typeof __filename === 'string' ? __filename : undefined);
  // The kernels' arithmetic goes along too: a scenario must compute as it would in this thread.
  return startModuleThread(entry, {
    [THREAD_FLAG]: true,
    spec,
    factoryModule,
    backend,
    kernelThreads,
    kernelMath: kernelMath(),
  });
}

/** The thread side: load the grid once, then run the scenarios the coordinator sends. */
async function threadMain(): Promise<void> {
  const port = parentPort as NonNullable<typeof parentPort>;
  const data = workerData as {
    spec: GridJobSpec<unknown>;
    factoryModule?: string;
    backend?: string;
    kernelThreads?: number;
    kernelMath?: KernelMath;
  };
  const post = (m: FromThread) => port.postMessage(m);
  let controller = new AbortController();
  try {
    if (data.kernelThreads !== undefined) setKernelThreads(data.kernelThreads);
    if (data.kernelMath !== undefined) setKernelMath(data.kernelMath);
    const { prepareWorkerRunner } = await import('./worker-runner.js');
    const runner = await prepareWorkerRunner(data.spec, { factoryModule: data.factoryModule, backend: data.backend });
    port.on('message', (m: ToThread) => {
      if (m.type === 'abort') controller.abort();
      else if (m.type === 'run') {
        if (controller.signal.aborted) controller = new AbortController();
        runner(m.key, (fraction, info) => post({ type: 'progress', key: m.key, fraction, info }), {
          signal: controller.signal,
        }).then(
          (result) => post({ type: 'result', key: m.key, result: JSON.parse(JSON.stringify(result)) }),
          (error) => post({ type: 'error', key: m.key, ...describeError(error) }),
        );
      }
    });
    post({ type: 'ready' });
  } catch (error) {
    post({ type: 'fatal', ...describeError(error) });
  }
}

function describeError(error: unknown): { message: string; code?: string } {
  const message = error instanceof Error ? error.message : String(error);
  const code = UlasanError.isInstance(error) ? error.code : undefined;
  return code ? { message, code } : { message };
}

// Worker-thread entry: this module started as a grid thread by spawnThread (never on import otherwise).
if (!isMainThread && (workerData as Record<string, unknown> | null)?.[THREAD_FLAG] === true) void threadMain();
