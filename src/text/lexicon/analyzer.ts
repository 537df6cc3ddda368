/**
 * A VADER-style rule-based sentiment scorer (Hutto & Gilbert 2014), for Indonesian and English:
 * lexicon valences, negation within three words, boosters before (and, for Indonesian `sekali` /
 * `banget`, after) the word, contrast words that weight the clause after them (×1.5) over the one
 * before (×0.5), CAPS and `!`/`?` emphasis, emoji read through the shipped emoji names, and the
 * compound score x / √(x² + 15). Seed 001 uses such a scorer as its machine annotator.
 */
import type { Label } from '../../core/classifier.js';
import { invalidArgument, UlasanError } from '../../internal/errors.js';
import { stableHash } from '../../internal/hash.js';
import type { Artifact } from '../models/artifact.js';
import {
  TextClassifier,
  type TextClassifierOptions,
  type TextTrainingData,
  type TokenPipeline,
} from '../models/text-classifier.js';
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

/** Options of {@link LexiconSentimentAnalyzer}. */
export interface LexiconSentimentOptions extends Omit<TextClassifierOptions, 'pipeline'> {
  /** Lexicon language (default `'id'`). */
  language?: LexiconLanguage;
  /** Extra or overriding valences (word → −4..+4), saved with the model. */
  lexicon?: Record<string, number>;
  /** Compound thresholds: ≥ `positive` is positive, ≤ `negative` negative, else neutral (VADER: ±0.05). */
  thresholds?: { positive: number; negative: number };
  /** Tune the two thresholds for macro-F1 on the training labels in `fit` (default false: `fit` only records the label set). */
  tuneThresholds?: boolean;
  /** The label names used for the three polarities (default `positive` / `neutral` / `negative`). */
  labels?: { positive: Label; neutral: Label; negative: Label };
}

// The analyzer reads raw text (case, punctuation and emoji matter), so its "pipeline" passes it through.
const RAW_TEXT: TokenPipeline = {
  process: (text: string) => (text.trim() === '' ? [] : [text]),
  toJSON: () => ({ format: 'ulasan-whitespace-pipeline', version: 1, rawText: true }),
};

/**
 * VADER-style lexicon sentiment classifier (kind `'lexicon'`): a zero-training baseline and an
 * initial machine annotator for self-training. `fit` records the label set (and tunes the
 * thresholds when `tuneThresholds` is set); `predictProba` turns the compound score into
 * probabilities whose argmax is the thresholded label. `scores(text)` works without `fit`.
 *
 * @example
 * ```ts
 * const lexicon = new LexiconSentimentAnalyzer({ language: 'id' });
 * lexicon.scores('pelayanannya ramah sekali').compound; // > 0.05
 * await lexicon.fit(train.texts, train.labels);          // records positive/neutral/negative
 * const { accuracy } = await lexicon.evaluate(valid.texts, valid.labels);
 * ```
 */
export class LexiconSentimentAnalyzer extends TextClassifier<LexiconSentimentOptions & TextClassifierOptions> {
  /** `'lexicon'`. */
  readonly kind = 'lexicon';
  private fittedThresholds?: { positive: number; negative: number };

  /** Stores the options; nothing is loaded until first use. */
  constructor(options: LexiconSentimentOptions = {}) {
    super({ ...options, pipeline: RAW_TEXT });
  }

  /** The raw-text pass-through (the analyzer tokenizes itself). */
  override get pipeline(): TokenPipeline {
    return RAW_TEXT;
  }

  /** The thresholds in use (the tuned ones after `fit` with `tuneThresholds`). */
  get thresholds(): { positive: number; negative: number } {
    return this.fittedThresholds ?? this.options.thresholds ?? { positive: 0.05, negative: -0.05 };
  }

  /** VADER-style scores of one text; needs no `fit`. */
  scores(text: string): PolarityScores {
    return polarityScores(text, {
      language: this.options.language ?? 'id',
      ...(this.options.lexicon ? { lexicon: this.options.lexicon } : {}),
    });
  }

  /** Thresholded labels without `fit` (positive/neutral/negative names from `options.labels`). */
  label(texts: string[]): Label[] {
    const names = this.labelNames();
    const t = this.thresholds;
    return texts.map((x) => {
      const c = this.scores(x).compound;
      return c >= t.positive ? names.positive : c <= t.negative ? names.negative : names.neutral;
    });
  }

  private labelNames(): { positive: Label; neutral: Label; negative: Label } {
    return this.options.labels ?? { positive: 'positive', neutral: 'neutral', negative: 'negative' };
  }

  protected async fitTokens(data: TextTrainingData): Promise<void> {
    const names = this.labelNames();
    const known = [names.positive, names.neutral, names.negative];
    for (const c of data.classes) {
      if (!known.includes(c))
        throw invalidArgument(
          `LexiconSentimentAnalyzer: label ${JSON.stringify(c)} is not one of ${known.map((k) => JSON.stringify(k)).join(', ')}; map your labels or pass options.labels.`,
        );
    }
    const t = this.options.thresholds ?? { positive: 0.05, negative: -0.05 };
    if (!(t.negative <= t.positive))
      throw invalidArgument('LexiconSentimentAnalyzer: thresholds.negative must be ≤ thresholds.positive.');
    if (!this.options.tuneThresholds) {
      this.fittedThresholds = { ...t };
      return;
    }
    const compound = data.tokens.map((tok) => this.scores(tok.join(' ')).compound);
    const truth = Array.from(data.y, (k) => data.classes[k]!);
    let best = { f1: -1, ...t };
    const grid: number[] = [];
    for (let x = -0.9; x <= 0.9001; x += 0.05) grid.push(Math.round(x * 100) / 100);
    for (const neg of grid) {
      for (const pos of grid) {
        if (pos < neg) continue;
        const pred = compound.map((c) => (c >= pos ? names.positive : c <= neg ? names.negative : names.neutral));
        const f1 = macroF1(truth, pred, data.classes);
        if (f1 > best.f1 + 1e-12) best = { f1, positive: pos, negative: neg };
      }
    }
    this.fittedThresholds = { positive: best.positive, negative: best.negative };
  }

  protected async predictProbaTokens(tokens: string[][]): Promise<number[][]> {
    const names = this.labelNames();
    const t = this.thresholds;
    const classes = this.classes;
    const T = 10; // sharpness of the soft thresholds
    return tokens.map((tok) => {
      const c = tok.length === 0 ? 0 : this.scores(tok.join(' ')).compound;
      // Logits whose argmax is the thresholded label: positive beyond t.positive, negative beyond t.negative.
      const logit = (label: Label): number => {
        if (label === names.positive) return (c - t.positive) * T + (c >= t.positive ? 1e-9 : 0);
        if (label === names.negative) return (t.negative - c) * T + (c <= t.negative ? 1e-9 : 0);
        return 0;
      };
      const z = classes.map(logit);
      const hasNeutral = classes.includes(names.neutral);
      if (!hasNeutral) {
        // Two classes: one threshold in the middle.
        const mid = (t.positive + t.negative) / 2;
        for (let j = 0; j < z.length; j++) z[j] = classes[j] === names.positive ? (c - mid) * T : (mid - c) * T;
      }
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    });
  }

  protected async stateFiles(): Promise<Record<string, { path: string; data: object }>> {
    const lex = sentimentLexicon(this.options.language ?? 'id');
    return {
      state: {
        path: 'lexicon-state.json',
        data: {
          format: 'ulasan-lexicon-state',
          version: 1,
          thresholds: this.thresholds,
          lexiconHash: stableHash([...lex.valences]).slice(0, 16),
        },
      },
    };
  }

  protected async loadState(artifact: Artifact): Promise<void> {
    const s = await artifact.readJson<{
      format?: string;
      version?: number;
      thresholds?: { positive: number; negative: number };
    }>('state');
    if (
      s.format !== 'ulasan-lexicon-state' ||
      !s.thresholds ||
      typeof s.thresholds.positive !== 'number' ||
      typeof s.thresholds.negative !== 'number'
    )
      throw new UlasanError('FILE_FORMAT', `${artifact.dir}: lexicon-state.json is not a ulasan lexicon state.`);
    this.fittedThresholds = { positive: s.thresholds.positive, negative: s.thresholds.negative };
  }
}

function macroF1(truth: Label[], pred: Label[], classes: readonly Label[]): number {
  let sum = 0;
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < truth.length; i++) {
      if (pred[i] === c && truth[i] === c) tp++;
      else if (pred[i] === c) fp++;
      else if (truth[i] === c) fn++;
    }
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / classes.length;
}
