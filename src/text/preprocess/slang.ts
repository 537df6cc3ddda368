/**
 * Slang normalization: maps informal spellings to standard Indonesian (`gak` → `tidak`,
 * `gimana` → `bagaimana`). The built-in map is written for ulasan (license-clean, see
 * `docs/resources.md`); bigger lexicons such as the Colloquial Indonesian Lexicon load from a path.
 */
import { extname } from 'node:path';
import { parseDelimited } from '../../data/csv.js';
import { invalidArgument, UlasanError } from '../../internal/errors.js';
import { stableHash } from '../../internal/hash.js';
import type { PreprocessLanguage } from './clean.js';
import { parseTsvMap, parseWordList, readResource } from './resources.js';
import { assertTokens, readTextFile } from './text-input.js';

/** Options of {@link createSlangLexicon}. Later sources override earlier ones: built-in, then `path`, then `entries`. */
export interface SlangLexiconOptions {
  /** Include the built-in Indonesian slang map (a few hundred common forms). Default `true`. */
  builtin?: boolean;
  /**
   * One or more lexicon files: `.csv` with a header naming `slang` and `formal` columns (the Colloquial
   * Indonesian Lexicon's format) or two columns without header; `.tsv`/`.txt` as `slang<TAB>formal`;
   * `.json` as `{ "slang": "formal" }`. Must be UTF-8. Bad rows raise an error naming the line.
   */
  path?: string | readonly string[];
  /** Your own entries, applied last. An empty value deletes the token; a value with spaces becomes several tokens. */
  entries?: Readonly<Record<string, string>>;
}

/** Counts gathered while loading a lexicon, so a user can see what happened to their file. */
export interface SlangLoadReport {
  /** Rows read per source (`builtin`, each path, `entries`). */
  rows: Record<string, number>;
  /** Keys that appeared again in the same file with a different value (the first one is kept). */
  conflicts: number;
  /** Keys containing whitespace, which can never match a single token (skipped). */
  skippedMultiWord: number;
}

const LEXICON_BRAND = Symbol.for('ulasan.slangLexicon');

/**
 * An immutable slang → standard-form map. Keys are lower-case; lookups try the token as given, then
 * lower-cased.
 */
export class SlangLexicon {
  /** What loading found (rows per source, conflicts, skipped rows). */
  readonly report: SlangLoadReport;
  /** Whether the built-in map is part of this lexicon. */
  readonly builtin: boolean;
  readonly #map: ReadonlyMap<string, string>;
  readonly #userEntries: Readonly<Record<string, string>>;
  readonly [LEXICON_BRAND] = true;

  /** True for a lexicon from either the ESM or the CJS build (`instanceof` fails across the two). */
  static isInstance(value: unknown): value is SlangLexicon {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[LEXICON_BRAND] === true;
  }

  /** Use {@link createSlangLexicon}; the constructor takes already-validated data. @internal */
  constructor(
    map: ReadonlyMap<string, string>,
    userEntries: Record<string, string>,
    builtin: boolean,
    report: SlangLoadReport,
  ) {
    this.#map = map;
    this.#userEntries = Object.freeze({ ...userEntries });
    this.builtin = builtin;
    this.report = report;
  }

  /** Number of entries. */
  get size(): number {
    return this.#map.size;
  }

  /** The standard form of `word`, `''` when the word should be deleted, or `undefined` when unknown. */
  get(word: string): string | undefined {
    const hit = this.#map.get(word);
    if (hit !== undefined) return hit;
    const lower = word.toLowerCase();
    return lower === word ? undefined : this.#map.get(lower);
  }

  /** True when `word` (or its lower-case form) has an entry. */
  has(word: string): boolean {
    return this.get(word) !== undefined;
  }

  /** All entries, in load order. */
  entries(): IterableIterator<[string, string]> {
    return this.#map.entries();
  }

  /**
   * The entries that did not come from the built-in map (paths and `entries` merged). A pipeline
   * config stores these plus `builtin: true`, so it stays self-contained without copying the built-in map.
   */
  userEntries(): Readonly<Record<string, string>> {
    return this.#userEntries;
  }

  /** All entries as a plain object. */
  toJSON(): Record<string, string> {
    return Object.fromEntries(this.#map);
  }
}

let builtinCache: ReadonlyMap<string, string> | undefined;
let interjectionCache: ReadonlySet<string> | undefined;

/** The built-in Indonesian slang map shipped in `resources/slang-id.tsv` (loaded on first use). */
export function builtinSlang(): ReadonlyMap<string, string> {
  if (!builtinCache) {
    const map = new Map<string, string>();
    for (const [k, v] of parseTsvMap(readResource('slang-id.tsv'), 'resources/slang-id.tsv')) {
      map.set(k.toLowerCase(), v.toLowerCase());
    }
    builtinCache = map;
  }
  return builtinCache;
}

/** SHA-256 of the built-in slang map; stored in pipeline configs to detect a changed built-in map. */
export function builtinSlangChecksum(): string {
  return stableHash([...builtinSlang()]).slice(0, 16);
}

/**
 * Interjections and fillers with no standard form (`woi`, `wkwk`, `hmm`, `sih`...), from
 * `resources/interjections-id.txt`. {@link normalizeSlang} removes them when asked, as seed 003 does.
 */
export function interjections(language: PreprocessLanguage = 'id'): ReadonlySet<string> {
  if (language !== 'id') return new Set();
  if (!interjectionCache) {
    interjectionCache = new Set(parseWordList(readResource('interjections-id.txt'), 'resources/interjections-id.txt'));
  }
  return interjectionCache;
}

/**
 * Builds a slang lexicon from the built-in map, files and your own entries (later ones win).
 *
 * @example
 * ```ts
 * const lexicon = createSlangLexicon({ entries: { chat: 'pesan' } });
 * normalizeSlang(['gak', 'jelas', 'lu', 'chat'], lexicon); // → ['tidak', 'jelas', 'kamu', 'pesan']
 * // the Colloquial Indonesian Lexicon (no license: load it from your copy, never bundle it)
 * createSlangLexicon({ path: 'data/colloquial-indonesian-lexicon.csv' });
 * ```
 */
export function createSlangLexicon(options: SlangLexiconOptions = {}): SlangLexicon {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('createSlangLexicon() options must be an object.');
  const builtin = options.builtin ?? true;
  const map = new Map<string, string>();
  const user = new Map<string, string>();
  const report: SlangLoadReport = { rows: {}, conflicts: 0, skippedMultiWord: 0 };
  if (builtin) {
    for (const [k, v] of builtinSlang()) map.set(k, v);
    report.rows.builtin = map.size;
  }
  const paths = options.path === undefined ? [] : typeof options.path === 'string' ? [options.path] : [...options.path];
  for (const path of paths) {
    if (typeof path !== 'string' || path === '')
      throw invalidArgument(`createSlangLexicon() path must be a non-empty string, got ${JSON.stringify(path)}.`);
    const rows = readLexiconFile(path);
    const seen = new Map<string, string>();
    for (const [k, v] of rows) {
      if (/\s/.test(k)) {
        report.skippedMultiWord++;
        continue;
      }
      const prev = seen.get(k);
      if (prev !== undefined) {
        if (prev !== v) report.conflicts++;
        continue;
      }
      seen.set(k, v);
    }
    for (const [k, v] of seen) {
      map.set(k, v);
      user.set(k, v);
    }
    report.rows[path] = rows.length;
  }
  if (options.entries !== undefined) {
    if (typeof options.entries !== 'object' || options.entries === null || Array.isArray(options.entries)) {
      throw invalidArgument(
        'createSlangLexicon() entries must be an object mapping slang to standard form, e.g. { gk: "tidak" }.',
      );
    }
    let n = 0;
    for (const [rawKey, rawValue] of Object.entries(options.entries)) {
      if (typeof rawValue !== 'string') {
        throw invalidArgument(`createSlangLexicon() entries["${rawKey}"] must be a string, got ${typeof rawValue}.`);
      }
      const k = rawKey.trim().toLowerCase();
      if (k === '' || /\s/.test(k)) {
        throw invalidArgument(
          `createSlangLexicon() entry key ${JSON.stringify(rawKey)} must be one word (tokens never contain spaces).`,
        );
      }
      const v = normalizeValue(rawValue);
      map.set(k, v);
      user.set(k, v);
      n++;
    }
    report.rows.entries = n;
  }
  return new SlangLexicon(map, Object.fromEntries(user), builtin, report);
}

function normalizeValue(v: string): string {
  return v.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Reads a lexicon file into [slang, formal] rows (keys lower-cased). */
function readLexiconFile(path: string): Array<[string, string]> {
  const text = readTextFile(path, 'slang lexicon');
  const ext = extname(path).toLowerCase();
  if (ext === '.json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new UlasanError('FILE_FORMAT', `slang lexicon ${path} is not valid JSON: ${(cause as Error).message}`, {
        cause,
      });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new UlasanError('FILE_FORMAT', `slang lexicon ${path} must hold a JSON object { "slang": "formal" }.`);
    }
    return Object.entries(parsed).map(([k, v]) => {
      if (typeof v !== 'string') {
        throw new UlasanError(
          'FILE_FORMAT',
          `slang lexicon ${path}: the value of "${k}" must be a string, got ${typeof v}.`,
        );
      }
      return [k.trim().toLowerCase(), normalizeValue(v)];
    });
  }
  const delimiter = ext === '.csv' ? ',' : '\t';
  const records = parseDelimited(text, delimiter, `slang lexicon ${path}`);
  if (records.length === 0) throw new UlasanError('FILE_FORMAT', `slang lexicon ${path} is empty.`);
  let slangCol = 0;
  let formalCol = 1;
  let start = 0;
  const header = (records[0] as { fields: string[] }).fields.map((c) => c.trim().toLowerCase());
  if (header.includes('slang') && header.includes('formal')) {
    slangCol = header.indexOf('slang');
    formalCol = header.indexOf('formal');
    start = 1;
  }
  const rows: Array<[string, string]> = [];
  for (let r = start; r < records.length; r++) {
    const { line, fields: cells } = records[r] as { line: number; fields: string[] };
    if (cells.length === 1 && (cells[0] as string).trim().startsWith('#')) continue;
    const key = cells[slangCol]?.trim();
    const value = cells[formalCol];
    if (cells.length <= Math.max(slangCol, formalCol) || !key) {
      throw new UlasanError(
        'FILE_FORMAT',
        `slang lexicon ${path}, line ${line}: expected a slang word and its standard form ` +
          `(${delimiter === ',' ? 'comma' : 'tab'}-separated), found ${JSON.stringify(cells.join(delimiter).slice(0, 80))}. Fix or delete the row.`,
      );
    }
    rows.push([key.toLowerCase(), normalizeValue(value as string)]);
  }
  return rows;
}

/** `bener-bener` → `benar-benar`: maps each part of a hyphenated token when every part maps to one word. */
function normalizeParts(token: string, lexicon: SlangLexicon): string | undefined {
  const parts = token.split('-');
  let changed = false;
  for (let i = 0; i < parts.length; i++) {
    const v = lexicon.get(parts[i] as string);
    if (v === undefined) continue;
    if (v === '' || v.includes(' ')) return undefined;
    parts[i] = v;
    changed = true;
  }
  return changed ? parts.join('-') : undefined;
}

/** Options of {@link normalizeSlang}. */
export interface NormalizeSlangOptions {
  /**
   * Interjections with no standard form (`woi`, `wkwk`...): `'keep'` or `'remove'` (seed 003 removes
   * them). Default `'keep'`: laughter and exclamations carry sentiment.
   */
  interjections?: 'keep' | 'remove';
  /**
   * What happens to a token mapped to nothing (an empty lexicon value or a removed interjection):
   * `'drop'` removes it, `'keep'` leaves `''` in its place (seed 003's Table 4 shows `''`). Default `'drop'`.
   */
  emptyTokens?: 'drop' | 'keep';
}

/**
 * Replaces slang tokens by their standard form. Multi-word forms become several tokens
 * (`gpp` → `tidak`, `apa`, `apa`); hyphenated tokens are mapped part by part (`bener-bener` →
 * `benar-benar`); unknown tokens pass through unchanged.
 *
 * @example
 * ```ts
 * const lexicon = createSlangLexicon({ entries: { chat: 'pesan' } });
 * normalizeSlang(['woi', 'aplikasi', 'gak', 'jelas', 'lu'], lexicon, { interjections: 'remove' });
 * // → ['aplikasi', 'tidak', 'jelas', 'kamu']
 * ```
 */
export function normalizeSlang(
  tokens: readonly string[],
  lexicon: SlangLexicon,
  options: NormalizeSlangOptions = {},
): string[] {
  assertTokens(tokens, 'normalizeSlang()');
  if (!SlangLexicon.isInstance(lexicon)) {
    throw invalidArgument(
      'normalizeSlang() expects a lexicon made by createSlangLexicon(), e.g. normalizeSlang(tokens, createSlangLexicon()).',
    );
  }
  const removeInterjections = options.interjections === 'remove';
  const keepEmpty = options.emptyTokens === 'keep';
  const inter = removeInterjections ? interjections('id') : undefined;
  const out: string[] = [];
  for (const token of tokens) {
    let value = lexicon.get(token);
    if (value === undefined && token.includes('-')) value = normalizeParts(token, lexicon);
    if (value === undefined && inter && (inter.has(token) || inter.has(token.toLowerCase()))) value = '';
    if (value === undefined) out.push(token);
    else if (value === '') {
      if (keepEmpty) out.push('');
    } else if (value.includes(' ')) {
      for (const part of value.split(' ')) out.push(part);
    } else out.push(value);
  }
  return out;
}
