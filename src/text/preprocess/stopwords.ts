/**
 * Stopword lists for Indonesian and English, each with two profiles. `'full'` is a conventional
 * list (negators and intensifiers included, as in every published Indonesian list); `'sentiment-safe'`
 * is the same list minus the words that flip or scale sentiment (`tidak`, `bukan`, `belum`, `jangan`,
 * `kurang`, `sangat`, `terlalu`, `tapi`...), so `tidak bagus` never collapses into `bagus`.
 */
import { invalidArgument } from '../../internal/errors.js';
import type { PreprocessLanguage } from './clean.js';
import { parseWordList, type ResourceName, readResource } from './resources.js';
import { assertTokens } from './text-input.js';

/** Which variant of a stopword list. */
export type StopwordProfile = 'sentiment-safe' | 'full';

/** Options of {@link stopwords}. */
export interface StopwordOptions {
  /** Default `'sentiment-safe'`. */
  profile?: StopwordProfile;
}

const cache = new Map<string, ReadonlySet<string>>();

/**
 * The shipped stopword list of `language` and `profile` (loaded on first use, cached, read-only).
 *
 * @example
 * ```ts
 * const safe = stopwords('id');               // sentiment-safe: keeps tidak, sangat, tapi...
 * safe.has('yang'); // true
 * safe.has('tidak'); // false
 * stopwords('id', { profile: 'full' }).has('tidak'); // true
 * ```
 */
export function stopwords(language: PreprocessLanguage, options: StopwordOptions = {}): ReadonlySet<string> {
  if (language !== 'id' && language !== 'en') {
    throw invalidArgument(`stopwords() supports 'id' and 'en', got ${JSON.stringify(language)}.`);
  }
  const profile = options.profile ?? 'sentiment-safe';
  if (profile !== 'sentiment-safe' && profile !== 'full') {
    throw invalidArgument(`stopwords() profile must be 'sentiment-safe' or 'full', got ${JSON.stringify(profile)}.`);
  }
  const key = `${language}:${profile}`;
  let set = cache.get(key);
  if (!set) {
    const full = load(`stopwords-${language}.txt` as ResourceName);
    if (profile === 'full') set = new Set(full);
    else {
      const keep = new Set(sentimentWords(language));
      set = new Set(full.filter((w) => !keep.has(w)));
    }
    cache.set(key, set);
  }
  return set;
}

/**
 * The negators, intensifiers, diminishers and contrast words that the `'sentiment-safe'` profile keeps
 * (from `resources/stopwords-<language>-sentiment.txt`).
 */
export function sentimentWords(language: PreprocessLanguage): readonly string[] {
  return load(`stopwords-${language}-sentiment.txt` as ResourceName);
}

function load(name: ResourceName): string[] {
  return parseWordList(readResource(name), `resources/${name}`);
}

/**
 * Removes every token found in `list` (compared lower-cased).
 *
 * @param list - a set or array of stopwords, e.g. `stopwords('id')`
 * @example
 * ```ts
 * removeStopwords(['makanan', 'yang', 'tidak', 'enak'], stopwords('id')); // → ['makanan', 'tidak', 'enak']
 * ```
 */
export function removeStopwords(tokens: readonly string[], list: ReadonlySet<string> | readonly string[]): string[] {
  assertTokens(tokens, 'removeStopwords()');
  const set = list instanceof Set ? (list as ReadonlySet<string>) : Array.isArray(list) ? new Set(list) : undefined;
  if (!set)
    throw invalidArgument('removeStopwords() expects a Set or array of words as its list, e.g. stopwords("id").');
  return tokens.filter((t) => !set.has(t) && !set.has(t.toLowerCase()));
}
