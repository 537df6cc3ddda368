/**
 * Text-level cleaning: the "cleaning", "case folding" and "punctuation removal" steps of the
 * seeds, plus the extra cleaning real review text needs (HTML, IndoNLU placeholders, emoji,
 * elongated words, Unicode normalization). Every rule is a linear-time regular expression, so a
 * 1 MB review is cleaned in milliseconds.
 */
import { invalidArgument } from '../../internal/errors.js';
import { parseTsvMap, readResource } from './resources.js';
import { assertText, toWellFormed } from './text-input.js';

/** A language the shipped resources cover. */
export type PreprocessLanguage = 'id' | 'en';

/**
 * Options of {@link cleanText}. Every field has a documented default; `undefined` means "use the default".
 */
export interface CleanOptions {
  /** Picks the emoji word map and the elongation default. Default `'id'`. */
  language?: PreprocessLanguage;
  /** Unicode normalization applied first. `'NFKC'` folds full-width letters and ligatures. Default `'NFKC'`. */
  unicode?: 'NFKC' | 'NFC' | 'none';
  /** `'decode'` turns `&amp;`, `&#39;`... into characters and drops HTML tags such as `<br>`. Default `'decode'`. */
  html?: 'decode' | 'keep';
  /** IndoNLU anonymization placeholders (`[USERNAME]`, `[URL]`, `[SENSITIVE-NO]`). Default `'remove'`. */
  placeholders?: 'remove' | 'keep';
  /** `http(s)://…`, `www.…` and bare domains such as `bit.ly/x`. Default `'remove'`. */
  urls?: 'remove' | 'keep';
  /** E-mail addresses. Default `'remove'`. */
  emails?: 'remove' | 'keep';
  /** `@username` mentions. Default `'remove'`. */
  mentions?: 'remove' | 'keep';
  /**
   * `#hashtags`: `'remove'` drops the whole tag, `'word'` keeps its words (`#GoPayError` → `Go Pay Error`),
   * `'keep'` leaves it. Default `'word'`.
   */
  hashtags?: 'remove' | 'word' | 'keep';
  /**
   * Emoji: `'words'` maps known emoji to words of `language` (😡 → `marah`) and drops unknown ones,
   * `'remove'` drops them, `'keep'` leaves them (the tokenizer keeps them as tokens). Default `'words'`.
   */
  emoji?: 'remove' | 'keep' | 'words';
  /** Stand-alone numbers (`50`, `1.500`, `3,5`). Letters with digits (`k212`, `mp3`) are never touched. Default `'keep'`. */
  numbers?: 'keep' | 'remove';
  /**
   * Elongation: runs of 3 or more identical letters are shortened to this many (`kenapaaa` → `kenapa`
   * with 1). `false` keeps them. Default 1 for Indonesian (no Indonesian word has a tripled letter and
   * few have doubled ones), 2 for English (`goood` → `good`).
   */
  elongation?: number | false;
  /** `'remove'` applies {@link removePunctuation} (intra-word `-` and `'` are kept). Default `'keep'`. */
  punctuation?: 'keep' | 'remove';
}

/** {@link CleanOptions} with every default filled in (what a pipeline config stores). */
export type ResolvedCleanOptions = Required<CleanOptions>;

const CLEAN_DEFAULTS: Omit<ResolvedCleanOptions, 'elongation'> = {
  language: 'id',
  unicode: 'NFKC',
  html: 'decode',
  placeholders: 'remove',
  urls: 'remove',
  emails: 'remove',
  mentions: 'remove',
  hashtags: 'word',
  emoji: 'words',
  numbers: 'keep',
  punctuation: 'keep',
};

const ENUMS: Record<string, readonly string[]> = {
  language: ['id', 'en'],
  unicode: ['NFKC', 'NFC', 'none'],
  html: ['decode', 'keep'],
  placeholders: ['remove', 'keep'],
  urls: ['remove', 'keep'],
  emails: ['remove', 'keep'],
  mentions: ['remove', 'keep'],
  hashtags: ['remove', 'word', 'keep'],
  emoji: ['remove', 'keep', 'words'],
  numbers: ['keep', 'remove'],
  punctuation: ['keep', 'remove'],
};

/** Validates {@link CleanOptions} and fills in the defaults. Throws on unknown keys or values. */
export function resolveCleanOptions(options: CleanOptions = {}): ResolvedCleanOptions {
  if (typeof options !== 'object' || options === null) throw invalidArgument('cleanText() options must be an object.');
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (key === 'elongation') {
      if (value !== false && !(Number.isInteger(value) && (value as number) >= 1)) {
        throw invalidArgument(
          `cleanText() option elongation must be false or an integer >= 1, got ${JSON.stringify(value)}.`,
        );
      }
      continue;
    }
    const allowed = ENUMS[key];
    if (!allowed) {
      throw invalidArgument(
        `cleanText() got an unknown option "${key}". Known options: ${[...Object.keys(ENUMS), 'elongation'].join(', ')}.`,
      );
    }
    if (!allowed.includes(value as string)) {
      throw invalidArgument(
        `cleanText() option ${key} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}.`,
      );
    }
  }
  const language = options.language ?? CLEAN_DEFAULTS.language;
  const merged = { ...CLEAN_DEFAULTS, ...stripUndefined(options) } as ResolvedCleanOptions;
  merged.elongation = options.elongation ?? (language === 'en' ? 2 : 1);
  return merged;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Patterns. All are linear: no nested quantifiers over overlapping classes.

const HTML_TAG = /<\/?[a-zA-Z][^<>]{0,200}>/g;
const HTML_ENTITY = /&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/g;
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  hellip: '…',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
};
const PLACEHOLDER = /\[(?:USERNAME|URL|SENSITIVE-NO|HASHTAG|EMAIL|PHONE|NUMBER)\]/g;
const URL_PATTERN =
  /(?:\bhttps?:\/\/|\bwww\.)[^\s<>"]+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|co\.id|id|net|org|io|ly|me|app|info|biz|gl)\/[^\s<>"]*|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|co\.id|net|org|io|ly)\b/gi;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const MENTION = /(?<![\p{L}\p{N}_])@[\p{L}\p{N}_]+/gu;
const HASHTAG = /(?<![\p{L}\p{N}_&])#([\p{L}\p{N}_]+)/gu;
const EMOJI =
  /[\u{1F1E6}-\u{1F1FF}]{2}|\p{Extended_Pictographic}(?:\uFE0F|\u20E3|\p{Emoji_Modifier}|\u200D\p{Extended_Pictographic}\uFE0F?)*|[\u{1F3FB}-\u{1F3FF}\uFE0F\u200D]/gu;
const NUMBER = /(?<![\p{L}\p{N}])[+-]?\d+(?:[.,:]\d+)*(?![\p{L}\p{N}])/gu;
// Zero-width characters, soft hyphen, BOM, and control characters other than tab/newline.
const INVISIBLE = /[\u200B\u200C\u200E\u200F\u2060\uFEFF\u00AD]|[^\P{Cc}\t\n\r]/gu;
const WHITESPACE = /\s+/g;
const PUNCTUATION_ALL = /[^\p{L}\p{M}\p{N}\s]/gu;
// The first alternative captures an intra-word `-`/`'` (kept); anything else non-word becomes a space.
const PUNCTUATION_KEEP_INTRA = /(?<=[\p{L}\p{M}\p{N}])([-'’])(?=[\p{L}\p{M}\p{N}])|[^\p{L}\p{M}\p{N}\s]/gu;
const keepIntra = (_m: string, intra: string | undefined): string => intra ?? ' ';

const ELONGATION = /(\p{L})\1{2,}/gu;
const ELONGATION_ASCII = /([A-Za-z])\1{2,}/g;
const NOT_PRINTABLE_ASCII = /[^\t\n\r\x20-\x7e]/;
const PUNCTUATION_ASCII = /(?<=[A-Za-z0-9])([-'])(?=[A-Za-z0-9])|[^A-Za-z0-9\s]/g;

let emojiMaps: Partial<Record<PreprocessLanguage, Map<string, string>>> = {};

/** The shipped emoji → word map of `language` (loaded on first use). */
export function emojiWords(language: PreprocessLanguage = 'id'): ReadonlyMap<string, string> {
  let map = emojiMaps[language];
  if (!map) {
    const file = language === 'en' ? 'emoji-en.tsv' : 'emoji-id.tsv';
    map = new Map(parseTsvMap(readResource(file), `resources/${file}`).map(([k, v]) => [stripEmojiVariation(k), v]));
    emojiMaps = { ...emojiMaps, [language]: map };
  }
  return map;
}

function stripEmojiVariation(emoji: string): string {
  return emoji.replace(/[\uFE0F\u{1F3FB}-\u{1F3FF}]/gu, '');
}

/**
 * Cleans one text: Unicode normalization, HTML, placeholders, URLs, e-mails, `@mentions`, `#hashtags`,
 * emoji, numbers, elongation, optional punctuation removal, and whitespace (always collapsed and
 * trimmed). Lone surrogates are repaired to U+FFFD first. Case is left alone (see {@link caseFold}).
 *
 * @param text - the raw text; anything else than a string throws `INVALID_ARGUMENT`
 * @param options - see {@link CleanOptions}; all fields optional
 * @returns the cleaned text (possibly `''`)
 *
 * @example
 * ```ts
 * cleanText('Mantaaap bgt!! 😍 cek https://t.co/x @ovo_id #OVOError');
 * // → 'Mantap bgt!! suka cek OVO Error'
 * cleanText('Woi aplikasi gak jelas lu , susah amat dibuka, gimana mau chat', { punctuation: 'remove' });
 * // → 'Woi aplikasi gak jelas lu susah amat dibuka gimana mau chat'
 * ```
 */
export function cleanText(text: string, options?: CleanOptions): string {
  return cleanWith(text, resolveCleanOptions(options));
}

/** {@link cleanText} with already-resolved options (the pipeline's hot path). @internal */
export function cleanWith(text: string, o: ResolvedCleanOptions): string {
  assertText(text, 'cleanText()');
  // Most review text is printable ASCII: then Unicode normalization, invisible characters, emoji and
  // surrogates cannot occur, and cheap substring checks skip rules that cannot match.
  const ascii = !NOT_PRINTABLE_ASCII.test(text);
  let t = ascii ? text : toWellFormed(text);
  if (!ascii) {
    if (o.unicode !== 'none') t = t.normalize(o.unicode);
    t = t.replace(INVISIBLE, ' ');
  }
  if (o.html === 'decode' && (t.includes('<') || t.includes('&')))
    t = t.replace(HTML_TAG, ' ').replace(HTML_ENTITY, decodeEntity);
  if (o.placeholders === 'remove' && t.includes('[')) t = t.replace(PLACEHOLDER, ' ');
  if (o.urls === 'remove' && (t.includes('.') || t.includes('/'))) t = t.replace(URL_PATTERN, ' ');
  if (t.includes('@')) {
    if (o.emails === 'remove') t = t.replace(EMAIL, ' ');
    if (o.mentions === 'remove') t = t.replace(MENTION, ' ');
  }
  if (t.includes('#')) {
    if (o.hashtags === 'remove') t = t.replace(HASHTAG, ' ');
    else if (o.hashtags === 'word') t = t.replace(HASHTAG, (_m, word: string) => ` ${splitHashtag(word)} `);
  }
  if (o.emoji !== 'keep' && !ascii) {
    const map = o.emoji === 'words' ? emojiWords(o.language) : undefined;
    t = t.replace(EMOJI, (e) => {
      const word = map?.get(e) ?? map?.get(stripEmojiVariation(e));
      return word ? ` ${word} ` : ' ';
    });
  }
  if (o.numbers === 'remove') t = t.replace(NUMBER, ' ');
  if (o.elongation !== false) t = collapseElongation(t, o.elongation, ascii);
  if (o.punctuation === 'remove')
    t = ascii ? t.replace(PUNCTUATION_ASCII, keepIntra) : t.replace(PUNCTUATION_KEEP_INTRA, keepIntra);
  return t.replace(WHITESPACE, ' ').trim();
}

/** Splits a hashtag body into words at case changes and underscores (`GoPayError` → `Go Pay Error`). */
function splitHashtag(word: string): string {
  return word
    .replace(/_/g, ' ')
    .replace(/(?<=\p{Ll})(?=\p{Lu})/gu, ' ')
    .replace(/(?<=\p{Lu})(?=\p{Lu}\p{Ll})/gu, ' ');
}

function decodeEntity(match: string, body: string): string {
  if (body[0] === '#') {
    const code =
      body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    if (!Number.isFinite(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return match;
    return String.fromCodePoint(code);
  }
  return NAMED_ENTITIES[body.toLowerCase()] ?? match;
}

/**
 * Shortens runs of 3 or more identical letters to `keep` letters (`kenapaaa` → `kenapa` with 1).
 * Digits and punctuation runs are left alone (`2000`, `!!!`).
 *
 * @param asciiOnly - `text` is known to be ASCII (a faster pattern is used)
 */
export function collapseElongation(text: string, keep = 1, asciiOnly = false): string {
  if (!Number.isInteger(keep) || keep < 1)
    throw invalidArgument(`collapseElongation() keep must be an integer >= 1, got ${keep}.`);
  return text.replace(asciiOnly ? ELONGATION_ASCII : ELONGATION, (_m, ch: string) => ch.repeat(keep));
}

/**
 * Case folding: lower-cases the text (locale-independent, so `I` never becomes a dotless `ı`).
 *
 * @example
 * ```ts
 * caseFold('Woi Aplikasi GAK jelas'); // → 'woi aplikasi gak jelas'
 * ```
 */
export function caseFold(text: string): string {
  assertText(text, 'caseFold()');
  return toWellFormed(text).toLowerCase();
}

/** Options of {@link removePunctuation}. */
export interface PunctuationOptions {
  /**
   * Keep `-` and `'` between two letters/digits, so reduplication (`enak-enak`), clitics (`buku-ku`)
   * and contractions (`don't`) survive. Default `true`.
   */
  keepIntraWord?: boolean;
}

/**
 * Punctuation removal: every character that is not a letter, combining mark, digit or whitespace
 * becomes a space (emoji included), then whitespace is collapsed. Replacing with a space instead of
 * deleting keeps `bagus,murah` as two words.
 *
 * @example
 * ```ts
 * removePunctuation('lu , susah amat dibuka, gimana?'); // → 'lu susah amat dibuka gimana'
 * removePunctuation('enak-enak!'); // → 'enak-enak'
 * ```
 */
export function removePunctuation(text: string, options: PunctuationOptions = {}): string {
  assertText(text, 'removePunctuation()');
  const t = toWellFormed(text);
  const stripped =
    options.keepIntraWord === false ? t.replace(PUNCTUATION_ALL, ' ') : t.replace(PUNCTUATION_KEEP_INTRA, keepIntra);
  return stripped.replace(WHITESPACE, ' ').trim();
}
