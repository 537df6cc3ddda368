/**
 * The three problem transformations of the survey (seed 002) that turn any single-label text
 * classifier into a multi-label / multi-output one: Binary Relevance, Classifier Chains and Label
 * Powerset. Labels are rows with one value per output (CASA: the sentiment of each of six aspects;
 * for plain tag sets use one `'0'`/`'1'` output per tag).
 *
 * Classifier-chain features: the previous outputs' labels are appended to the text as reserved
 * tokens (`ccl0positive`-style, letters and digits only so every preprocessing pipeline keeps them).
 * The chain is trained on the true previous labels and predicts with its own predictions, the
 * original formulation of Read et al. (2011); the tokens become ordinary bag-of-words / sequence
 * features, so the chain works with every classifier kind without touching its feature code.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { type Label, paramsInEffect } from '../../core/classifier.js';
import { uniqueLabels } from '../../core/labels.js';
import {
  type FileIntegrity,
  fileIntegrity,
  recoverDirectory,
  verifyFileIntegrity,
  writeDirectoryAtomic,
  writeJsonAtomic,
} from '../../internal/atomic-fs.js';
import { invalidArgument, NotFittedError, throwIfAborted, UlasanError } from '../../internal/errors.js';
import type { ProgressCallback } from '../../internal/progress.js';
import { Random } from '../../internal/random.js';
import { readVersionedJson, type VersionedFormat } from '../../internal/versioned-json.js';
import { type CreateTextClassifierOptions, createTextClassifier, loadTextClassifier } from '../models/registry.js';
import type { TextClassifier } from '../models/text-classifier.js';
import { type MultiLabelReport, multiLabelReport } from './report.js';

/** How to make one base classifier: a factory, or options for `createTextClassifier`. */
export type TextClassifierFactory = (() => TextClassifier | Promise<TextClassifier>) | CreateTextClassifierOptions;

/** Options shared by the three transformations. */
export interface MultiLabelOptions {
  /** The base classifier (one is created per output, or one in total for Label Powerset). */
  base: TextClassifierFactory;
  /** Output names (default: `label0`, `label1`, ...), used in reports and chain tokens. */
  outputs?: readonly string[];
}

/** Options of {@link ClassifierChain}. */
export interface ClassifierChainOptions extends MultiLabelOptions {
  /** Chain order as output indices; default a seeded random permutation. */
  order?: readonly number[];
  /** Seed of the random order (default 42). */
  seed?: number;
}

/** Options of `fit` for the multi-label wrappers. */
export interface MultiLabelFitOptions {
  /** Cancels between base classifiers. */
  signal?: AbortSignal;
  /**
   * Called after each base classifier is trained, with the library's progress event
   * (`{ task: 'multilabel', done, total }`, as the deep trainer and Word2Vec report). A function
   * declaring two parameters is still called the old way, `(done, total)`, so JavaScript callers
   * of earlier versions keep working (deprecated; take the event instead).
   */
  onProgress?: ProgressCallback;
}

/** Reports one trained base classifier through either shape of `onProgress`. */
function reportProgress(options: MultiLabelFitOptions, done: number, total: number): void {
  const callback = options.onProgress as ProgressCallback | ((done: number, total: number) => void) | undefined;
  if (!callback) return;
  if (callback.length >= 2) (callback as (done: number, total: number) => void)(done, total);
  else (callback as ProgressCallback)({ task: 'multilabel', done, total });
}

/** The saved form of a multi-label model directory's `multilabel.json`. */
export interface MultiLabelManifest {
  format: 'ulasan-multilabel-classifier';
  version: 1;
  kind: 'binary-relevance' | 'classifier-chain' | 'label-powerset';
  outputs: string[];
  /** Per output: its classes, or a constant value when training had a single class. */
  classes: string[][];
  /** Chain order (classifier chains). */
  order?: number[];
  /** Sub-directories of the base models, by output (BR/CC) or one (LP); `null` = constant output. */
  models: (string | null)[];
  /** Size and SHA-256 of each base model's `model.json` (absent in older saves); checked on load. */
  integrity?: Record<string, { bytes: number; sha256: string }>;
}

const MULTILABEL_FILE = 'multilabel.json';
const MULTILABEL_DIRECTORY_OPTIONS = {
  previousEntries: async (previous: string) => {
    const entries = [MULTILABEL_FILE];
    try {
      const m = JSON.parse(await fs.readFile(join(previous, MULTILABEL_FILE), 'utf8')) as { models?: unknown };
      if (Array.isArray(m.models)) for (const n of m.models) if (typeof n === 'string') entries.push(n);
    } catch {
      // Not a readable multi-label model: keep everything.
    }
    return entries;
  },
  commitFile: MULTILABEL_FILE,
};

async function makeBase(factory: TextClassifierFactory): Promise<TextClassifier> {
  if (typeof factory === 'function') return factory();
  if (factory && typeof factory === 'object' && typeof factory.model === 'string') return createTextClassifier(factory);
  throw invalidArgument(
    "base must be a function returning a text classifier or createTextClassifier options like { model: 'logreg' }.",
  );
}

function checkData(texts: unknown, labels: unknown, where: string): number {
  if (!Array.isArray(texts) || texts.length === 0)
    throw invalidArgument(`${where}: expected a non-empty array of texts.`);
  if (!Array.isArray(labels) || labels.length !== texts.length)
    throw invalidArgument(
      `${where}: ${texts.length} texts but ${Array.isArray(labels) ? labels.length : typeof labels} label rows; they must be aligned.`,
    );
  const m = Array.isArray(labels[0]) ? (labels[0] as unknown[]).length : -1;
  if (m < 1)
    throw invalidArgument(
      `${where}: each label row must be an array with one label per output (e.g. readDataset(path, { labelColumn: ['fuel', 'price'] })).`,
    );
  labels.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== m)
      throw invalidArgument(
        `${where}: labels[${i}] has ${Array.isArray(row) ? row.length : typeof row} labels, expected ${m}.`,
      );
    row.forEach((v, j) => {
      if (typeof v !== 'string' || v === '')
        throw invalidArgument(`${where}: labels[${i}][${j}] is ${JSON.stringify(v)}; expected a non-empty string.`);
    });
  });
  return m;
}

/** Declared parameters of the transformations: name → default. */
const MULTILABEL_PARAMS: Readonly<Record<string, unknown>> = Object.freeze({ base: undefined, outputs: undefined });
const CHAIN_PARAMS: Readonly<Record<string, unknown>> = Object.freeze({
  ...MULTILABEL_PARAMS,
  order: undefined,
  seed: 42,
});

/**
 * Base of the three transformations: fit on `string[][]` labels, predict rows, per-output
 * probabilities, evaluate with the multi-label report, save/load.
 */
export abstract class MultiLabelTextClassifier {
  /** Transformation name, stored in the saved manifest. */
  abstract readonly kind: MultiLabelManifest['kind'];
  /** Constructor options (stored, never modified). */
  readonly options: MultiLabelOptions;
  protected fittedOutputs?: string[];
  protected fittedClasses?: string[][];
  protected models: (TextClassifier | null)[] = [];

  /** Stores the options; training happens in `fit`. */
  constructor(options: MultiLabelOptions) {
    this.options = options;
  }

  /** Output names (after `fit`/`load`). */
  get outputs(): readonly string[] {
    this.checkFitted();
    return this.fittedOutputs!;
  }

  /**
   * Classes of each output in the shared label order (`compareLabels`), after `fit`/`load`; empty
   * before, like every classifier's `classes` (it used to throw `NotFittedError`).
   */
  get classes(): readonly (readonly string[])[] {
    return this.fittedClasses ?? [];
  }

  /** The declared constructor options (`base`, `outputs`; chains add `order`, `seed`). */
  get paramNames(): readonly string[] {
    return Object.keys(this.declaredParams());
  }

  /** The declared options as in effect; `new (this.constructor)(getParams())` is an unfitted twin. */
  getParams(): Record<string, unknown> {
    return paramsInEffect(this.options, this.declaredParams());
  }

  /** Disposes every base classifier (deep bases free their networks). Idempotent. */
  async dispose(): Promise<void> {
    for (const model of this.models) await model?.dispose();
  }

  protected declaredParams(): Readonly<Record<string, unknown>> {
    return MULTILABEL_PARAMS;
  }

  /** Whether the model is fitted or loaded. */
  get isFitted(): boolean {
    return this.fittedClasses !== undefined;
  }

  /** Trains on texts and label rows (one label per output); resolves to itself. */
  async fit(texts: string[], labels: string[][], options: MultiLabelFitOptions = {}): Promise<this> {
    const m = checkData(texts, labels, 'fit');
    const outputs = [...(this.options.outputs ?? Array.from({ length: m }, (_, j) => `label${j}`))];
    if (outputs.length !== m)
      throw invalidArgument(`fit: options.outputs names ${outputs.length} outputs but the label rows have ${m}.`);
    const classes = outputs.map((_, j) => uniqueLabels(labels.map((r) => r[j]!)));
    await this.fitOutputs(texts, labels, classes, options);
    this.fittedOutputs = outputs;
    this.fittedClasses = classes;
    return this;
  }

  /** Predicted label rows, one label per output. */
  async predict(texts: string[]): Promise<string[][]> {
    const proba = await this.predictProba(texts);
    return texts.map((_, i) =>
      proba.map((p, j) => {
        const row = p[i]!;
        let best = 0;
        for (let c = 1; c < row.length; c++) if (row[c]! > row[best]!) best = c;
        return this.fittedClasses![j]![best]!;
      }),
    );
  }

  /**
   * Probabilities per output: `result[j][i][c]` is P(output j = `classes[j][c]` | text i).
   * Label Powerset gives the marginals of its label-set probabilities.
   */
  abstract predictProba(texts: string[]): Promise<number[][][]>;

  /**
   * Predicts and scores with {@link multiLabelReport}.
   *
   * @param options - `absent`: a value that means "no label" (CASA: `'neutral'`), as in `multiLabelReport`
   */
  async evaluate(texts: string[], labels: string[][], options: { absent?: string } = {}): Promise<MultiLabelReport> {
    this.checkFitted();
    checkData(texts, labels, 'evaluate');
    const pred = await this.predict(texts);
    return multiLabelReport(labels, pred, { outputs: this.fittedOutputs!, ...options });
  }

  /**
   * Saves `multilabel.json` and one sub-directory per base model, the whole directory written as
   * one unit (a fresh sibling directory swapped in): an interrupted save leaves the previous model.
   */
  async save(dir: string): Promise<void> {
    this.checkFitted();
    await writeDirectoryAtomic(dir, (staging) => this.saveInto(staging), MULTILABEL_DIRECTORY_OPTIONS);
  }

  private async saveInto(dir: string): Promise<void> {
    const names: (string | null)[] = [];
    for (let j = 0; j < this.models.length; j++) {
      const model = this.models[j];
      if (!model) {
        names.push(null);
        continue;
      }
      const name = `model-${j}`;
      await model.save(join(dir, name));
      names.push(name);
    }
    const manifest: MultiLabelManifest = {
      format: 'ulasan-multilabel-classifier',
      version: 1,
      kind: this.kind,
      outputs: [...this.fittedOutputs!],
      classes: this.fittedClasses!.map((c) => [...c]),
      ...this.extraManifest(),
      models: names,
      integrity: await fileIntegrity(
        dir,
        names.filter((n): n is string => n !== null).map((n) => `${n}/model.json`),
      ),
    };
    await writeJsonAtomic(join(dir, MULTILABEL_FILE), manifest);
  }

  /** @internal Restores from a validated manifest (used by {@link loadMultiLabelClassifier}). */
  async restore(dir: string, manifest: MultiLabelManifest): Promise<this> {
    this.models = [];
    for (const name of manifest.models) {
      if (name === null) this.models.push(null);
      else {
        if (typeof name !== 'string' || !/^model-\d+$/.test(name))
          throw new UlasanError(
            'FILE_FORMAT',
            `${dir}/multilabel.json: model path ${JSON.stringify(name)} is not allowed (expected model-<n> inside the directory); the model may have been tampered with.`,
          );
        const st = await fs.lstat(join(dir, name)).catch(() => undefined);
        if (st?.isSymbolicLink())
          throw new UlasanError(
            'FILE_FORMAT',
            `Refusing ${join(dir, name)}: it is a symlink, and a saved multi-label model may only use directories inside itself; the model may have been tampered with.`,
          );
        this.models.push(await loadTextClassifier(join(dir, name)));
      }
    }
    this.fittedOutputs = [...manifest.outputs];
    this.fittedClasses = manifest.classes.map((c) => [...c]);
    this.restoreExtra(manifest);
    return this;
  }

  protected abstract fitOutputs(
    texts: string[],
    labels: string[][],
    classes: string[][],
    options: MultiLabelFitOptions,
  ): Promise<void>;

  protected extraManifest(): Partial<MultiLabelManifest> {
    return {};
  }

  protected restoreExtra(_manifest: MultiLabelManifest): void {}

  protected checkFitted(): void {
    if (!this.isFitted) throw new NotFittedError(this.constructor.name);
  }

  // Probabilities of one output's base model, aligned with that output's class list.
  protected async outputProba(j: number, texts: string[]): Promise<number[][]> {
    const model = this.models[j];
    const classes = this.fittedClasses![j]!;
    if (!model) return texts.map(() => [1]);
    const p = await model.predictProba(texts);
    const col = classes.map((c) => model.classes.indexOf(c as Label));
    return p.map((row) => col.map((k) => (k >= 0 ? row[k]! : 0)));
  }
}

/**
 * Binary Relevance: one independent classifier per output (for multi-class outputs such as CASA's
 * aspects, one multi-class classifier each).
 *
 * @example
 * ```ts
 * const casa = await readDataset('casa/train_preprocess.csv', { labelColumn: ['fuel', 'machine', 'others', 'part', 'price', 'service'] });
 * const br = new BinaryRelevance({ base: { model: 'logreg' }, outputs: casa.columns.labels });
 * await br.fit(casa.texts, casa.labels);
 * await br.predict(['irit banget tapi mesinnya kasar']); // [['positive', 'negative', 'neutral', ...]]
 * ```
 */
export class BinaryRelevance extends MultiLabelTextClassifier {
  /** `'binary-relevance'`. */
  readonly kind = 'binary-relevance' as const;

  protected async fitOutputs(texts: string[], labels: string[][], classes: string[][], o: MultiLabelFitOptions) {
    const models: (TextClassifier | null)[] = [];
    for (let j = 0; j < classes.length; j++) {
      throwIfAborted(o.signal, 'Training');
      if (classes[j]!.length < 2) models.push(null);
      else {
        const model = await makeBase(this.options.base);
        await model.fit(
          texts,
          labels.map((r) => r[j]!),
          o.signal ? { signal: o.signal } : {},
        );
        models.push(model);
      }
      reportProgress(o, j + 1, classes.length);
    }
    this.models = models;
  }

  /** Per-output probabilities. */
  async predictProba(texts: string[]): Promise<number[][][]> {
    this.checkFitted();
    const out: number[][][] = [];
    for (let j = 0; j < this.fittedClasses!.length; j++) out.push(await this.outputProba(j, texts));
    return out;
  }
}

/** The reserved token that carries "output j has value v" into a chained classifier's text. */
export function chainToken(output: number, value: string): string {
  return `ccl${output}${value.toLowerCase().replace(/[^a-z0-9]/g, '') || 'x'}`;
}

/**
 * Classifier Chains: outputs are predicted one after another in a (seeded or given) order, each
 * classifier seeing the text plus the labels of the outputs before it (as reserved tokens, see
 * the module notes).
 *
 * @example
 * ```ts
 * const cc = new ClassifierChain({ base: () => new LinearSvmClassifier(), outputs, seed: 7 });
 * await cc.fit(train.texts, train.labels);
 * cc.order; // e.g. [3, 0, 5, 1, 2, 4]
 * ```
 */
export class ClassifierChain extends MultiLabelTextClassifier {
  /** `'classifier-chain'`. */
  readonly kind = 'classifier-chain' as const;
  private fittedOrder?: number[];

  /** Stores the options; training happens in `fit`. */
  constructor(options: ClassifierChainOptions) {
    super(options);
  }

  protected override declaredParams(): Readonly<Record<string, unknown>> {
    return CHAIN_PARAMS;
  }

  /** The chain order (output indices), after `fit`. */
  get order(): readonly number[] {
    this.checkFitted();
    return this.fittedOrder!;
  }

  protected async fitOutputs(texts: string[], labels: string[][], classes: string[][], o: MultiLabelFitOptions) {
    const m = classes.length;
    const opts = this.options as ClassifierChainOptions;
    const order = opts.order ? [...opts.order] : new Random(opts.seed ?? 42).permutation(m);
    if (order.length !== m || new Set(order).size !== m || order.some((j) => !(j >= 0 && j < m)))
      throw invalidArgument(
        `ClassifierChain: order must be a permutation of 0..${m - 1}, got ${JSON.stringify(order)}.`,
      );
    const models: (TextClassifier | null)[] = new Array(m).fill(null);
    const augmented = [...texts];
    for (let step = 0; step < m; step++) {
      throwIfAborted(o.signal, 'Training');
      const j = order[step]!;
      if (classes[j]!.length >= 2) {
        const model = await makeBase(this.options.base);
        await model.fit(
          augmented,
          labels.map((r) => r[j]!),
          o.signal ? { signal: o.signal } : {},
        );
        models[j] = model;
      }
      for (let i = 0; i < texts.length; i++) augmented[i] = `${augmented[i]} ${chainToken(j, labels[i]![j]!)}`;
      reportProgress(o, step + 1, m);
    }
    this.models = models;
    this.fittedOrder = order;
  }

  /** Per-output probabilities, each output conditioned on the chain's earlier predictions. */
  async predictProba(texts: string[]): Promise<number[][][]> {
    this.checkFitted();
    const out: number[][][] = new Array(this.fittedClasses!.length);
    const augmented = [...texts];
    for (const j of this.fittedOrder!) {
      const p = await this.outputProba(j, augmented);
      out[j] = p;
      const classes = this.fittedClasses![j]!;
      for (let i = 0; i < texts.length; i++) {
        const row = p[i]!;
        let best = 0;
        for (let c = 1; c < row.length; c++) if (row[c]! > row[best]!) best = c;
        augmented[i] = `${augmented[i]} ${chainToken(j, classes[best]!)}`;
      }
    }
    return out;
  }

  protected override extraManifest(): Partial<MultiLabelManifest> {
    return { order: [...this.fittedOrder!] };
  }

  protected override restoreExtra(manifest: MultiLabelManifest): void {
    if (!Array.isArray(manifest.order) || manifest.order.length !== manifest.outputs.length)
      throw new UlasanError('FILE_FORMAT', 'classifier-chain manifest: "order" must list every output.');
    this.fittedOrder = [...manifest.order];
  }
}

/**
 * Label Powerset: every distinct label row becomes one class of a single classifier (captures
 * label correlations; can only predict label combinations seen in training).
 *
 * @example
 * ```ts
 * const lp = new LabelPowerset({ base: { model: 'nb' }, outputs });
 * await lp.fit(train.texts, train.labels);
 * ```
 */
export class LabelPowerset extends MultiLabelTextClassifier {
  /** `'label-powerset'`. */
  readonly kind = 'label-powerset' as const;

  protected async fitOutputs(texts: string[], labels: string[][], _classes: string[][], o: MultiLabelFitOptions) {
    const keys = labels.map((r) => JSON.stringify(r));
    if (new Set(keys).size < 2)
      throw new UlasanError(
        'INVALID_DATA',
        'LabelPowerset: every training row has the same label combination; there is nothing to learn.',
      );
    const model = await makeBase(this.options.base);
    await model.fit(texts, keys, o.signal ? { signal: o.signal } : {});
    reportProgress(o, 1, 1);
    this.models = [model];
  }

  /** Marginal probabilities per output, summed over the label sets. */
  async predictProba(texts: string[]): Promise<number[][][]> {
    this.checkFitted();
    const model = this.models[0]!;
    const p = await model.predictProba(texts);
    const sets = model.classes.map((k) => JSON.parse(String(k)) as string[]);
    return this.fittedClasses!.map((classes, j) => {
      const index = new Map(classes.map((c, q) => [c, q]));
      return p.map((row) => {
        const out = new Array<number>(classes.length).fill(0);
        row.forEach((v, s) => {
          out[index.get(sets[s]![j]!)!]! += v;
        });
        return out;
      });
    });
  }

  /** Predicts the most probable label set (not the per-output argmax of the marginals). */
  override async predict(texts: string[]): Promise<string[][]> {
    this.checkFitted();
    const labels = await this.models[0]!.predict(texts);
    return labels.map((k) => JSON.parse(String(k)) as string[]);
  }
}

/** `multilabel.json` as a versioned file (version 1 is the only one so far: no upgrades yet). */
const MULTILABEL_SPEC: VersionedFormat = {
  format: 'ulasan-multilabel-classifier',
  version: 1,
  what: 'multi-label model',
};

/**
 * Loads a multi-label model directory written by `save`.
 *
 * @example
 * ```ts
 * const model = await loadMultiLabelClassifier('models/casa-br');
 * await model.predict(['bensinnya irit']);
 * ```
 * @throws UlasanError `FILE_NOT_FOUND`, `FILE_FORMAT`, `UNSUPPORTED_VERSION`.
 */
export async function loadMultiLabelClassifier(dir: string): Promise<MultiLabelTextClassifier> {
  const path = join(dir, MULTILABEL_FILE);
  const m = (await readVersionedJson(path, MULTILABEL_SPEC, {
    // A save killed between its two renames leaves the model under a temporary name: put it back.
    recover: async () => {
      const recovered = await recoverDirectory(dir, MULTILABEL_DIRECTORY_OPTIONS).catch(() => 'none');
      return recovered === 'rolled-forward' || recovered === 'rolled-back';
    },
    notFound: (error) =>
      new UlasanError(
        'FILE_NOT_FOUND',
        `No multi-label model at ${dir}: expected multilabel.json (written by save()).`,
        {
          cause: error,
        },
      ),
  })) as Partial<MultiLabelManifest>;
  if (
    !Array.isArray(m.outputs) ||
    !Array.isArray(m.classes) ||
    !Array.isArray(m.models) ||
    m.classes.length !== m.outputs.length
  )
    throw new UlasanError('FILE_FORMAT', `${path}: "outputs", "classes" and "models" must be aligned arrays.`);
  const base = { base: { model: 'unused' } as CreateTextClassifierOptions, outputs: m.outputs };
  const model =
    m.kind === 'binary-relevance'
      ? new BinaryRelevance(base)
      : m.kind === 'classifier-chain'
        ? new ClassifierChain(base)
        : m.kind === 'label-powerset'
          ? new LabelPowerset(base)
          : undefined;
  if (!model) throw new UlasanError('FILE_FORMAT', `${path}: unknown multi-label kind ${JSON.stringify(m.kind)}.`);
  if (m.integrity !== undefined) {
    const entries = m.integrity && typeof m.integrity === 'object' ? Object.entries(m.integrity) : [];
    for (const [rel, v] of entries) {
      if (!/^model-\d+\/model\.json$/.test(rel) || typeof v?.bytes !== 'number' || typeof v.sha256 !== 'string')
        throw new UlasanError(
          'FILE_FORMAT',
          `${path}: integrity entry ${JSON.stringify(rel)} is not allowed or malformed.`,
        );
    }
    await verifyFileIntegrity(dir, m.integrity as Record<string, FileIntegrity>, path);
  }
  return model.restore(dir, m as MultiLabelManifest);
}
