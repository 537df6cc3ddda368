/**
 * Word2Vec training options: gensim's names in camelCase, gensim's defaults, and one validating
 * function so that every entry point (constructor, resume, CLI) rejects the same bad values.
 */
import { availableParallelism, cpus } from 'node:os';
import { withDeprecatedAliases } from '../../internal/deprecated-aliases.js';
import { invalidArgument } from '../../internal/errors.js';

/** Options of {@link Word2VecTrainer}. Every field is optional; defaults are gensim 4's. */
export interface Word2VecOptions {
  /** Dimensions of each word vector (gensim `vector_size`). Default 100. */
  vectorSize?: number;
  /** Maximum distance between the centre word and a context word; each position uses a random smaller window. Default 5. */
  window?: number;
  /** Words seen fewer times than this are dropped from the vocabulary. Default 5. */
  minCount?: number;
  /** 0 = CBOW (predict the centre word from its context), 1 = skip-gram. Default 0. */
  sg?: 0 | 1;
  /** 1 = hierarchical softmax. Default 0. */
  hs?: 0 | 1;
  /** Noise words per prediction for negative sampling; 0 turns negative sampling off. Default 5. */
  negative?: number;
  /** Exponent shaping the negative-sampling distribution (count^nsExponent). Default 0.75. */
  nsExponent?: number;
  /** CBOW: 1 = average the context vectors, 0 = sum them. Default 1. */
  cbowMean?: 0 | 1;
  /** Threshold for down-sampling frequent words (0 = off). Default 1e-3. */
  sample?: number;
  /** Initial learning rate. Default 0.025. */
  alpha?: number;
  /** The learning rate decays linearly to this value over all epochs. Default 0.0001. */
  minAlpha?: number;
  /** Passes over the corpus. Default 5. */
  epochs?: number;
  /** Prune the rarest words while counting whenever the vocabulary grows beyond this (bounded memory on huge corpora). Default null (no limit). */
  maxVocabSize?: number | null;
  /** Raise the effective minCount so that at most this many words are kept. Default null. */
  maxFinalVocab?: number | null;
  /** Seed for initial vectors, subsampling, windows and negative samples. Default 1. */
  seed?: number;
  /** Training threads (worker_threads, Hogwild on shared memory). Default: the number of CPU cores. `threads: 1` with a seed is deterministic. */
  threads?: number;
}

/** {@link Word2VecOptions} with every default filled in. */
export type ResolvedWord2VecOptions = Required<Word2VecOptions>;

/** Default number of training threads: the CPU cores available to this process. */
export function defaultThreads(): number {
  try {
    return Math.max(1, availableParallelism());
  } catch {
    return Math.max(1, cpus().length);
  }
}

/** gensim 4's defaults (`threads` is the core count, resolved when the options are resolved). */
export const WORD2VEC_DEFAULTS: Readonly<Omit<ResolvedWord2VecOptions, 'threads'>> = Object.freeze({
  vectorSize: 100,
  window: 5,
  minCount: 5,
  sg: 0,
  hs: 0,
  negative: 5,
  nsExponent: 0.75,
  cbowMean: 1,
  sample: 1e-3,
  alpha: 0.025,
  minAlpha: 0.0001,
  epochs: 5,
  maxVocabSize: null,
  maxFinalVocab: null,
  seed: 1,
});

/** The named option sets of {@link WORD2VEC_PRESETS}. */
export interface Word2VecPresets {
  /** CBOW, 100 dimensions, window 5, min count 1, 120 epochs: the seed study's configuration. */
  readonly cbow100: Readonly<Word2VecOptions>;
  /** @deprecated Renamed {@link Word2VecPresets.cbow100} (`seed` means the random seed elsewhere). */
  readonly seed003: Readonly<Word2VecOptions>;
}

/**
 * Named option sets: `cbow100` (`vectorSize 100, window 5, minCount 1, CBOW, 120 epochs`, the seed
 * study's configuration). The old name `seed003` still works (deprecated alias).
 *
 * @example
 * ```ts
 * const vectors = await new Word2VecTrainer(WORD2VEC_PRESETS.cbow100).train(sentences);
 * ```
 */
export const WORD2VEC_PRESETS: Word2VecPresets = withDeprecatedAliases(
  Object.freeze({
    cbow100: Object.freeze({ vectorSize: 100, window: 5, minCount: 1, sg: 0, epochs: 120 } as Word2VecOptions),
  }),
  { seed003: 'cbow100' },
);

const INTEGER_FIELDS = ['vectorSize', 'window', 'minCount', 'negative', 'epochs', 'seed', 'threads'] as const;

/** Fills defaults and validates every option; throws an `INVALID_ARGUMENT` error naming the option and the fix. */
export function resolveWord2VecOptions(options: Word2VecOptions = {}): ResolvedWord2VecOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument(`Word2Vec options must be an object, got ${String(options)}.`);
  }
  const known = new Set([...Object.keys(WORD2VEC_DEFAULTS), 'threads']);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw invalidArgument(
        `Unknown Word2Vec option "${key}". Known options: ${[...known].join(', ')} (gensim names in camelCase, e.g. vector_size → vectorSize).`,
      );
    }
  }
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = { ...WORD2VEC_DEFAULTS, threads: defaultThreads(), ...defined } as ResolvedWord2VecOptions;
  for (const name of INTEGER_FIELDS) {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw invalidArgument(`Word2Vec option ${name} must be an integer, got ${JSON.stringify(v)}.`);
    }
  }
  const atLeast = (name: keyof ResolvedWord2VecOptions, min: number, hint = '') => {
    if ((o[name] as number) < min) {
      throw invalidArgument(`Word2Vec option ${name} must be >= ${min}, got ${String(o[name])}.${hint}`);
    }
  };
  atLeast('vectorSize', 1);
  atLeast('window', 1);
  atLeast('minCount', 1);
  atLeast('negative', 0);
  atLeast('epochs', 1);
  atLeast('threads', 1, ' Use threads: 1 for deterministic training, or leave it out to use every core.');
  if (o.sg !== 0 && o.sg !== 1)
    throw invalidArgument(`Word2Vec option sg must be 0 (CBOW) or 1 (skip-gram), got ${String(o.sg)}.`);
  if (o.hs !== 0 && o.hs !== 1) throw invalidArgument(`Word2Vec option hs must be 0 or 1, got ${String(o.hs)}.`);
  if (o.cbowMean !== 0 && o.cbowMean !== 1) {
    throw invalidArgument(`Word2Vec option cbowMean must be 0 (sum) or 1 (mean), got ${String(o.cbowMean)}.`);
  }
  if (o.hs === 0 && o.negative === 0) {
    throw invalidArgument(
      'Word2Vec needs an output layer: set negative > 0 (negative sampling) or hs: 1 (hierarchical softmax).',
    );
  }
  for (const name of ['nsExponent', 'sample', 'alpha', 'minAlpha'] as const) {
    if (typeof o[name] !== 'number' || !Number.isFinite(o[name])) {
      throw invalidArgument(`Word2Vec option ${name} must be a finite number, got ${JSON.stringify(o[name])}.`);
    }
  }
  if (o.sample < 0)
    throw invalidArgument(`Word2Vec option sample must be >= 0 (0 turns subsampling off), got ${o.sample}.`);
  if (o.alpha <= 0) throw invalidArgument(`Word2Vec option alpha must be > 0, got ${o.alpha}.`);
  if (o.minAlpha < 0 || o.minAlpha > o.alpha) {
    throw invalidArgument(`Word2Vec option minAlpha must be between 0 and alpha (${o.alpha}), got ${o.minAlpha}.`);
  }
  for (const name of ['maxVocabSize', 'maxFinalVocab'] as const) {
    const v = o[name];
    if (v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 1)) {
      throw invalidArgument(`Word2Vec option ${name} must be a positive integer or null, got ${JSON.stringify(v)}.`);
    }
  }
  if (o.vectorSize * 4 > 2 ** 30) throw invalidArgument(`Word2Vec option vectorSize is too large: ${o.vectorSize}.`);
  return o;
}
