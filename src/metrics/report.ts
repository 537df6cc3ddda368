/**
 * scikit-learn's `classification_report`: the same text table, character for character, and the
 * same dictionary shape; plus `evaluationSummary`, the one call the CLI `evaluate` commands use.
 */
import { invalidArgument } from '../internal/errors.js';
import { labelMatrix, setWise } from './classification.js';
import { type Average, checkPrfOptions, type PrfStats, prfFromStats, type ZeroDivision } from './prf.js';
import { formatFixed, padLeft, pythonFloatRepr } from './py-format.js';
import {
  codePointLength,
  type Label,
  type LabelArray,
  pairwiseSum,
  type SampleWeight,
  type Targets,
} from './targets.js';
import { emitMetricWarning, type MetricWarning, type WarningOptions } from './warnings.js';

/** Options of {@link classificationReport}. */
export interface ClassificationReportOptions extends WarningOptions {
  /** Labels to include, in this order (column indices for indicator matrices). */
  labels?: readonly Label[];
  /** Display names for the labels (same length as `labels`). */
  targetNames?: readonly string[];
  /** Decimal places in the text table (default 2). */
  digits?: number;
  /** Value on zero division (default `'warn'`). */
  zeroDivision?: ZeroDivision;
  /** Per-sample weights (supports become weight sums). */
  sampleWeight?: SampleWeight;
  /** Return the dictionary instead of the text table. */
  outputDict?: boolean;
}

/** One row of the report dictionary. */
export interface ReportRow {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
}

/**
 * The report dictionary, keyed like scikit-learn: one entry per label (target name), then
 * `accuracy` (a number) when every present label is reported, otherwise `micro avg`; then
 * `macro avg`, `weighted avg` (and `samples avg` for multi-label input).
 * Note: JavaScript lists integer-like keys ("0", "1") first in ascending order, whatever the order
 * of `labels`.
 */
export type ClassificationReportDict = Record<string, ReportRow | number>;

/** @internal What a report needs from its data. */
export interface ReportSource {
  labels: Label[];
  labelsGiven: boolean;
  multilabel: boolean;
  present: Label[];
  /** Print supports as Python floats (weighted data, or scikit-learn's float zeros when nothing is right). */
  floatSupport: boolean;
  stats: (average: Average) => PrfStats;
}

/** @internal */
export function buildReport(
  source: ReportSource,
  options: Omit<ClassificationReportOptions, 'sampleWeight'>,
): string | ClassificationReportDict {
  const digits = options.digits ?? 2;
  if (!Number.isInteger(digits) || digits < 0)
    throw invalidArgument(`digits must be a non-negative integer; got ${digits}.`);
  const zeroDivision = options.zeroDivision ?? 'warn';
  checkPrfOptions(null, 1, zeroDivision);
  const { labels } = source;
  // Each average is computed separately, as in scikit-learn; report each distinct warning once.
  const seen = new Set<string>();
  const onWarning = (w: MetricWarning) => {
    if (seen.has(w.message)) return;
    seen.add(w.message);
    emitMetricWarning(options, w.name, w.message);
  };
  const presentSet = new Set(source.present);
  const labelSet = new Set(labels);
  const microIsAccuracy = !source.multilabel && (!source.labelsGiven || [...presentSet].every((l) => labelSet.has(l)));
  let targetNames = options.targetNames ? [...options.targetNames] : undefined;
  if (targetNames !== undefined && targetNames.length !== labels.length) {
    if (source.labelsGiven) {
      onWarning({
        name: 'UserWarning',
        message: `labels size, ${labels.length}, does not match size of target_names, ${targetNames.length}`,
      });
    } else {
      throw invalidArgument(
        `Number of classes, ${labels.length}, does not match size of targetNames, ${targetNames.length}. Try specifying the labels option.`,
      );
    }
  }
  targetNames ??= labels.map((l) => String(l));
  const raw = prfFromStats(source.stats(null), {
    average: null,
    beta: 1,
    zeroDivision,
    warnFor: ['precision', 'recall', 'f-score'],
    onWarning,
  });
  const p = raw.precision as Float64Array;
  const r = raw.recall as Float64Array;
  const f = raw.fscore as Float64Array;
  const s = raw.support!;
  const rowCount = Math.min(targetNames.length, labels.length);
  const supportText = (v: number) => (source.floatSupport ? pythonFloatRepr(v) : String(v));
  const averages: Average[] = source.multilabel
    ? ['micro', 'macro', 'weighted', 'samples']
    : ['micro', 'macro', 'weighted'];
  const totalSupport = pairwiseSum(s);

  const dict: ClassificationReportDict = {};
  let text = '';
  let width = 0;
  if (options.outputDict) {
    for (let i = 0; i < rowCount; i++)
      dict[targetNames[i]!] = { precision: p[i]!, recall: r[i]!, 'f1-score': f[i]!, support: s[i]! };
  } else {
    if (targetNames.length === 0) {
      throw invalidArgument(
        'classificationReport needs at least one label: yTrue and yPred are empty and no labels were given.',
      );
    }
    const nameWidth = Math.max(...targetNames.map(codePointLength));
    width = Math.max(nameWidth, 'weighted avg'.length, digits);
    text = `${' '.repeat(width)} ${['precision', 'recall', 'f1-score', 'support'].map((h) => ` ${padLeft(h, 9)}`).join('')}\n\n`;
    for (let i = 0; i < rowCount; i++) {
      text += `${padLeft(targetNames[i]!, width)} ${[p[i]!, r[i]!, f[i]!].map((v) => ` ${padLeft(formatFixed(v, digits), 9)}`).join('')} ${padLeft(supportText(s[i]!), 9)}\n`;
    }
    text += '\n';
  }
  for (const average of averages) {
    const heading = average === 'micro' && microIsAccuracy ? 'accuracy' : `${average} avg`;
    const a = prfFromStats(source.stats(average), {
      average,
      beta: 1,
      zeroDivision,
      warnFor: ['precision', 'recall', 'f-score'],
      onWarning,
    });
    const ap = a.precision as number;
    const ar = a.recall as number;
    const af = a.fscore as number;
    if (options.outputDict) {
      dict[heading] =
        heading === 'accuracy' ? ap : { precision: ap, recall: ar, 'f1-score': af, support: totalSupport };
    } else if (heading === 'accuracy') {
      text += `${padLeft(heading, width)} ${' '.repeat(10)}${' '.repeat(10)} ${padLeft(formatFixed(af, digits), 9)} ${padLeft(supportText(totalSupport), 9)}\n`;
    } else {
      text += `${padLeft(heading, width)} ${[ap, ar, af].map((v) => ` ${padLeft(formatFixed(v, digits), 9)}`).join('')} ${padLeft(supportText(totalSupport), 9)}\n`;
    }
  }
  return options.outputDict ? dict : text;
}

/**
 * The classification report of scikit-learn: per-label precision, recall, F1 and support, then
 * accuracy (or micro average when only some labels are shown), macro and weighted averages
 * (and samples average for multi-label indicator matrices). Returns the same text table, or the
 * same dictionary with `outputDict: true`.
 *
 * @example
 * ```ts
 * console.log(classificationReport(yTrue, yPred, { digits: 3 }));
 * //               precision    recall  f1-score   support
 * //
 * //     negative      0.812     0.870     0.840       100
 * //     ...
 * const dict = classificationReport(yTrue, yPred, { outputDict: true });
 * dict['macro avg'];
 * ```
 */
export function classificationReport(
  yTrue: Targets,
  yPred: Targets,
  options?: ClassificationReportOptions & { outputDict?: false },
): string;
export function classificationReport(
  yTrue: Targets,
  yPred: Targets,
  options: ClassificationReportOptions & { outputDict: true },
): ClassificationReportDict;
export function classificationReport(
  yTrue: Targets,
  yPred: Targets,
  options?: ClassificationReportOptions,
): string | ClassificationReportDict;
export function classificationReport(
  yTrue: Targets,
  yPred: Targets,
  options: ClassificationReportOptions = {},
): string | ClassificationReportDict {
  const sw = setWise(yTrue, yPred, { labels: options.labels, sampleWeight: options.sampleWeight }, null);
  const multilabel = sw.targets.type === 'multilabel-indicator';
  const present =
    sw.targets.type === 'multilabel-indicator'
      ? Array.from({ length: sw.targets.nLabels }, (_, i) => i)
      : sw.targets.present;
  return buildReport(
    {
      labels: sw.labels,
      labelsGiven: options.labels !== undefined,
      multilabel,
      present,
      floatSupport: sw.floatSupport,
      stats: sw.stats,
    },
    options,
  );
}

/** Options of {@link evaluationSummary}. */
export interface EvaluationSummaryOptions extends WarningOptions {
  /** Labels in report / matrix order (default: sorted union of both arrays). */
  labels?: readonly Label[];
}

/** What {@link evaluationSummary} returns: the headline numbers, the matrix and the report dict. */
export interface EvaluationSummary {
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  labels: Label[];
  confusionMatrix: { labels: Label[]; matrix: number[][] };
  report: ClassificationReportDict;
}

/**
 * Everything an `evaluate` command prints, in one call: accuracy, macro and weighted F1, the
 * confusion matrix and the classification report dictionary (zero division scores 0, silently,
 * unless `onWarning` is given).
 *
 * @example
 * ```ts
 * const s = evaluationSummary(valid.labels, await model.predict(valid.texts));
 * console.log(`accuracy ${s.accuracy.toFixed(4)}  macro-F1 ${s.macroF1.toFixed(4)}`);
 * await writeEvaluationFigures('out/', { cm: s.confusionMatrix, history: model.history });
 * ```
 */
export function evaluationSummary(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: EvaluationSummaryOptions = {},
): EvaluationSummary {
  const onWarning = options.onWarning ?? (() => {});
  const sw = setWise(yTrue, yPred, { labels: options.labels }, null);
  if (sw.targets.type === 'multilabel-indicator') {
    throw invalidArgument('evaluationSummary takes 1-D labels; for indicator matrices use classificationReport.');
  }
  const labels = sw.labels;
  const { m } = labelMatrix(yTrue, yPred, labels, undefined, 'evaluationSummary');
  const k = labels.length;
  const matrix = Array.from({ length: k }, (_, i) => Array.from(m.subarray(i * k, i * k + k)));
  const score = (average: Average) =>
    prfFromStats(sw.stats(average), { average, beta: 1, zeroDivision: 0, warnFor: [], onWarning }).fscore as number;
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  const report = classificationReport(yTrue, yPred, { labels, zeroDivision: 0, outputDict: true, onWarning });
  return {
    accuracy: yTrue.length === 0 ? Number.NaN : correct / yTrue.length,
    macroF1: score('macro'),
    weightedF1: score('weighted'),
    labels: [...labels],
    confusionMatrix: { labels: [...labels], matrix },
    report,
  };
}
