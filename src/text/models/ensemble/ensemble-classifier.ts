/**
 * An ensemble text classifier (kind `'ensemble'`): several member classifiers of any kind, each with
 * its own preprocessing and features, whose class probabilities are averaged (weighted arithmetic
 * mean, or the normalized geometric mean). The default members are the recipe measured in
 * `docs/pretrained-model.md`: TF-IDF word n-gram logistic regression, TF-IDF character n-gram
 * (`char_wb`) logistic regression, and the untrained Indonesian lexicon, which loses least on reviews
 * from other sources.
 *
 * Saved layout: the ensemble's `model.json` and `ensemble.json` (members, weights, combination), and
 * one ordinary model directory per member under `members/<name>/`, each loadable on its own.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { Label } from '../../../core/classifier.js';
import { invalidArgument, throwIfAborted, UlasanError } from '../../../internal/errors.js';
import { type Artifact, resolveArtifactPath } from '../artifact.js';
import {
  TextClassifier,
  type TextClassifierOptions,
  type TextTrainingData,
  type TokenPipeline,
} from '../text-classifier.js';

/** One member of an {@link EnsembleClassifier}: a name, a weight, and `createTextClassifier` options. */
export interface EnsembleMemberSpec {
  /** Member name, used as its folder `members/<name>/` (lower-case letters, digits, `-`, `_`). */
  name: string;
  /** The member's model kind (`'logreg'`, `'svm'`, `'lexicon'`, `'gru'`, ...). */
  model: string;
  /** Weight of its probabilities in the average (default 1). */
  weight?: number;
  /** Any other option of that kind (`C`, `features`, `classWeight`, `embeddings`...). */
  [option: string]: unknown;
}

/** How member probabilities are combined. */
export type EnsembleCombine = 'mean' | 'geometric';

/** Options of {@link EnsembleClassifier}. */
export interface EnsembleOptions extends TextClassifierOptions {
  /** The members (default {@link DEFAULT_ENSEMBLE_MEMBERS}). */
  members?: EnsembleMemberSpec[];
  /**
   * `'mean'` (default): weighted arithmetic mean of the probabilities (soft voting, scikit-learn's
   * `VotingClassifier(voting='soft')`); `'geometric'`: weighted mean of log-probabilities, renormalized.
   */
  combine?: EnsembleCombine;
  /**
   * Class weighting handed to every member that has none in its spec (lexicon members excepted),
   * e.g. `'balanced'`.
   */
  classWeight?: 'balanced' | Record<string, number>;
  /**
   * Preprocessing handed to every member that has none in its spec (the lexicon reads raw text and
   * ignores it). Default: each member's own default (the sentiment-safe Indonesian preset).
   */
  pipeline?: TokenPipeline;
}

/**
 * The default members: the recipe behind the shipped `sentiment-id` model. Word unigrams + bigrams
 * and `char_wb` 2–5-grams (terms in ≥ 2 training reviews), each under a class-balanced logistic
 * regression, plus the Indonesian lexicon with its default thresholds; equal weights.
 */
export const DEFAULT_ENSEMBLE_MEMBERS: readonly Readonly<EnsembleMemberSpec>[] = Object.freeze([
  {
    name: 'word',
    model: 'logreg',
    C: 10,
    classWeight: 'balanced',
    features: { kind: 'tfidf', ngramRange: [1, 2], sublinearTf: true, minDf: 2 },
  },
  {
    name: 'char',
    model: 'logreg',
    C: 3,
    classWeight: 'balanced',
    features: { kind: 'tfidf', analyzer: 'char_wb', ngramRange: [2, 5], sublinearTf: true, minDf: 2 },
  },
  { name: 'lexicon', model: 'lexicon' },
]);

/** What `ensemble.json` holds. */
interface EnsembleState {
  format: 'ulasan-ensemble-state';
  version: 1;
  combine: EnsembleCombine;
  members: { name: string; kind: string; weight: number; dir: string }[];
  skipped?: { name: string; reason: string }[];
}

// The ensemble hands raw text to its members (each applies its own preprocessing).
const RAW_TEXT: TokenPipeline = {
  process: (text: string) => (text.trim() === '' ? [] : [text]),
  toJSON: () => ({ format: 'ulasan-whitespace-pipeline', version: 1, rawText: true }),
};

const LEXICON_LABELS = new Set<Label>(['positive', 'neutral', 'negative']);

interface FittedMember {
  name: string;
  weight: number;
  model: TextClassifier;
}

/**
 * Soft-voting ensemble of text classifiers (kind `'ensemble'`). `fit` trains every member on the
 * same texts and labels; `predictProba` combines their probabilities. Members may be any registered
 * kind, deep ones included (pass `embeddings` etc. in their spec).
 *
 * Lexicon members need the labels positive / neutral / negative (or a subset); on other label sets
 * they are left out of the fit (recorded in the saved `ensemble.json` under `skipped`).
 *
 * @example
 * ```ts
 * import { EnsembleClassifier } from 'ulasan/text';
 * const model = new EnsembleClassifier(); // word LR + char LR + lexicon
 * await model.fit(train.texts, train.labels);
 * await model.predictProba(['barangnya bagus banget']);
 * await model.save('models/smsa-ensemble');
 * ```
 */
export class EnsembleClassifier extends TextClassifier<EnsembleOptions> {
  /** `'ensemble'`. */
  readonly kind = 'ensemble';
  private fittedMembers?: FittedMember[];
  private skippedMembers: { name: string; reason: string }[] = [];
  private memberPipeline?: TokenPipeline;
  private pendingMemberFiles?: Record<string, { path: string; data: Uint8Array }>;

  /** Stores the options; members are created in `fit`. */
  constructor(options: EnsembleOptions = {}) {
    const { pipeline, ...rest } = options;
    super({ ...rest, pipeline: RAW_TEXT });
    this.memberPipeline = pipeline;
    checkSpecs(options.members ?? DEFAULT_ENSEMBLE_MEMBERS);
    const combine = options.combine ?? 'mean';
    if (combine !== 'mean' && combine !== 'geometric')
      throw invalidArgument(
        `EnsembleClassifier: combine must be 'mean' or 'geometric', got ${JSON.stringify(combine)}.`,
      );
  }

  /** The declared options in effect: the members' pipeline as given (not the raw-text pass-through) and the default members. */
  override getParams(): Record<string, unknown> {
    return {
      ...super.getParams(),
      pipeline: this.memberPipeline,
      members: this.options.members ?? DEFAULT_ENSEMBLE_MEMBERS.map((m) => ({ ...m })),
    };
  }

  /** Disposes every fitted member (deep members free their networks). Idempotent. */
  override async dispose(): Promise<void> {
    for (const m of this.fittedMembers ?? []) await m.model.dispose();
  }

  /** The raw-text pass-through (each member preprocesses itself). */
  override get pipeline(): TokenPipeline {
    return RAW_TEXT;
  }

  /** The fitted members by name, with their weights (the classifiers themselves, not copies). */
  get members(): readonly { name: string; weight: number; model: TextClassifier }[] {
    this.checkFitted();
    return this.fittedMembers!.map((m) => ({ ...m }));
  }

  /** Each member's probabilities for `texts` (columns in the ensemble's class order), by member name. */
  async memberProba(texts: string[]): Promise<Record<string, number[][]>> {
    this.checkFitted();
    const out: Record<string, number[][]> = {};
    for (const m of this.fittedMembers!)
      out[m.name] = alignColumns(await m.model.predictProba(texts), m.model.classes, this.classes);
    return out;
  }

  /**
   * Saves the ensemble as one model directory: each member is saved as an ordinary model directory
   * under `members/<name>/`, and all of them are part of the ensemble's own atomic save (listed in
   * its manifest with their checksums).
   */
  override async save(dir: string): Promise<void> {
    this.checkFitted();
    const scratch = await mkdtemp(join(tmpdir(), 'ulasan-ensemble-'));
    try {
      const files: Record<string, { path: string; data: Uint8Array }> = {};
      for (const m of this.fittedMembers!) {
        const memberDir = join(scratch, m.name);
        await m.model.save(memberDir);
        const entries = await readdir(memberDir, { recursive: true, withFileTypes: true });
        const paths = entries
          .filter((e) => e.isFile())
          .map((e) => relative(memberDir, join(e.parentPath ?? (e as { path?: string }).path ?? memberDir, e.name)))
          .map((p) => p.split(sep).join('/'))
          .sort();
        for (const p of paths) {
          files[`member:${m.name}:${p}`] = { path: `members/${m.name}/${p}`, data: await readFile(join(memberDir, p)) };
        }
      }
      this.pendingMemberFiles = files;
      await super.save(dir);
    } finally {
      this.pendingMemberFiles = undefined;
      await rm(scratch, { recursive: true, force: true });
    }
  }

  protected async fitTokens(data: TextTrainingData): Promise<void> {
    const { createTextClassifier } = await import('../registry.js');
    const specs = this.options.members ?? DEFAULT_ENSEMBLE_MEMBERS;
    const texts = data.tokens.map((t) => t[0] ?? '');
    const labels = Array.from(data.y, (k) => data.classes[k]!);
    const validation = data.validation
      ? {
          inputs: data.validation.tokens.map((t) => t[0] ?? ''),
          labels: Array.from(data.validation.y, (k) => data.classes[k]!),
        }
      : undefined;
    const members: FittedMember[] = [];
    const skipped: { name: string; reason: string }[] = [];
    await data.callbacks?.onTrainBegin?.();
    for (let i = 0; i < specs.length; i++) {
      throwIfAborted(data.signal, 'Training');
      const { name, weight, ...spec } = specs[i]!;
      if (spec.model === 'lexicon' && !data.classes.every((c) => LEXICON_LABELS.has(c))) {
        skipped.push({ name, reason: `labels ${JSON.stringify(data.classes)} are not positive/neutral/negative` });
        continue;
      }
      const options: Record<string, unknown> = { seed: data.seed, ...spec };
      if (spec.model !== 'lexicon') {
        if (options.pipeline === undefined && this.memberPipeline) options.pipeline = this.memberPipeline;
        if (options.classWeight === undefined && this.options.classWeight !== undefined)
          options.classWeight = this.options.classWeight;
      }
      const model = await createTextClassifier(options as { model: string });
      await data.callbacks?.onEpochBegin?.(i, {});
      await model.fit(texts, labels, {
        sampleWeights: Array.from(data.sampleWeights),
        ...(validation ? { validation } : {}),
        ...(data.signal ? { signal: data.signal } : {}),
      });
      members.push({ name, weight: weight ?? 1, model });
      await data.callbacks?.onEpochEnd?.(i, { member: i });
    }
    if (members.length === 0) {
      throw new UlasanError(
        'INVALID_DATA',
        `EnsembleClassifier: no member could be trained (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}). Add members that accept these labels.`,
      );
    }
    this.fittedMembers = members;
    this.skippedMembers = skipped;
    await data.callbacks?.onTrainEnd?.();
  }

  protected async predictProbaTokens(tokens: string[][]): Promise<number[][]> {
    const texts = tokens.map((t) => t[0] ?? '');
    const k = this.classes.length;
    const geometric = (this.options.combine ?? 'mean') === 'geometric';
    const sums = texts.map(() => new Float64Array(k));
    let total = 0;
    for (const m of this.fittedMembers!) {
      const proba = alignColumns(await m.model.predictProba(texts), m.model.classes, this.classes);
      total += m.weight;
      for (let i = 0; i < proba.length; i++) {
        const row = proba[i]!;
        const s = sums[i]!;
        for (let j = 0; j < k; j++) s[j]! += m.weight * (geometric ? Math.log(Math.max(row[j]!, 1e-12)) : row[j]!);
      }
    }
    return sums.map((s) => {
      if (!geometric) return Array.from(s, (v) => v / total);
      let max = Number.NEGATIVE_INFINITY;
      for (const v of s) if (v / total > max) max = v / total;
      const e = Array.from(s, (v) => Math.exp(v / total - max));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / z);
    });
  }

  /** The options as JSON, member specs without objects that have their own files (embeddings, pipelines). */
  protected override jsonOptions(): Record<string, unknown> {
    const json = super.jsonOptions();
    if (this.options.members) {
      json.members = this.options.members.map(({ embeddings: _e, pipeline: _p, ...rest }) =>
        JSON.parse(JSON.stringify(rest)),
      );
    }
    return json;
  }

  protected async stateFiles(): Promise<Record<string, { path: string; data: object | Uint8Array }>> {
    const state: EnsembleState = {
      format: 'ulasan-ensemble-state',
      version: 1,
      combine: this.options.combine ?? 'mean',
      members: this.fittedMembers!.map((m) => ({
        name: m.name,
        kind: m.model.kind,
        weight: m.weight,
        dir: `members/${m.name}`,
      })),
      ...(this.skippedMembers.length ? { skipped: this.skippedMembers } : {}),
    };
    return { ...this.pendingMemberFiles, ensemble: { path: 'ensemble.json', data: state } };
  }

  protected async loadState(artifact: Artifact): Promise<void> {
    const s = await artifact.readJson<Partial<EnsembleState>>('ensemble');
    if (s.format !== 'ulasan-ensemble-state' || !Array.isArray(s.members) || s.members.length === 0) {
      throw new UlasanError('FILE_FORMAT', `${artifact.dir}: ensemble.json is not a ulasan ensemble state.`);
    }
    if (typeof s.version !== 'number' || s.version > 1) {
      throw new UlasanError(
        'UNSUPPORTED_VERSION',
        `${artifact.dir}: ensemble.json version ${String(s.version)} is newer than this ulasan reads (1); upgrade ulasan.`,
      );
    }
    const { loadTextClassifier } = await import('../registry.js');
    const classes = artifact.manifest.classes;
    const members: FittedMember[] = [];
    for (const m of s.members) {
      if (
        !m ||
        typeof m.name !== 'string' ||
        typeof m.dir !== 'string' ||
        !(typeof m.weight === 'number' && m.weight >= 0)
      )
        throw new UlasanError('FILE_FORMAT', `${artifact.dir}: ensemble.json has a malformed member entry.`);
      const model = await loadTextClassifier(resolveArtifactPath(artifact.dir, m.dir));
      if (!model.classes.every((c) => classes.includes(c))) {
        throw new UlasanError(
          'FILE_FORMAT',
          `${artifact.dir}: member "${m.name}" has classes ${JSON.stringify(model.classes)}, not among the ensemble's ${JSON.stringify(classes)}.`,
        );
      }
      members.push({ name: m.name, weight: m.weight, model });
    }
    this.fittedMembers = members;
    this.skippedMembers = s.skipped ?? [];
  }
}

/** Reorders (and zero-fills) a member's probability columns into the ensemble's class order. */
function alignColumns(proba: number[][], from: readonly Label[], to: readonly Label[]): number[][] {
  if (from.length === to.length && from.every((c, i) => c === to[i])) return proba;
  const index = to.map((c) => from.indexOf(c));
  return proba.map((row) => index.map((j) => (j < 0 ? 0 : row[j]!)));
}

function checkSpecs(specs: readonly EnsembleMemberSpec[]): void {
  if (!Array.isArray(specs) || specs.length === 0)
    throw invalidArgument('EnsembleClassifier: members must be a non-empty array of { name, model, ... }.');
  const seen = new Set<string>();
  for (const [i, s] of specs.entries()) {
    if (!s || typeof s !== 'object' || typeof s.model !== 'string')
      throw invalidArgument(
        `EnsembleClassifier: members[${i}] needs a model kind, e.g. { name: 'word', model: 'logreg' }.`,
      );
    if (typeof s.name !== 'string' || !/^[a-z0-9][a-z0-9_-]*$/.test(s.name))
      throw invalidArgument(
        `EnsembleClassifier: members[${i}].name must be lower-case letters, digits, "-" or "_", got ${JSON.stringify(s.name)}.`,
      );
    if (seen.has(s.name)) throw invalidArgument(`EnsembleClassifier: two members are named ${JSON.stringify(s.name)}.`);
    seen.add(s.name);
    if (s.model === 'ensemble') throw invalidArgument('EnsembleClassifier: a member cannot itself be an ensemble.');
    if (s.weight !== undefined && !(typeof s.weight === 'number' && Number.isFinite(s.weight) && s.weight >= 0))
      throw invalidArgument(
        `EnsembleClassifier: members[${i}].weight must be a finite number ≥ 0, got ${String(s.weight)}.`,
      );
  }
}
