/**
 * `ulasan ssl`: self-training (pseudo-labeling) from a labeled file and an unlabeled pool, with any
 * text classifier kind. When the pool file carries labels they are hidden from training and used
 * only to score the pseudo-labels.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Label } from '../../core/classifier.js';
import { writeFileAtomic, writeJsonAtomic } from '../../internal/atomic-fs.js';
import { UlasanError } from '../../internal/errors.js';
import { type Command, type CommandContext, optionalNumber, requireString, UsageError } from '../command.js';
import { createProgressBar } from '../progress-bar.js';
import { DATA_HELP, DATA_OPTIONS, parseClassWeight, readLabelledData } from './train.js';

const KINDS = ['nb', 'logreg', 'svm', 'lstm', 'gru', 'bilstm', 'cnn-lstm'];
const DEEP = ['lstm', 'gru', 'bilstm', 'cnn-lstm'];

/** `ulasan ssl`. */
export const sslCommand: Command = {
  name: 'ssl',
  summary: 'Pseudo-label an unlabeled pool by self-training (seeds 001/003), reporting how well it labeled',
  help: `Usage: ulasan ssl --labeled FILE --unlabeled FILE --model KIND --out DIR [options]

Trains on the labeled file, lets the model label the pool where it is confident, adds those labels,
and repeats. If the unlabeled file has a label column, those labels are hidden from training and
used only to score the pseudo-labels (labelingAccuracy). A .txt pool is read as one text per line.

Required:
  --labeled FILE       labeled data (SmSA TSV, EmoT CSV, CSV/TSV with header, JSONL)
  --unlabeled FILE     the pool (same formats, or .txt with one text per line)
  --model KIND         ${KINDS.join(' | ')}
  --out DIR            model, pseudo-labels.tsv, ssl-report.json and the resumable state

Selection:
  --threshold X        confidence threshold in (0, 1] (default 0.9)
  --confidence M       max (default) | margin | entropy
  --balance            class-balanced quotas from the labeled class prior
  --top-k N            at most N pseudo-labels per iteration
  --until-exhausted    lower the threshold and fall back to top-k until the pool is empty
  --min-threshold X    floor for --until-exhausted (default 0.5)
  --max-iterations N   default 10 (50 with --until-exhausted)
  --pseudo-weight X    weight of pseudo-labels relative to human labels (default 1)

Other:
  --valid FILE         held-out data: scored every iteration; the best iteration's labels are kept
${DATA_HELP}
  --class-weight W     balanced | label=weight,...
  --epochs N --batch-size N --max-len N --embeddings FILE   (deep kinds)
  --seed N             default 42
  --backend B          compute backend for deep kinds

--json prints { labelingAccuracy, labeled, iterations, stoppedBecause, macroF1, ... } on stdout.`,
  options: {
    labeled: { type: 'string' },
    unlabeled: { type: 'string' },
    valid: { type: 'string' },
    model: { type: 'string' },
    out: { type: 'string' },
    ...DATA_OPTIONS,
    threshold: { type: 'string' },
    confidence: { type: 'string' },
    balance: { type: 'boolean' },
    'top-k': { type: 'string' },
    'until-exhausted': { type: 'boolean' },
    'min-threshold': { type: 'string' },
    'max-iterations': { type: 'string' },
    'pseudo-weight': { type: 'string' },
    'class-weight': { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    'max-len': { type: 'string' },
    embeddings: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
  },
  async run(ctx) {
    const labeledPath = requireString(ctx, 'labeled');
    const unlabeledPath = requireString(ctx, 'unlabeled');
    const kind = requireString(ctx, 'model');
    const out = requireString(ctx, 'out');
    if (!KINDS.includes(kind)) throw new UsageError(`--model expects one of ${KINDS.join(', ')}, got "${kind}"`);
    const confidence = (ctx.values.confidence as string | undefined) ?? 'max';
    if (!['max', 'margin', 'entropy'].includes(confidence)) {
      throw new UsageError(`--confidence expects max, margin or entropy, got "${confidence}"`);
    }
    const deep = DEEP.includes(kind);
    if (deep) {
      const { useBackend } = await import('../../backend/backends.js');
      await useBackend(typeof ctx.values.backend === 'string' ? ctx.values.backend : undefined);
    }

    const labeled = await readLabelledData(ctx, labeledPath);
    const pool = await readPool(ctx, unlabeledPath);
    const valid = typeof ctx.values.valid === 'string' ? await readLabelledData(ctx, ctx.values.valid) : undefined;
    ctx.log(
      `Self-training ${kind}: ${labeled.texts.length} labeled, ${pool.texts.length} unlabeled${pool.labels ? ' (hidden labels: scoring on)' : ''}${valid ? `, ${valid.texts.length} validation` : ''}`,
    );

    const modelOptions: Record<string, unknown> = {
      model: kind,
      seed: optionalNumber(ctx, 'seed') ?? 42,
      classWeight: parseClassWeight(ctx.values['class-weight']),
    };
    if (deep) {
      Object.assign(modelOptions, {
        epochs: optionalNumber(ctx, 'epochs'),
        batchSize: optionalNumber(ctx, 'batch-size'),
        maxLen: optionalNumber(ctx, 'max-len'),
      });
      if (typeof ctx.values.embeddings === 'string') {
        const { WordVectors } = await import('../../text/word2vec/index.js');
        modelOptions.embeddings = await WordVectors.load(ctx.values.embeddings);
      }
    }
    for (const k of Object.keys(modelOptions)) if (modelOptions[k] === undefined) delete modelOptions[k];
    const { createTextClassifier } = await import('../../text/models/registry.js');
    const { selfTrain } = await import('../../ssl/self-training.js');

    const untilExhausted = ctx.values['until-exhausted'] === true;
    const bar = createProgressBar(ctx.interactive);
    const classifier = await createTextClassifier(modelOptions as { model: string });
    const result = await selfTrain<string>({
      classifier,
      labeled: { inputs: labeled.texts, labels: labeled.labels },
      unlabeled: { inputs: pool.texts, labels: pool.labels },
      validation: valid ? { inputs: valid.texts, labels: valid.labels } : undefined,
      threshold: optionalNumber(ctx, 'threshold') ?? 0.9,
      confidence: confidence as 'max',
      balance: ctx.values.balance === true,
      topK: optionalNumber(ctx, 'top-k'),
      termination: untilExhausted ? 'exhaust' : 'stop',
      minThreshold: optionalNumber(ctx, 'min-threshold'),
      maxIterations: optionalNumber(ctx, 'max-iterations') ?? (untilExhausted ? 50 : 10),
      pseudoLabelWeight: optionalNumber(ctx, 'pseudo-weight'),
      checkpointDir: out,
      signal: ctx.signal,
      onIteration: (e) => {
        bar.update({
          task: 'ssl',
          done: pool.texts.length - e.poolAfter,
          total: pool.texts.length,
          info: {
            iteration: e.iteration,
            threshold: Number(e.threshold.toFixed(3)),
            added: e.selected,
            ...(e.labeling?.cumulativeAccuracy != null ? { labelAcc: e.labeling.cumulativeAccuracy } : {}),
            ...(e.validation ? { valMacroF1: e.validation.macroF1 } : {}),
          },
        });
        bar.done();
      },
    });
    bar.done();

    const model = result.classifier as typeof classifier;
    await model.save(join(out, 'model'));
    const tsv = result.pseudoLabels
      .map(
        (p) =>
          `${pool.texts[p.index]!.replace(/[\t\n\r]/g, ' ')}\t${String(p.label)}\t${p.confidence.toFixed(6)}\t${p.iteration}`,
      )
      .join('\n');
    await writeFileAtomic(
      join(out, 'pseudo-labels.tsv'),
      `text\tlabel\tconfidence\titeration\n${tsv}${tsv ? '\n' : ''}`,
    );
    const summary = {
      model: kind,
      out,
      labeledInput: labeled.texts.length,
      pool: pool.texts.length,
      labeled: result.pseudoLabels.length,
      usedPseudoLabels: result.usedPseudoLabels,
      remaining: result.remaining.length,
      iterations: result.log.length,
      stoppedBecause: result.stoppedBecause,
      labelingAccuracy: result.labelingAccuracy ?? null,
      accuracy: result.validation?.accuracy ?? null,
      macroF1: result.validation?.macroF1 ?? null,
      weightedF1: result.validation?.weightedF1 ?? null,
      log: result.log,
    };
    await writeJsonAtomic(join(out, 'ssl-report.json'), summary);
    ctx.log(
      `Pseudo-labeled ${summary.labeled}/${summary.pool} in ${summary.iterations} iteration(s) (${summary.stoppedBecause})` +
        (summary.labelingAccuracy !== null ? `, labeling accuracy ${summary.labelingAccuracy.toFixed(4)}` : '') +
        (summary.macroF1 !== null ? `, validation macro-F1 ${summary.macroF1.toFixed(4)}` : ''),
    );
    ctx.log(`Wrote ${join(out, 'model')}, ${join(out, 'pseudo-labels.tsv')}, ${join(out, 'ssl-report.json')}`);
    if (ctx.json) ctx.out(`${JSON.stringify(summary)}\n`);
    return 0;
  },
};

async function readPool(ctx: CommandContext, path: string): Promise<{ texts: string[]; labels?: Label[] }> {
  if (path.endsWith('.txt')) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new UlasanError('FILE_NOT_FOUND', `Cannot read the unlabeled pool ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const texts = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (texts.length === 0) throw new UlasanError('INVALID_DATA', `${path} has no texts: the unlabeled pool is empty.`);
    return { texts };
  }
  const data = await readLabelledData(ctx, path);
  return { texts: data.texts, labels: data.labels };
}
