/**
 * Word vectors shared by every scenario of a grid: trained once with Word2Vec on the TRAINING texts
 * only (seed 003: CBOW, 100 dimensions, window 5, min count 1, 120 epochs), or loaded from a file.
 * Trained vectors are cached in the output folder, so a resumed grid reuses exactly the same ones.
 * Internal to the grid runner.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { UlasanError } from '../internal/errors.js';
import { stableHash } from '../internal/hash.js';
import type { ProgressCallback } from '../internal/progress.js';
import type { GridConfig } from './grid-config.js';
import type { PreparedGridData } from './grid-data.js';

/** Word vectors, as the deep text classifiers take them (`WordVectors` from `ulasan/text`). */
export type GridWordVectors = object;

/** Prepares the grid's word vectors, or returns undefined when the config asks for none. */
export async function prepareGridEmbeddings<X>(
  config: GridConfig<X>,
  data: PreparedGridData<X>,
  out: string,
  options: { signal?: AbortSignal; onProgress?: ProgressCallback; log?: (line: string) => void },
): Promise<GridWordVectors | undefined> {
  const spec = config.embeddings;
  if (!spec) return undefined;
  const { WordVectors, trainWord2Vec } = await import('../text/word2vec/index.js');
  if (spec.file !== undefined) return WordVectors.load(spec.file);
  const texts = data.trainOriginal.map((i) => data.inputs[i]);
  if (!texts.every((t) => typeof t === 'string')) {
    throw new UlasanError('CONFIG', 'embeddings.word2vec needs text inputs; this grid’s data are not texts.');
  }
  const pipeline = (config.fixed?.pipeline ?? undefined) as { process?: (text: string) => string[] } | undefined;
  const tokenize =
    typeof pipeline?.process === 'function'
      ? (text: string) => (pipeline.process as (t: string) => string[])(text)
      : (text: string) => text.toLowerCase().split(/\s+/).filter(Boolean);
  const sentences = (texts as string[]).map(tokenize).filter((tokens) => tokens.length > 0);
  const w2vOptions = { threads: 1, seed: config.seed ?? 42, ...(spec.word2vec ?? {}) };
  const id = stableHash({ w2vOptions, sentences }).slice(0, 16);
  const cache = join(out, 'embeddings', `word2vec-${id}.w2v`);
  try {
    await fs.access(cache);
    options.log?.(`embeddings: reusing ${cache}`);
    return await WordVectors.load(cache);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const vectors = await trainWord2Vec(sentences, w2vOptions as Parameters<typeof trainWord2Vec>[1], {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress
      ? { onProgress: (e) => options.onProgress?.({ ...e, task: 'word2vec (training texts only)' }) }
      : {}),
  });
  await fs.mkdir(join(out, 'embeddings'), { recursive: true });
  await vectors.save(cache, { format: 'native' });
  return vectors;
}
