/**
 * Word vectors shared by every scenario of a text grid: trained once with Word2Vec on the TRAINING
 * texts only (CBOW, 100 dimensions, window 5, min count 1, 120 epochs unless `embeddings.word2vec`
 * says otherwise), or loaded from a file. The texts are tokenized by the same preprocessing pipeline
 * the grid's classifiers use (`fixed.pipeline`, else the classifiers' default `sentiment` preset), so
 * the vectors cover exactly the tokens the models look up. Trained vectors are cached in the output
 * folder, so a resumed grid reuses exactly the same ones. Internal to the text grid defaults.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { GridEmbeddingsRequest } from '../core/grid-embeddings.js';
import { UlasanError } from '../internal/errors.js';
import { stableHash } from '../internal/hash.js';
import { createPipeline, PIPELINE_PRESETS, type PipelineConfig } from './preprocess/pipeline.js';
import type { WordVectors } from './word2vec/index.js';

export type { GridEmbeddingsRequest };

/** Tokenizes like the classifiers will: a pipeline instance, a pipeline config, or the default preset. */
function gridTokenizer(pipeline: unknown): (text: string) => string[] {
  if (pipeline && typeof (pipeline as { process?: unknown }).process === 'function') {
    const p = pipeline as { process: (text: string) => string[] };
    return (text) => p.process(text);
  }
  const compiled = createPipeline(
    pipeline === undefined || pipeline === null ? PIPELINE_PRESETS.sentiment : (pipeline as PipelineConfig),
  );
  return (text) => compiled.process(text);
}

/** Loads or trains (and caches) the grid's word vectors. */
export async function prepareTextGridEmbeddings(request: GridEmbeddingsRequest): Promise<WordVectors> {
  const { spec } = request;
  const { WordVectors, trainWord2Vec } = await import('./word2vec/index.js');
  if (spec.file !== undefined) return WordVectors.load(spec.file);
  if (!request.texts.every((t) => typeof t === 'string')) {
    throw new UlasanError('CONFIG', 'embeddings.word2vec needs text inputs; this grid’s data are not texts.');
  }
  const tokenize = gridTokenizer(request.fixed.pipeline);
  const sentences = (request.texts as string[]).map(tokenize).filter((tokens) => tokens.length > 0);
  const w2vOptions = { threads: 1, seed: request.seed, ...(spec.word2vec ?? {}) };
  const id = stableHash({ w2vOptions, sentences }).slice(0, 16);
  const cache = join(request.out, 'embeddings', `word2vec-${id}.w2v`);
  try {
    await fs.access(cache);
    request.log?.(`embeddings: reusing ${cache}`);
    return await WordVectors.load(cache);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const vectors = await trainWord2Vec(sentences, w2vOptions as Parameters<typeof trainWord2Vec>[1], {
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.onProgress
      ? { onProgress: (e) => request.onProgress?.({ ...e, task: 'word2vec (training texts only)' }) }
      : {}),
  });
  await fs.mkdir(join(request.out, 'embeddings'), { recursive: true });
  await vectors.save(cache, { format: 'native' });
  return vectors;
}
