/**
 * The Word2Vec training engine: lays out the model in one shared WebAssembly memory, starts one
 * worker per thread on it (Hogwild: threads update the same vectors without locks, as word2vec.c
 * and gensim do), and feeds them jobs of ~10,000 words with a linearly decaying learning rate.
 *
 * With one thread the jobs run in corpus order with per-job seeds derived from (seed, epoch, job),
 * so training is deterministic, and resuming from a checkpoint continues exactly where it stopped.
 */
import { Worker } from 'node:worker_threads';
import { compileWasm, instantiateWasm, wasmApi } from '../../accel/wasm-loader.js';
import { WORD2VEC_WASM_BASE64 } from '../../accel/word2vec-wasm.js';
import { AbortError, UlasanError } from '../../internal/errors.js';
import type { ProgressEvent } from '../../internal/progress.js';
import { Random } from '../../internal/random.js';
import type { ResolvedWord2VecOptions } from './options.js';
import { aliasTable, huffmanTree, subsampleThresholds, type Vocabulary } from './vocab.js';
import { WORKER_SOURCE } from './worker-source.js';

/** What the Word2Vec kernel exports (see `src/accel/word2vec.c`). */
interface Word2VecKernelExports {
  train_job(modelPtr: number, jobPtr: number): void;
}

/** Most words per job (and per sentence chunk: longer sentences are split, as word2vec.c does). */
export const JOB_WORDS = 10_000;
const EXP_TABLE_SIZE = 1000;
const MAX_EXP = 6;
const LOSS_TABLE_SIZE = 8192;
const LOSS_MAX = 20;
const MODEL_FIELDS = 17;
const JOB_BYTES = 72;
/** Job slots per worker: one being trained, one being filled. */
const SLOTS_PER_THREAD = 2;
/** With the kernel on the calling thread, yield to the event loop this often (ms) for abort and timers. */
const INLINE_YIELD_MS = 25;

/** A job: sentences of vocabulary ids (each sentence at most {@link JOB_WORDS} long). */
export interface Job {
  ids: Int32Array;
  lens: Int32Array;
  nWords: number;
  nSent: number;
}

/**
 * Produces the jobs of one epoch. The engine copies each job into its shared memory before it
 * asks for the next one, so a source may reuse a job's arrays from then on.
 */
export type JobSource = (epoch: number) => AsyncIterable<Job> | Iterable<Job>;

/** Trainable weights. */
export interface Weights {
  syn0: Float32Array;
  syn1neg: Float32Array | null;
  syn1: Float32Array | null;
}

/** Statistics of one finished epoch. */
export interface EpochStats {
  epoch: number;
  /** Mean log-loss per prediction (negative sampling / hierarchical softmax objective). */
  loss: number;
  predictions: number;
  /** In-vocabulary words read this epoch (before subsampling). */
  words: number;
  /** Words trained after subsampling. */
  trainedWords: number;
  seconds: number;
  wordsPerSecond: number;
  /** Learning rate at the end of the epoch. */
  alpha: number;
}

/** What {@link runTraining} needs. */
export interface EngineRun {
  options: ResolvedWord2VecOptions;
  vocab: Vocabulary;
  /** In-vocabulary words per epoch (drives the learning-rate schedule and the ETA). */
  wordsPerEpoch: number;
  /**
   * Weights to continue from (arrays, or a function that fills the engine's views), or null for
   * fresh ones (initialised in place, without a second copy). The engine sets it to null once they
   * are in its shared memory, so that a loaded training state is not held twice while training.
   */
  weights: Weights | ((live: Weights) => Promise<void>) | null;
  /** First epoch to run (0 for a fresh model; more when resuming). */
  startEpoch: number;
  jobs: JobSource;
  /**
   * True when the jobs come from memory (no corpus reading while training). With one thread such
   * jobs run on the calling thread: no worker, and no second JavaScript heap, is needed.
   */
  jobsInMemory?: boolean;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** Called after each epoch with its stats and a function returning views of the current weights (valid while no job runs). */
  onEpochEnd?: (stats: EpochStats, snapshot: () => Weights) => void | Promise<void>;
}

/**
 * Fresh input vectors, uniform in ±1/dim as gensim 4 draws them (word2vec.c uses ±0.5/dim; gensim's
 * wider start measurably changes the vectors a 5-epoch run ends with, and we match gensim's
 * quality); output weights start at zero.
 */
function initialiseInputVectors(syn0: Float32Array, dim: number, seed: number): void {
  const rng = new Random(seed);
  for (let i = 0; i < syn0.length; i++) syn0[i] = (rng.next() * 2 - 1) / dim;
}

class Allocator {
  bytes = 0;
  take(n: number, align = 64): number {
    this.bytes = Math.ceil(this.bytes / align) * align;
    const at = this.bytes;
    this.bytes += n;
    return at;
  }
}

function jobSeed(seed: number, epoch: number, job: number): [number, number] {
  const rng = new Random(
    (Math.imul(seed, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca77) ^ Math.imul(job + 1, 0xc2b2ae3d)) >>> 0,
  );
  return [rng.nextUint32(), rng.nextUint32() | 1];
}

/**
 * Trains the epochs `startEpoch..epochs-1` and returns the final weights as views of the shared
 * memory (no copy: peak memory stays at one set of weights plus the tables).
 */
export async function runTraining(run: EngineRun): Promise<{ weights: Weights; history: EpochStats[] }> {
  const { options, vocab, signal } = run;
  const dim = options.vectorSize;
  const v = vocab.words.length;
  const threads = options.threads;
  // One thread over in-memory jobs: the kernel runs on this thread (gensim's workers=1 also trains
  // beside a producer; with nothing to produce, a worker would only add its isolate's memory).
  // Streamed corpora keep the worker, so that reading and tokenizing overlap with training.
  const inline = threads === 1 && run.jobsInMemory === true;
  const slotsPerThread = inline ? 1 : SLOTS_PER_THREAD;
  const tree = options.hs ? huffmanTree(vocab.counts) : null;

  // Layout of the shared memory (byte offsets). Address 0 is left unused.
  const a = new Allocator();
  a.take(64);
  const modelPtr = a.take(MODEL_FIELDS * 4);
  const expPtr = a.take(EXP_TABLE_SIZE * 4);
  const lossPtr = a.take((LOSS_TABLE_SIZE + 1) * 4);
  const aliasProbPtr = a.take(v * 4);
  const aliasIdxPtr = a.take(v * 4);
  const samplePtr = a.take(v * 4);
  const codeOffPtr = a.take(tree ? (v + 1) * 4 : 0);
  const codesPtr = a.take(tree ? tree.codes.length : 0);
  const pointsPtr = a.take(tree ? tree.points.length * 4 : 0);
  const syn0Ptr = a.take(v * dim * 4);
  const hasNeg = options.negative > 0;
  const hasHs = options.hs === 1;
  const syn1negPtr = a.take(hasNeg ? v * dim * 4 : 0);
  const syn1Ptr = a.take(hasHs ? Math.max(0, v - 1) * dim * 4 : 0);
  const slots: { jobPtr: number; wordsPtr: number; lensPtr: number; thread: number }[] = [];
  const slotScratch: {
    jobPtr: number;
    wordsPtr: number;
    lensPtr: number;
    senPtr: number;
    neu1Ptr: number;
    neu1ePtr: number;
  }[] = [];
  for (let t = 0; t < threads; t++) {
    const senPtr = a.take(JOB_WORDS * 4);
    const neu1Ptr = a.take(dim * 4);
    const neu1ePtr = a.take(dim * 4);
    for (let s = 0; s < slotsPerThread; s++) {
      const jobPtr = a.take(JOB_BYTES);
      const wordsPtr = a.take(JOB_WORDS * 4);
      const lensPtr = a.take(JOB_WORDS * 4);
      slots.push({ jobPtr, wordsPtr, lensPtr, thread: t });
      slotScratch.push({ jobPtr, wordsPtr, lensPtr, senPtr, neu1Ptr, neu1ePtr });
    }
  }
  const pages = Math.ceil(a.bytes / 65536);
  if (pages > 65536) {
    throw new UlasanError(
      'INVALID_ARGUMENT',
      `The Word2Vec model needs ${(a.bytes / 2 ** 30).toFixed(1)} GiB (${v} words × ${dim} dims), more than the 4 GiB a WebAssembly memory can hold. Lower vectorSize, raise minCount or set maxFinalVocab.`,
    );
  }
  const memory = new (wasmApi().Memory)({ initial: pages, maximum: pages, shared: true });
  const buf = memory.buffer as unknown as SharedArrayBuffer;
  const i32 = new Int32Array(buf);
  const u32 = new Uint32Array(buf);
  const f32 = new Float32Array(buf);
  const f64 = new Float64Array(buf);
  for (const s of slotScratch) {
    const j = s.jobPtr >> 2;
    i32[j] = s.wordsPtr;
    i32[j + 2] = s.lensPtr;
    i32[j + 4] = s.senPtr;
    i32[j + 5] = s.neu1Ptr;
    i32[j + 6] = s.neu1ePtr;
  }

  // Tables.
  for (let i = 0; i < EXP_TABLE_SIZE; i++) {
    const e = Math.exp(((i / EXP_TABLE_SIZE) * 2 - 1) * MAX_EXP);
    f32[(expPtr >> 2) + i] = e / (e + 1);
  }
  for (let i = 0; i <= LOSS_TABLE_SIZE; i++) {
    const z = (i / LOSS_TABLE_SIZE) * 2 * LOSS_MAX - LOSS_MAX;
    f32[(lossPtr >> 2) + i] = z < 0 ? z - Math.log1p(Math.exp(z)) : -Math.log1p(Math.exp(-z));
  }
  // Computed straight into the shared memory: no JavaScript copy of the per-word tables.
  aliasTable(
    vocab.counts,
    options.nsExponent,
    u32.subarray(aliasProbPtr >> 2, (aliasProbPtr >> 2) + v),
    i32.subarray(aliasIdxPtr >> 2, (aliasIdxPtr >> 2) + v),
  );
  subsampleThresholds(vocab.counts, options.sample, u32.subarray(samplePtr >> 2, (samplePtr >> 2) + v));
  if (tree) {
    i32.set(tree.offsets, codeOffPtr >> 2);
    new Uint8Array(buf).set(tree.codes, codesPtr);
    i32.set(tree.points, pointsPtr >> 2);
  }
  const views = (): Weights => ({
    syn0: f32.subarray(syn0Ptr >> 2, (syn0Ptr >> 2) + v * dim),
    syn1neg: hasNeg ? f32.subarray(syn1negPtr >> 2, (syn1negPtr >> 2) + v * dim) : null,
    syn1: hasHs ? f32.subarray(syn1Ptr >> 2, (syn1Ptr >> 2) + Math.max(0, v - 1) * dim) : null,
  });
  const live = views();
  if (typeof run.weights === 'function') {
    // Filled in place (e.g. read from a checkpoint file straight into the shared memory).
    await run.weights(live);
    run.weights = null;
  } else if (run.weights) {
    if (run.weights.syn0.length !== live.syn0.length)
      throw new UlasanError('SHAPE_MISMATCH', 'Word2Vec weights do not match the vocabulary.');
    live.syn0.set(run.weights.syn0);
    if (live.syn1neg && run.weights.syn1neg) live.syn1neg.set(run.weights.syn1neg);
    if (live.syn1 && run.weights.syn1) live.syn1.set(run.weights.syn1);
    run.weights = null;
  } else {
    initialiseInputVectors(live.syn0, dim, options.seed);
  }
  const m = modelPtr >> 2;
  const modelFields = [
    syn0Ptr,
    syn1negPtr,
    syn1Ptr,
    expPtr,
    lossPtr,
    aliasProbPtr,
    aliasIdxPtr,
    samplePtr,
    codeOffPtr,
    codesPtr,
    pointsPtr,
    v,
    dim,
    options.window,
    options.negative,
    options.hs,
    options.sg,
    options.cbowMean,
  ];
  i32.set(modelFields, m);

  const snapshot = views;

  const module = compileWasm(WORD2VEC_WASM_BASE64);
  const workers: Worker[] = [];
  let failure: unknown;
  let stopping = false;
  let wake: (() => void) | undefined;
  const freeSlots: number[] = [];
  const history: EpochStats[] = [];
  const totalWords = run.wordsPerEpoch * options.epochs;
  const alphaAt = (wordsDone: number) =>
    Math.max(options.minAlpha, options.alpha - (options.alpha - options.minAlpha) * (wordsDone / totalWords));

  // Per-epoch accumulators, updated when a worker reports a finished job.
  let epochLoss = 0;
  let epochPredictions = 0;
  let epochTrained = 0;
  let epochWords = 0;
  const slotWords = new Float64Array(slots.length);

  const onAbort = () => wake?.();
  const finished = (slot: number) => {
    const j = (slots[slot] as { jobPtr: number }).jobPtr;
    epochLoss += f64[(j + 48) >> 3] as number;
    epochPredictions += f64[(j + 56) >> 3] as number;
    epochTrained += f64[(j + 64) >> 3] as number;
    epochWords += slotWords[slot] as number;
    freeSlots.push(slot);
    wake?.();
  };
  let dispatch: (slot: number) => void;
  signal?.addEventListener('abort', onAbort);
  try {
    if (inline) {
      const trainJob = instantiateWasm<Word2VecKernelExports>(module, memory).train_job;
      dispatch = (slot) => {
        trainJob(modelPtr, (slots[slot] as { jobPtr: number }).jobPtr);
        finished(slot);
      };
    } else {
      for (let t = 0; t < threads; t++) {
        const worker = new Worker(WORKER_SOURCE, {
          eval: true,
          // The worker needs none of the parent's flags (loaders, --input-type...): faster start.
          execArgv: [],
          workerData: { module, memory, modelPtr },
          name: `ulasan-word2vec-${t}`,
        });
        worker.on('message', finished);
        worker.on('error', (error) => {
          failure ??= error;
          wake?.();
        });
        worker.on('exit', (code) => {
          if (code !== 0 && !stopping) {
            failure ??= new Error(`Word2Vec worker ${t} exited with code ${code}`);
            wake?.();
          }
        });
        workers.push(worker);
      }
      dispatch = (slot) => {
        const s = slots[slot] as { jobPtr: number; thread: number };
        (workers[s.thread] as Worker).postMessage({ slot, jobPtr: s.jobPtr });
      };
    }
    for (let i = 0; i < slots.length; i++) freeSlots.push(i);

    const waitFor = async (done: () => boolean) => {
      while (!done()) {
        if (failure)
          throw new UlasanError('NUMERICAL', `Word2Vec training failed in a worker: ${String(failure)}`, {
            cause: failure,
          });
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      if (failure)
        throw new UlasanError('NUMERICAL', `Word2Vec training failed in a worker: ${String(failure)}`, {
          cause: failure,
        });
    };

    const started = performance.now();
    let wordsBefore = run.wordsPerEpoch * run.startEpoch;
    let lastReport = 0;
    let lastYield = performance.now();
    const report = (epoch: number, final: boolean) => {
      const now = performance.now();
      if (!run.onProgress || (!final && now - lastReport < 100)) return;
      lastReport = now;
      const done = wordsBefore + epochWords;
      const elapsed = (now - started) / 1000;
      const trainedSoFar = done - run.wordsPerEpoch * run.startEpoch;
      const rate = elapsed > 0 ? trainedSoFar / elapsed : 0;
      run.onProgress({
        task: 'word2vec',
        done: Math.round(done),
        total: Math.round(totalWords),
        etaSeconds: rate > 0 ? Math.max(0, totalWords - done) / rate : undefined,
        info: {
          epoch: epoch + 1,
          'words/s': Math.round(rate),
          alpha: alphaAt(done),
          ...(epochPredictions > 0 ? { loss: epochLoss / epochPredictions } : {}),
        },
      });
    };

    for (let epoch = run.startEpoch; epoch < options.epochs; epoch++) {
      const epochStart = performance.now();
      epochLoss = 0;
      epochPredictions = 0;
      epochTrained = 0;
      epochWords = 0;
      let posted = 0;
      let jobIndex = 0;
      for await (const job of run.jobs(epoch)) {
        if (job.nWords === 0) continue;
        await waitFor(() => freeSlots.length > 0 || signal?.aborted === true);
        if (signal?.aborted) break;
        const slot = freeSlots.shift() as number;
        const s = slots[slot]!;
        i32.set(job.ids.subarray(0, job.nWords), s.wordsPtr >> 2);
        i32.set(job.lens.subarray(0, job.nSent), s.lensPtr >> 2);
        const j = s.jobPtr >> 2;
        i32[j + 1] = job.nWords;
        i32[j + 3] = job.nSent;
        f32[j + 7] = alphaAt(wordsBefore + posted);
        f32[j + 8] = alphaAt(wordsBefore + posted + job.nWords);
        const [lo, hi] = jobSeed(options.seed, epoch, jobIndex++);
        u32[j + 9] = lo;
        u32[j + 10] = hi;
        slotWords[slot] = job.nWords;
        posted += job.nWords;
        dispatch(slot);
        report(epoch, false);
        if (inline && performance.now() - lastYield >= INLINE_YIELD_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
      }
      await waitFor(() => freeSlots.length === slots.length);
      if (signal?.aborted) throw new AbortError('Word2Vec training');
      if (epochPredictions === 0 && posted === 0) {
        throw new UlasanError(
          'INVALID_DATA',
          `Epoch ${epoch + 1} of Word2Vec training saw no in-vocabulary words: the corpus changed between passes or is empty.`,
        );
      }
      report(epoch, true);
      wordsBefore += epochWords;
      const seconds = (performance.now() - epochStart) / 1000;
      const stats: EpochStats = {
        epoch,
        loss: epochPredictions > 0 ? epochLoss / epochPredictions : Number.NaN,
        predictions: epochPredictions,
        words: epochWords,
        trainedWords: epochTrained,
        seconds,
        wordsPerSecond: seconds > 0 ? epochWords / seconds : 0,
        alpha: alphaAt(wordsBefore),
      };
      history.push(stats);
      await run.onEpochEnd?.(stats, snapshot);
      if (signal?.aborted) throw new AbortError('Word2Vec training');
    }
    return { weights: snapshot(), history };
  } finally {
    stopping = true;
    signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
