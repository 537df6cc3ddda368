/**
 * The lexicon classifier kind and its registry handler.
 *
 * @packageDocumentation
 */
import type { Artifact, ArtifactManifest } from '../artifact.js';
import type { TextClassifierKindHandler } from '../registry.js';
import { LexiconSentimentAnalyzer, type LexiconSentimentOptions } from './lexicon-classifier.js';

export { LexiconSentimentAnalyzer, type LexiconSentimentOptions } from './lexicon-classifier.js';

/** Registry handler of the `lexicon` kind. */
export const lexiconTextClassifierKinds: Record<'lexicon', TextClassifierKindHandler> = {
  lexicon: {
    create: (options) => new LexiconSentimentAnalyzer(options as LexiconSentimentOptions),
    load: (_dir: string, manifest: ArtifactManifest, artifact: Artifact) =>
      new LexiconSentimentAnalyzer((manifest.options ?? {}) as LexiconSentimentOptions).restore(artifact),
  },
};
