/**
 * A VADER-style rule-based sentiment scorer (Hutto & Gilbert 2014), for Indonesian and English:
 * lexicon valences, negation within three words, boosters before (and, for Indonesian `sekali` /
 * `banget`, after) the word, contrast words that weight the clause after them (×1.5) over the one
 * before (×0.5), CAPS and `!`/`?` emphasis, emoji read through the shipped emoji names, and the
 * compound score x / √(x² + 15). Seed 001 uses such a scorer as its machine annotator. The
 * classifier built on it (kind `'lexicon'`) is `LexiconSentimentAnalyzer` in
 * `src/text/models/lexicon/`.
 */
import { invalidArgument } from '../../internal/errors.js';
import { emojiWords } from '../preprocess/clean.js';
import { builtinSlang } from '../preprocess/slang.js';
import { talaStem } from '../preprocess/stemmer-tala.js';
import { type LexiconLanguage, type SentimentLexicon, sentimentLexicon } from './lexicon.js';

/** VADER's empirically derived constants. */
const CAPS_INCREMENT = 0.733;
const ALPHA = 15;

/** VADER-style scores of one text. */
export interface PolarityScores {
  /** Normalized sum of valences in [−1, 1]: sum / √(sum² + 15). */
  compound: number;
  /** Share of positive sentiment mass. */
  positive: number;
  /** Share of negative sentiment mass. */
  negative: number;
  /** Share of neutral tokens. */
  neutral: number;
}

/** Options of {@link polarityScores}. */
export interface PolarityOptions {
  /** Lexicon language (default `'id'`). */
  language?: LexiconLanguage;
  /** Extra or overriding valences (word → −4..+4). */
  lexicon?: Record<string, number>;
}

interface Token {
  lower: string;
  caps: boolean;
}

const EMOJI = /\p{Extended_Pictographic}(?:\uFE0F|\u200D\p{Extended_Pictographic}|\p{Emoji_Modifier})*/gu;
const EDGE_PUNCT = /^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu;

function tokenize(text: string, lex: SentimentLexicon): Token[] {
  const emoji = emojiWords(lex.language);
  const spaced = text.replace(EMOJI, (e) => {
    const word = emoji.get(e) ?? emoji.get(e.replace(/[\uFE0F\u{1F3FB}-\u{1F3FF}]/gu, ''));
    return word ? ` ${word} ` : ' ';
  });
  const out: Token[] = [];
  for (const raw of spaced.split(/\s+/u)) {
    if (raw === '') continue;
    const lowerRaw = raw.toLowerCase();
    // Emoticons (":)", ":(") and words with inner punctuation are looked up as written first.
    const word = lex.valences.has(lowerRaw) || lex.rules.has(lowerRaw) ? raw : raw.replace(EDGE_PUNCT, '');
    if (word === '') continue;
    const letters = word.replace(/[^\p{L}]/gu, '');
    out.push({
      lower: word.toLowerCase(),
      caps: letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase(),
    });
  }
  return out;
}

/** Valence lookup with Indonesian fallbacks: slang form, reduplication, then the Tala stem. */
function lookup(
  word: string,
  lex: SentimentLexicon,
  extra: ReadonlyMap<string, number> | undefined,
): number | undefined {
  const direct = extra?.get(word) ?? lex.valences.get(word);
  if (direct !== undefined || lex.language !== 'id') return direct;
  const slang = builtinSlang().get(word);
  if (slang !== undefined && !slang.includes(' ')) {
    const v = extra?.get(slang) ?? lex.valences.get(slang);
    if (v !== undefined) return v;
  }
  const dash = word.indexOf('-');
  if (dash > 0) {
    const v = lex.valences.get(word.slice(0, dash));
    if (v !== undefined) return v;
  }
  if (word.length > 5) return lex.valences.get(talaStem(word));
  return undefined;
}

function role(
  word: string,
  lex: SentimentLexicon,
  r: 'negator' | 'booster-before' | 'booster-after' | 'contrast',
): number | undefined {
  return (
    lex.rules.get(word)?.get(r) ??
    (lex.language === 'id' ? lex.rules.get(builtinSlang().get(word) ?? '')?.get(r) : undefined)
  );
}

/**
 * VADER-style polarity scores of one text (no training needed).
 *
 * @example
 * ```ts
 * polarityScores('makanannya enak banget, tapi pelayanannya lambat!').compound; // < 0: the clause after "tapi" weighs more
 * polarityScores('The food is GREAT!!', { language: 'en' }).compound;          // ≈ 0.8
 * ```
 */
export function polarityScores(text: string, options: PolarityOptions = {}): PolarityScores {
  if (typeof text !== 'string') throw invalidArgument(`polarityScores: expected a string, got ${typeof text}.`);
  const lex = sentimentLexicon(options.language ?? 'id');
  const extra = options.lexicon
    ? new Map(Object.entries(options.lexicon).map(([k, v]) => [k.toLowerCase(), v]))
    : undefined;
  return scoreTokens(tokenize(text, lex), text, lex, extra);
}

function scoreTokens(
  tokens: Token[],
  text: string,
  lex: SentimentLexicon,
  extra: ReadonlyMap<string, number> | undefined,
): PolarityScores {
  const n = tokens.length;
  const anyLower = tokens.some((t) => !t.caps);
  const anyCaps = tokens.some((t) => t.caps);
  const capsDifferential = anyLower && anyCaps;
  const sentiments = new Array<number>(n).fill(0);
  let contrastAt = -1;
  for (let i = 0; i < n; i++) {
    const t = tokens[i]!;
    if (contrastAt < 0 && role(t.lower, lex, 'contrast') !== undefined) contrastAt = i;
    // Two-word entries written with a hyphen ("luar-biasa", "worth-it").
    let v: number | undefined;
    let span = 1;
    if (i + 1 < n) {
      const pair = `${t.lower}-${tokens[i + 1]!.lower}`;
      v = extra?.get(pair) ?? lex.valences.get(pair);
      if (v !== undefined) span = 2;
    }
    const isRuleWord =
      role(t.lower, lex, 'negator') !== undefined ||
      role(t.lower, lex, 'booster-before') !== undefined ||
      role(t.lower, lex, 'booster-after') !== undefined;
    if (v === undefined && isRuleWord && !(extra?.has(t.lower) ?? false)) continue;
    v ??= lookup(t.lower, lex, extra);
    if (v === undefined || v === 0) continue;
    if (capsDifferential && t.caps) v += Math.sign(v) * CAPS_INCREMENT;
    // Boosters and negators in the three words before.
    let negations = 0;
    for (let d = 1; d <= 3 && i - d >= 0; d++) {
      const w = tokens[i - d]!;
      const b = role(w.lower, lex, 'booster-before');
      if (b !== undefined && lookup(w.lower, lex, extra) === undefined) {
        let s = b * (v < 0 ? -1 : 1);
        if (capsDifferential && w.caps) s += Math.sign(s) * CAPS_INCREMENT;
        v += s * (d === 1 ? 1 : d === 2 ? 0.95 : 0.9);
      }
      if (role(w.lower, lex, 'negator') !== undefined) negations++;
    }
    // Post-positioned boosters (Indonesian "enak sekali", "bagus banget").
    for (let d = span; d <= span + 1 && i + d < n; d++) {
      const b = role(tokens[i + d]!.lower, lex, 'booster-after');
      if (b !== undefined) {
        v += b * Math.sign(v) * (d === span ? 1 : 0.95);
        break;
      }
    }
    for (let k = 0; k < negations; k++) v *= negatorScalar(tokens, i, lex);
    sentiments[i] = v;
    i += span - 1;
  }
  if (contrastAt >= 0) {
    const after = role(tokens[contrastAt]!.lower, lex, 'contrast') ?? 1.5;
    for (let i = 0; i < n; i++) {
      if (i < contrastAt) sentiments[i]! *= 0.5;
      else if (i > contrastAt) sentiments[i]! *= after;
    }
  }
  let sum = 0;
  for (const s of sentiments) sum += s;
  const punct = punctuationEmphasis(text);
  if (sum > 0) sum += punct;
  else if (sum < 0) sum -= punct;
  const compound = Math.max(-1, Math.min(1, sum / Math.sqrt(sum * sum + ALPHA)));
  let pos = 0;
  let neg = 0;
  let neu = 0;
  for (const s of sentiments) {
    if (s > 0) pos += s + 1;
    else if (s < 0) neg += s - 1;
    else neu += 1;
  }
  if (pos > Math.abs(neg)) pos += punct;
  else if (pos < Math.abs(neg)) neg -= punct;
  const total = pos + Math.abs(neg) + neu;
  return total > 0
    ? { compound, positive: pos / total, negative: Math.abs(neg) / total, neutral: neu / total }
    : { compound, positive: 0, negative: 0, neutral: 1 };
}

// The multiplier of the nearest negator before token i (rules store it per word).
function negatorScalar(tokens: Token[], i: number, lex: SentimentLexicon): number {
  for (let d = 1; d <= 3 && i - d >= 0; d++) {
    const s = role(tokens[i - d]!.lower, lex, 'negator');
    if (s !== undefined) return s;
  }
  return -0.74;
}

function punctuationEmphasis(text: string): number {
  const ep = Math.min((text.match(/!/g) ?? []).length, 4) * 0.292;
  const qm = (text.match(/\?/g) ?? []).length;
  const q = qm > 1 ? (qm <= 3 ? qm * 0.18 : 0.96) : 0;
  return ep + q;
}
