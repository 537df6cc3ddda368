/**
 * Confusion matrices: the one-shot `confusionMatrix` function (scikit-learn's `confusion_matrix`)
 * and the streaming `ConfusionMatrix` accumulator that large or distributed evaluations update
 * batch by batch, merge across workers and derive every label metric from.
 */
import { invalidArgument, UlasanError } from '../internal/errors.js';
import {
  type AveragedScores,
  balancedFromMatrix,
  type CohenKappaOptions,
  kappaFromMatrix,
  labelMatrix,
  marginals,
  mccFromMatrix,
  type PerLabelScores,
  type PrecisionRecallOptions,
  pyList,
  seenMatrix,
  toScores,
} from './classification.js';
import type { ClassCounts } from './counts.js';
import { type Average, checkPrfOptions, prfFromStats } from './prf.js';
import { buildReport, type ClassificationReportDict, type ClassificationReportOptions } from './report.js';
import {
  checkLabelArray,
  checkLength,
  checkSameKind,
  checkSampleWeight,
  compareLabels,
  type Label,
  type LabelArray,
  type LabelKind,
  pairwiseSum,
  type SampleWeight,
} from './targets.js';
import { emitMetricWarning, type WarningOptions } from './warnings.js';

/** How to normalize a confusion matrix: over true labels (rows), predictions (columns) or all. */
export type ConfusionNormalize = 'true' | 'pred' | 'all';

/** A confusion matrix with its labels: `matrix[i][j]` counts samples of true `labels[i]` predicted as `labels[j]`. */
export interface ConfusionMatrixResult {
  labels: Label[];
  matrix: number[][];
}

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions {
  /** Labels to index the matrix (reorder, select, or add absent labels). Default: sorted union. */
  labels?: readonly Label[];
  /** Normalize rows (`'true'`), columns (`'pred'`) or the whole matrix (`'all'`); 0/0 gives 0. */
  normalize?: ConfusionNormalize;
  /** Per-sample weights. */
  sampleWeight?: SampleWeight;
}

/** @internal */
export function normalizeMatrix(m: Float64Array, k: number, mode: ConfusionNormalize | undefined): number[][] {
  if (mode !== undefined && mode !== 'true' && mode !== 'pred' && mode !== 'all') {
    throw invalidArgument(`normalize must be 'true', 'pred', 'all' or undefined; got ${JSON.stringify(mode)}.`);
  }
  const out: number[][] = [];
  const { rows, cols } = marginals(m, k);
  const all = pairwiseSum(m);
  for (let i = 0; i < k; i++) {
    const row: number[] = [];
    for (let j = 0; j < k; j++) {
      const v = m[i * k + j]!;
      let r = v;
      if (mode === 'true') r = v / rows[i]!;
      else if (mode === 'pred') r = v / cols[j]!;
      else if (mode === 'all') r = v / all;
      row.push(Number.isNaN(r) ? 0 : r);
    }
    out.push(row);
  }
  return out;
}

/**
 * The confusion matrix (scikit-learn's `confusion_matrix`): rows are true labels, columns
 * predicted labels, in `labels` order (default: sorted union of both arrays). Samples whose true or
 * predicted label is not in `labels` are left out. At least one of `labels` must occur in `yTrue`.
 *
 * @example
 * ```ts
 * const { labels, matrix } = confusionMatrix(['cat', 'ant', 'cat'], ['ant', 'ant', 'cat']);
 * // labels ['ant', 'cat'], matrix [[1, 0], [1, 1]]
 * confusionMatrix(yTrue, yPred, { normalize: 'true' }); // rows sum to 1 (recall per class on the diagonal)
 * ```
 */
export function confusionMatrix(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: ConfusionMatrixOptions = {},
): ConfusionMatrixResult {
  const { labels, m } = labelMatrix(yTrue, yPred, options.labels, options.sampleWeight, 'confusionMatrix');
  return { labels, matrix: normalizeMatrix(m, labels.length, options.normalize) };
}

/** The JSON form of a {@link ConfusionMatrix}. */
export interface ConfusionMatrixJSON {
  format: 'ulasan.confusion-matrix';
  version: 1;
  /** Labels, in matrix order. */
  labels: Label[];
  /** Whether the labels were fixed at construction (unknown labels are then an error). */
  fixedLabels: boolean;
  /** Rows: true label; columns: predicted label. */
  matrix: number[][];
  /** Weighted per-label totals as accumulated (kept so that derived supports round identically). */
  trueSum: number[];
  predSum: number[];
  /** Labels that occurred (with any weight) as true / predicted labels, as 0/1 per label. */
  seenTrue: number[];
  seenPred: number[];
  total: number;
  nSamples: number;
  weighted: boolean;
}

/** Options of {@link ConfusionMatrix.update}. */
export interface ConfusionMatrixUpdateOptions {
  /** Per-sample weights for this batch. */
  sampleWeight?: SampleWeight;
}

/**
 * A streaming confusion matrix: `update` it batch by batch (or in several workers and `merge`),
 * then derive accuracy, precision/recall/F, kappa, MCC, balanced accuracy and the classification
 * report from it, with the same numbers as the one-shot functions on the concatenated data.
 *
 * With `labels` given, their order is the matrix order, an unknown label is an error (so a typo
 * cannot silently drop samples), and derived metrics default to all of them, as if scikit-learn
 * were called with `labels=`. Without, labels are collected as they come and reported sorted, and
 * metrics cover the labels that occurred, as scikit-learn's defaults do.
 *
 * @example
 * ```ts
 * const cm = new ConfusionMatrix(['negative', 'neutral', 'positive']);
 * for (const batch of batches) cm.update(batch.labels, await model.predict(batch.texts));
 * cm.accuracy();
 * cm.precisionRecallFscoreSupport({ average: 'macro' }).fscore;
 * console.log(cm.classificationReport());
 * ```
 */
export class ConfusionMatrix {
  private readonly fixed: boolean;
  private labelList: Label[] = [];
  private index = new Map<Label, number>();
  private kind: LabelKind | undefined;
  private cells: number[][] = [];
  private trueSum: number[] = [];
  private predSum: number[] = [];
  private seenTrue: number[] = [];
  private seenPred: number[] = [];
  private total = 0;
  private nSamples = 0;
  private weighted = false;

  /** @param labels Fixed labels in matrix order; omit to collect labels from the data. */
  constructor(labels?: readonly Label[]) {
    this.fixed = labels !== undefined;
    if (labels !== undefined) {
      this.kind = checkLabelArray(labels, 'labels');
      if (labels.length === 0)
        throw invalidArgument('ConfusionMatrix needs at least one label (or omit labels to collect them).');
      for (const l of labels) {
        if (this.index.has(l))
          throw invalidArgument(`ConfusionMatrix labels must be unique; ${JSON.stringify(l)} appears twice.`);
        this.addLabel(l);
      }
    }
  }

  private addLabel(label: Label): number {
    const i = this.labelList.length;
    this.labelList.push(label);
    this.index.set(label, i);
    for (const row of this.cells) row.push(0);
    this.cells.push(new Array(i + 1).fill(0));
    this.trueSum.push(0);
    this.predSum.push(0);
    this.seenTrue.push(0);
    this.seenPred.push(0);
    return i;
  }

  private slot(label: Label, where: string): number {
    const i = this.index.get(label);
    if (i !== undefined) return i;
    if (this.fixed) {
      throw invalidArgument(
        `${where} contains the label ${JSON.stringify(label)}, which is not one of this ConfusionMatrix's labels ${JSON.stringify(this.labelList)}: add it to the labels given to the constructor.`,
      );
    }
    return this.addLabel(label);
  }

  /** Adds one batch of true and predicted labels. Returns `this`. */
  update(yTrue: LabelArray, yPred: LabelArray, options: ConfusionMatrixUpdateOptions = {}): this {
    checkLength(yTrue, yPred);
    const kt = checkLabelArray(yTrue, 'yTrue');
    const kp = checkLabelArray(yPred, 'yPred');
    checkSameKind(kt, kp, 'yTrue and yPred');
    const k = kt ?? kp;
    checkSameKind(this.kind, k, 'this ConfusionMatrix and the new batch');
    this.kind ??= k;
    const weights = checkSampleWeight(options.sampleWeight, yTrue.length);
    // Resolve every label first so that a bad batch leaves the matrix unchanged.
    const ti = Array.from({ length: yTrue.length }, (_, s) => this.slot(yTrue[s] as Label, 'yTrue'));
    const pi = Array.from({ length: yPred.length }, (_, s) => this.slot(yPred[s] as Label, 'yPred'));
    if (weights) this.weighted = true;
    for (let s = 0; s < ti.length; s++) {
      const w = weights ? weights[s]! : 1;
      const i = ti[s]!;
      const j = pi[s]!;
      this.cells[i]![j]! += w;
      this.trueSum[i]! += w;
      this.predSum[j]! += w;
      this.seenTrue[i] = 1;
      this.seenPred[j] = 1;
      this.total += w;
    }
    this.nSamples += ti.length;
    return this;
  }

  /** Adds the counts of another matrix (e.g. from another worker). Returns `this`. */
  merge(other: ConfusionMatrix): this {
    if (!(other instanceof ConfusionMatrix)) throw invalidArgument('merge expects another ConfusionMatrix.');
    checkSameKind(this.kind, other.kind, 'the two confusion matrices');
    if (this.fixed) {
      const missing = other.labelList.filter(
        (l) => !this.index.has(l) && (other.seenTrue[other.index.get(l)!] || other.seenPred[other.index.get(l)!]),
      );
      if (missing.length > 0) {
        throw invalidArgument(
          `Cannot merge: the other matrix has labels ${JSON.stringify(missing)} that this one (fixed labels ${JSON.stringify(this.labelList)}) lacks.`,
        );
      }
    }
    this.kind ??= other.kind;
    const map = other.labelList.map((l, oi) =>
      this.index.has(l) || other.seenTrue[oi] || other.seenPred[oi] || !this.fixed ? this.slot(l, 'merge') : -1,
    );
    for (let a = 0; a < map.length; a++) {
      const i = map[a]!;
      if (i < 0) continue;
      for (let b = 0; b < map.length; b++) {
        const j = map[b]!;
        if (j < 0) continue;
        this.cells[i]![j]! += other.cells[a]![b]!;
      }
      this.trueSum[i]! += other.trueSum[a]!;
      this.predSum[i]! += other.predSum[a]!;
      this.seenTrue[i] = this.seenTrue[i]! | other.seenTrue[a]!;
      this.seenPred[i] = this.seenPred[i]! | other.seenPred[a]!;
    }
    this.total += other.total;
    this.nSamples += other.nSamples;
    this.weighted ||= other.weighted;
    return this;
  }

  /** Labels in matrix order (sorted when they were collected from the data). */
  get labels(): Label[] {
    return this.order().map((i) => this.labelList[i]!);
  }

  /** Number of samples added. */
  get size(): number {
    return this.nSamples;
  }

  private order(): number[] {
    const idx = this.labelList.map((_, i) => i);
    if (!this.fixed) idx.sort((a, b) => compareLabels(this.labelList[a]!, this.labelList[b]!));
    return idx;
  }

  /** @internal Snapshot as counts in label order. */
  counts(): ClassCounts {
    const order = this.order();
    const n = order.length;
    const cells = new Float64Array(n * n);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) cells[a * n + b] = this.cells[order[a]!]![order[b]!]!;
    return {
      labels: order.map((i) => this.labelList[i]!),
      cells,
      trueSum: Float64Array.from(order, (i) => this.trueSum[i]!),
      predSum: Float64Array.from(order, (i) => this.predSum[i]!),
      seenTrue: Uint8Array.from(order, (i) => this.seenTrue[i]!),
      seenPred: Uint8Array.from(order, (i) => this.seenPred[i]!),
      total: this.total,
      nSamples: this.nSamples,
      weighted: this.weighted,
    };
  }

  /** The matrix (rows true, columns predicted), optionally normalized. */
  toResult(normalize?: ConfusionNormalize): ConfusionMatrixResult {
    const c = this.counts();
    return { labels: c.labels, matrix: normalizeMatrix(c.cells, c.labels.length, normalize) };
  }

  /** The raw matrix (rows true, columns predicted) in {@link ConfusionMatrix.labels} order. */
  get matrix(): number[][] {
    return this.toResult().matrix;
  }

  /** Accuracy: the diagonal over the total (`normalize: false` gives the diagonal sum). NaN when empty. */
  accuracy(options: { normalize?: boolean } = {}): number {
    const c = this.counts();
    const n = c.labels.length;
    let diag = 0;
    for (let i = 0; i < n; i++) diag += c.cells[i * n + i]!;
    if (options.normalize === false) return diag;
    return this.nSamples === 0 ? Number.NaN : diag / c.total;
  }

  /** Precision, recall, F-beta and support from the accumulated counts (see `precisionRecallFscoreSupport`). */
  precisionRecallFscoreSupport(
    options?: Omit<PrecisionRecallOptions, 'sampleWeight'> & { average?: null },
  ): PerLabelScores;
  precisionRecallFscoreSupport(
    options: Omit<PrecisionRecallOptions, 'sampleWeight'> & { average: Exclude<Average, null> },
  ): AveragedScores;
  precisionRecallFscoreSupport(
    options: Omit<PrecisionRecallOptions, 'sampleWeight'> = {},
  ): PerLabelScores | AveragedScores {
    const average = options.average ?? null;
    const beta = options.beta ?? 1;
    const zeroDivision = options.zeroDivision ?? 'warn';
    checkPrfOptions(average, beta, zeroDivision);
    const labels = options.labels ?? (this.fixed ? this.labels : undefined);
    const stats = countsStats(this.counts(), labels, average, options.posLabel, options);
    return toScores(
      prfFromStats(stats, {
        average,
        beta,
        zeroDivision,
        warnFor: ['precision', 'recall', 'f-score'],
        onWarning: options.onWarning,
      }),
    );
  }

  /** Cohen's kappa over this matrix's labels (their order matters for weighted kappa). */
  cohenKappa(options: Omit<CohenKappaOptions, 'labels' | 'sampleWeight'> = {}): number {
    const c = this.counts();
    return kappaFromMatrix(c.cells, c.labels.length, options.weights ?? null, options);
  }

  /** Matthews correlation coefficient. */
  matthewsCorrcoef(): number {
    const { m, k } = seenMatrix(this.counts());
    return mccFromMatrix(m, k);
  }

  /** Balanced accuracy (mean recall over classes present), optionally adjusted for chance. */
  balancedAccuracy(options: { adjusted?: boolean } & WarningOptions = {}): number {
    const { m, k } = seenMatrix(this.counts());
    return balancedFromMatrix(m, k, options.adjusted ?? false, options);
  }

  /** The classification report (text, or the dictionary with `outputDict: true`). */
  classificationReport(options?: Omit<ClassificationReportOptions, 'sampleWeight'> & { outputDict?: false }): string;
  classificationReport(
    options: Omit<ClassificationReportOptions, 'sampleWeight'> & { outputDict: true },
  ): ClassificationReportDict;
  classificationReport(
    options: Omit<ClassificationReportOptions, 'sampleWeight'> = {},
  ): string | ClassificationReportDict {
    const c = this.counts();
    const present = c.labels.filter((_, i) => c.seenTrue[i] || c.seenPred[i]);
    const labels = options.labels ?? (this.fixed ? c.labels : present);
    return buildReport(
      {
        labels: [...labels],
        labelsGiven: options.labels !== undefined || this.fixed,
        multilabel: false,
        present,
        floatSupport: c.weighted || c.cells.every((v, i) => i % (c.labels.length + 1) !== 0 || v === 0),
        stats: (average) => countsStats(c, labels, average, undefined, options),
      },
      options,
    );
  }

  /** Serializable form; restore with {@link ConfusionMatrix.fromJSON}. */
  toJSON(): ConfusionMatrixJSON {
    return {
      format: 'ulasan.confusion-matrix',
      version: 1,
      labels: [...this.labelList],
      fixedLabels: this.fixed,
      matrix: this.cells.map((r) => [...r]),
      trueSum: [...this.trueSum],
      predSum: [...this.predSum],
      seenTrue: [...this.seenTrue],
      seenPred: [...this.seenPred],
      total: this.total,
      nSamples: this.nSamples,
      weighted: this.weighted,
    };
  }

  /** Restores a matrix saved with {@link ConfusionMatrix.toJSON}, validating it. */
  static fromJSON(json: unknown): ConfusionMatrix {
    const j = json as Partial<ConfusionMatrixJSON> | null;
    if (!j || typeof j !== 'object' || j.format !== 'ulasan.confusion-matrix') {
      throw new UlasanError(
        'FILE_FORMAT',
        'Not a confusion matrix: expected an object with format "ulasan.confusion-matrix".',
      );
    }
    if (j.version !== 1) {
      throw new UlasanError(
        'UNSUPPORTED_VERSION',
        `Confusion matrix version ${String(j.version)} is not supported by this ulasan (knows version 1): upgrade ulasan.`,
      );
    }
    const labels = j.labels;
    if (!Array.isArray(labels)) throw new UlasanError('FILE_FORMAT', 'Confusion matrix JSON has no labels array.');
    const n = labels.length;
    const okVec = (v: unknown): v is number[] =>
      Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (
      !Array.isArray(j.matrix) ||
      j.matrix.length !== n ||
      !j.matrix.every(okVec) ||
      !okVec(j.trueSum) ||
      !okVec(j.predSum) ||
      !okVec(j.seenTrue) ||
      !okVec(j.seenPred) ||
      typeof j.total !== 'number' ||
      typeof j.nSamples !== 'number'
    ) {
      throw new UlasanError(
        'FILE_FORMAT',
        `Confusion matrix JSON is malformed: expected a ${n}×${n} matrix and per-label arrays of ${n} numbers.`,
      );
    }
    const cm = j.fixedLabels && n > 0 ? new ConfusionMatrix(labels) : new ConfusionMatrix();
    if (!j.fixedLabels) {
      cm.kind = checkLabelArray(labels, 'labels');
      for (const l of labels) cm.addLabel(l);
    }
    cm.cells = j.matrix.map((r) => [...r]);
    cm.trueSum = [...j.trueSum];
    cm.predSum = [...j.predSum];
    cm.seenTrue = [...j.seenTrue];
    cm.seenPred = [...j.seenPred];
    cm.total = j.total;
    cm.nSamples = j.nSamples;
    cm.weighted = j.weighted === true;
    return cm;
  }
}

/** @internal Set-wise statistics from counts, with scikit-learn's binary / posLabel rules. */
export function countsStats(
  c: ClassCounts,
  labels: readonly Label[] | undefined,
  average: Average,
  posLabel: Label | undefined,
  w: WarningOptions,
): { tp: Float64Array; pred: Float64Array; true: Float64Array } {
  const present = c.labels.filter((_, i) => c.seenTrue[i] || c.seenPred[i]);
  let wanted = labels ?? present;
  if (average === 'samples') {
    throw invalidArgument(
      "Samplewise metrics are not available outside of multilabel classification: average 'samples' needs indicator matrices.",
    );
  }
  if (average === 'binary') {
    if (present.length > 2) {
      throw invalidArgument(
        "Target is multiclass but average='binary'. Please choose another average setting, one of null, 'micro', 'macro', 'weighted'.",
      );
    }
    const pos = posLabel ?? 1;
    if (!present.includes(pos) && present.length >= 2) {
      throw invalidArgument(`posLabel=${String(pos)} is not a valid label. It should be one of ${pyList(present)}.`);
    }
    wanted = [pos];
  } else if (posLabel !== undefined && posLabel !== 1) {
    emitMetricWarning(
      w,
      'UserWarning',
      `Note that posLabel (set to ${JSON.stringify(posLabel)}) is ignored when average != 'binary' (got ${JSON.stringify(average)}). You may use labels=[posLabel] to specify a single positive class.`,
    );
  }
  const index = new Map<Label, number>();
  c.labels.forEach((l, i) => {
    index.set(l, i);
  });
  const n = c.labels.length;
  const get = (arr: Float64Array, diag: boolean) =>
    Float64Array.from(wanted, (l) => {
      const i = index.get(l);
      if (i === undefined) return 0;
      return diag ? c.cells[i * n + i]! : arr[i]!;
    });
  return { tp: get(c.trueSum, true), pred: get(c.predSum, false), true: get(c.trueSum, false) };
}
