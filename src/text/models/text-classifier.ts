/**
 * The base of every text classifier (classic baselines and deep models): preprocessing, label
 * encoding, input validation, `predict` from `predictProba`, `evaluate`, and the saved-model
 * directory. Subclasses only turn token arrays into a trained model and back.
 *
 * Trainer vs. saved model (gensim's split): `fit` trains in place, `save(dir)` writes a directory
 * holding the exact preprocessing, label set, state and metadata, and `loadTextClassifier(dir)`
 * gives back a classifier that predicts identically and needs nothing else.
 */
import { type FitOptions, type Label, type PersistableClassifier, paramsInEffect } from '../../core/classifier.js';
import { compareLabels, uniqueLabels } from '../../core/labels.js';
import { argmax } from '../../internal/argmax.js';
import { invalidArgument, NotFittedError, throwIfAborted, UlasanError } from '../../internal/errors.js';
import { stableHash } from '../../internal/hash.js';
import type { Logs, TrainingCallbacks } from '../../internal/progress.js';
import { ulasanVersion } from '../../internal/version.js';
import { classificationReport, evaluationSummary, type ReportRow } from '../../metrics/report.js';
import { createPipeline, PIPELINE_PRESETS, TextPipeline } from '../preprocess/pipeline.js';
import { type Artifact, type ArtifactManifest, type TrainingMetadata, writeArtifact } from './artifact.js';
import { TEXT_CLASSIFIER_PARAMS } from './params.js';

/**
 * What a text classifier needs from a preprocessing pipeline: text → tokens, and a JSON config
 * saved with the model. `TextPipeline` from the preprocessing module satisfies it.
 */
export interface TokenPipeline {
  /** Turns one text into tokens. */
  process(text: string): string[];
  /** A JSON config from which the same pipeline can be rebuilt at load time. */
  toJSON(): unknown;
}

/** Options shared by every text classifier. */
export interface TextClassifierOptions {
  /**
   * Preprocessing applied to every text before the model. Default: the sentiment-safe Indonesian
   * preset, `createPipeline(PIPELINE_PRESETS.sentiment)` (cleaning, case folding, tokenizing, slang
   * normalization, stopwords removed but negators and intensifiers kept). Pass
   * `new WhitespacePipeline()` for text that is already tokenized by spaces.
   */
  pipeline?: TokenPipeline;
  /** Seed for every random choice in training (default 42). */
  seed?: number;
}

/** The evaluation report returned by `evaluate`, computed with `evaluationSummary` and `classificationReport` from `ulasan/metrics`. */
export interface TextEvaluation {
  /** Fraction of texts predicted correctly. */
  accuracy: number;
  /** Unweighted mean of per-class F1. */
  macroF1: number;
  /** Per-class F1 weighted by support. */
  weightedF1: number;
  /** Labels in the order used by `confusionMatrix` (the classifier's classes). */
  labels: Label[];
  /** `confusionMatrix[i][j]`: texts of class `labels[i]` predicted as `labels[j]`. */
  confusionMatrix: number[][];
  /** scikit-learn's `classification_report` text table (4 digits), from `ulasan/metrics`. */
  report: string;
  /** Per-class precision, recall, F1 and support. */
  perClass?: { label: Label; precision: number; recall: number; f1: number; support: number }[];
  /**
   * The `predictProba` rows the scores came from (columns in `labels` order), when `evaluate` was
   * asked for them with `{ probabilities: true }`: for ROC/precision–recall curves without a second
   * inference pass.
   */
  probabilities?: number[][];
}

/** Preprocessed, label-encoded training data handed to a subclass. */
export interface TextTrainingData {
  /** Tokens of each kept training text (texts that preprocess to nothing are left out). */
  tokens: string[][];
  /** Class index (into `classes`) of each kept text. */
  y: Int32Array;
  /** Sorted class labels. */
  classes: Label[];
  /** Per-sample weights aligned with `tokens` (all 1 when not given). */
  sampleWeights: Float64Array;
  /** Preprocessed validation data, when given. */
  validation?: { tokens: string[][]; y: Int32Array };
  /** Training callbacks. */
  callbacks?: TrainingCallbacks;
  /** Cancellation. */
  signal?: AbortSignal;
  /** Continue from the current fitted state when the model supports it. */
  warmStart?: boolean;
  /** The seed to use. */
  seed: number;
}

/**
 * The simplest pipeline: lower-case and split on whitespace. Fits corpora that are already
 * tokenized by spaces (SmSA); the default of every classifier is the sentiment preset instead.
 */
export class WhitespacePipeline implements TokenPipeline {
  /** Splits lower-cased text on Unicode whitespace. */
  process(text: string): string[] {
    return text
      .toLowerCase()
      .split(/\s+/u)
      .filter((t) => t !== '');
  }

  /** `{ format: 'ulasan-whitespace-pipeline', version: 1 }`. */
  toJSON(): { format: 'ulasan-whitespace-pipeline'; version: 1 } {
    return { format: 'ulasan-whitespace-pipeline', version: 1 };
  }
}

/** Rebuilds a saved pipeline config. Configs other than the built-in whitespace one go to the registered reviver. */
export type PipelineReviver = (config: unknown) => TokenPipeline | Promise<TokenPipeline>;

let pipelineReviver: PipelineReviver | undefined;

/**
 * Registers how saved pipeline configs are rebuilt at load time (the preprocessing module
 * registers `createPipeline` here, so loading a model does not hard-wire a dependency on it).
 */
export function setPipelineReviver(reviver: PipelineReviver | undefined): void {
  pipelineReviver = reviver;
}

/**
 * Rebuilds the pipeline saved in a model manifest: the built-in whitespace pipeline, a
 * `TextPipeline` config from the preprocessing module (format `ulasan-text-pipeline`), or anything a registered {@link PipelineReviver} understands.
 */
export async function revivePipeline(config: unknown): Promise<TokenPipeline> {
  const c = config as { format?: unknown } | null;
  if (c && typeof c === 'object' && c.format === 'ulasan-whitespace-pipeline') return new WhitespacePipeline();
  if (pipelineReviver) return pipelineReviver(config);
  if (c && typeof c === 'object' && c.format === 'ulasan-text-pipeline') return TextPipeline.fromJSON(config);
  throw new UlasanError(
    'CONFIG',
    `Cannot rebuild the saved preprocessing pipeline (${JSON.stringify(config)?.slice(0, 120)}): its format is not known. Register a loader with setPipelineReviver() before loading the model.`,
  );
}

/**
 * Abstract base of all text classifiers. Implements the {@link PersistableClassifier} contract on
 * raw texts; subclasses implement `fitTokens`, `predictProbaTokens`, `stateFiles` and `loadState`.
 *
 * Documented behaviour for texts that preprocess to no tokens: at `fit` they are left out of
 * training (their count is kept in `metadata.emptyTexts`); if every text is empty, `fit` throws.
 * At `predict` they get the model's answer for an empty input (class priors for naive Bayes, the
 * intercepts for linear models, an all-padding sequence for deep models).
 */
export abstract class TextClassifier<O extends TextClassifierOptions = TextClassifierOptions>
  implements PersistableClassifier<string>
{
  /** The model kind stored in the manifest and used by the registry (`'nb'`, `'logreg'`, ...). */
  abstract readonly kind: string;
  /** The options given to the constructor (stored, never modified). */
  readonly options: O;
  /** Per-epoch history, for models that train in epochs. */
  history?: Logs[];
  private fittedClasses?: Label[];
  private fittedPipeline?: TokenPipeline;
  private defaultPipelineCache?: TokenPipeline;
  private fittedMetadata?: TrainingMetadata;

  /** Only stores the options (scikit-learn contract); all work happens in `fit`. */
  constructor(options: O) {
    this.options = options;
  }

  /** Class labels in `predictProba` column order (sorted like scikit-learn); empty before `fit`. */
  get classes(): readonly Label[] {
    return this.fittedClasses ?? [];
  }

  /** Whether the model has been fitted or loaded. */
  get isFitted(): boolean {
    return this.fittedClasses !== undefined;
  }

  /** The declared constructor options of this kind (see `TEXT_CLASSIFIER_PARAMS` in `params.ts`). */
  get paramNames(): readonly string[] {
    return Object.keys(this.declaredParams());
  }

  /**
   * The declared options as in effect: the given value, else the default (`undefined` where the
   * default is decided at `fit`, and for the default pipeline, built on first use). Pass it to the
   * constructor (or `cloneClassifier`) for an equal, unfitted model.
   */
  getParams(): Record<string, unknown> {
    return paramsInEffect(this.options, this.declaredParams());
  }

  /**
   * Frees what the model holds. The base holds only JavaScript memory, so this resolves at once;
   * tensor-backed kinds (the deep models, ensembles of them) release their networks. Idempotent.
   */
  async dispose(): Promise<void> {}

  /**
   * Declared parameter names → defaults. Built-in kinds read the one table in `params.ts`; a plugin
   * kind not in it declares `pipeline`, `seed` and whatever options it was given (override this to
   * declare its own defaults).
   */
  protected declaredParams(): Readonly<Record<string, unknown>> {
    const table = (TEXT_CLASSIFIER_PARAMS as Record<string, Readonly<Record<string, unknown>>>)[this.kind];
    if (table) return table;
    return {
      pipeline: undefined,
      seed: 42,
      ...Object.fromEntries(Object.keys(this.options).map((k) => [k, undefined])),
    };
  }

  /** The preprocessing pipeline in use (the fitted/loaded one after `fit`/`load`). */
  get pipeline(): TokenPipeline {
    return this.fittedPipeline ?? this.options.pipeline ?? this.defaultPipeline();
  }

  private defaultPipeline(): TokenPipeline {
    // Created on first use (reads the shipped slang map), never in the constructor.
    this.defaultPipelineCache ??= createPipeline(PIPELINE_PRESETS.sentiment);
    return this.defaultPipelineCache;
  }

  /** Training metadata (data hash, seed, size, ...), set by `fit` or `load`. */
  get metadata(): Readonly<TrainingMetadata> | undefined {
    return this.fittedMetadata;
  }

  /** The seed used for training. */
  protected get seed(): number {
    return this.options.seed ?? 42;
  }

  /**
   * Trains on raw texts and labels; resolves to the classifier itself.
   *
   * @throws UlasanError `INVALID_ARGUMENT` for non-string texts, mismatched lengths, mixed or
   *   invalid labels, bad sample weights; `INVALID_DATA` for a single class or when every text
   *   preprocesses to nothing.
   */
  async fit(texts: string[], labels: Label[], options: FitOptions<string> = {}): Promise<this> {
    checkTexts(texts, 'fit');
    checkLabels(labels, texts.length, 'fit');
    const classes = uniqueLabels(labels);
    if (classes.length < 2) {
      throw new UlasanError(
        'INVALID_DATA',
        `fit: the training labels contain only one class (${JSON.stringify(classes[0])}); a classifier needs at least two. Check the label column and any filtering.`,
      );
    }
    const weights = checkWeights(options.sampleWeights, texts.length);
    throwIfAborted(options.signal, 'Training');
    const pipeline = this.options.pipeline ?? this.fittedPipeline ?? this.defaultPipeline();
    const index = new Map<Label, number>(classes.map((c, i) => [c, i]));
    const tokens: string[][] = [];
    const y: number[] = [];
    const w: number[] = [];
    let empty = 0;
    for (let i = 0; i < texts.length; i++) {
      const t = pipeline.process(texts[i]!);
      if (t.length === 0) {
        empty++;
        continue;
      }
      tokens.push(t);
      y.push(index.get(labels[i]!)!);
      w.push(weights ? weights[i]! : 1);
    }
    if (tokens.length === 0) {
      throw new UlasanError(
        'INVALID_DATA',
        `fit: all ${texts.length} texts preprocess to no tokens; check the pipeline (does it remove every word?) and the text column.`,
      );
    }
    let validation: TextTrainingData['validation'];
    if (options.validation) {
      checkTexts(options.validation.inputs, 'fit (validation)');
      checkLabels(options.validation.labels, options.validation.inputs.length, 'fit (validation)');
      const vy = options.validation.labels.map((l, i) => {
        const k = index.get(l);
        if (k === undefined) throw unknownLabel(l, i, classes, 'fit (validation)');
        return k;
      });
      validation = { tokens: options.validation.inputs.map((t) => pipeline.process(t)), y: Int32Array.from(vy) };
    }
    if (options.warmStart && this.fittedClasses && !sameLabels(this.fittedClasses, classes)) {
      throw invalidArgument(
        `fit (warmStart): the labels ${JSON.stringify(classes)} differ from the fitted classes ${JSON.stringify(this.fittedClasses)}; warm starts need the same label set.`,
      );
    }
    await this.fitTokens({
      tokens,
      y: Int32Array.from(y),
      classes,
      sampleWeights: Float64Array.from(w),
      validation,
      callbacks: options.callbacks,
      signal: options.signal,
      warmStart: options.warmStart === true && this.isFitted,
      seed: this.seed,
    });
    this.fittedClasses = classes;
    this.fittedPipeline = pipeline;
    this.fittedMetadata = {
      dataHash: hashTrainingData(texts, labels),
      seed: this.seed,
      trainingSize: texts.length,
      emptyTexts: empty,
    };
    return this;
  }

  /**
   * Class probabilities per text, columns in {@link TextClassifier.classes} order.
   *
   * @throws NotFittedError before `fit`; UlasanError `INVALID_ARGUMENT` for non-string texts.
   */
  async predictProba(texts: string[]): Promise<number[][]> {
    this.checkFitted();
    checkTexts(texts, 'predictProba', true);
    if (texts.length === 0) return [];
    const pipeline = this.pipeline;
    return this.predictProbaTokens(texts.map((t) => pipeline.process(t)));
  }

  /** The most probable class per text (first class on ties, like numpy's argmax). */
  async predict(texts: string[]): Promise<Label[]> {
    const proba = await this.predictProba(texts);
    const classes = this.classes;
    return proba.map((row) => classes[argmax(row)]!);
  }

  /**
   * Predicts `texts` and scores the predictions against `labels`.
   *
   * @example
   * ```ts
   * const report = await model.evaluate(valid.texts, valid.labels);
   * console.log(report.accuracy, report.macroF1);
   * console.log(report.report);
   * // With the probabilities, e.g. for ROC curves (oneVsRestCurves from ulasan/metrics):
   * const { probabilities } = await model.evaluate(valid.texts, valid.labels, { probabilities: true });
   * ```
   * `options.predictProba` computes the probabilities another way than `this.predictProba`, e.g.
   * on several threads (`parallelPredictProba`); its rows must be in `classes` order.
   *
   * @throws UlasanError `INVALID_ARGUMENT` when a label was not seen in training (the message lists the known classes);
   *   `SHAPE_MISMATCH` when `options.predictProba` returns the wrong number of rows or columns.
   */
  async evaluate(
    texts: string[],
    labels: Label[],
    options: { probabilities?: boolean; predictProba?: (texts: string[]) => Promise<number[][]> } = {},
  ): Promise<TextEvaluation> {
    this.checkFitted();
    checkTexts(texts, 'evaluate', true);
    checkLabels(labels, texts.length, 'evaluate');
    const classes = this.classes;
    const index = new Map<Label, number>(classes.map((c, i) => [c, i]));
    const yTrue = labels.map((l, i) => {
      const k = index.get(l);
      if (k === undefined) throw unknownLabel(l, i, classes, 'evaluate');
      return k;
    });
    const proba = await (options.predictProba ?? ((t: string[]) => this.predictProba(t)))(texts);
    if (proba.length !== texts.length || proba.some((row) => row.length !== classes.length)) {
      throw new UlasanError(
        'SHAPE_MISMATCH',
        `evaluate: predictProba returned ${proba.length} rows for ${texts.length} texts (each must have ${classes.length} columns, one per class).`,
      );
    }
    const summary = summarize(
      yTrue.map((k) => classes[k]!),
      proba.map((r) => classes[argmax(r)]!),
      [...classes],
    );
    return options.probabilities === true ? { ...summary, probabilities: proba } : summary;
  }

  /**
   * Saves the model directory: `model.json` (manifest with kind, classes, pipeline, options,
   * metadata) plus the state files of the subclass, all written atomically.
   */
  async save(dir: string): Promise<void> {
    this.checkFitted();
    const files = await this.stateFiles();
    await writeArtifact(
      dir,
      {
        kind: this.kind,
        classes: [...this.classes],
        pipeline: this.pipeline.toJSON(),
        options: this.jsonOptions(),
        metadata: {
          ...this.fittedMetadata!,
          ...this.extraMetadata(),
          ulasanVersion: ulasanVersion(),
          createdAt: new Date().toISOString(),
        },
      },
      files,
    );
  }

  /**
   * Restores the fitted state from a validated artifact (used by the loaders; most code calls
   * `loadTextClassifier(dir)` instead).
   */
  async restore(artifact: Artifact): Promise<this> {
    const m = artifact.manifest;
    if (m.kind !== this.kind) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${artifact.dir} holds a "${m.kind}" model, not "${this.kind}". Load it with loadTextClassifier(dir).`,
      );
    }
    this.fittedPipeline = await revivePipeline(m.pipeline);
    const { createdAt: _c, ulasanVersion: _u, ...meta } = m.metadata;
    this.fittedMetadata = meta as TrainingMetadata;
    await this.loadState(artifact, m);
    this.fittedClasses = [...m.classes];
    return this;
  }

  /** Trains the model on preprocessed, label-encoded data. */
  protected abstract fitTokens(data: TextTrainingData): Promise<void>;

  /** Probabilities for preprocessed texts (a token array may be empty). */
  protected abstract predictProbaTokens(tokens: string[][]): Promise<number[][]>;

  /** The kind-specific state files to save, by role. */
  protected abstract stateFiles(): Promise<Record<string, { path: string; data: string | Uint8Array | object }>>;

  /** Restores kind-specific state from the files of a validated artifact. */
  protected abstract loadState(artifact: Artifact, manifest: ArtifactManifest): Promise<void>;

  /** Extra metadata to save (e.g. `tfjsVersion`). */
  protected extraMetadata(): Record<string, unknown> {
    return {};
  }

  /** The constructor options without the pipeline object, as JSON. */
  protected jsonOptions(): Record<string, unknown> {
    const { pipeline: _p, ...rest } = this.options;
    return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
  }

  /** Throws {@link NotFittedError} unless fitted or loaded. */
  protected checkFitted(): void {
    if (!this.isFitted) throw new NotFittedError(this.constructor.name);
  }
}

/** SHA-256 of texts and labels, recorded in the saved metadata to tie a model to its training data. */
export function hashTrainingData(texts: readonly string[], labels: readonly Label[]): string {
  return stableHash({ texts, labels });
}

/**
 * Sorts labels like scikit-learn's `np.unique`: numbers ascending, strings by code point.
 *
 * @deprecated Use `uniqueLabels` (or `[...labels].sort(compareLabels)`) from the root `ulasan`
 *   entry: the one label order every classifier and metric shares.
 */
export function sortLabels(labels: Label[]): Label[] {
  return [...labels].sort(compareLabels);
}

function checkTexts(texts: unknown, where: string, allowEmpty = false): asserts texts is string[] {
  if (!Array.isArray(texts)) throw invalidArgument(`${where}: expected an array of texts, got ${typeof texts}.`);
  if (!allowEmpty && texts.length === 0)
    throw invalidArgument(`${where}: no texts given; pass at least one labelled text per class.`);
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== 'string') {
      const v = texts[i];
      throw invalidArgument(
        `${where}: texts[${i}] is ${v === null ? 'null' : typeof v}, expected a string. Remove or convert missing values before calling ${where.split(' ')[0]}.`,
      );
    }
  }
}

function checkLabels(labels: unknown, n: number, where: string): asserts labels is Label[] {
  if (!Array.isArray(labels)) throw invalidArgument(`${where}: expected an array of labels, got ${typeof labels}.`);
  if (labels.length !== n)
    throw invalidArgument(`${where}: ${n} texts but ${labels.length} labels; they must be aligned one to one.`);
  let kind: string | undefined;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if ((typeof l !== 'string' && typeof l !== 'number') || (typeof l === 'number' && !Number.isFinite(l))) {
      throw invalidArgument(
        `${where}: labels[${i}] is ${l === null ? 'null' : String(l)}, expected a string or a finite number.`,
      );
    }
    if (typeof l === 'string' && l === '')
      throw invalidArgument(`${where}: labels[${i}] is an empty string; every text needs a label.`);
    if (kind === undefined) kind = typeof l;
    else if (kind !== typeof l) {
      throw invalidArgument(
        `${where}: labels mix strings and numbers (labels[${i}] is ${typeof l}); use one type, e.g. String(label).`,
      );
    }
  }
}

function checkWeights(weights: number[] | undefined, n: number): number[] | undefined {
  if (weights === undefined) return undefined;
  if (!Array.isArray(weights) || weights.length !== n) {
    throw invalidArgument(
      `fit: sampleWeights has ${Array.isArray(weights) ? weights.length : typeof weights} entries, expected one per text (${n}).`,
    );
  }
  weights.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw invalidArgument(`fit: sampleWeights[${i}] is ${String(w)}; weights must be finite and ≥ 0.`);
    }
  });
  if (!weights.some((w) => w > 0))
    throw invalidArgument('fit: every sample weight is 0; at least one must be positive.');
  return weights;
}

function unknownLabel(label: Label, i: number, classes: readonly Label[], where: string): UlasanError {
  return invalidArgument(
    `${where}: labels[${i}] is ${JSON.stringify(label)}, which the model was not trained on. Known classes: ${classes.map((c) => JSON.stringify(c)).join(', ')}. Map the labels to the training label set first.`,
  );
}

function sameLabels(a: readonly Label[], b: readonly Label[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The metrics module's evaluation summary, reshaped into {@link TextEvaluation}. */
function summarize(yTrue: Label[], yPred: Label[], labels: Label[]): TextEvaluation {
  const summary = evaluationSummary(yTrue, yPred, { labels });
  const perClass = labels.map((label) => {
    const row = summary.report[String(label)] as ReportRow | undefined;
    return {
      label,
      precision: row?.precision ?? 0,
      recall: row?.recall ?? 0,
      f1: row?.['f1-score'] ?? 0,
      support: row?.support ?? 0,
    };
  });
  return {
    accuracy: summary.accuracy,
    macroF1: summary.macroF1,
    weightedF1: summary.weightedF1,
    labels: summary.labels,
    confusionMatrix: summary.confusionMatrix.matrix,
    report: classificationReport(yTrue, yPred, { labels, zeroDivision: 0, digits: 4 }),
    perClass,
  };
}
