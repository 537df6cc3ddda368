/**
 * Threads for the recurrent kernels: a process-wide pool that runs one kernel call as `parts`
 * parts at once (see "parts" in kernels.c), the calling thread taking part 0 and each helper
 * thread one more, all on the layer's one shared `WebAssembly.Memory`.
 *
 * Why synchronous (`Atomics.wait`) rather than promises: the fused layers call their kernels from
 * TensorFlow.js's synchronous forward and gradient functions. Why results do not change with the
 * thread count: every output element is computed by one part with the same operations in the
 * same order as on one thread, so `threads` only changes speed (a test checks it bit for bit).
 *
 * The number of threads: `setKernelThreads(n)`, else `ULASAN_THREADS`, else the machine's cores
 * (at most {@link MAX_DEFAULT_THREADS}). Helpers start on first use and are unref'd (they never
 * keep the process alive); after a part they spin for a moment, then sleep in `Atomics.wait`.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { WasmMemory } from './wasm-loader.js';

/** The kernel exports that run in parts; each takes `(...args, part, parts)`. */
export const PART_KERNELS = [
  'lstm_forward',
  'lstm_backward',
  'lstm_weight_grads',
  'gru_forward',
  'gru_backward',
  'gru_weight_grads',
  'input_grad',
] as const;

/** Name of a kernel that runs in parts. */
export type PartKernel = (typeof PART_KERNELS)[number];

/** A kernel module instance on a shared memory, as the pool needs it. */
export interface PartInstance {
  /** Process-unique id (helpers keep one instance of their own per id). */
  readonly id: number;
  readonly module: object;
  readonly memory: WasmMemory;
  readonly exports: Record<PartKernel, (...args: number[]) => void>;
}

/** Default thread count is the core count, capped here (measured on 2 cores; see docs/performance.md). */
export const MAX_DEFAULT_THREADS = 4;

/** Rows per part below which a call stays on the calling thread (waking a helper costs ~20 µs). */
const MIN_ROWS_PER_PART = 8;

/**
 * Control words per helper (Int32): sequence, done, status, instance id, kernel index, arg count,
 * and whether the helper / the caller is asleep in `Atomics.wait` (so that the other side only
 * pays for `Atomics.notify`, a futex wake that costs milliseconds on a busy machine, when needed).
 */
const SEQ = 0;
const DONE = 1;
const STATUS = 2;
const INSTANCE = 3;
const KERNEL = 4;
const ARG_COUNT = 5;
const HELPER_ASLEEP = 6;
const CALLER_ASLEEP = 7;
const MAX_ARGS = 32;
const STOP = -1;

/**
 * How long each side spins before it sleeps (ms). A training step calls the kernels several
 * times with a little JavaScript in between, so a helper that keeps spinning for a while after a
 * part usually sees the next one without being woken; the caller waits for parts about as long
 * as its own.
 */
const HELPER_SPIN_MS = 2;
const CALLER_SPIN_MS = 20;

const HELPER_SOURCE = `
'use strict';
const wt = typeof require === 'function' ? require('node:worker_threads') : process.getBuiltinModule('node:worker_threads');
const { control, args: argBuffer, port, kernels } = wt.workerData;
const ctl = new Int32Array(control);
const args = new Float64Array(argBuffer);
const instances = new Map();
let seen = 0;
for (;;) {
  const spinUntil = performance.now() + ${HELPER_SPIN_MS};
  while (Atomics.load(ctl, ${SEQ}) === seen && performance.now() < spinUntil);
  if (Atomics.load(ctl, ${SEQ}) === seen) {
    // Announce the sleep before checking again: a caller that stores SEQ after this store sees it
    // and notifies; one that stored before makes the wait return at once.
    Atomics.store(ctl, ${HELPER_ASLEEP}, 1);
    Atomics.wait(ctl, ${SEQ}, seen);
    Atomics.store(ctl, ${HELPER_ASLEEP}, 0);
  }
  seen = Atomics.load(ctl, ${SEQ});
  if (seen === ${STOP}) break;
  for (let m = wt.receiveMessageOnPort(port); m; m = wt.receiveMessageOnPort(port)) {
    const { id, module, memory } = m.message;
    if (memory) instances.set(id, new WebAssembly.Instance(module, { env: { memory } }).exports);
    else instances.delete(id);
  }
  let status = 0;
  try {
    const exports = instances.get(ctl[${INSTANCE}]);
    exports[kernels[ctl[${KERNEL}]]](...args.subarray(0, ctl[${ARG_COUNT}]));
  } catch (error) {
    status = 1;
    port.postMessage(String((error && error.stack) || error));
  }
  Atomics.store(ctl, ${STATUS}, status);
  Atomics.store(ctl, ${DONE}, seen);
  if (Atomics.load(ctl, ${CALLER_ASLEEP}) === 1) Atomics.notify(ctl, ${DONE});
}
`;

class Helper {
  readonly control = new Int32Array(new SharedArrayBuffer(8 * 4));
  readonly args = new Float64Array(new SharedArrayBuffer(MAX_ARGS * 8));
  readonly port: MessagePort;
  readonly worker: Worker;
  readonly attached = new Set<number>();
  private seq = 0;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.port.unref();
    this.worker = new Worker(HELPER_SOURCE, {
      eval: true,
      workerData: { control: this.control.buffer, args: this.args.buffer, port: port2, kernels: PART_KERNELS },
      transferList: [port2],
    });
    this.worker.unref();
  }

  /** Starts part `part` of `parts` of `kernel(...args)` on this helper's thread. */
  start(instance: PartInstance, kernel: PartKernel, args: number[], part: number, parts: number): void {
    if (!this.attached.has(instance.id)) {
      this.port.postMessage({ id: instance.id, module: instance.module, memory: instance.memory });
      this.attached.add(instance.id);
    }
    this.args.set(args);
    this.args[args.length] = part;
    this.args[args.length + 1] = parts;
    this.control[INSTANCE] = instance.id;
    this.control[KERNEL] = PART_KERNELS.indexOf(kernel);
    this.control[ARG_COUNT] = args.length + 2;
    this.seq = this.seq === 0x7fffffff ? 1 : this.seq + 1;
    Atomics.store(this.control, SEQ, this.seq);
    if (Atomics.load(this.control, HELPER_ASLEEP) === 1) Atomics.notify(this.control, SEQ);
  }

  /** Waits for the part started last; throws what the helper threw. */
  finish(kernel: PartKernel): void {
    const spinUntil = performance.now() + CALLER_SPIN_MS;
    while (Atomics.load(this.control, DONE) !== this.seq && performance.now() < spinUntil);
    while (Atomics.load(this.control, DONE) !== this.seq) {
      Atomics.store(this.control, CALLER_ASLEEP, 1);
      const done = Atomics.load(this.control, DONE);
      if (done !== this.seq) Atomics.wait(this.control, DONE, done, 1000);
      Atomics.store(this.control, CALLER_ASLEEP, 0);
    }
    if (this.control[STATUS] !== 0) {
      const message = receiveMessageOnPort(this.port)?.message;
      throw new Error(`Kernel ${kernel} failed on a helper thread: ${String(message)}`);
    }
  }

  detach(id: number): void {
    if (this.attached.delete(id)) this.port.postMessage({ id });
  }

  stop(): void {
    Atomics.store(this.control, SEQ, STOP);
    Atomics.notify(this.control, SEQ);
    void this.worker.terminate();
  }
}

let configured: number | undefined;
const helpers: Helper[] = [];

function threadsFromEnvironment(): number | undefined {
  const raw = process.env.ULASAN_THREADS;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(
      `ULASAN_THREADS must be a whole number of threads ≥ 1, got "${raw}". Unset it to use the machine's cores.`,
    );
  }
  return n;
}

/**
 * Threads the recurrent kernels use per call: `setKernelThreads`, else `ULASAN_THREADS`, else the
 * core count (at most {@link MAX_DEFAULT_THREADS}).
 */
export function kernelThreads(): number {
  return configured ?? threadsFromEnvironment() ?? Math.min(availableParallelism(), MAX_DEFAULT_THREADS);
}

/**
 * Sets the threads the fused LSTM/GRU kernels use (1 = the calling thread only). Changing it
 * stops the current helpers; new ones start on the next call. Results do not depend on it.
 *
 * @example
 * ```ts
 * import { setKernelThreads } from 'ulasan/backend';
 * setKernelThreads(1); // e.g. when several training processes share the machine
 * ```
 */
export function setKernelThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new RangeError(`Kernel threads must be a whole number from 1 to 256, got ${threads}.`);
  }
  configured = threads;
  if (helpers.length > threads - 1) {
    for (const helper of helpers.splice(threads - 1)) helper.stop();
  }
}

const released = new FinalizationRegistry<number>((id) => {
  for (const helper of helpers) helper.detach(id);
});

/** Registers a new instance: helpers drop their copy of it once it is garbage-collected. */
export function trackInstance(instance: PartInstance): void {
  released.register(instance, instance.id);
}

/**
 * Runs `kernel(...args, part, parts)` for every part and returns when all are done. `rows` is the
 * size of the dimension the kernel splits (the batch, or the rows of a product): small calls stay
 * on the calling thread. `maxParts` is how many parts the caller laid out scratch for.
 */
export function runParts(
  instance: PartInstance,
  kernel: PartKernel,
  args: number[],
  rows: number,
  maxParts: number,
): void {
  const parts = Math.max(1, Math.min(kernelThreads(), maxParts, Math.floor(rows / MIN_ROWS_PER_PART)));
  if (parts === 1) {
    instance.exports[kernel](...args, 0, 1);
    return;
  }
  while (helpers.length < parts - 1) helpers.push(new Helper());
  for (let p = 1; p < parts; p++) (helpers[p - 1] as Helper).start(instance, kernel, args, p, parts);
  let failure: unknown;
  try {
    instance.exports[kernel](...args, 0, parts);
  } catch (error) {
    failure = error;
  }
  // Always wait for every helper, even after a failure here: they write into the same memory.
  for (let p = 1; p < parts; p++) {
    try {
      (helpers[p - 1] as Helper).finish(kernel);
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
}

/** Helper threads started so far (for tests and diagnostics). */
export function helperThreads(): number {
  return helpers.length;
}
