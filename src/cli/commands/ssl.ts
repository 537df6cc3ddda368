/**
 * `ulasan ssl`: self-training (pseudo-labeling) from a labeled file and an unlabeled pool, with any
 * text classifier kind. When the pool file carries labels they are hidden from training and used
 * only to score the pseudo-labels.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Classifier, Label } from '../../core/classifier.js';
import { writeFileAtomic, writeJsonAtomic } from '../../internal/atomic-fs.js';
import { UlasanError } from '../../internal/errors.js';
import type { ClassLabeling, IterationLog } from '../../ssl/self-training.js';
import { type Command, type CommandContext, optionalNumber, requireString, UsageError } from '../command.js';
import { createProgressBar } from '../progress-bar.js';
import { DATA_HELP, DATA_OPTIONS, parseClassWeight, readLabelledData } from './train.js';

const KINDS = ['nb', 'logreg', 'svm', 'lstm', 'gru', 'bilstm', 'cnn-lstm'];
const DEEP = ['lstm', 'gru', 'bilstm', 'cnn-lstm'];

/** `--queue`: the pool's scoring on `ulasan worker`s (same results, see queuePoolScorer). */
async function queuedPoolScorer(ctx: CommandContext, connection: string) {
  const { queuePoolScorer } = await import('../../experiments/executors/queue-predict.js');
  const queueName = ctx.values['queue-name'];
  return queuePoolScorer({ connection, ...(typeof queueName === 'string' ? { queueName } : {}) });
}

/** `ulasan ssl`. */
export const sslCommand: Command = {
  name: 'ssl',
  summary: 'Pseudo-label an unlabeled pool by self-training (seeds 001/003), reporting how well it labeled',
  help: `Usage: ulasan ssl --labeled FILE --unlabeled FILE --model KIND --out DIR [options]
       ulasan ssl --initial-labels lexicon --unlabeled FILE --model KIND --out DIR [options]

Trains on the labeled file, lets the model label the pool where it is confident, adds those labels,
and repeats. If the unlabeled file has a label column, those labels are hidden from training and
used only to score the pseudo-labels (labelingAccuracy, per class). A .txt pool is read as one text
per line. Each iteration prints one line on stderr: threshold, labels taken per class, what passed,
labeling accuracy per class (with hidden labels), validation macro-F1, and what the loop decided.

Required:
  --labeled FILE       labeled data (SmSA TSV, EmoT CSV, CSV/TSV with header, JSONL); optional
                       with --initial-labels
  --unlabeled FILE     the pool (same formats, or .txt with one text per line)
  --model KIND         ${KINDS.join(' | ')}
  --out DIR            model, pseudo-labels.tsv, ssl-report.json, self-training.svg/.png and the resumable state

Selection:
  --threshold X        confidence threshold in (0, 1] (default 0.9)
  --confidence M       max (default) | margin | entropy
  --balance            keep each iteration's pseudo-labels at the labeled class prior ('cap': the
                       majority is capped by what the minority supplies above the threshold)
  --balance-policy P   cap (default) | fill | proportional (shares of what passes; the old
                       --balance, which lets the majority swallow the pool); implies --balance
  --top-k N            at most N pseudo-labels per iteration
  --until-exhausted    label the whole pool: lower the threshold whenever an iteration takes fewer
                       than --min-selected, then take the --fallback-top-k most confident per
                       iteration; the last allowed iteration labels whatever is left
  --termination T      stop (default: stop when nothing passes) | decay (lower the threshold down
                       to --min-threshold, then stop with the reason) | exhaust (= --until-exhausted)
  --min-threshold X    floor of the threshold (default 0.5)
  --min-selected N     an iteration taking fewer lowers the threshold (default 2% of the pool)
  --fallback-top-k N   per iteration at the floor (default 10% of the pool)
  --max-iterations N   default 10 (50 with --until-exhausted)
  --pseudo-weight X    weight of pseudo-labels relative to human labels (default 1)

Initial labels (seed 001: a lexicon labels first, the model learns from its confident labels):
  --initial-labels S   lexicon: the VADER-style lexicon labels the pool before iteration 1; its
                       labels at >= --initial-threshold join the training set (iteration 0)
  --initial-threshold X  confidence of an initial label (default 0.999, |compound| >= 0.35)
  --lexicon-language L id (default) | en
  --classes A,B        the label set without --labeled (default negative,positive)

Other:
  --valid FILE         held-out data: scored every iteration; the best iteration's labels are kept
${DATA_HELP}
  --class-weight W     balanced | label=weight,...
  --epochs N --batch-size N --max-len N --embeddings FILE   (deep kinds)
  --seed N             default 42
  --backend B          compute backend for deep kinds
  --queue URL          score the pool each iteration on \`ulasan worker\`s at this Redis
                       (redis://HOST:PORT; the iteration's model is sent to them); same results
  --queue-name NAME    the workers' queue (default ulasan)

--json prints { labelingAccuracy, labelingByClass, labeled, iterations, stoppedBecause, stopDetail,
balancePolicy, initialLabels, macroF1, log, ... } on stdout.`,
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
    'balance-policy': { type: 'string' },
    'initial-labels': { type: 'string' },
    'initial-threshold': { type: 'string' },
    'lexicon-language': { type: 'string' },
    classes: { type: 'string' },
    'min-selected': { type: 'string' },
    'fallback-top-k': { type: 'string' },
    'top-k': { type: 'string' },
    'until-exhausted': { type: 'boolean' },
    termination: { type: 'string' },
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
    queue: { type: 'string' },
    'queue-name': { type: 'string' },
  },
  async run(ctx) {
    const initialLabels = ctx.values['initial-labels'];
    if (initialLabels !== undefined && initialLabels !== 'lexicon') {
      throw new UsageError(`--initial-labels expects lexicon, got "${String(initialLabels)}"`);
    }
    const labeledPath =
      initialLabels === undefined || typeof ctx.values.labeled === 'string' ? requireString(ctx, 'labeled') : undefined;
    const balancePolicy = ctx.values['balance-policy'];
    if (balancePolicy !== undefined && !['cap', 'fill', 'proportional'].includes(String(balancePolicy))) {
      throw new UsageError(`--balance-policy expects cap, fill or proportional, got "${String(balancePolicy)}"`);
    }
    const lexiconLanguage = (ctx.values['lexicon-language'] as string | undefined) ?? 'id';
    if (!['id', 'en'].includes(lexiconLanguage)) {
      throw new UsageError(`--lexicon-language expects id or en, got "${lexiconLanguage}"`);
    }
    const termination =
      ctx.values['until-exhausted'] === true ? 'exhaust' : ((ctx.values.termination as string | undefined) ?? 'stop');
    if (!['stop', 'decay', 'exhaust'].includes(termination)) {
      throw new UsageError(`--termination expects stop, decay or exhaust, got "${termination}"`);
    }
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

    const labeled = labeledPath ? await readLabelledData(ctx, labeledPath) : { texts: [], labels: [] as Label[] };
    const pool = await readPool(ctx, unlabeledPath);
    const valid = typeof ctx.values.valid === 'string' ? await readLabelledData(ctx, ctx.values.valid) : undefined;
    ctx.log(
      `Self-training ${kind}: ${labeled.texts.length} labeled, ${pool.texts.length} unlabeled${pool.labels ? ' (hidden labels: scoring on)' : ''}${valid ? `, ${valid.texts.length} validation` : ''}`,
    );
    let initialLabeler: { classifier: Classifier<string>; threshold: number; name: string } | undefined;
    if (initialLabels === 'lexicon') {
      const { LexiconSentimentAnalyzer } = await import('../../text/lexicon/index.js');
      const lexicon = new LexiconSentimentAnalyzer({ language: lexiconLanguage as 'id' | 'en' });
      const classes =
        labeled.texts.length > 0
          ? [...new Set(labeled.labels)]
          : String(ctx.values.classes ?? 'negative,positive')
              .split(',')
              .map((c) => c.trim())
              .filter((c) => c !== '');
      // The lexicon needs no training: fit only records the label set (its texts are not used).
      await lexicon.fit(classes.map(String), classes);
      initialLabeler = {
        classifier: lexicon,
        threshold: optionalNumber(ctx, 'initial-threshold') ?? 0.999,
        name: 'lexicon',
      };
    } else if (ctx.values.classes !== undefined || ctx.values['initial-threshold'] !== undefined) {
      throw new UsageError('--classes and --initial-threshold apply with --initial-labels only');
    }

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

    const untilExhausted = termination === 'exhaust';
    const bar = createProgressBar(ctx.interactive);
    const classifier = await createTextClassifier(modelOptions as { model: string });
    const result = await selfTrain<string>({
      classifier,
      labeled: labeled.texts.length > 0 ? { inputs: labeled.texts, labels: labeled.labels } : undefined,
      unlabeled: { inputs: pool.texts, labels: pool.labels },
      validation: valid ? { inputs: valid.texts, labels: valid.labels } : undefined,
      threshold: optionalNumber(ctx, 'threshold') ?? 0.9,
      confidence: confidence as 'max',
      balance: balancePolicy !== undefined ? (balancePolicy as 'cap') : ctx.values.balance === true,
      initialLabeler,
      topK: optionalNumber(ctx, 'top-k'),
      minSelected: optionalNumber(ctx, 'min-selected'),
      fallbackTopK: optionalNumber(ctx, 'fallback-top-k'),
      termination: termination as 'stop',
      minThreshold: optionalNumber(ctx, 'min-threshold'),
      maxIterations: optionalNumber(ctx, 'max-iterations') ?? (untilExhausted ? 50 : 10),
      pseudoLabelWeight: optionalNumber(ctx, 'pseudo-weight'),
      ...(typeof ctx.values.queue === 'string' ? { scorePool: await queuedPoolScorer(ctx, ctx.values.queue) } : {}),
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
        ctx.log(describeIteration(e));
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
      stopDetail: result.stopDetail,
      balancePolicy: result.balancePolicy,
      classPrior: result.classPrior,
      initialLabels: result.initialLabels ?? null,
      labelingAccuracy: result.labelingAccuracy ?? null,
      labelingByClass: result.labelingByClass ?? null,
      accuracy: result.validation?.accuracy ?? null,
      macroF1: result.validation?.macroF1 ?? null,
      weightedF1: result.validation?.weightedF1 ?? null,
      log: result.log,
    };
    await writeJsonAtomic(join(out, 'ssl-report.json'), summary);
    // The per-iteration picture (scores, pseudo-label accuracy, sizes); a figure that cannot be
    // drawn or written is a warning: the model, pseudo-labels and report above are already saved.
    let figures: string[] = [];
    try {
      const { selfTrainingSvg, writeFigures } = await import('../../metrics/index.js');
      figures = await writeFigures(
        out,
        { 'self-training': selfTrainingSvg(result.log, { title: `Self-training (${kind})` }) },
        {
          onWarning: (w) => ctx.log(`warning: ${w.message}`),
        },
      );
    } catch (error) {
      ctx.log(`warning: could not write the self-training figure: ${(error as Error).message}`);
    }
    if (result.balancePolicy !== 'none') {
      ctx.log(
        `Balance policy ${result.balancePolicy}: each iteration keeps the prior ${Object.entries(result.classPrior)
          .map(([c, p]) => `${c} ${(p * 100).toFixed(1)}%`)
          .join(' / ')}`,
      );
    }
    ctx.log(
      `Pseudo-labeled ${summary.labeled}/${summary.pool} in ${summary.iterations} iteration(s) (${summary.stoppedBecause}: ${summary.stopDetail})` +
        (summary.labelingAccuracy !== null
          ? `, labeling accuracy ${summary.labelingAccuracy.toFixed(4)} (${describeByClass(result.labelingByClass)})`
          : '') +
        (summary.macroF1 !== null ? `, validation macro-F1 ${summary.macroF1.toFixed(4)}` : ''),
    );
    ctx.log(
      `Wrote ${[join(out, 'model'), join(out, 'pseudo-labels.tsv'), join(out, 'ssl-report.json'), ...figures].join(', ')}`,
    );
    if (ctx.json) ctx.out(`${JSON.stringify(summary)}\n`);
    return 0;
  },
};

function describeByClass(byClass: Record<string, ClassLabeling> | undefined): string {
  return Object.entries(byClass ?? {})
    .map(([c, e]) => `${c} ${e.accuracy === null ? '-' : e.accuracy.toFixed(3)} of ${e.assigned}`)
    .join(', ');
}

/** One stderr line per iteration: what was taken, per class, and why the loop went on as it did. */
function describeIteration(e: IterationLog): string {
  const counts = (c: Record<string, number> | undefined) =>
    Object.entries(c ?? {})
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  return (
    `  iteration ${e.iteration}: threshold ${e.threshold.toFixed(3)}, +${e.selected} (${counts(e.labelDistribution)}; passed ${counts(e.passing)})` +
    (e.labeling?.accuracy != null
      ? `, labeling acc ${e.labeling.accuracy.toFixed(3)} (${describeByClass(e.labeling.byClass)})`
      : '') +
    (e.validation ? `, valid macro-F1 ${e.validation.macroF1.toFixed(4)}` : '') +
    `, pool ${e.poolAfter}` +
    (e.note ? ` — ${e.note}` : '')
  );
}

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
