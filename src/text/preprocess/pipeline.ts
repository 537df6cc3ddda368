/**
 * The preprocessing pipeline: an ordered list of steps built from a plain, JSON-serializable config.
 * The config is self-contained (user dictionaries are embedded, never referenced by path), so a
 * trained model that stores `pipeline.toJSON()` reproduces its preprocessing exactly.
 */

import { withDeprecatedAliases } from '../../internal/deprecated-aliases.js';
import { invalidArgument, throwIfAborted, UlasanError } from '../../internal/errors.js';
import { stableHash } from '../../internal/hash.js';
import {
  type CleanOptions,
  cleanWith,
  type PreprocessLanguage,
  type PunctuationOptions,
  type ResolvedCleanOptions,
  removePunctuation,
  resolveCleanOptions,
} from './clean.js';
import { type ResourceName, readResource } from './resources.js';
import { createSlangLexicon, normalizeSlang, type SlangLexicon } from './slang.js';
import { createStemmer } from './stemmer.js';
import { type StopwordProfile, stopwords } from './stopwords.js';
import { assertText, describeValue, toWellFormed } from './text-input.js';
import { cliticExceptionSet, resolveTokenizeOptions, type TokenizeOptions, tokenizeWith } from './tokenize.js';

/** The `format` tag of a saved pipeline config. */
export const PIPELINE_FORMAT = 'ulasan-text-pipeline';
/** The current config version. */
export const PIPELINE_VERSION = 1;

/** `{ step: 'clean', ...CleanOptions }`: see {@link cleanText}. */
export interface CleanStep extends CleanOptions {
  step: 'clean';
}
/** `{ step: 'caseFold' }`: see {@link caseFold}. */
export interface CaseFoldStep {
  step: 'caseFold';
}
/** `{ step: 'removePunctuation', keepIntraWord? }`: see {@link removePunctuation}. */
export interface RemovePunctuationStep extends PunctuationOptions {
  step: 'removePunctuation';
}
/** `{ step: 'tokenize', clitics?, reduplication?, ... }`: see {@link tokenize}. */
export interface TokenizeStep extends Omit<TokenizeOptions, 'cliticExceptions'> {
  step: 'tokenize';
  /** Extra words never split as clitics. */
  cliticExceptions?: string[];
}
/** Slang normalization; see {@link normalizeSlang} and {@link createSlangLexicon}. */
export interface NormalizeSlangStep {
  step: 'normalizeSlang';
  /** Use the built-in Indonesian map. Default `true` for Indonesian pipelines, `false` for English. */
  builtin?: boolean;
  /** Lexicon file(s) read when the pipeline is created; `toJSON()` embeds their entries instead. */
  path?: string | string[];
  /** Your entries (applied last). */
  entries?: Record<string, string>;
  /** Default `'keep'`. */
  interjections?: 'keep' | 'remove';
  /** Default `'drop'`. */
  emptyTokens?: 'drop' | 'keep';
}
/** Stopword removal; see {@link stopwords}. */
export interface RemoveStopwordsStep {
  step: 'removeStopwords';
  /** Default: the pipeline's language. */
  language?: PreprocessLanguage;
  /** Default `'sentiment-safe'`. */
  profile?: StopwordProfile;
  /** Extra stopwords. */
  add?: string[];
  /** Words never removed even if listed. */
  keep?: string[];
}
/** Stemming; see {@link createStemmer}. */
export interface StemStep {
  step: 'stem';
  /** Default: the pipeline's language. */
  language?: PreprocessLanguage;
  /** Root words (ECS) or a file path read at creation; `toJSON()` embeds the words. Absent: Tala (Indonesian). */
  dictionary?: string | string[];
  /** For a dictionary file: see {@link StemmerOptions.invalidRows}. */
  invalidRows?: 'error' | 'skip';
}

/** One step of a {@link PipelineConfig}. */
export type PipelineStep =
  | CleanStep
  | CaseFoldStep
  | RemovePunctuationStep
  | TokenizeStep
  | NormalizeSlangStep
  | RemoveStopwordsStep
  | StemStep;

/** The name of a step (`'clean'`, `'tokenize'`...). */
export type PipelineStepName = PipelineStep['step'];

/** A pipeline as plain data. `toJSON()` returns it complete, with every default filled in. */
export interface PipelineConfig {
  /** Always `'ulasan-text-pipeline'` in saved configs (optional when you write one by hand). */
  format?: typeof PIPELINE_FORMAT;
  /** Config version (currently 1). */
  version?: number;
  /** Default `'id'`. Steps without their own `language` use it. */
  language?: PreprocessLanguage;
  /** The steps, run in order. Text-level steps may follow tokenizing (they then apply per token). */
  steps: PipelineStep[];
  /**
   * SHA-256 (first 16 hex digits) of each shipped resource file the pipeline uses, written by
   * `toJSON()`; loading a config whose resources changed since it was saved is an error.
   */
  resources?: Record<string, string>;
}

/** One entry of {@link PipelineTrace.steps}. */
export interface TraceEntry {
  /** The step's name. */
  step: PipelineStepName;
  /** The text or tokens after the step. */
  output: string | string[];
}

/** What {@link TextPipeline.trace} returns. */
export interface PipelineTrace {
  input: string;
  steps: TraceEntry[];
  /** The final tokens (same as `process(input)`). */
  tokens: string[];
}

/** Options of {@link TextPipeline.processAll}. */
export interface ProcessAllOptions {
  /** Cancels the stream between texts. */
  signal?: AbortSignal;
}

/** Options of {@link TextPipeline.fromJSON}. */
export interface PipelineLoadOptions {
  /** Load even if a shipped resource changed since the config was saved. Default `false`. */
  allowResourceChange?: boolean;
}

type State = string | string[];
interface CompiledStep {
  name: PipelineStepName;
  run: (state: State) => State;
  /** The step as stored by toJSON(). */
  config: PipelineStep;
  resources: ResourceName[];
}

const STEP_KEYS: Record<PipelineStepName, readonly string[]> = {
  clean: [
    'language',
    'unicode',
    'html',
    'placeholders',
    'urls',
    'emails',
    'mentions',
    'hashtags',
    'emoji',
    'numbers',
    'elongation',
    'punctuation',
  ],
  caseFold: [],
  removePunctuation: ['keepIntraWord'],
  tokenize: ['clitics', 'reduplication', 'digitReduplication', 'cliticExceptions'],
  normalizeSlang: ['builtin', 'path', 'entries', 'interjections', 'emptyTokens'],
  removeStopwords: ['language', 'profile', 'add', 'keep'],
  stem: ['language', 'dictionary', 'invalidRows'],
};

const WS = /\s+/;
const splitWords = (s: string): string[] => (s === '' ? [] : s.split(WS).filter((w) => w !== ''));

/** Applies a string → string function to a text, or to every token (dropping emptied tokens, splitting multi-word results). */
function textOrTokens(state: State, f: (s: string) => string): State {
  if (typeof state === 'string') return f(state);
  const out: string[] = [];
  for (const t of state) {
    const r = f(t);
    if (r === '') continue;
    if (r.includes(' ')) out.push(...splitWords(r));
    else out.push(r);
  }
  return out;
}

/** Applies a tokens → tokens function to tokens, or to a text split on whitespace (and joined back). */
function tokensOrText(state: State, f: (tokens: string[]) => string[]): State {
  if (typeof state === 'string') return f(splitWords(state)).join(' ');
  return f(state);
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new UlasanError('CONFIG', `${where} must be an array of strings, got ${describeValue(value)}.`);
  }
  return value as string[];
}

function compileStep(raw: unknown, index: number, language: PreprocessLanguage): CompiledStep {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UlasanError(
      'CONFIG',
      `Pipeline step #${index} must be an object like { step: 'tokenize' }, got ${describeValue(raw)}.`,
    );
  }
  const step = raw as Record<string, unknown>;
  const name = step.step as PipelineStepName;
  const allowed = STEP_KEYS[name];
  if (!allowed) {
    throw new UlasanError(
      'CONFIG',
      `Pipeline step #${index} has unknown step ${JSON.stringify(step.step)}. Known steps: ${Object.keys(STEP_KEYS).join(', ')}.`,
    );
  }
  for (const key of Object.keys(step)) {
    if (key !== 'step' && !allowed.includes(key)) {
      throw new UlasanError(
        'CONFIG',
        `Pipeline step #${index} (${name}) has unknown option "${key}". Allowed: ${allowed.join(', ') || '(none)'}.`,
      );
    }
  }
  const where = `Pipeline step #${index} (${name})`;
  const wrap = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (UlasanError.isInstance(e) && e.code === 'INVALID_ARGUMENT')
        throw new UlasanError('CONFIG', `${where}: ${e.message}`, { cause: e });
      throw e;
    }
  };
  switch (name) {
    case 'clean': {
      const { step: _s, ...opts } = step as unknown as CleanStep;
      const o: ResolvedCleanOptions = wrap(() => resolveCleanOptions({ language, ...opts }));
      const resources: ResourceName[] =
        o.emoji === 'words' ? [o.language === 'en' ? 'emoji-en.tsv' : 'emoji-id.tsv'] : [];
      return { name, config: { step: 'clean', ...o }, resources, run: (s) => textOrTokens(s, (t) => cleanWith(t, o)) };
    }
    case 'caseFold':
      return {
        name,
        config: { step: 'caseFold' },
        resources: [],
        run: (s) => (typeof s === 'string' ? s.toLowerCase() : s.map((t) => t.toLowerCase())),
      };
    case 'removePunctuation': {
      const keepIntraWord = (step.keepIntraWord as boolean | undefined) ?? true;
      if (typeof keepIntraWord !== 'boolean')
        throw new UlasanError('CONFIG', `${where}: keepIntraWord must be a boolean.`);
      return {
        name,
        config: { step: 'removePunctuation', keepIntraWord },
        resources: [],
        run: (s) => textOrTokens(s, (t) => removePunctuation(t, { keepIntraWord })),
      };
    }
    case 'tokenize': {
      const t = step as unknown as TokenizeStep;
      const exceptions =
        t.cliticExceptions === undefined ? [] : stringList(t.cliticExceptions, `${where} cliticExceptions`);
      const o = wrap(() => resolveTokenizeOptions({ ...t, cliticExceptions: exceptions }));
      const set = cliticExceptionSet(o.cliticExceptions);
      const config: TokenizeStep = {
        step: 'tokenize',
        clitics: o.clitics,
        reduplication: o.reduplication,
        digitReduplication: o.digitReduplication,
      };
      if (exceptions.length > 0) config.cliticExceptions = [...exceptions];
      return {
        name,
        config,
        resources: [],
        run: (s) => (typeof s === 'string' ? tokenizeWith(s, o, set) : s.flatMap((tok) => tokenizeWith(tok, o, set))),
      };
    }
    case 'normalizeSlang': {
      const t = step as unknown as NormalizeSlangStep;
      const builtin = t.builtin ?? language === 'id';
      const interjections = t.interjections ?? 'keep';
      const emptyTokens = t.emptyTokens ?? 'drop';
      if (typeof builtin !== 'boolean') throw new UlasanError('CONFIG', `${where}: builtin must be a boolean.`);
      if (interjections !== 'keep' && interjections !== 'remove')
        throw new UlasanError('CONFIG', `${where}: interjections must be 'keep' or 'remove'.`);
      if (emptyTokens !== 'drop' && emptyTokens !== 'keep')
        throw new UlasanError('CONFIG', `${where}: emptyTokens must be 'drop' or 'keep'.`);
      const lexicon: SlangLexicon = wrap(() => createSlangLexicon({ builtin, path: t.path, entries: t.entries }));
      const opts = { interjections, emptyTokens } as const;
      const resources: ResourceName[] = [];
      if (builtin) resources.push('slang-id.tsv');
      if (interjections === 'remove') resources.push('interjections-id.txt');
      return {
        name,
        config: { step: 'normalizeSlang', builtin, entries: { ...lexicon.userEntries() }, interjections, emptyTokens },
        resources,
        run: (s) => tokensOrText(s, (tokens) => normalizeSlang(tokens, lexicon, opts)),
      };
    }
    case 'removeStopwords': {
      const t = step as unknown as RemoveStopwordsStep;
      const lang = t.language ?? language;
      const profile = t.profile ?? 'sentiment-safe';
      const base = wrap(() => stopwords(lang, { profile }));
      const add = t.add === undefined ? [] : stringList(t.add, `${where} add`).map((w) => w.toLowerCase());
      const keep = t.keep === undefined ? [] : stringList(t.keep, `${where} keep`).map((w) => w.toLowerCase());
      const set = new Set([...base, ...add]);
      for (const w of keep) set.delete(w);
      const config: RemoveStopwordsStep = { step: 'removeStopwords', language: lang, profile };
      if (add.length > 0) config.add = add;
      if (keep.length > 0) config.keep = keep;
      const files: ResourceName[] = [`stopwords-${lang}.txt` as ResourceName];
      if (profile === 'sentiment-safe') files.push(`stopwords-${lang}-sentiment.txt` as ResourceName);
      return {
        name,
        config,
        resources: files,
        run: (s) => tokensOrText(s, (tokens) => tokens.filter((w) => !set.has(w) && !set.has(w.toLowerCase()))),
      };
    }
    case 'stem': {
      const t = step as unknown as StemStep;
      const lang = t.language ?? language;
      if (t.dictionary !== undefined && typeof t.dictionary !== 'string')
        stringList(t.dictionary, `${where} dictionary`);
      const stemmer = wrap(() =>
        createStemmer({ language: lang, dictionary: t.dictionary, invalidRows: t.invalidRows }),
      );
      const config: StemStep = { step: 'stem', language: lang };
      const words = stemmer.dictionaryWords();
      if (words) config.dictionary = words;
      return { name, config, resources: [], run: (s) => tokensOrText(s, (tokens) => tokens.map(stemmer.stem)) };
    }
  }
}

/**
 * An ordered preprocessing pipeline. Create it with {@link createPipeline} (or
 * {@link TextPipeline.fromJSON} for a saved config).
 *
 * @example
 * ```ts
 * const pipeline = createPipeline(); // PIPELINE_PRESETS.sentiment
 * pipeline.process('Aplikasinya gak bagus, lemot bgt!!');
 * // → ['aplikasinya', 'tidak', 'bagus', 'lambat', 'banget']
 * const saved = JSON.stringify(pipeline.toJSON());
 * TextPipeline.fromJSON(JSON.parse(saved)).process('gak bagus'); // same tokens
 * ```
 */
export class TextPipeline {
  /** The pipeline's default language. */
  readonly language: PreprocessLanguage;
  readonly #steps: CompiledStep[];

  /** Builds a pipeline from a config (validates it, reads any paths once). Prefer {@link createPipeline}. */
  constructor(config: PipelineConfig = PIPELINE_PRESETS.sentiment, options: PipelineLoadOptions = {}) {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new UlasanError(
        'CONFIG',
        `A pipeline config must be an object like { steps: [...] }, got ${describeValue(config)}.`,
      );
    }
    if (config.format !== undefined && config.format !== PIPELINE_FORMAT) {
      throw new UlasanError(
        'CONFIG',
        `Not a text pipeline config: format is ${JSON.stringify(config.format)}, expected "${PIPELINE_FORMAT}".`,
      );
    }
    if (config.version !== undefined && config.version !== PIPELINE_VERSION) {
      throw new UlasanError(
        'UNSUPPORTED_VERSION',
        `Text pipeline config version ${JSON.stringify(config.version)} is not supported by this ulasan (it reads version ${PIPELINE_VERSION}). Upgrade ulasan.`,
      );
    }
    const language = config.language ?? 'id';
    if (language !== 'id' && language !== 'en')
      throw new UlasanError('CONFIG', `Pipeline language must be 'id' or 'en', got ${JSON.stringify(language)}.`);
    if (!Array.isArray(config.steps))
      throw new UlasanError('CONFIG', 'A pipeline config needs a steps array, e.g. { steps: [{ step: "tokenize" }] }.');
    this.language = language;
    this.#steps = config.steps.map((s, i) => compileStep(s, i, language));
    if (config.resources !== undefined && !options.allowResourceChange) {
      const now = this.#resourceHashes();
      for (const [file, hash] of Object.entries(config.resources)) {
        if (now[file] !== undefined && now[file] !== hash) {
          throw new UlasanError(
            'CONFIG',
            `The shipped resource ${file} changed since this pipeline was saved (checksum ${hash}, now ${now[file]}), so preprocessing would differ from training. ` +
              'Use the ulasan version the model was trained with, or load with { allowResourceChange: true } to accept the difference.',
          );
        }
      }
    }
  }

  /**
   * Loads a saved config (from {@link TextPipeline.toJSON}), validating `format` and `version`.
   */
  static fromJSON(config: unknown, options: PipelineLoadOptions = {}): TextPipeline {
    if (typeof config !== 'object' || config === null) {
      throw new UlasanError('CONFIG', `TextPipeline.fromJSON() expects a config object, got ${describeValue(config)}.`);
    }
    const c = config as PipelineConfig;
    if (c.format !== PIPELINE_FORMAT) {
      throw new UlasanError(
        'CONFIG',
        `Not a text pipeline config: format is ${JSON.stringify(c.format)}, expected "${PIPELINE_FORMAT}".`,
      );
    }
    return new TextPipeline(c, options);
  }

  /** The step names, in order. */
  get stepNames(): PipelineStepName[] {
    return this.#steps.map((s) => s.name);
  }

  /**
   * Runs every step on one text and returns its tokens. If no step tokenizes, the final text is split
   * on whitespace.
   */
  process(text: string): string[] {
    assertText(text, 'TextPipeline.process()');
    let state: State = text;
    for (const step of this.#steps) state = step.run(state);
    return typeof state === 'string' ? splitWords(state) : state;
  }

  /** Processes a batch synchronously (`texts.map(process)` with errors naming the bad index). */
  transform(texts: readonly string[]): string[][] {
    if (!Array.isArray(texts))
      throw invalidArgument(`TextPipeline.transform() expects an array of texts, got ${describeValue(texts)}.`);
    const out: string[][] = new Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      assertText(texts[i], `TextPipeline.transform() text #${i}`);
      out[i] = this.process(texts[i] as string);
    }
    return out;
  }

  /**
   * Streams texts through the pipeline one at a time, so a large file never sits in memory.
   * Accepts arrays, generators and async iterables (e.g. `readline` lines).
   *
   * @example
   * ```ts
   * for await (const tokens of pipeline.processAll(readLines('reviews.txt'))) write(tokens.join(' '));
   * ```
   */
  async *processAll(
    texts: Iterable<string> | AsyncIterable<string>,
    options: ProcessAllOptions = {},
  ): AsyncGenerator<string[]> {
    if (texts === null || texts === undefined || typeof texts === 'string') {
      throw invalidArgument(`TextPipeline.processAll() expects an iterable of texts, got ${describeValue(texts)}.`);
    }
    let i = 0;
    for await (const text of texts as AsyncIterable<string>) {
      throwIfAborted(options.signal, 'Preprocessing');
      assertText(text, `TextPipeline.processAll() text #${i}`);
      yield this.process(text);
      i++;
    }
  }

  /** Runs the pipeline and records the output of every step, for auditing. */
  trace(text: string): PipelineTrace {
    assertText(text, 'TextPipeline.trace()');
    let state: State = text;
    const steps: TraceEntry[] = [];
    for (const step of this.#steps) {
      state = step.run(state);
      steps.push({ step: step.name, output: Array.isArray(state) ? [...state] : state });
    }
    return { input: toWellFormed(text), steps, tokens: typeof state === 'string' ? splitWords(state) : state };
  }

  /** The complete, self-contained config (defaults filled in, dictionaries embedded, resource checksums). */
  toJSON(): Required<PipelineConfig> {
    return {
      format: PIPELINE_FORMAT,
      version: PIPELINE_VERSION,
      language: this.language,
      steps: this.#steps.map((s) => structuredClone(s.config)),
      resources: this.#resourceHashes(),
    };
  }

  #resourceHashes(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const step of this.#steps) for (const r of step.resources) out[r] ??= stableHash(readResource(r)).slice(0, 16);
    return out;
  }
}

/**
 * Creates a pipeline from a config (default: {@link PIPELINE_PRESETS}.sentiment).
 *
 * @example
 * ```ts
 * const cleanSlang = createPipeline(PIPELINE_PRESETS.cleanSlang);
 * cleanSlang.process('Woi aplikasi gak jelas lu , susah amat dibuka, gimana mau chat');
 * // → ['aplikasi', 'tidak', 'jelas', 'kamu', 'susah', 'amat', 'dibuka', 'bagaimana', 'mau', 'pesan']
 * const custom = createPipeline({ steps: [{ step: 'caseFold' }, { step: 'tokenize' }, { step: 'stem' }] });
 * ```
 */
export function createPipeline(config?: PipelineConfig, options?: PipelineLoadOptions): TextPipeline {
  return new TextPipeline(config ?? PIPELINE_PRESETS.sentiment, options);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The ready-made pipeline configs of {@link PIPELINE_PRESETS}. */
export interface PipelinePresets {
  /**
   * The default: clean (URLs, mentions, IndoNLU placeholders, HTML, emoji → words, elongation),
   * case folding, tokenizing, built-in slang map, sentiment-safe stopwords (negators and
   * intensifiers kept), no stemming.
   */
  readonly sentiment: Readonly<PipelineConfig>;
  /** The same for English (no slang map, English stopwords and emoji words). */
  readonly sentimentEn: Readonly<PipelineConfig>;
  /**
   * Noise removal then slang normalization, no stopwords: cleaning (URLs, `@user` and IndoNLU
   * placeholders, `#hashtag`, emoji, punctuation removed) → case folding → tokenizing → slang
   * normalization (built-in map plus `chat` → `pesan`; interjections such as `woi` removed). Seed
   * 003's order.
   */
  readonly cleanSlang: Readonly<PipelineConfig>;
  /**
   * Case folding → punctuation removal → stopword removal (full list) → tokenizing → stemming
   * (dictionary-free Tala; add a `dictionary` to the stem step for Sastrawi/ECS). Seed 004's order.
   */
  readonly stemNoStopwords: Readonly<PipelineConfig>;
  /** @deprecated Renamed {@link PipelinePresets.cleanSlang} (`seed` means the random seed elsewhere). */
  readonly seed003: Readonly<PipelineConfig>;
  /** @deprecated Renamed {@link PipelinePresets.stemNoStopwords}. */
  readonly seed004: Readonly<PipelineConfig>;
}

/**
 * Ready-made configs: `sentiment` (the default), `sentimentEn`, `cleanSlang` and
 * `stemNoStopwords` (see {@link PipelinePresets}). The old names `seed003` and `seed004` still work
 * (deprecated aliases, left out of `Object.keys`).
 *
 * @example
 * ```ts
 * const pipeline = createPipeline(PIPELINE_PRESETS.cleanSlang);
 * ```
 */
export const PIPELINE_PRESETS: PipelinePresets = withDeprecatedAliases(
  deepFreeze({
    sentiment: {
      format: PIPELINE_FORMAT,
      version: PIPELINE_VERSION,
      language: 'id',
      steps: [
        { step: 'clean' },
        { step: 'caseFold' },
        { step: 'tokenize' },
        { step: 'normalizeSlang', builtin: true },
        { step: 'removeStopwords', profile: 'sentiment-safe' },
      ],
    },
    sentimentEn: {
      format: PIPELINE_FORMAT,
      version: PIPELINE_VERSION,
      language: 'en',
      steps: [
        { step: 'clean' },
        { step: 'caseFold' },
        { step: 'tokenize' },
        { step: 'removeStopwords', profile: 'sentiment-safe' },
      ],
    },
    cleanSlang: {
      format: PIPELINE_FORMAT,
      version: PIPELINE_VERSION,
      language: 'id',
      steps: [
        {
          step: 'clean',
          unicode: 'none',
          html: 'keep',
          // IndoNLU's [USERNAME]/[URL] stand for the @users and URLs the seed removes
          placeholders: 'remove',
          urls: 'remove',
          emails: 'keep',
          mentions: 'remove',
          hashtags: 'remove',
          emoji: 'remove',
          numbers: 'keep',
          elongation: false,
          punctuation: 'remove',
        },
        { step: 'caseFold' },
        { step: 'tokenize', clitics: 'keep', reduplication: 'keep', digitReduplication: false },
        {
          step: 'normalizeSlang',
          builtin: true,
          entries: { chat: 'pesan' },
          interjections: 'remove',
          emptyTokens: 'drop',
        },
      ],
    },
    stemNoStopwords: {
      format: PIPELINE_FORMAT,
      version: PIPELINE_VERSION,
      language: 'id',
      steps: [
        { step: 'caseFold' },
        { step: 'removePunctuation', keepIntraWord: false },
        { step: 'removeStopwords', profile: 'full' },
        { step: 'tokenize', clitics: 'keep', reduplication: 'keep', digitReduplication: false },
        { step: 'stem' },
      ],
    },
  }),
  { seed003: 'cleanSlang', seed004: 'stemNoStopwords' },
);
