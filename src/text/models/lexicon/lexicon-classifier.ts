/**
 * The lexicon classifier kind (`'lexicon'`): {@link LexiconSentimentAnalyzer}, a zero-training
 * baseline that thresholds the VADER-style compound score of `src/text/lexicon/polarity.ts`.
 */
import type { Label } from '../../../core/classifier.js';
import { invalidArgument, UlasanError } from '../../../internal/errors.js';
import { stableHash } from '../../../internal/hash.js';
import { type LexiconLanguage, sentimentLexicon } from '../../lexicon/lexicon.js';
import { type PolarityScores, polarityScores } from '../../lexicon/polarity.js';
import type { Artifact } from '../artifact.js';
import {
  TextClassifier,
  type TextClassifierOptions,
  type TextTrainingData,
  type TokenPipeline,
} from '../text-classifier.js';

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
