/**
 * Vectorizing tokenized text: vocabularies and padded id sequences for deep models, bag-of-words
 * and TF-IDF sparse matrices for the classic baselines.
 *
 * @packageDocumentation
 */

export type { CountVectorizerOptions, VectorizerJSON } from './count-vectorizer.js';
export { CountVectorizer } from './count-vectorizer.js';
export type { PadSequencesOptions } from './pad-sequences.js';
export { padSequences } from './pad-sequences.js';
export { SparseMatrix } from './sparse-matrix.js';
export type { TfidfVectorizerOptions } from './tfidf-vectorizer.js';
export { TfidfVectorizer } from './tfidf-vectorizer.js';
export type { VocabularyJSON, VocabularyOptions } from './vocabulary.js';
export { compareCodePoints, Vocabulary } from './vocabulary.js';
