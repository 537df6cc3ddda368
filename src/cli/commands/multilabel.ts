/**
 * The multi-label side of `ulasan train` and `ulasan evaluate`: several `--label-col` columns
 * (`--label-col fuel,machine,price`) route here, to Binary Relevance (`--multilabel br`, default),
 * Classifier Chains (`cc`) or Label Powerset (`lp`) over the chosen `--model` kind.
 */

import type { TextClassifier } from '../../text/models/text-classifier.js';
import { type MultiLabelReport, multiLabelReport } from '../../text/multilabel/report.js';
import {
  BinaryRelevance,
  ClassifierChain,
  LabelPowerset,
  loadMultiLabelClassifier,
  type MultiLabelTextClassifier,
} from '../../text/multilabel/transformations.js';
import type { CommandContext } from '../command.js';
import { UsageError } from '../command.js';

/** True when a `--label-col` value names several columns (comma-separated). */
export function isMultiLabelColumn(value: unknown): value is string {
  return typeof value === 'string' && value.includes(',');
}

/** The column names/indices of a comma-separated `--label-col`. */
export function parseLabelColumns(value: string): (string | number)[] {
  const cols = value.split(',').map((c) => c.trim());
  if (cols.some((c) => c === '')) throw new UsageError(`--label-col "${value}" has an empty column name`);
  return cols.map((c) => (/^\d+$/.test(c) ? Number(c) : c));
}

/** Reads a multi-label file for the CLI with the shared data options. */
export async function readMultiLabelData(
  ctx: CommandContext,
  path: string,
): Promise<{ texts: string[]; labels: string[][]; outputs: string[] }> {
  const { readDataset } = await import('../../data/index.js');
  const textCol = ctx.values['text-col'];
  const data = await readDataset(path, {
    format: (ctx.values.format as 'auto' | undefined) ?? 'auto',
    textColumn: typeof textCol === 'string' ? (/^\d+$/.test(textCol) ? Number(textCol) : textCol) : undefined,
    labelColumn: parseLabelColumns(String(ctx.values['label-col'])),
  });
  return { texts: data.texts, labels: data.labels, outputs: [...data.columns.labels] };
}

/**
 * Trains and saves a multi-label model for `ulasan train` (the base classifier options are the
 * ones `train` built for `--model`), evaluating on `--valid` when given.
 */
export async function trainMultiLabel(
  ctx: CommandContext,
  args: { dataPath: string; out: string; baseOptions: Record<string, unknown> },
): Promise<number> {
  const method = typeof ctx.values.multilabel === 'string' ? ctx.values.multilabel : 'br';
  if (!['br', 'cc', 'lp'].includes(method))
    throw new UsageError(
      `--multilabel expects br (binary relevance), cc (classifier chain) or lp (label powerset), got "${method}"`,
    );
  const train = await readMultiLabelData(ctx, args.dataPath);
  const valid = typeof ctx.values.valid === 'string' ? await readMultiLabelData(ctx, ctx.values.valid) : undefined;
  const { createTextClassifier } = await import('../../text/models/registry.js');
  const base = (): Promise<TextClassifier> => createTextClassifier(args.baseOptions as { model: string });
  const seed = typeof args.baseOptions.seed === 'number' ? args.baseOptions.seed : 42;
  const model: MultiLabelTextClassifier =
    method === 'cc'
      ? new ClassifierChain({ base, outputs: train.outputs, seed })
      : method === 'lp'
        ? new LabelPowerset({ base, outputs: train.outputs })
        : new BinaryRelevance({ base, outputs: train.outputs });
  ctx.log(
    `Training ${method} × ${String(args.baseOptions.model)} on ${train.texts.length} texts, ${train.outputs.length} label columns (${train.outputs.join(', ')})`,
  );
  const started = Date.now();
  await model.fit(train.texts, train.labels, {
    signal: ctx.signal,
    onProgress: (e) => ctx.log(`  ${e.done}/${e.total} classifiers trained`),
  });
  await model.save(args.out);
  const summary: Record<string, unknown> = {
    model: String(args.baseOptions.model),
    multilabel: method,
    outputs: train.outputs,
    out: args.out,
    trainingSize: train.texts.length,
    seconds: (Date.now() - started) / 1000,
  };
  if (valid) {
    const r = await model.evaluate(valid.texts, valid.labels);
    summary.validation = headline(r);
    ctx.log(`validation: ${formatHeadline(r)}`);
  }
  ctx.log(`Saved ${method} multi-label model to ${args.out}`);
  if (ctx.json) ctx.out(`${JSON.stringify(summary)}\n`);
  return 0;
}

/** `ulasan evaluate` for a multi-label model directory (one with `multilabel.json`). */
export async function evaluateMultiLabel(
  ctx: CommandContext,
  args: { dir: string; dataPath: string },
): Promise<number> {
  const model = await loadMultiLabelClassifier(args.dir);
  if (!isMultiLabelColumn(ctx.values['label-col'])) ctx.values['label-col'] = model.outputs.join(',');
  const data = await readMultiLabelData(ctx, args.dataPath);
  const absent = typeof ctx.values.absent === 'string' ? ctx.values.absent : undefined;
  const pred = await model.predict(data.texts);
  const r = multiLabelReport(data.labels, pred, { outputs: model.outputs, ...(absent ? { absent } : {}) });
  if (ctx.json) {
    ctx.out(
      `${JSON.stringify({ model: args.dir, kind: model.kind, data: args.dataPath, size: data.texts.length, ...r })}\n`,
    );
  } else {
    ctx.print(`${model.kind} model ${args.dir} on ${args.dataPath} (${data.texts.length} texts)\n`);
    ctx.print(r.report);
    ctx.print(`\n${formatHeadline(r)}`);
    ctx.print(
      r.perOutput
        .map((o) => `${o.output}: accuracy=${o.accuracy.toFixed(4)} macroF1=${o.macroF1.toFixed(4)}`)
        .join('\n'),
    );
  }
  return 0;
}

function headline(r: MultiLabelReport) {
  return {
    microF1: r.micro.f1,
    macroF1: r.macro.f1,
    samplesF1: r.samples.f1,
    hammingLoss: r.hammingLoss,
    subsetAccuracy: r.subsetAccuracy,
  };
}

function formatHeadline(r: MultiLabelReport): string {
  const h = headline(r);
  return `microF1=${h.microF1.toFixed(4)} macroF1=${h.macroF1.toFixed(4)} samplesF1=${h.samplesF1.toFixed(4)} hammingLoss=${h.hammingLoss.toFixed(4)} subsetAccuracy=${h.subsetAccuracy.toFixed(4)}`;
}
