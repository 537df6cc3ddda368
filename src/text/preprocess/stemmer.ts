/**
 * `createStemmer()`: one entry point for the three stemmers, with a cache.
 *
 * - Indonesian with a root-word dictionary → ECS (Sastrawi's algorithm), which never stems a word
 *   into something that is not in the dictionary (`nilai` stays `nilai`).
 * - Indonesian without a dictionary → Tala/Snowball (dictionary-free; ships with the package).
 * - English → Porter (1980).
 */
import { invalidArgument, UlasanError } from '../../internal/errors.js';
import type { PreprocessLanguage } from './clean.js';
import { ecsStem } from './stemmer-ecs.js';
import { porterStem } from './stemmer-porter.js';
import { talaStem } from './stemmer-tala.js';
import { assertTokens, describeValue, readTextFile } from './text-input.js';

/** Which algorithm a {@link Stemmer} runs. */
export type StemmerAlgorithm = 'ecs' | 'tala' | 'porter';

/** Options of {@link createStemmer}. */
export interface StemmerOptions {
  /** Default `'id'`. */
  language?: PreprocessLanguage;
  /**
   * Indonesian root words (an iterable of words, or the path of a UTF-8 file with one word per line,
   * e.g. Sastrawi's `kata-dasar.txt`, or a Hunspell `.dic` file such as Debian's
   * `/usr/share/hunspell/id_ID.dic`, whose `/FLAGS` are ignored). Given → ECS; absent → the
   * dictionary-free Tala stemmer.
   */
  dictionary?: Iterable<string> | string;
  /**
   * A dictionary file line holding more than one word: `'error'` (default) throws naming the line,
   * `'skip'` skips it and lists it in {@link Stemmer.report}. (Sastrawi's `kata-dasar.txt` has one such line.)
   */
  invalidRows?: 'error' | 'skip';
  /** Most words kept in the cache (cleared when full). Default 100,000; 0 disables it. */
  cacheSize?: number;
}

/** What loading a dictionary found. */
export interface StemmerReport {
  /** Dictionary words loaded (0 without a dictionary). */
  dictionaryWords: number;
  /** Skipped dictionary lines (`invalidRows: 'skip'`), with their 1-based line number. */
  skipped: Array<{ line: number; text: string }>;
}

/** A word stemmer with a cache. Create it with {@link createStemmer}. */
export interface Stemmer {
  /** The algorithm in use. */
  readonly algorithm: StemmerAlgorithm;
  /** What loading the dictionary found. */
  readonly report: StemmerReport;
  /** Stems one word (lower-cased first). Non-strings throw; `''` gives `''`. */
  stem(word: string): string;
  /** Stems every token. */
  stemTokens(tokens: readonly string[]): string[];
  /** The sorted dictionary (for embedding in a pipeline config); `undefined` without one. */
  dictionaryWords(): string[] | undefined;
  /** Words currently cached. */
  readonly cacheSize: number;
  /** Empties the cache. */
  clearCache(): void;
}

/**
 * Creates a stemmer. With a dictionary it runs ECS (Sastrawi), without one the dictionary-free
 * Tala algorithm; `language: 'en'` gives Porter. Results are cached per word.
 *
 * @example
 * ```ts
 * const tala = createStemmer(); // no data file needed
 * tala.stem('pembangunan'); // → 'bangun'
 * const ecs = createStemmer({ dictionary: '../shared/data/lexicons/sastrawi-kata-dasar.txt', invalidRows: 'skip' });
 * ecs.stem('menilai'); // → 'nilai'
 * ecs.stem('nilai'); // → 'nilai' (Tala gives 'nila')
 * ```
 */
export function createStemmer(options: StemmerOptions = {}): Stemmer {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('createStemmer() options must be an object.');
  const language = options.language ?? 'id';
  if (language !== 'id' && language !== 'en') {
    throw invalidArgument(`createStemmer() language must be 'id' or 'en', got ${JSON.stringify(language)}.`);
  }
  const maxCache = options.cacheSize ?? 100_000;
  if (!Number.isInteger(maxCache) || maxCache < 0) {
    throw invalidArgument(`createStemmer() cacheSize must be a non-negative integer, got ${describeValue(maxCache)}.`);
  }
  const report: StemmerReport = { dictionaryWords: 0, skipped: [] };
  let dict: Set<string> | undefined;
  if (options.dictionary !== undefined) {
    if (language === 'en')
      throw invalidArgument('createStemmer() dictionary is only used for Indonesian (ECS); English uses Porter.');
    dict = loadDictionary(options.dictionary, options.invalidRows ?? 'error', report);
    if (dict.size === 0) {
      throw invalidArgument(
        'createStemmer() got an empty dictionary. Pass root words, or leave dictionary out for the dictionary-free stemmer.',
      );
    }
    report.dictionaryWords = dict.size;
  }
  const algorithm: StemmerAlgorithm = language === 'en' ? 'porter' : dict ? 'ecs' : 'tala';
  const d = dict;
  const run =
    algorithm === 'ecs' ? (w: string) => ecsStem(w, d as Set<string>) : algorithm === 'porter' ? porterStem : talaStem;
  const cache = new Map<string, string>();

  const stem = (word: string): string => {
    if (typeof word !== 'string') throw invalidArgument(`Stemmer.stem() expects a string, got ${describeValue(word)}.`);
    const hit = cache.get(word);
    if (hit !== undefined) return hit;
    const lower = word.toLowerCase();
    // Only letters (and inner hyphens) are stemmed; numbers, emoji and mixed tokens pass through.
    const result = /^[a-z]+(?:-[a-z]+)*$/.test(lower) ? run(lower) : lower;
    if (maxCache > 0) {
      if (cache.size >= maxCache) cache.clear();
      cache.set(word, result);
    }
    return result;
  };

  return {
    algorithm,
    report,
    stem,
    stemTokens(tokens) {
      assertTokens(tokens, 'Stemmer.stemTokens()');
      return tokens.map(stem);
    },
    dictionaryWords: () => (d ? [...d].sort() : undefined),
    get cacheSize() {
      return cache.size;
    },
    clearCache: () => cache.clear(),
  };
}

function loadDictionary(
  source: Iterable<string> | string,
  invalidRows: 'error' | 'skip',
  report: StemmerReport,
): Set<string> {
  const set = new Set<string>();
  if (typeof source === 'string') {
    if (source === '') throw invalidArgument('createStemmer() dictionary path is empty.');
    const lines = readTextFile(source, 'stemmer dictionary').split(/\r?\n/);
    // Hunspell .dic files (e.g. Debian hunspell-id): a word count first, then `word/FLAGS` lines.
    const hunspell = source.toLowerCase().endsWith('.dic');
    for (let i = 0; i < lines.length; i++) {
      let word = (lines[i] as string).trim().toLowerCase();
      if (hunspell) {
        if (i === 0 && /^\d+$/.test(word)) continue;
        const slash = word.indexOf('/');
        if (slash >= 0) word = word.slice(0, slash);
      }
      if (word === '' || word.startsWith('#')) continue;
      if (/\s/.test(word)) {
        if (invalidRows === 'skip') {
          report.skipped.push({ line: i + 1, text: word });
          continue;
        }
        throw new UlasanError(
          'FILE_FORMAT',
          `stemmer dictionary ${source}, line ${i + 1}: expected one root word, found ${JSON.stringify(word)}. ` +
            "Fix the line, or pass invalidRows: 'skip' to skip such lines (they are listed in stemmer.report.skipped).",
        );
      }
      set.add(word);
    }
    return set;
  }
  if (source === null || typeof (source as Iterable<string>)[Symbol.iterator] !== 'function') {
    throw invalidArgument(
      `createStemmer() dictionary must be a file path or an iterable of words, got ${describeValue(source)}.`,
    );
  }
  let i = 0;
  for (const w of source) {
    if (typeof w !== 'string')
      throw invalidArgument(`createStemmer() dictionary entry #${i} is ${describeValue(w)}, expected a string.`);
    const word = w.trim().toLowerCase();
    if (word !== '') set.add(word);
    i++;
  }
  return set;
}
