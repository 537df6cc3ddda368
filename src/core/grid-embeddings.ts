/** The request type of the grid runner's shared-embeddings hook. */
import type { ProgressCallback } from '../internal/progress.js';

/**
 * What the grid runner hands a model family's embeddings hook (`GridDefaults.prepareEmbeddings`
 * in `ulasan/experiments`, e.g. `textGridDefaults.prepareEmbeddings` from `ulasan/text`). A core
 * type, because both sides of that plug-in contract use it and neither may import the other.
 *
 * @example
 * ```ts
 * const vectors = await textGridDefaults.prepareEmbeddings({
 *   spec: { word2vec: { vectorSize: 50, epochs: 5 } },
 *   texts: train.texts,
 *   fixed: {},
 *   seed: 42,
 *   out: 'runs/my-grid',
 * });
 * ```
 */
export interface GridEmbeddingsRequest {
  /** The config's `embeddings` block. */
  spec: { file?: string; word2vec?: Record<string, unknown> };
  /** The training texts (original training part: never validation or test). */
  texts: readonly unknown[];
  /** The grid's `fixed` options (its `pipeline` tokenizes the texts). */
  fixed: Record<string, unknown>;
  /** The grid's seed. */
  seed: number;
  /** The grid's output folder (the trained vectors are cached under `embeddings/`). */
  out: string;
  /** Cancels the training. */
  signal?: AbortSignal;
  /** Word2Vec progress (task `word2vec (training texts only)`). */
  onProgress?: ProgressCallback;
  /** A line when cached vectors are reused. */
  log?: (line: string) => void;
}
