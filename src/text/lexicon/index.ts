/**
 * VADER-style lexicon sentiment: lexicons (Indonesian, ours; English, VADER's) and the polarity
 * scorer. The classifier kind built on them (`'lexicon'`, {@link LexiconSentimentAnalyzer}) lives in
 * `src/text/models/lexicon/` with the other kinds; it is re-exported here so this path keeps working.
 *
 * @packageDocumentation
 */

export {
  LexiconSentimentAnalyzer,
  type LexiconSentimentOptions,
  lexiconTextClassifierKinds,
} from '../models/lexicon/index.js';
export type { LexiconLanguage, RuleRole, SentimentLexicon } from './lexicon.js';
export { parseRules, parseValences, sentimentLexicon, vaderLexiconPath } from './lexicon.js';
export type { PolarityOptions, PolarityScores } from './polarity.js';
export { polarityScores } from './polarity.js';
