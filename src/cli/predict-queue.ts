/**
 * `ulasan predict --queue`: the labeling of a large input on queue workers. TSV inputs are streamed
 * line by line here (the local reader reads delimited files whole); lines and JSONL come from the
 * usual reader, which already streams. Predictions come back in input order.
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
  /** The usual text reader (lines, JSONL, CSV). */
  readTexts: () => Promise<AsyncIterable<string> | Iterable<string>>;
}

/** The predictions of `ulasan predict --queue`, in input order. */
export async function* queuePredictions(ctx: CommandContext, options: QueuePredictionsOptions) {
  const { predictOnQueue, streamTexts } = await import('../experiments/executors/queue-predict.js');
  const path = typeof ctx.values.data === 'string' ? ctx.values.data : '-';
  const format = ctx.values['input-format'];
  const tsv =
    path !== '-' &&
    (format === 'tsv' ||
      format === 'smsa' ||
      ((format ?? 'auto') === 'auto' && ['.tsv', '.tab'].includes(extname(path).toLowerCase())));
  const textCol = ctx.values['text-col'];
  const textColumn = typeof textCol === 'string' ? (/^\d+$/.test(textCol) ? Number(textCol) : textCol) : undefined;
  const texts = tsv
    ? streamTexts(path, { format: 'tsv', ...(textColumn !== undefined ? { textColumn } : {}) })
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
