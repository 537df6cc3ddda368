/**
 * Multi-label / multi-output evaluation: rows of per-output labels (CASA: one sentiment per
 * aspect) are binarized into an indicator matrix of `output=value` columns and scored with
 * `ulasan/metrics`, which follows scikit-learn's multilabel definitions.
 */
import { invalidArgument } from '../../internal/errors.js';
import { accuracyScore, precisionRecallFscoreSupport } from '../../metrics/classification.js';
import { hammingLoss } from '../../metrics/multilabel.js';
import { classificationReport } from '../../metrics/report.js';
import { compareLabels } from '../../metrics/targets.js';

/** Options of {@link multiLabelReport} and {@link binarizeMultiOutput}. */
export interface MultiLabelReportOptions {
  /** Name of each output (default `label0`, `label1`, ...). */
  outputs?: readonly string[];
  /**
   * A value that means "label absent" and gets no indicator column (e.g. `'neutral'` for CASA
   * aspects, so the columns are the aspect-sentiment pairs a review expresses). Default: none, every
   * `output=value` pair is a column.
   */
  absent?: string;
  /** Decimal places of the text report (default 4). */
  digits?: number;
}

/** Binarized multi-output labels. */
export interface BinarizedLabels {
  /** Column names `output=value`. */
  columns: string[];
  /** Indicator rows of `yTrue`. */
  yTrue: number[][];
  /** Indicator rows of `yPred`. */
  yPred: number[][];
}

/** Per-label scores in a {@link MultiLabelReport}. */
export interface MultiLabelRow {
  /** Column name `output=value`. */
  label: string;
  /** Precision. */
  precision: number;
  /** Recall. */
  recall: number;
  /** F1. */
  f1: number;
  /** Number of true rows with this label. */
  support: number;
}

/** The combined multi-label report. */
export interface MultiLabelReport {
  /** Per indicator column. */
  perLabel: MultiLabelRow[];
  /** Micro-averaged precision / recall / F1. */
  micro: { precision: number; recall: number; f1: number };
  /** Macro-averaged precision / recall / F1. */
  macro: { precision: number; recall: number; f1: number };
  /** Support-weighted precision / recall / F1. */
  weighted: { precision: number; recall: number; f1: number };
  /** Sample-averaged precision / recall / F1. */
  samples: { precision: number; recall: number; f1: number };
  /** Fraction of wrong indicator cells (scikit-learn's `hamming_loss`). */
  hammingLoss: number;
  /** Fraction of rows predicted exactly (scikit-learn's `accuracy_score` on indicator rows). */
  subsetAccuracy: number;
  /** Per output: accuracy and macro-F1 over its own classes (IndoNLU's aspect-level view). */
  perOutput: { output: string; accuracy: number; macroF1: number }[];
  /** scikit-learn's `classification_report` text on the indicator matrix. */
  report: string;
}

function checkRows(y: readonly (readonly string[])[], name: string, m?: number): number {
  if (!Array.isArray(y)) throw invalidArgument(`${name} must be an array of label rows (string[][]).`);
  const width = m ?? (y[0] as readonly string[] | undefined)?.length ?? 0;
  y.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== width)
      throw invalidArgument(
        `${name}[${i}] has ${Array.isArray(row) ? row.length : typeof row} labels, expected ${width} (one per output).`,
      );
  });
  return width;
}

/**
 * Turns per-output label rows into an indicator matrix with one `output=value` column per
 * (output, value) pair seen in either argument (values sorted), leaving out `absent`.
 */
export function binarizeMultiOutput(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  options: MultiLabelReportOptions = {},
): BinarizedLabels {
  const m = checkRows(yTrue, 'yTrue');
  checkRows(yPred, 'yPred', m);
  if (yTrue.length !== yPred.length)
    throw invalidArgument(`yTrue has ${yTrue.length} rows but yPred has ${yPred.length}; they must be aligned.`);
  const outputs = options.outputs ?? Array.from({ length: m }, (_, j) => `label${j}`);
  if (outputs.length !== m) throw invalidArgument(`outputs names ${outputs.length} outputs, but the rows have ${m}.`);
  const columns: string[] = [];
  const index = new Map<string, number>();
  for (let j = 0; j < m; j++) {
    const values = [...new Set([...yTrue.map((r) => r[j]!), ...yPred.map((r) => r[j]!)])]
      .filter((v) => v !== options.absent)
      .sort(compareLabels);
    for (const v of values) {
      index.set(`${j}\u0000${v}`, columns.length);
      columns.push(`${outputs[j]}=${v}`);
    }
  }
  const encode = (rows: readonly (readonly string[])[]) =>
    rows.map((r) => {
      const out = new Array<number>(columns.length).fill(0);
      r.forEach((v, j) => {
        const c = index.get(`${j}\u0000${v}`);
        if (c !== undefined) out[c] = 1;
      });
      return out;
    });
  return { columns, yTrue: encode(yTrue), yPred: encode(yPred) };
}

/**
 * The multi-label report of the survey: per-label precision/recall/F1, micro/macro/weighted/samples
 * averages, Hamming loss and subset accuracy, computed on the binarized labels with scikit-learn's
 * definitions (zero division gives 0, as scikit-learn's default with a warning).
 *
 * @example
 * ```ts
 * const r = multiLabelReport(valid.labels, predicted, { outputs: ['fuel', 'machine', 'others', 'part', 'price', 'service'], absent: 'neutral' });
 * console.log(r.micro.f1, r.macro.f1, r.hammingLoss, r.subsetAccuracy);
 * console.log(r.report);
 * ```
 */
export function multiLabelReport(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  options: MultiLabelReportOptions = {},
): MultiLabelReport {
  const b = binarizeMultiOutput(yTrue, yPred, options);
  const quiet = { onWarning: () => {} };
  const avg = (average: 'micro' | 'macro' | 'weighted' | 'samples') => {
    const s = precisionRecallFscoreSupport(b.yTrue, b.yPred, {
      average,
      zeroDivision: 0,
      labels: b.columns.map((_, i) => i),
      ...quiet,
    }) as { precision: number; recall: number; fscore: number };
    return { precision: s.precision, recall: s.recall, f1: s.fscore };
  };
  const per = precisionRecallFscoreSupport(b.yTrue, b.yPred, {
    average: null,
    zeroDivision: 0,
    labels: b.columns.map((_, i) => i),
    ...quiet,
  }) as { precision: number[]; recall: number[]; fscore: number[]; support: number[] };
  const m = yTrue[0]?.length ?? 0;
  const outputs = options.outputs ?? Array.from({ length: m }, (_, j) => `label${j}`);
  const perOutput = outputs.map((output, j) => {
    const t = yTrue.map((r) => r[j]!);
    const p = yPred.map((r) => r[j]!);
    const f = precisionRecallFscoreSupport(t, p, { average: 'macro', zeroDivision: 0, ...quiet }) as { fscore: number };
    return { output, accuracy: accuracyScore(t, p), macroF1: f.fscore };
  });
  return {
    perLabel: b.columns.map((label, i) => ({
      label,
      precision: per.precision[i]!,
      recall: per.recall[i]!,
      f1: per.fscore[i]!,
      support: per.support[i]!,
    })),
    micro: avg('micro'),
    macro: avg('macro'),
    weighted: avg('weighted'),
    samples: avg('samples'),
    hammingLoss: hammingLoss(b.yTrue, b.yPred),
    subsetAccuracy: accuracyScore(b.yTrue, b.yPred),
    perOutput,
    report: classificationReport(b.yTrue, b.yPred, {
      labels: b.columns.map((_, i) => i),
      targetNames: b.columns,
      digits: options.digits ?? 4,
      zeroDivision: 0,
      ...quiet,
    }),
  };
}
