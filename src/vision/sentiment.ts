/**
 * Facial expression → sentiment, as seed 000 maps them: happiness (senang) is positive; anger
 * (marah) and sadness/disappointment (kecewa) are negative; neutral (netral) is neutral; surprise
 * (kaget) is ambiguous and configurable (neutral by default). English, Indonesian and face-api
 * label names are all understood.
 */
import { invalidArgument } from '../internal/errors.js';

/** A sentiment polarity. */
export type Sentiment = 'positive' | 'negative' | 'neutral';

/** The three polarities, in report order. */
export const SENTIMENTS: readonly Sentiment[] = ['positive', 'negative', 'neutral'];

/** Options of {@link expressionSentimentMapping}. */
export interface SentimentMappingOptions {
  /** Where surprise (kaget) goes. Default `neutral`. */
  surprise?: Sentiment;
  /** Extra or overriding `expression → sentiment` entries (keys are matched case-insensitively). */
  overrides?: Record<string, Sentiment>;
}

/**
 * The seed's expression → sentiment mapping, with surprise configurable.
 *
 * @example
 * ```ts
 * const map = expressionSentimentMapping({ surprise: 'positive' });
 * map.happiness; // 'positive'
 * map.kaget;     // 'positive'
 * ```
 */
export function expressionSentimentMapping(options: SentimentMappingOptions = {}): Record<string, Sentiment> {
  const surprise = options.surprise ?? 'neutral';
  checkSentiment(surprise, 'surprise');
  const map: Record<string, Sentiment> = {
    happiness: 'positive',
    happy: 'positive',
    senang: 'positive',
    anger: 'negative',
    angry: 'negative',
    marah: 'negative',
    sadness: 'negative',
    sad: 'negative',
    kecewa: 'negative',
    disappointed: 'negative',
    disgust: 'negative',
    disgusted: 'negative',
    fear: 'negative',
    fearful: 'negative',
    contempt: 'negative',
    neutral: 'neutral',
    netral: 'neutral',
    surprise,
    surprised: surprise,
    kaget: surprise,
  };
  for (const [k, v] of Object.entries(options.overrides ?? {})) {
    checkSentiment(v, k);
    map[k.toLowerCase()] = v;
  }
  return map;
}

function checkSentiment(value: string, key: string): void {
  if (!(SENTIMENTS as readonly string[]).includes(value)) {
    throw invalidArgument(`Sentiment for "${key}" must be one of ${SENTIMENTS.join(', ')}, got "${value}".`);
  }
}

/**
 * Sums expression probabilities into sentiment probabilities with `mapping`.
 *
 * @throws UlasanError `INVALID_ARGUMENT` when an expression has no mapping (add it to `overrides`).
 */
export function expressionsToSentiment(
  probabilities: Record<string, number>,
  mapping: Record<string, Sentiment> = expressionSentimentMapping(),
): Record<Sentiment, number> {
  const out: Record<Sentiment, number> = { positive: 0, negative: 0, neutral: 0 };
  for (const [expression, p] of Object.entries(probabilities)) {
    const s = mapping[expression.toLowerCase()];
    if (!s) {
      throw invalidArgument(
        `No sentiment is defined for the expression "${expression}". Pass it in the mapping, e.g. { overrides: { ${expression}: 'neutral' } }.`,
      );
    }
    out[s] += p;
  }
  return out;
}

/** The most probable sentiment of a sentiment-probability record (ties: positive, negative, neutral). */
export function topSentiment(scores: Record<Sentiment, number>): Sentiment {
  let best: Sentiment = 'neutral';
  let value = -1;
  for (const s of SENTIMENTS) {
    if (scores[s] > value) {
      value = scores[s];
      best = s;
    }
  }
  return best;
}
