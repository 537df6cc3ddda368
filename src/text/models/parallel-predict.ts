/**
 * Batch inference on several cores: the chunks of a text stream are labeled by the calling thread
 * and by worker threads that each load the same saved model, and the predictions come back in
 * input order. Each chunk is labeled by one model copy with the same code, so the output is the
 * same as one thread's, byte for byte (`tests/text/parallel-predict.test.ts`).
 *
 * Used for models whose inference is JavaScript (classic, trees, lexicon, ensembles: the shipped
 * model). Deep models stay on one thread here: their fused kernels already use every core, and a
 * TensorFlow.js engine per thread would cost more than it gives.
 */
import { isMainThread, parentPort, type Worker, workerData } from 'node:worker_threads';
import { kernelThreads } from '../../backend/threads.js';
import type { Label } from '../../core/classifier.js';
import { argmax } from '../../internal/argmax.js';
import { UlasanError } from '../../internal/errors.js';
import { startModuleThread, threadEntry } from '../../internal/module-thread.js';
import { DeepTextClassifier, predictTextStream } from './deep/deep-text-classifier.js';
import { loadTextClassifier } from './registry.js';
import type { TextClassifier } from './text-classifier.js';

const THREAD_FLAG = 'ulasanPredictThread';

/** Options of {@link predictTextStreamParallel}. */
export interface ParallelPredictOptions {
  /** Texts per chunk (one chunk is one thread's unit of work); default 512. */
  chunkSize?: number;
  /**
   * Threads, the calling one included; default: `ULASAN_THREADS`, else the cores (at most 4), the
   * setting of `setKernelThreads`. 1 = no worker threads.
   */
  threads?: number;
}

/** One prediction. */
export interface StreamedPrediction {
  text: string;
  label: Label;
  probabilities: number[];
}

interface ChunkReply {
  id: number;
  probabilities?: number[][];
  error?: string;
}

/** A worker thread holding one copy of the model. */
class PredictThread {
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private readonly waiting = new Map<number, { resolve: (p: number[][]) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;

  constructor(modelDir: string) {
    const entry = threadEntry(import.meta.url, typeof __filename === 'string' ? __filename : undefined);
    this.worker = startModuleThread(entry, { [THREAD_FLAG]: true, modelDir });
    this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.once('message', (m: { ready?: boolean; error?: string }) =>
        m.ready
          ? resolve()
          : reject(new UlasanError('FILE_FORMAT', `a predict thread could not load the model: ${m.error}`)),
      );
    });
    this.ready.catch(() => {});
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`a predict thread exited (code ${code})`)));
  }

  async predict(id: number, texts: string[]): Promise<number[][]> {
    await this.ready;
    if (this.failure) throw this.failure;
    if (this.waiting.size === 0) {
      this.worker.on('message', this.onMessage);
      this.worker.ref();
    }
    return new Promise<number[][]>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, texts });
    });
  }

  private readonly onMessage = (m: ChunkReply) => {
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    if (this.waiting.size === 0) {
      this.worker.off('message', this.onMessage);
      this.worker.unref();
    }
    if (m.error !== undefined) w.reject(new UlasanError('INVALID_DATA', m.error));
    else w.resolve(m.probabilities as number[][]);
  };

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * Like `predictTextStream`, with the chunks spread over `threads` threads (each worker thread loads
 * the model saved in `modelDir`; `model` is the calling thread's copy of it). At most two chunks
 * per thread are in flight, so memory stays bounded however long the input is.
 *
 * @example
 * ```ts
 * const model = await loadTextClassifier('models/sentiment');
 * for await (const r of predictTextStreamParallel(model, 'models/sentiment', lines)) console.log(r.label);
 * ```
 */
export async function* predictTextStreamParallel(
  model: TextClassifier,
  modelDir: string,
  texts: AsyncIterable<string> | Iterable<string>,
  options: ParallelPredictOptions = {},
): AsyncGenerator<StreamedPrediction> {
  const chunkSize = options.chunkSize ?? 512;
  const threads = options.threads ?? kernelThreads();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new UlasanError('INVALID_ARGUMENT', `threads must be a whole number ≥ 1, got ${threads}.`);
  }
  if (threads === 1 || model instanceof DeepTextClassifier) {
    yield* predictTextStream(model, texts, { chunkSize });
    return;
  }
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new UlasanError('INVALID_ARGUMENT', `chunkSize must be a positive integer, got ${chunkSize}.`);
  }
  // Chunk i goes to the calling thread when i % threads === 0, else to helper (i % threads) - 1,
  // started when its first chunk comes (a short input never pays for loading the model twice).
  const helpers: PredictThread[] = [];
  const label = (i: number, chunk: string[]): Promise<number[][]> => {
    if (i % threads === 0) return model.predictProba(chunk);
    const h = (i % threads) - 1;
    helpers[h] ??= new PredictThread(modelDir);
    return helpers[h].predict(i, chunk);
  };
  const inFlight: { chunk: string[]; probabilities: Promise<number[][]> }[] = [];
  const classes = model.classes;
  const emit = async function* () {
    const { chunk, probabilities } = inFlight.shift() as (typeof inFlight)[number];
    const rows = await probabilities;
    for (let k = 0; k < chunk.length; k++) {
      const row = rows[k] as number[];
      yield { text: chunk[k] as string, label: classes[argmax(row)] as Label, probabilities: row };
    }
  };
  try {
    let next = 0;
    let chunk: string[] = [];
    const submit = () => {
      const probabilities = label(next++, chunk);
      probabilities.catch(() => {}); // awaited in order by emit
      inFlight.push({ chunk, probabilities });
      chunk = [];
    };
    for await (const text of texts as AsyncIterable<string>) {
      chunk.push(text);
      if (chunk.length < chunkSize) continue;
      submit();
      if (inFlight.length >= 2 * threads) yield* emit();
    }
    if (chunk.length > 0) submit();
    while (inFlight.length > 0) yield* emit();
  } finally {
    await Promise.all(helpers.map((h) => h.terminate()));
  }
}

/** The thread side: load the model once, then label the chunks the caller sends. */
async function threadMain(): Promise<void> {
  const port = parentPort as NonNullable<typeof parentPort>;
  const { modelDir } = workerData as { modelDir: string };
  try {
    const model = await loadTextClassifier(modelDir);
    port.on('message', (m: { id: number; texts: string[] }) => {
      model.predictProba(m.texts).then(
        (probabilities) => port.postMessage({ id: m.id, probabilities } satisfies ChunkReply),
        (error: unknown) =>
          port.postMessage({
            id: m.id,
            error: error instanceof Error ? error.message : String(error),
          } satisfies ChunkReply),
      );
    });
    port.postMessage({ ready: true });
  } catch (error) {
    port.postMessage({ ready: false, error: error instanceof Error ? error.message : String(error) });
  }
}

// Worker-thread entry: this module started as a predict thread (never on import otherwise).
if (!isMainThread && (workerData as Record<string, unknown> | null)?.[THREAD_FLAG] === true) void threadMain();

/**
 * A `predictProba` over {@link predictTextStreamParallel}: the probabilities of `model` (saved in
 * `modelDir`) for a whole array of texts, labeled on `options.threads` threads, rows in input order
 * and equal to `model.predictProba`'s. For `evaluate`'s `predictProba` option.
 *
 * @example
 * ```ts
 * const model = await loadTextClassifier('models/sentiment');
 * const report = await model.evaluate(texts, labels, { predictProba: parallelPredictProba(model, 'models/sentiment') });
 * ```
 */
export function parallelPredictProba(
  model: TextClassifier,
  modelDir: string,
  options: ParallelPredictOptions = {},
): (texts: string[]) => Promise<number[][]> {
  // A deep model's kernels already use the cores; its own predictProba is the one pass.
  if (model instanceof DeepTextClassifier || (options.threads ?? kernelThreads()) === 1) {
    return (texts) => model.predictProba(texts);
  }
  return async (texts) => {
    const rows: number[][] = [];
    for await (const p of predictTextStreamParallel(model, modelDir, texts, options)) rows.push(p.probabilities);
    return rows;
  };
}
