/**
 * Batch labeling on a BullMQ queue: the coordinator streams a large input (one text per line, TSV
 * or JSONL, read line by line and never wholly in memory), cuts it into chunk jobs, keeps a bounded
 * window of them in Redis, and yields the predictions in input order as the workers return them.
 * The model's files travel through Redis once (workers need no shared folder), and each worker
 * predicts with the same streaming code as a local `ulasan predict`.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import type { Classifier, Label, PersistableClassifier } from '../../core/classifier.js';
import { streamDelimited } from '../../data/csv.js';
import { UlasanError } from '../../internal/errors.js';
import { stableHash } from '../../internal/hash.js';
import { DEFAULT_QUEUE_NAME, loadBullMQ, payloadKey, type QueueConnection, redisOptions } from './bullmq.js';
import type { QueueJobHandler } from './queue-worker.js';

/**
 * Tries per chunk: labeling a chunk is idempotent, so a chunk whose worker died or whose lease
 * expired under load (BullMQ moves it to failed) is labeled again by a worker before the whole
 * batch is given up.
 */
const CHUNK_ATTEMPTS = 3;

/** Options of {@link predictOnQueue}. */
export interface QueuePredictOptions {
  /** The Redis server: `redis://HOST:6379`. */
  connection: QueueConnection;
  /** Queue name (default `ulasan`), the workers'. */
  queueName?: string;
  /** Texts per job; default 2000. */
  chunkSize?: number;
  /** Texts per inference batch on the worker; default 512. */
  batchSize?: number;
  /** Chunks in Redis at once (bounds the coordinator's and Redis' memory); default 16. */
  window?: number;
  /** How often the coordinator looks at its jobs, in ms; default 250. */
  pollMs?: number;
  /** Stops enqueuing and takes back the chunks no worker started. */
  signal?: AbortSignal;
}

/** One prediction, as `predictTextStream` yields it. */
export interface QueuePrediction {
  /** The input text. */
  text: string;
  /** The predicted label. */
  label: Label;
  /** One probability per class, in the model's `classes` order. */
  probabilities: number[];
}

interface ChunkResult {
  worker: string;
  labels: Label[];
  probabilities: number[][];
}

/**
 * Labels `texts` with the model saved in `modelDir` on queue workers, yielding the predictions in
 * input order. Needs the optional package `bullmq` and at least one `ulasan worker` on the queue.
 *
 * @example
 * ```ts
 * import { predictOnQueue, streamTexts } from 'ulasan/experiments';
 * for await (const p of predictOnQueue('models/nb', streamTexts('reviews.jsonl'), { connection: 'redis://127.0.0.1:6379' }))
 *   console.log(p.label, p.text);
 * ```
 */
export async function* predictOnQueue(
  modelDir: string,
  texts: AsyncIterable<string> | Iterable<string>,
  options: QueuePredictOptions,
): AsyncGenerator<QueuePrediction> {
  const chunkSize = options.chunkSize ?? 2000;
  const window = options.window ?? 16;
  for (const [name, v] of [
    ['chunkSize', chunkSize],
    ['window', window],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new UlasanError('INVALID_ARGUMENT', `${name} must be a whole number ≥ 1, got ${v}.`);
  }
  const { Queue } = await loadBullMQ('batch labeling on a queue (ulasan predict --queue)');
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const queue = new Queue(queueName, { connection: redisOptions(options.connection) });
  const files = await readModelFiles(modelDir);
  const modelHash = stableHash(files).slice(0, 16);
  const runId = `${modelHash}-${Date.now().toString(36)}-${process.pid}`;
  const client = await queue.client;
  const modelKey = payloadKey(queueName, 'model', modelHash);
  try {
    await client.set(modelKey, JSON.stringify(files));
    const inFlight = new Map<number, string[]>(); // chunk index → its texts (kept for the output)
    let next = 0; // next chunk to enqueue
    let emit = 0; // next chunk to yield
    const iterator = (
      Symbol.asyncIterator in Object(texts)
        ? (texts as AsyncIterable<string>)[Symbol.asyncIterator]()
        : (texts as Iterable<string>)[Symbol.iterator]()
    ) as AsyncIterator<string> | Iterator<string>;
    let exhausted = false;
    const jobId = (i: number) => `predict-${runId}-${i}`;
    const fill = async () => {
      while (!exhausted && inFlight.size < window) {
        const chunk: string[] = [];
        while (chunk.length < chunkSize) {
          const r = await iterator.next();
          if (r.done) {
            exhausted = true;
            break;
          }
          chunk.push(r.value);
        }
        if (chunk.length === 0) break;
        await queue.add(
          'predict',
          { modelHash, texts: chunk, batchSize: options.batchSize ?? 512, name: `chunk ${next}` },
          { jobId: jobId(next), attempts: CHUNK_ATTEMPTS, removeOnComplete: false, removeOnFail: false },
        );
        inFlight.set(next, chunk);
        next++;
      }
    };
    await fill();
    while (inFlight.size > 0) {
      if (options.signal?.aborted) {
        for (const i of inFlight.keys()) {
          const job = await queue.getJob(jobId(i)).catch(() => undefined);
          if (job && (await job.getState()) !== 'active') await job.remove().catch(() => {});
        }
        return;
      }
      let job = await queue.getJob(jobId(emit)).catch(() => undefined);
      const state = job ? await job.getState().catch(() => 'unknown') : 'missing';
      // The job was read before its state: one that completed in between has no return value in
      // that copy yet, so read it again once it says completed (and poll on if it still has none).
      if (job && state === 'completed' && job.returnvalue == null) {
        job = await queue.getJob(jobId(emit)).catch(() => undefined);
      }
      const value = job?.returnvalue as ChunkResult | null | undefined;
      if (job && state === 'completed' && value != null) {
        const chunk = inFlight.get(emit) as string[];
        for (let i = 0; i < chunk.length; i++) {
          yield {
            text: chunk[i] as string,
            label: value.labels[i] as Label,
            probabilities: value.probabilities[i] as number[],
          };
        }
        inFlight.delete(emit);
        await job.remove().catch(() => {});
        emit++;
        await fill();
        continue;
      }
      if (job && state === 'failed') {
        throw new UlasanError(
          'INVALID_DATA',
          `labeling chunk ${emit} failed on its worker: ${job.failedReason ?? 'unknown error'}`,
        );
      }
      if (state === 'missing') {
        // Lost with a Redis that restarted without its append-only file: enqueue it again.
        await queue.add(
          'predict',
          { modelHash, texts: inFlight.get(emit), batchSize: options.batchSize ?? 512, name: `chunk ${emit}` },
          { jobId: jobId(emit), attempts: CHUNK_ATTEMPTS, removeOnComplete: false, removeOnFail: false },
        );
      }
      await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
    }
  } finally {
    await client.del(modelKey).catch(() => 0);
    await queue.close();
  }
}

/** Every file of a saved model directory, base64, by relative path. */
async function readModelFiles(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const entry of await fs.readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out[relative(dir, path)] = (await fs.readFile(path)).toString('base64');
    }
  };
  try {
    await walk(dir);
  } catch (error) {
    throw new UlasanError('FILE_NOT_FOUND', `model directory ${dir} cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return out;
}

/**
 * How a queue worker labels texts with a published model: loads the model directory once per model
 * and streams predictions in chunks. The text models' is `textQueueLabeler` (`ulasan/text`), which
 * the CLI's `worker` and `runQueueWorker` from `ulasan/experiments` use by default.
 *
 * @example
 * ```ts
 * const labeler: QueueLabeler = {
 *   load: (dir) => loadTextClassifier(dir),
 *   label: (model, texts, batchSize) => predictTextStream(model, texts, { chunkSize: batchSize }),
 * };
 * await runQueueWorker({ connection: 'redis://127.0.0.1:6379', labeler });
 * ```
 */
export interface QueueLabeler {
  /** Loads a saved model directory. */
  load(dir: string): Promise<unknown>;
  /** Labels texts with a loaded model, in order. */
  label(model: unknown, texts: string[], batchSize: number): AsyncIterable<{ label: Label; probabilities: number[] }>;
}

/** The worker side of a `predict` job, labeling with `labeler`. Internal. */
export function createPredictJobHandler(labeler: QueueLabeler): QueueJobHandler {
  const models = new Map<string, Promise<unknown>>();
  return async (job, { client, queueName, worker }) => {
    const modelHash = String(job.data.modelHash);
    let model = models.get(modelHash);
    if (!model) {
      model = (async () => {
        const text = await client.get(payloadKey(queueName, 'model', modelHash));
        if (!text)
          throw new UlasanError(
            'CONFIG',
            `model ${modelHash} is not published on queue ${queueName} (its coordinator stopped).`,
          );
        const dir = join(tmpdir(), 'ulasan-worker', `model-${modelHash}-${process.pid}`);
        for (const [rel, b64] of Object.entries(JSON.parse(text) as Record<string, string>)) {
          const path = join(dir, rel);
          await fs.mkdir(join(path, '..'), { recursive: true });
          await fs.writeFile(path, Buffer.from(b64, 'base64'));
        }
        return labeler.load(dir);
      })();
      model.catch(() => models.delete(modelHash));
      if (models.size >= 2) models.delete(models.keys().next().value as string);
      models.set(modelHash, model);
    }
    const texts = job.data.texts as string[];
    const labels: Label[] = [];
    const probabilities: number[][] = [];
    const loaded = await model;
    for await (const r of labeler.label(loaded, texts, Number(job.data.batchSize) || 512)) {
      labels.push(r.label);
      probabilities.push(r.probabilities);
    }
    return { worker, labels, probabilities } satisfies ChunkResult;
  };
}

/**
 * A self-training pool scorer (`selfTrain`'s `scorePool`, `ulasan ssl --queue`) that labels the
 * pool on queue workers: each iteration's classifier is saved to a temporary folder and sent with
 * the pool in chunks, exactly as {@link predictOnQueue} does, and the probabilities come back in
 * pool order. The workers compute what `predictProba` computes here, so the loop's results do not
 * change; the coordinator keeps the training, the workers take the pool's inference.
 *
 * @example
 * ```ts
 * import { selfTrain } from 'ulasan/ssl';
 * import { queuePoolScorer } from 'ulasan/experiments';
 * await selfTrain({ classifier, labeled, unlabeled, scorePool: queuePoolScorer({ connection: 'redis://10.0.0.5:6379' }) });
 * ```
 */
export function queuePoolScorer(
  options: QueuePredictOptions,
): (classifier: Classifier<string>, inputs: string[], signal?: AbortSignal) => Promise<number[][]> {
  return async (classifier, inputs, signal) => {
    const save = (classifier as Partial<PersistableClassifier<string>>).save;
    if (typeof save !== 'function') {
      throw new UlasanError(
        'INVALID_ARGUMENT',
        'Scoring the pool on a queue needs a classifier with save(dir): the workers load it from its files. Use a built-in text classifier, or score the pool locally.',
      );
    }
    const dir = await fs.mkdtemp(join(tmpdir(), 'ulasan-ssl-pool-'));
    try {
      await save.call(classifier, dir);
      const rows: number[][] = [];
      const run = { ...options, ...(signal ? { signal } : {}) };
      for await (const p of predictOnQueue(dir, inputs, run)) rows.push(p.probabilities);
      return rows;
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  };
}

/** Options of {@link streamTexts}. */
export interface StreamTextsOptions {
  /** `jsonl`, `csv`, `tsv` or `lines`; default from the extension (`.jsonl`/`.ndjson`, `.csv`, `.tsv`/`.tab`, else lines). */
  format?: 'jsonl' | 'csv' | 'tsv' | 'lines';
  /** JSONL: the text field (default `text`); CSV/TSV: a column index or a header name (default: a header column named `text`, else column 0). */
  textColumn?: string | number;
}

/**
 * Reads the texts of a large file as a stream (never the whole file in memory): JSONL (a field),
 * CSV or TSV (a column, with the quoting rules of every other reader, `src/data/csv.ts`; a header
 * line is used when `textColumn` is a name or a column is named `text`) or one text per line.
 *
 * @example
 * ```ts
 * for await (const text of streamTexts('reviews.tsv', { textColumn: 0 })) console.log(text);
 * ```
 */
export async function* streamTexts(path: string, options: StreamTextsOptions = {}): AsyncGenerator<string> {
  const ext = extname(path).toLowerCase();
  const format =
    options.format ??
    (ext === '.jsonl' || ext === '.ndjson'
      ? 'jsonl'
      : ext === '.csv'
        ? 'csv'
        : ext === '.tsv' || ext === '.tab'
          ? 'tsv'
          : 'lines');
  if (format === 'csv' || format === 'tsv') {
    yield* delimitedTexts(path, format === 'csv' ? ',' : '\t', options.textColumn);
    return;
  }
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    if (format === 'lines') yield line;
    else {
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(line) as Record<string, unknown>;
      } catch (error) {
        throw new UlasanError('FILE_FORMAT', `${path}, line ${n} is not valid JSON.`, { cause: error });
      }
      const key = options.textColumn === undefined ? 'text' : String(options.textColumn);
      const text = row[key];
      if (typeof text !== 'string') {
        throw new UlasanError(
          'FILE_FORMAT',
          `${path}, line ${n} has no string field "${key}" (choose the field with --text-col).`,
        );
      }
      yield text;
    }
  }
}

/** The text column of a CSV/TSV file, streamed record by record. */
async function* delimitedTexts(
  path: string,
  delimiter: string,
  textColumn: string | number | undefined,
): AsyncGenerator<string> {
  let column: number | undefined =
    typeof textColumn === 'number' || (typeof textColumn === 'string' && /^\d+$/.test(textColumn))
      ? Number(textColumn)
      : undefined;
  for await (const { fields, line } of streamDelimited(createReadStream(path), delimiter, path)) {
    if (column === undefined) {
      const named = (name: string) => fields.findIndex((c) => c.trim().toLowerCase() === name.toLowerCase());
      if (typeof textColumn === 'string') {
        column = named(textColumn);
        if (column < 0) {
          throw new UlasanError(
            'FILE_FORMAT',
            `${path}: the header line has no column "${textColumn}" (it has ${fields.join(', ')}).`,
          );
        }
        continue; // the header line
      }
      column = named('text');
      if (column >= 0) continue; // a header line naming the text column
      column = 0;
    }
    const text = fields[column];
    if (text === undefined) throw new UlasanError('FILE_FORMAT', `${path}, line ${line} has no column ${column}.`);
    yield text;
  }
}
