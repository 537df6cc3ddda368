/**
 * `ulasan predict --queue`: the labeling of a large input on queue workers. CSV and TSV files are
 * streamed record by record here (the local reader reads delimited files whole); lines and JSONL
 * come from the usual reader, which already streams. Predictions come back in input order.
 */
import { extname } from 'node:path';
import type { CommandContext } from './command.js';

/** Options of {@link queuePredictions}. */
export interface QueuePredictionsOptions {
  /** The saved model's folder. */
  model: string;
  /** Redis URL. */
  connection: string;
  /** Texts per inference batch on the worker. */
  batchSize: number;
  /** The usual text reader (lines, JSONL, stdin). */
  readTexts: () => Promise<AsyncIterable<string> | Iterable<string>>;
}

/** The predictions of `ulasan predict --queue`, in input order. */
export async function* queuePredictions(ctx: CommandContext, options: QueuePredictionsOptions) {
  const { predictOnQueue, streamTexts } = await import('../experiments/executors/queue-predict.js');
  const path = typeof ctx.values.data === 'string' ? ctx.values.data : '-';
  const format = ctx.values['input-format'];
  const ext = extname(path).toLowerCase();
  const auto = (format ?? 'auto') === 'auto';
  const delimited =
    path === '-'
      ? undefined
      : format === 'tsv' || format === 'smsa' || (auto && ['.tsv', '.tab'].includes(ext))
        ? 'tsv'
        : format === 'csv' || (auto && ext === '.csv')
          ? 'csv'
          : undefined;
  const textCol = ctx.values['text-col'];
  const textColumn = typeof textCol === 'string' ? (/^\d+$/.test(textCol) ? Number(textCol) : textCol) : undefined;
  const texts = delimited
    ? streamTexts(path, { format: delimited, ...(textColumn !== undefined ? { textColumn } : {}) })
    : await options.readTexts();
  const chunk = ctx.values['chunk-size'];
  yield* predictOnQueue(options.model, texts, {
    connection: options.connection,
    ...(typeof ctx.values['queue-name'] === 'string' ? { queueName: ctx.values['queue-name'] } : {}),
    ...(typeof chunk === 'string' ? { chunkSize: Number(chunk) } : {}),
    batchSize: options.batchSize,
    signal: ctx.signal,
  });
}
