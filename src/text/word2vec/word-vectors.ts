/**
 * Frozen word vectors (gensim's `KeyedVectors`): lookups, cosine queries, an Embedding-layer
 * initialiser, and the word2vec text/binary and native file formats. The trainer produces these;
 * users pass them around without the trainer.
 */
import { invalidArgument, UlasanError } from '../../internal/errors.js';
import { Random } from '../../internal/random.js';
import {
  isNativeFile,
  type NativeHeader,
  readNative,
  readWord2VecFormat,
  writeNative,
  writeWord2VecFormat,
} from './formats.js';

/** A word and its cosine similarity to a query. */
export interface SimilarWord {
  word: string;
  similarity: number;
}

/** File formats of {@link WordVectors.save} and {@link WordVectors.load}. */
export type WordVectorsFormat = 'text' | 'binary' | 'native';

/** Options of {@link WordVectors.load}. */
export interface LoadWordVectorsOptions {
  /** word2vec binary (true) or text (false). Leave out to detect (the native format is always detected). */
  binary?: boolean;
}

/** Options of {@link WordVectors.save}. */
export interface SaveWordVectorsOptions {
  /** Write the word2vec binary format (default false: text). Ignored when `format` is given. */
  binary?: boolean;
  /** `text`, `binary` (gensim/word2vec.c compatible) or `native` (fast, keeps counts). */
  format?: WordVectorsFormat;
}

/** Options of {@link WordVectors.embeddingMatrix}. */
export interface EmbeddingMatrixOptions {
  /**
   * Rows for words without a vector: `zeros` (default; keeps a padding row at zero), `random`
   * (normal with the vectors' own per-dimension standard deviation, seeded), or `mean` (the mean
   * vector).
   */
  oov?: 'zeros' | 'random' | 'mean';
  /** Seed for `oov: 'random'`. Default 1. */
  seed?: number;
}

/** A row-major matrix ready for an Embedding layer's initial weights. */
export interface EmbeddingMatrix {
  /** `rows × dims` values, row `i` for `vocabulary[i]`. */
  matrix: Float32Array;
  rows: number;
  dims: number;
  /** Vocabulary entries that had no vector (filled by the `oov` policy). */
  missing: string[];
}

/** Set by {@link WordVectors.adopt} for the one constructor call it makes. */
let adopting: { index: Map<string, number>; counts: Float64Array } | undefined;

/** A word query: a word, or a raw vector of the right dimension. */
export type WordOrVector = string | ArrayLike<number>;

/**
 * Word vectors with gensim `KeyedVectors` semantics.
 *
 * @example
 * ```ts
 * const wv = await WordVectors.load('vectors.bin', { binary: true });
 * wv.mostSimilar('enak', undefined, 5); // [{ word: 'lezat', similarity: 0.83 }, ...]
 * const { matrix, missing } = wv.embeddingMatrix(tokenizerVocabulary, { oov: 'zeros' });
 * ```
 */
export class WordVectors {
  /** The words, most frequent first when trained here (row `i` of the vectors is `words[i]`). */
  readonly words: readonly string[];
  /** Dimensions of each vector. */
  readonly dims: number;
  private readonly data: Float32Array;
  private readonly index: Map<string, number>;
  private readonly wordCounts: Float64Array | undefined;
  private normed: Float32Array | undefined;

  /**
   * @param words one entry per row (unique)
   * @param vectors `words.length × dims` floats, row-major (kept, not copied)
   * @param counts optional corpus counts per word
   */
  constructor(words: readonly string[], vectors: Float32Array, dims: number, counts?: ArrayLike<number>) {
    if (!Number.isInteger(dims) || dims < 1)
      throw invalidArgument(`WordVectors dims must be a positive integer, got ${dims}.`);
    if (vectors.length !== words.length * dims) {
      throw new UlasanError(
        'SHAPE_MISMATCH',
        `WordVectors got ${vectors.length} floats for ${words.length} words × ${dims} dims (expected ${words.length * dims}).`,
      );
    }
    if (counts && counts.length !== words.length) {
      throw new UlasanError('SHAPE_MISMATCH', `WordVectors got ${counts.length} counts for ${words.length} words.`);
    }
    this.dims = dims;
    this.data = vectors;
    const shared = adopting;
    adopting = undefined;
    if (shared) {
      this.words = Object.freeze(words);
      this.index = shared.index;
      this.wordCounts = shared.counts;
      return;
    }
    this.words = Object.freeze([...words]);
    this.index = new Map();
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as string;
      if (this.index.has(w))
        throw invalidArgument(
          `WordVectors got the word ${JSON.stringify(w)} twice (rows ${this.index.get(w)} and ${i}).`,
        );
      this.index.set(w, i);
    }
    this.wordCounts = counts ? Float64Array.from(counts) : undefined;
  }

  /**
   * @internal
   * Wraps a trainer's vocabulary without copying it: `words` is frozen in place, and `index`
   * (word → row) and `counts` are shared, so neither side may change them afterwards. On a large
   * vocabulary this saves a second map of every word at the end of training, when memory peaks.
   */
  static adopt(
    words: string[],
    index: Map<string, number>,
    vectors: Float32Array,
    dims: number,
    counts: Float64Array,
  ): WordVectors {
    adopting = { index, counts };
    try {
      return new WordVectors(words, vectors, dims);
    } finally {
      adopting = undefined;
    }
  }

  /** Number of words. */
  get size(): number {
    return this.words.length;
  }

  /** True when `word` has a vector. */
  has(word: string): boolean {
    return this.index.has(word);
  }

  /** Row of `word`, or -1. */
  indexOf(word: string): number {
    return this.index.get(word) ?? -1;
  }

  /** Corpus count of `word` when known (trained here or loaded from the native format). */
  count(word: string): number | undefined {
    const i = this.index.get(word);
    return i === undefined || !this.wordCounts ? undefined : this.wordCounts[i];
  }

  /** A copy of the vector of `word`; throws naming the word when it is not in the vocabulary. */
  vector(word: string): Float32Array {
    const i = this.rowOf(word);
    return this.data.slice(i * this.dims, (i + 1) * this.dims);
  }

  /** All vectors, row-major (`size × dims`). A view: do not modify. */
  get vectors(): Float32Array {
    return this.data;
  }

  /** Unit-length copies of all vectors, computed once and cached (zero vectors stay zero). */
  normalizedVectors(): Float32Array {
    if (!this.normed) {
      const n = new Float32Array(this.data.length);
      const d = this.dims;
      for (let i = 0; i < this.words.length; i++) {
        let s = 0;
        for (let k = i * d; k < (i + 1) * d; k++) s += (this.data[k] as number) ** 2;
        const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
        for (let k = i * d; k < (i + 1) * d; k++) n[k] = (this.data[k] as number) * inv;
      }
      this.normed = n;
    }
    return this.normed;
  }

  /** Cosine similarity of two words. */
  similarity(a: string, b: string): number {
    const n = this.normalizedVectors();
    const i = this.rowOf(a) * this.dims;
    const j = this.rowOf(b) * this.dims;
    let s = 0;
    for (let k = 0; k < this.dims; k++) s += (n[i + k] as number) * (n[j + k] as number);
    return s;
  }

  /**
   * The `topn` words most similar to the mean of the unit vectors of `positive` minus those of
   * `negative` (gensim's `most_similar`, i.e. 3CosAdd for analogies); the query words are excluded.
   *
   * @example
   * ```ts
   * wv.mostSimilar('enak');                       // neighbours of one word
   * wv.mostSimilar(['raja', 'wanita'], ['pria']); // analogy: raja - pria + wanita
   * ```
   */
  mostSimilar(
    positive: WordOrVector | readonly WordOrVector[],
    negative: readonly WordOrVector[] = [],
    topn = 10,
  ): SimilarWord[] {
    if (!Number.isInteger(topn) || topn < 0)
      throw invalidArgument(`mostSimilar topn must be a non-negative integer, got ${topn}.`);
    const pos =
      typeof positive === 'string' || !isWordList(positive)
        ? [positive as WordOrVector]
        : [...(positive as readonly WordOrVector[])];
    if (pos.length + negative.length === 0)
      throw invalidArgument('mostSimilar needs at least one positive or negative word.');
    const d = this.dims;
    const n = this.normalizedVectors();
    const mean = new Float64Array(d);
    const exclude = new Set<number>();
    const add = (q: WordOrVector, weight: number) => {
      if (typeof q === 'string') {
        const i = this.rowOf(q);
        exclude.add(i);
        for (let k = 0; k < d; k++) mean[k] = (mean[k] as number) + weight * (n[i * d + k] as number);
      } else {
        if (q.length !== d)
          throw new UlasanError(
            'SHAPE_MISMATCH',
            `mostSimilar got a vector of ${q.length} values; these vectors have ${d}.`,
          );
        for (let k = 0; k < d; k++) mean[k] = (mean[k] as number) + weight * (q[k] as number);
      }
    };
    for (const q of pos) add(q, 1);
    for (const q of negative) add(q, -1);
    let norm = 0;
    for (let k = 0; k < d; k++) norm += (mean[k] as number) ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) return [];
    for (let k = 0; k < d; k++) mean[k] = (mean[k] as number) / norm;
    return this.topByDot(mean, topn, exclude);
  }

  /** The word that fits least with the others (farthest from their mean unit vector), as gensim's `doesnt_match`. Unknown words are ignored. */
  doesntMatch(words: readonly string[]): string {
    const known = words.filter((w) => this.index.has(w));
    if (known.length === 0) {
      throw invalidArgument(
        `doesntMatch: none of ${JSON.stringify(words)} is in the vocabulary of ${this.size} words.`,
      );
    }
    const d = this.dims;
    const n = this.normalizedVectors();
    const mean = new Float64Array(d);
    for (const w of known) {
      const i = this.index.get(w) as number;
      for (let k = 0; k < d; k++) mean[k] = (mean[k] as number) + (n[i * d + k] as number);
    }
    let best = known[0] as string;
    let bestSim = Number.POSITIVE_INFINITY;
    for (const w of known) {
      const i = this.index.get(w) as number;
      let s = 0;
      for (let k = 0; k < d; k++) s += (n[i * d + k] as number) * (mean[k] as number);
      if (s < bestSim) {
        bestSim = s;
        best = w;
      }
    }
    return best;
  }

  /**
   * Initial weights for an Embedding layer over `vocabulary` (e.g. a tokenizer's index → word
   * list): row `i` is the vector of `vocabulary[i]`, and words without a vector get the `oov` policy.
   *
   * @example
   * ```ts
   * const { matrix, rows, dims } = wv.embeddingMatrix(tokenizer.vocabulary, { oov: 'zeros' });
   * tf.layers.embedding({ inputDim: rows, outputDim: dims, weights: [tf.tensor2d(matrix, [rows, dims])] });
   * ```
   */
  embeddingMatrix(vocabulary: readonly string[], options: EmbeddingMatrixOptions = {}): EmbeddingMatrix {
    const oov = options.oov ?? 'zeros';
    if (oov !== 'zeros' && oov !== 'random' && oov !== 'mean') {
      throw invalidArgument(`embeddingMatrix oov must be 'zeros', 'random' or 'mean', got ${JSON.stringify(oov)}.`);
    }
    const d = this.dims;
    const rows = vocabulary.length;
    const matrix = new Float32Array(rows * d);
    const missing: string[] = [];
    const mean = new Float64Array(d);
    const std = new Float64Array(d);
    if (oov !== 'zeros' && this.size > 0) {
      for (let i = 0; i < this.size; i++)
        for (let k = 0; k < d; k++) mean[k] = (mean[k] as number) + (this.data[i * d + k] as number);
      for (let k = 0; k < d; k++) mean[k] = (mean[k] as number) / this.size;
      for (let i = 0; i < this.size; i++)
        for (let k = 0; k < d; k++)
          std[k] = (std[k] as number) + ((this.data[i * d + k] as number) - (mean[k] as number)) ** 2;
      for (let k = 0; k < d; k++) std[k] = Math.sqrt((std[k] as number) / this.size);
    }
    const rng = new Random(options.seed ?? 1);
    for (let r = 0; r < rows; r++) {
      const w = vocabulary[r] as string;
      const i = this.index.get(w);
      if (i !== undefined) {
        matrix.set(this.data.subarray(i * d, (i + 1) * d), r * d);
        continue;
      }
      missing.push(w);
      if (oov === 'mean') for (let k = 0; k < d; k++) matrix[r * d + k] = mean[k] as number;
      else if (oov === 'random') for (let k = 0; k < d; k++) matrix[r * d + k] = rng.normal() * (std[k] as number);
    }
    return { matrix, rows, dims: d, missing };
  }

  /**
   * Writes the vectors: word2vec text (default) or binary, byte-compatible with gensim's
   * `save_word2vec_format`, or the native format. The write is atomic.
   */
  async save(path: string, options: SaveWordVectorsOptions = {}): Promise<void> {
    const format = options.format ?? (options.binary ? 'binary' : 'text');
    if (format === 'native') {
      await writeNative(
        path,
        {
          kind: 'vectors',
          dims: this.dims,
          words: [...this.words],
          ...(this.wordCounts ? { counts: [...this.wordCounts] } : {}),
        },
        { syn0: this.data },
      );
    } else if (format === 'text' || format === 'binary') {
      await writeWord2VecFormat(
        path,
        { words: [...this.words], dims: this.dims, vectors: this.data },
        format === 'binary',
      );
    } else {
      throw invalidArgument(`Unknown word-vector format ${JSON.stringify(format)}; use 'text', 'binary' or 'native'.`);
    }
  }

  /**
   * Reads vectors from a word2vec text or binary file (gensim or word2vec.c) or from the native
   * format (also a trainer checkpoint). The native format is detected; `binary` selects between
   * the word2vec formats and is detected when left out.
   */
  static async load(path: string, options: LoadWordVectorsOptions = {}): Promise<WordVectors> {
    if (await isNativeFile(path)) {
      const { header, arrays } = await readNative(path);
      const syn0 = arrays.syn0 as Float32Array;
      // A training state also holds the output weights: copy the vectors so that those are freed.
      const others = Object.keys(arrays).length > 1;
      return WordVectors.fromNative(header, others ? syn0.slice() : syn0);
    }
    const table = await readWord2VecFormat(path, options.binary);
    const seen = new Set<string>();
    for (const w of table.words) {
      if (seen.has(w)) {
        throw new UlasanError(
          'FILE_FORMAT',
          `${path}: the word ${JSON.stringify(w)} appears twice; a word2vec file has one vector per word.`,
        );
      }
      seen.add(w);
    }
    return new WordVectors(table.words, table.vectors, table.dims);
  }

  /** @internal Builds vectors from a validated native header. */
  static fromNative(header: NativeHeader, syn0: Float32Array): WordVectors {
    return new WordVectors(header.words, syn0, header.dims, header.counts);
  }

  private rowOf(word: string): number {
    const i = this.index.get(word);
    if (i === undefined) {
      if (typeof word !== 'string') throw invalidArgument(`Expected a word (string), got ${typeof word}.`);
      throw new UlasanError(
        'INVALID_ARGUMENT',
        `The word ${JSON.stringify(word)} is not in the vocabulary (${this.size} words). Check spelling and lowercasing, or train with a lower minCount.`,
      );
    }
    return i;
  }

  private topByDot(query: Float64Array, topn: number, exclude: Set<number>): SimilarWord[] {
    const d = this.dims;
    const n = this.normalizedVectors();
    const sims = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) {
      let s = 0;
      const o = i * d;
      for (let k = 0; k < d; k++) s += (n[o + k] as number) * (query[k] as number);
      sims[i] = s;
    }
    // Partial selection: keep a small sorted list (topn is small in practice).
    const best: number[] = [];
    for (let i = 0; i < this.size; i++) {
      if (exclude.has(i)) continue;
      const s = sims[i] as number;
      if (best.length === topn && s <= (sims[best[best.length - 1] as number] as number)) continue;
      let at = best.length;
      while (at > 0 && (sims[best[at - 1] as number] as number) < s) at--;
      best.splice(at, 0, i);
      if (best.length > topn) best.pop();
    }
    return best.map((i) => ({ word: this.words[i] as string, similarity: sims[i] as number }));
  }
}

function isWordList(value: unknown): value is readonly WordOrVector[] {
  if (!Array.isArray(value)) return false;
  return value.length === 0 || typeof value[0] === 'string' || (typeof value[0] === 'object' && value[0] !== null);
}
