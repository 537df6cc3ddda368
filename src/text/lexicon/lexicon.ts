/**
 * Sentiment lexicons for the VADER-style analyzer: word valences (−4..+4) plus rule words
 * (negators, boosters, contrast words). Indonesian: `resources/lexicon/` (written for ulasan,
 * Apache-2.0). English: the VADER lexicon of the installed `vader-sentiment` package (MIT), read
 * from `node_modules` at run time, never copied. Loaded lazily and cached.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { invalidArgument, MissingDependencyError, UlasanError } from '../../internal/errors.js';
import { resourcesDir } from '../preprocess/resources.js';

/** Languages with a shipped lexicon. */
export type LexiconLanguage = 'id' | 'en';

/** Role of a rule word. */
export type RuleRole = 'negator' | 'booster-before' | 'booster-after' | 'contrast';

/** A loaded sentiment lexicon. */
export interface SentimentLexicon {
  /** Language. */
  language: LexiconLanguage;
  /** Word (lower-case) → valence on VADER's −4..+4 scale. */
  valences: ReadonlyMap<string, number>;
  /** Rule words: word → role → value (negators: multiplier, boosters: ±scalar, contrast: weight after). */
  rules: ReadonlyMap<string, ReadonlyMap<RuleRole, number>>;
  /** Where the valences came from (path), for provenance. */
  source: string;
}

const cache = new Map<LexiconLanguage, SentimentLexicon>();

/**
 * The shipped lexicon of `language` (cached after the first call).
 *
 * @example
 * ```ts
 * const id = sentimentLexicon('id');
 * id.valences.get('mantap'); // 2.6
 * ```
 * @throws MissingDependencyError for `'en'` when the `vader-sentiment` package is not installed.
 */
export function sentimentLexicon(language: LexiconLanguage = 'id'): SentimentLexicon {
  if (language !== 'id' && language !== 'en')
    throw invalidArgument(`sentimentLexicon: language must be 'id' or 'en', got ${JSON.stringify(language)}.`);
  let lex = cache.get(language);
  if (!lex) {
    const rulesPath = join(resourcesDir(), 'lexicon', `rules-${language}.tsv`);
    const rules = parseRules(readFileSync(rulesPath, 'utf8'), rulesPath);
    let path: string;
    let valences: Map<string, number>;
    if (language === 'id') {
      path = join(resourcesDir(), 'lexicon', 'sentiment-id.tsv');
      valences = parseValences(readFileSync(path, 'utf8'), path);
    } else {
      path = vaderLexiconPath();
      valences = parseValences(readFileSync(path, 'utf8'), path);
    }
    lex = { language, valences, rules, source: path };
    cache.set(language, lex);
  }
  return lex;
}

/** Path of `vader_lexicon.txt` in the installed `vader-sentiment` package. */
export function vaderLexiconPath(): string {
  try {
    return createRequire(import.meta.url).resolve('vader-sentiment/vader_lexicon.txt');
  } catch (error) {
    throw new MissingDependencyError('vader-sentiment', 'the English sentiment lexicon (VADER, MIT)', error);
  }
}

/**
 * Parses `word<TAB>valence[<TAB>...]` lines (VADER's lexicon format; extra columns ignored, `#`
 * lines are comments). Words are lower-cased; a bad valence names the line.
 */
export function parseValences(text: string, source: string): Map<string, number> {
  const out = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const cells = line.split('\t');
    const value = Number(cells[1]);
    if (cells.length < 2 || cells[0]!.trim() === '' || !Number.isFinite(value)) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${source}, line ${i + 1}: expected "word<TAB>valence", found ${JSON.stringify(line.slice(0, 80))}.`,
      );
    }
    out.set(cells[0]!.trim().toLowerCase(), value);
  }
  return out;
}

const ROLES: readonly RuleRole[] = ['negator', 'booster-before', 'booster-after', 'contrast'];

/** Parses `word<TAB>role<TAB>value` rule lines. */
export function parseRules(text: string, source: string): Map<string, Map<RuleRole, number>> {
  const out = new Map<string, Map<RuleRole, number>>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [word, role, v] = line.split('\t');
    const value = Number(v);
    if (!word || !ROLES.includes(role as RuleRole) || !Number.isFinite(value)) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${source}, line ${i + 1}: expected "word<TAB>role<TAB>value" with role ${ROLES.join('|')}, found ${JSON.stringify(line.slice(0, 80))}.`,
      );
    }
    const w = word.trim().toLowerCase();
    if (!out.has(w)) out.set(w, new Map());
    out.get(w)!.set(role as RuleRole, value);
  }
  return out;
}
