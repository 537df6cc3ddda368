/**
 * `ulasan predict`: labels texts with a saved model, streaming (constant memory) from a file or
 * stdin, one output line per text as TSV (`label<TAB>p(class1)...<TAB>text`) or JSONL.
 */
import { type Command, type CommandContext, requireString, UsageError } from '../command.js';
import { parseTextInputFormat, readTexts } from '../text-input.js';
import { DATA_OPTIONS } from './train.js';

/** `ulasan predict`. */
export const predictCommand: Command = {
  name: 'predict',
  summary: 'Label texts with a saved model (file or stdin → TSV or JSONL on stdout)',
  help: `Usage: ulasan predict [--model DIR] [--data FILE] [--format tsv|jsonl]

Reads texts from --data (a data file with a text column; labels are not needed) or, without
--data (or with --data -), one text per line from stdin, and writes one line per text:
  tsv (default):  label<TAB>P(class 1)<TAB>...<TAB>text, after a header line
  jsonl:          {"text": ..., "label": ..., "probabilities": {class: p, ...}}

Options:
  --model DIR          a directory written by "ulasan train" or model.save() (default: the shipped
                       Indonesian model, resources/models/sentiment-id)
  --data FILE          input file, "-" for stdin (default: stdin, one text per line)
  --format F           output format: tsv (default) | jsonl   (--json is a shorthand for jsonl)
  --input-format F     auto (default: by extension; .txt, other files and stdin are lines) |
                       lines | jsonl | csv | tsv | smsa | emot. The input must be UTF-8; a malformed
                       line or row is an error naming the line (nothing is guessed).
  --text-col C         text column of the input file, by name or 0-based index
  --batch-size N       texts per inference batch (default 512); batches of classic models are
                       labeled on all cores (ULASAN_THREADS=N sets how many; same output)
  --backend B          compute backend for deep models
  --queue URL          label on "ulasan worker" processes through Redis (redis://HOST:PORT): the
                       input is streamed into chunk jobs, output keeps the input order (docs/distributed.md)
  --queue-name Q       queue name (default ulasan)
  --chunk-size N       texts per queue job (default 2000)`,
  options: {
    model: { type: 'string' },
    data: { type: 'string' },
    format: { type: 'string' },
    'input-format': { type: 'string' },
    'text-col': DATA_OPTIONS['text-col'],
    'batch-size': { type: 'string' },
    backend: { type: 'string' },
    queue: { type: 'string' },
    'queue-name': { type: 'string' },
    'chunk-size': { type: 'string' },
  },
  numbers: { 'batch-size': { integer: true, min: 1 }, 'chunk-size': { integer: true, min: 1 } },
  async run(ctx) {
    // No --model: the Indonesian model shipped in the package.
    const dir =
      typeof ctx.values.model === 'string'
        ? requireString(ctx, 'model')
        : (await import('../../text/models/pretrained.js')).pretrainedModelPath();
    const outFormat = typeof ctx.values.format === 'string' ? ctx.values.format : ctx.json ? 'jsonl' : 'tsv';
    if (outFormat !== 'tsv' && outFormat !== 'jsonl') {
      throw new UsageError(
        `--format expects tsv or jsonl (the output format; use --input-format for the input file), got "${outFormat}"`,
      );
    }
    const batch = ctx.values['batch-size'] === undefined ? 512 : Number(ctx.values['batch-size']);
    const inputFormat = parseTextInputFormat(ctx.values['input-format']);
    const { useBackend } = await import('../../backend/backends.js');
    if (typeof ctx.values.backend === 'string') await useBackend(ctx.values.backend);
    const { loadTextClassifier } = await import('../../text/models/registry.js');
    const { predictTextStreamParallel } = await import('../../text/models/parallel-predict.js');
    const model = await loadTextClassifier(dir);
    const classes = model.classes.map(String);
    const predictions =
      typeof ctx.values.queue === 'string'
        ? (await import('../predict-queue.js')).queuePredictions(ctx, {
            model: dir,
            connection: ctx.values.queue,
            batchSize: batch,
            readTexts: () => inputTexts(ctx, inputFormat),
          })
        : predictTextStreamParallel(model, dir, await inputTexts(ctx, inputFormat), { chunkSize: batch });
    if (outFormat === 'tsv') ctx.out(`label\t${classes.map((c) => `p_${c}`).join('\t')}\ttext\n`);
    let n = 0;
    for await (const r of predictions) {
      if (outFormat === 'tsv') {
        ctx.out(
          `${String(r.label)}\t${r.probabilities.map((p) => p.toFixed(6)).join('\t')}\t${r.text.replace(/[\t\r\n]+/g, ' ')}\n`,
        );
      } else {
        const probabilities: Record<string, number> = {};
        classes.forEach((c, i) => {
          probabilities[c] = r.probabilities[i] as number;
        });
        ctx.out(`${JSON.stringify({ text: r.text, label: r.label, probabilities })}\n`);
      }
      n++;
      if (ctx.signal.aborted) break;
    }
    if (ctx.verbose) ctx.log(`predicted ${n} texts`);
    return 0;
  },
};

async function inputTexts(ctx: CommandContext, format: ReturnType<typeof parseTextInputFormat>) {
  const path = typeof ctx.values.data === 'string' ? ctx.values.data : '-';
  const textCol = ctx.values['text-col'];
  const textColumn = typeof textCol === 'string' ? (/^\d+$/.test(textCol) ? Number(textCol) : textCol) : undefined;
  return readTexts(ctx, path, { format, textColumn });
}
