/**
 * Word2Vec: the trainer, the frozen vectors it produces, and their file formats.
 *
 * @packageDocumentation
 */

export type { SentenceSource, Word2VecCorpus, Word2VecSentence } from './corpus.js';
export type { ResolvedWord2VecOptions, Word2VecOptions, Word2VecPresets } from './options.js';
export { resolveWord2VecOptions, WORD2VEC_DEFAULTS, WORD2VEC_PRESETS } from './options.js';
export type { Word2VecEpochStats, Word2VecTrainOptions } from './trainer.js';
export { trainWord2Vec, Word2VecTrainer } from './trainer.js';
export type {
  EmbeddingMatrix,
  EmbeddingMatrixOptions,
  LoadWordVectorsOptions,
  SaveWordVectorsOptions,
  SimilarWord,
  WordOrVector,
  WordVectorsFormat,
} from './word-vectors.js';
export { WordVectors } from './word-vectors.js';
