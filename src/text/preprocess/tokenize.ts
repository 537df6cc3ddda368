/**
 * Unicode-aware word tokenizer with optional handling of Indonesian clitics (`-nya`, `-ku`, `-mu`)
 * and reduplication (`enak-enak`, `anak2`).
 */
import { invalidArgument } from '../../internal/errors.js';
import { assertText, toWellFormed } from './text-input.js';

/** Options of {@link tokenize}. */
export interface TokenizeOptions {
  /**
   * Enclitic pronouns `-nya`, `-ku`, `-mu`: `'keep'` leaves `bukunya` whole, `'split'` gives
   * `['buku', 'nya']`. A word is split only when the rest still has two vowels and the word is not a
   * known non-clitic form (`punya`, `bertanya`, `berlaku`, `bertemu`...). Default `'keep'`.
   */
  clitics?: 'keep' | 'split';
  /**
   * Reduplication (`enak-enak`, `bermain-main`, `anak-anakan`): `'keep'` leaves the hyphenated token,
   * `'split'` gives each part, `'base'` gives the single base (`enak`, `bermain`, `anak`) and keeps
   * non-identical compounds (`sayur-mayur`) whole. Default `'keep'`.
   */
  reduplication?: 'keep' | 'split' | 'base';
  /**
   * Treat informal digit reduplication (`anak2`, `hati2`: 3+ letters followed by `2`) as
   * `anak-anak` before applying {@link TokenizeOptions.reduplication}. Default `true`.
   */
  digitReduplication?: boolean;
  /** Extra words never split as clitics (added to the built-in exceptions). */
  cliticExceptions?: Iterable<string>;
}

/** {@link TokenizeOptions} with defaults filled in. */
export interface ResolvedTokenizeOptions {
  clitics: 'keep' | 'split';
  reduplication: 'keep' | 'split' | 'base';
  digitReduplication: boolean;
  cliticExceptions: string[];
}

const TOKEN =
  /[\p{L}\p{M}\p{N}]+(?:[-'’][\p{L}\p{M}\p{N}]+)*|[\u{1F1E6}-\u{1F1FF}]{2}|\p{Extended_Pictographic}(?:\uFE0F|\u20E3|\p{Emoji_Modifier}|\u200D\p{Extended_Pictographic}\uFE0F?)*/gu;
const TOKEN_ASCII = /[A-Za-z0-9]+(?:['-][A-Za-z0-9]+)*/g;
const NOT_ASCII = /[^\t\n\r\x20-\x7e]/;
const DIGIT_REDUP = /^(\p{L}{3,})2$/u;
const CLITIC = /^(.+?)-?(nya|ku|mu)$/u;
const HYPHEN_CLITIC = /^(.+)-(nya|ku|mu|lah|kah|pun)$/u;
const VOWELS = /[aiueoAIUEO]/g;

/**
 * Words that end in `nya`/`ku`/`mu` without being clitic forms and would pass the two-vowel test.
 * Written for ulasan; extend with {@link TokenizeOptions.cliticExceptions}.
 */
export const CLITIC_EXCEPTIONS: readonly string[] = [
  'bertanya',
  'ditanya',
  'menanya',
  'tertanya',
  'pertanya',
  'berlaku',
  'pelaku',
  'perilaku',
  'terlaku',
  'bertemu',
  'ketemu',
  'menemu',
  'bertamu',
  'menjamu',
  'meramu',
  'peramu',
  'beramu',
  'semaumu',
  'bersuku',
  'sesuku',
  'kenya',
];

/** Validates {@link TokenizeOptions} and fills in the defaults. */
export function resolveTokenizeOptions(options: TokenizeOptions = {}): ResolvedTokenizeOptions {
  if (typeof options !== 'object' || options === null) throw invalidArgument('tokenize() options must be an object.');
  const clitics = options.clitics ?? 'keep';
  const reduplication = options.reduplication ?? 'keep';
  if (clitics !== 'keep' && clitics !== 'split') {
    throw invalidArgument(`tokenize() option clitics must be 'keep' or 'split', got ${JSON.stringify(clitics)}.`);
  }
  if (reduplication !== 'keep' && reduplication !== 'split' && reduplication !== 'base') {
    throw invalidArgument(
      `tokenize() option reduplication must be 'keep', 'split' or 'base', got ${JSON.stringify(reduplication)}.`,
    );
  }
  const extra = options.cliticExceptions ? [...options.cliticExceptions].map((w) => String(w).toLowerCase()) : [];
  return { clitics, reduplication, digitReduplication: options.digitReduplication ?? true, cliticExceptions: extra };
}

/**
 * Splits text into word tokens. Letters, combining marks and digits form words (any script);
 * `-` and `'` inside a word are kept (`enak-enak`, `don't`); emoji left in the text become tokens of
 * their own; everything else separates tokens. Case is not changed.
 *
 * @example
 * ```ts
 * tokenize('woi aplikasi gak jelas lu');
 * // → ['woi', 'aplikasi', 'gak', 'jelas', 'lu']
 * tokenize('makanannya enak-enak', { clitics: 'split', reduplication: 'base' });
 * // → ['makanan', 'nya', 'enak']
 * ```
 */
export function tokenize(text: string, options?: TokenizeOptions): string[] {
  return tokenizeWith(text, resolveTokenizeOptions(options));
}

/** {@link tokenize} with resolved options (the pipeline's hot path). @internal */
export function tokenizeWith(text: string, o: ResolvedTokenizeOptions, exceptions?: ReadonlySet<string>): string[] {
  assertText(text, 'tokenize()');
  const raw = NOT_ASCII.test(text) ? toWellFormed(text).match(TOKEN) : text.match(TOKEN_ASCII);
  if (!raw) return [];
  const plain = o.clitics === 'keep' && o.reduplication === 'keep' && !o.digitReduplication;
  if (plain) return raw.map(normalizeApostrophe);
  const except = exceptions ?? cliticExceptionSet(o.cliticExceptions);
  const out: string[] = [];
  for (let token of raw) {
    token = normalizeApostrophe(token);
    if (o.digitReduplication) {
      const m = DIGIT_REDUP.exec(token);
      if (m) token = `${m[1]}-${m[1]}`;
    }
    let clitic: string | undefined;
    if (o.clitics === 'split') {
      const split = splitClitic(token, except);
      if (split) [token, clitic] = split;
    }
    if (o.reduplication !== 'keep' && token.includes('-')) {
      for (const part of reduplicate(token, o.reduplication)) out.push(part);
    } else {
      out.push(token);
    }
    if (clitic) out.push(clitic);
  }
  return out;
}

/** Builds the exception set used by clitic splitting (built-in list plus `extra`). @internal */
export function cliticExceptionSet(extra: readonly string[] = []): ReadonlySet<string> {
  return new Set([...CLITIC_EXCEPTIONS, ...extra]);
}

function normalizeApostrophe(token: string): string {
  return token.includes('’') ? token.replace(/’/g, "'") : token;
}

function splitClitic(token: string, except: ReadonlySet<string>): [string, string] | undefined {
  const lower = token.toLowerCase();
  const hyphen = HYPHEN_CLITIC.exec(token);
  if (hyphen) return [hyphen[1] as string, (hyphen[2] as string).toLowerCase()];
  if (except.has(lower)) return undefined;
  const m = CLITIC.exec(token);
  if (!m) return undefined;
  const base = m[1] as string;
  // Two vowels left keeps short roots whole: buku, aku, kamu, ilmu, punya, hanya, tanya.
  if ((base.match(VOWELS)?.length ?? 0) < 2 || base.length < 3) return undefined;
  return [base, (m[2] as string).toLowerCase()];
}

function reduplicate(token: string, mode: 'split' | 'base'): string[] {
  const parts = token.split('-').filter((p) => p !== '');
  if (mode === 'split') return parts;
  if (parts.length === 2) {
    const [a, b] = parts as [string, string];
    const la = a.toLowerCase();
    const lb = b.toLowerCase();
    // enak-enak → enak; bermain-main → bermain; anak-anakan → anak
    if (la === lb || la.endsWith(lb) || lb.startsWith(la)) return [a];
  }
  return [token];
}
