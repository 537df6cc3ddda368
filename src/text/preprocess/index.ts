/**
 * Text preprocessing for Indonesian (and English) reviews: each step usable alone, and a
 * serializable pipeline composing them. Re-exported from `ulasan/text`.
 *
 * @packageDocumentation
 */

export type { CleanOptions, PreprocessLanguage, PunctuationOptions, ResolvedCleanOptions } from './clean.js';
export {
  caseFold,
  cleanText,
  collapseElongation,
  emojiWords,
  removePunctuation,
  resolveCleanOptions,
} from './clean.js';
export type { DropDuplicatesOptions, DropReason, DropResult } from './dataset.js';
export { dropDuplicates, dropEmpty, duplicateKey } from './dataset.js';
export type {
  CaseFoldStep,
  CleanStep,
  NormalizeSlangStep,
  PipelineConfig,
  PipelineLoadOptions,
  PipelinePresets,
  PipelineStep,
  PipelineStepName,
  PipelineTrace,
  ProcessAllOptions,
  RemovePunctuationStep,
  RemoveStopwordsStep,
  StemStep,
  TokenizeStep,
  TraceEntry,
} from './pipeline.js';
export { createPipeline, PIPELINE_FORMAT, PIPELINE_PRESETS, PIPELINE_VERSION, TextPipeline } from './pipeline.js';
export type { NormalizeSlangOptions, SlangLexiconOptions, SlangLoadReport } from './slang.js';
export { builtinSlang, createSlangLexicon, interjections, normalizeSlang, SlangLexicon } from './slang.js';
export type { Stemmer, StemmerAlgorithm, StemmerOptions, StemmerReport } from './stemmer.js';
export { createStemmer } from './stemmer.js';
export type { EcsRule } from './stemmer-ecs.js';
export { ECS_RULE_GROUPS, ecsStem } from './stemmer-ecs.js';
export { porterStem } from './stemmer-porter.js';
export { talaStem } from './stemmer-tala.js';
export type { StopwordOptions, StopwordProfile } from './stopwords.js';
export { removeStopwords, sentimentWords, stopwords } from './stopwords.js';
export type { ResolvedTokenizeOptions, TokenizeOptions } from './tokenize.js';
export { CLITIC_EXCEPTIONS, resolveTokenizeOptions, tokenize } from './tokenize.js';
