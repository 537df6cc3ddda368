/**
 * VADER-style lexicon sentiment: lexicons (Indonesian, ours; English, VADER's) and the analyzer,
 * with its registry handler (kind `'lexicon'`).
 *
 * @packageDocumentation
 */
import type { Artifact, ArtifactManifest } from '../models/artifact.js';
import type { TextClassifierKindHandler } from '../models/registry.js';
import { LexiconSentimentAnalyzer, type LexiconSentimentOptions } from './analyzer.js';

export type { LexiconSentimentOptions, PolarityOptions, PolarityScores } from './analyzer.js';
export { LexiconSentimentAnalyzer, polarityScores } from './analyzer.js';
export type { LexiconLanguage, RuleRole, SentimentLexicon } from './lexicon.js';
export { parseRules, parseValences, sentimentLexicon, vaderLexiconPath } from './lexicon.js';

/** Registry handler of the `lexicon` kind. */
export const lexiconTextClassifierKinds: Record<'lexicon', TextClassifierKindHandler> = {
  lexicon: {
    create: (options) => new LexiconSentimentAnalyzer(options as LexiconSentimentOptions),
    load: (_dir: string, manifest: ArtifactManifest, artifact: Artifact) =>
      new LexiconSentimentAnalyzer((manifest.options ?? {}) as LexiconSentimentOptions).restore(artifact),
  },
};
