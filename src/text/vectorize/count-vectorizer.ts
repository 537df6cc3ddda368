/**
 * Bag-of-words counts over tokenized texts, with scikit-learn's CountVectorizer semantics (n-grams
 * joined by a space, min/max document frequency, max features by corpus frequency, features in
 * sorted order).
 */
import { invalidArgument, NotFittedError, UlasanError } from '../../internal/errors.js';
import { SparseMatrix } from './sparse-matrix.js';
import { compareCodePoints } from './vocabulary.js';

/** Options of {@link CountVectorizer} (and {@link TfidfVectorizer}). */
export interface CountVectorizerOptions {
  /** Smallest and largest n-gram length (default `[1, 1]`); n-grams are tokens joined by a space. */
  ngramRange?: [number, number];
  /** Ignore terms in fewer documents: a count when ≥ 1, a proportion of documents when < 1 (default 1). */
  minDf?: number;
  /** Ignore terms in more documents: a proportion when ≤ 1, a count when > 1 (default 1.0 = no limit). */
  maxDf?: number;
  /** Keep only the most frequent terms (total count over the corpus; ties by term order). */
  maxFeatures?: number;
  /** Record presence (1) instead of counts. */
  binary?: boolean;
  /**
   * What a feature is: `'word'` (default: token n-grams) or `'char_wb'`, scikit-learn's character
   * n-grams inside word boundaries (each token padded with one space on both sides; `ngramRange`
   * then counts characters, e.g. `[2, 5]`). Character n-grams give unseen spellings and slang
   * (`bagusss`, `mantul`) features shared with known words.
   */
  analyzer?: 'word' | 'char_wb';
}

/** Serialized form of a fitted vectorizer. */
export interface VectorizerJSON {
  format: 'ulasan-count-vectorizer' | 'ulasan-tfidf-vectorizer';
  version: 1;
  options: Record<string, unknown>;
  /** Feature names in column order. */
  features: string[];
  /** Inverse document frequencies (TF-IDF only). */
  idf?: number[];
}

/**
 * Token arrays → a sparse count matrix, like scikit-learn's `CountVectorizer(analyzer=identity)`.
 *
 * @example
 * ```ts
 * const cv = new CountVectorizer({ ngramRange: [1, 2] });
 * const X = cv.fitTransform([['tidak', 'enak'], ['enak', 'sekali']]);
 * cv.featureNames(); // ['enak', 'enak sekali', 'sekali', 'tidak', 'tidak enak']
 * ```
 */
export class CountVectorizer {
  /** The options as given (with defaults filled in by `fit`). */
  readonly options: Required<Omit<CountVectorizerOptions, 'maxFeatures' | 'analyzer'>> & {
    maxFeatures?: number;
    analyzer?: 'char_wb';
  };
  protected vocabulary?: Map<string, number>;
  protected features?: string[];
  /** Token → its `char_wb` feature ids under the fitted vocabulary (see charWbIds). */
  private charWbCache?: Map<string, Int32Array>;

  constructor(options: CountVectorizerOptions = {}) {
    this.options = {
      ngramRange: options.ngramRange ?? [1, 1],
      minDf: options.minDf ?? 1,
      maxDf: options.maxDf ?? 1,
      binary: options.binary ?? false,
      ...(options.maxFeatures !== undefined ? { maxFeatures: options.maxFeatures } : {}),
      // Stored only when not the default, so saved word vectorizers keep their exact JSON.
      ...(options.analyzer === 'char_wb' ? { analyzer: 'char_wb' as const } : {}),
    };
    if (options.analyzer !== undefined && options.analyzer !== 'word' && options.analyzer !== 'char_wb') {
      throw invalidArgument(`analyzer must be 'word' or 'char_wb', got ${JSON.stringify(options.analyzer)}.`);
    }
  }

  /** Number of features (columns); throws before `fit`. */
  get size(): number {
    return this.fitted().features.length;
  }

  /** Feature names in column order (sorted by code point, like scikit-learn). */
  featureNames(): string[] {
    return [...this.fitted().features];
  }

  /** Column of `term`, or `undefined` when it is not a feature. */
  featureIndex(term: string): number | undefined {
    return this.fitted().vocabulary.get(term);
  }

  /** Learns the vocabulary from tokenized documents; returns `this`. */
  fit(documents: readonly (readonly string[])[]): this {
    this.fitTransform(documents);
    return this;
  }

  /** Learns the vocabulary and returns the document-term matrix. */
  fitTransform(documents: readonly (readonly string[])[]): SparseMatrix {
    this.validateOptions();
    checkDocuments(documents);
    const { minDf, maxDf, maxFeatures } = this.options;
    // First pass: counts with provisional ids in first-seen order.
    const provisional = new Map<string, number>();
    const counted = this.countAll(documents, (term) => {
      let id = provisional.get(term);
      if (id === undefined) {
        id = provisional.size;
        provisional.set(term, id);
      }
      return id;
    });
    const nTerms = provisional.size;
    const df = new Float64Array(nTerms);
    const tf = new Float64Array(nTerms);
    for (const doc of counted) {
      for (const [id, c] of doc) {
        df[id]! += 1;
        tf[id]! += c;
      }
    }
    const nDocs = documents.length;
    const low = minDf < 1 ? minDf * nDocs : minDf;
    const high = maxDf <= 1 ? maxDf * nDocs : maxDf;
    const terms = [...provisional.keys()];
    let kept = terms.filter((t) => {
      const id = provisional.get(t)!;
      return df[id]! >= low && df[id]! <= high;
    });
    kept.sort(compareCodePoints);
    if (maxFeatures !== undefined && kept.length > maxFeatures) {
      // Most frequent terms overall; ties keep sorted term order (stable), sklearn's order is unspecified.
      const byFreq = kept.map((t, i) => ({ t, i, f: tf[provisional.get(t)!]! }));
      byFreq.sort((a, b) => b.f - a.f || a.i - b.i);
      kept = byFreq.slice(0, maxFeatures).map((x) => x.t);
      kept.sort(compareCodePoints);
    }
    if (kept.length === 0) {
      throw new UlasanError(
        'INVALID_DATA',
        nTerms === 0
          ? 'CountVectorizer: the documents contain no tokens; check the preprocessing (does it remove everything?).'
          : `CountVectorizer: after pruning (minDf ${minDf}, maxDf ${maxDf}) no terms remain of ${nTerms}; lower minDf or raise maxDf.`,
      );
    }
    this.features = kept;
    this.vocabulary = new Map(kept.map((t, i) => [t, i]));
    this.charWbCache = undefined;
    const remap = new Int32Array(nTerms).fill(-1);
    for (const [t, i] of this.vocabulary) remap[provisional.get(t)!] = i;
    return this.afterFit(this.toMatrix(counted, remap), df, nDocs);
  }

  /** Counts of the fitted features in new documents (unknown terms are ignored). */
  transform(documents: readonly (readonly string[])[]): SparseMatrix {
    const { vocabulary } = this.fitted();
    checkDocuments(documents);
    this.charWbCache ??= new Map();
    const counted = this.countAll(documents, (term) => vocabulary.get(term) ?? -1, this.charWbCache);
    return this.weight(this.toMatrix(counted, null));
  }

  /** Hook for TF-IDF: learn statistics from the fitted count matrix and return the weighted matrix. */
  protected afterFit(counts: SparseMatrix, _df: Float64Array, _nDocs: number): SparseMatrix {
    return counts;
  }

  /** Hook for TF-IDF: weight a count matrix. */
  protected weight(counts: SparseMatrix): SparseMatrix {
    return counts;
  }

  /** Serializable fitted state. */
  toJSON(): VectorizerJSON {
    const { features } = this.fitted();
    return { format: 'ulasan-count-vectorizer', version: 1, options: { ...this.options }, features: [...features] };
  }

  /** Restores a fitted vectorizer from {@link CountVectorizer.toJSON} output. */
  static fromJSON(json: unknown): CountVectorizer {
    const j = checkVectorizerJson(json, 'ulasan-count-vectorizer');
    const v = new CountVectorizer(j.options as CountVectorizerOptions);
    v.setFeatures(j.features);
    return v;
  }

  /** Installs a fitted vocabulary (used by `fromJSON`). */
  protected setFeatures(features: string[]): void {
    this.charWbCache = undefined;
    this.features = [...features];
    this.vocabulary = new Map(features.map((t, i) => [t, i]));
  }

  protected fitted(): { features: string[]; vocabulary: Map<string, number> } {
    if (!this.features || !this.vocabulary) throw new NotFittedError(this.constructor.name);
    return { features: this.features, vocabulary: this.vocabulary };
  }

  private validateOptions(): void {
    const [lo, hi] = this.options.ngramRange;
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi < lo) {
      throw invalidArgument(`ngramRange must be [min, max] with 1 ≤ min ≤ max, got [${lo}, ${hi}].`);
    }
    const { minDf, maxDf, maxFeatures } = this.options;
    if (!(minDf >= 0) || !(maxDf > 0))
      throw invalidArgument(`minDf must be ≥ 0 and maxDf > 0, got ${minDf} and ${maxDf}.`);
    if (maxFeatures !== undefined && (!Number.isInteger(maxFeatures) || maxFeatures < 1)) {
      throw invalidArgument(`maxFeatures must be a positive integer, got ${maxFeatures}.`);
    }
  }

  /**
   * The feature ids of one token's `char_wb` n-grams (unknown ones dropped), in n-gram order. A
   * token's n-grams depend on the token alone, and tokens repeat (Zipf): looking each of its ~20
   * n-grams up once per distinct token instead of once per occurrence made `transform` ~2× faster.
   */
  private charWbIds(
    token: string,
    lo: number,
    hi: number,
    idOf: (term: string) => number,
    cache: Map<string, Int32Array>,
  ): Int32Array {
    let ids = cache.get(token);
    if (!ids) {
      const list: number[] = [];
      forEachCharWbNgram([token], lo, hi, (gram) => {
        const id = idOf(gram);
        if (id >= 0) list.push(id);
      });
      ids = Int32Array.from(list);
      if (cache.size >= CHAR_WB_CACHE_TOKENS) cache.clear();
      cache.set(token, ids);
    }
    return ids;
  }

  /**
   * @param cache - token → {@link charWbIds}, valid for as long as `idOf` gives the same ids: the
   *   fitted vocabulary's for `transform` (kept across calls), a fresh one for each `fit`.
   */
  private countAll(
    documents: readonly (readonly string[])[],
    idOf: (term: string) => number,
    cache: Map<string, Int32Array> = new Map(),
  ): Map<number, number>[] {
    const [lo, hi] = this.options.ngramRange;
    const out: Map<number, number>[] = [];
    const charWb = this.options.analyzer === 'char_wb';
    for (const tokens of documents) {
      const counts = new Map<number, number>();
      const add = (term: string) => {
        const id = idOf(term);
        if (id >= 0) counts.set(id, (counts.get(id) ?? 0) + 1);
      };
      if (charWb) {
        for (const token of tokens) {
          for (const id of this.charWbIds(token, lo, hi, idOf, cache)) counts.set(id, (counts.get(id) ?? 0) + 1);
        }
        out.push(counts);
        continue;
      }
      const n = tokens.length;
      for (let size = lo; size <= hi; size++) {
        for (let i = 0; i + size <= n; i++) {
          add(
            size === 1
              ? (tokens[i] as string)
              : size === 2
                ? `${tokens[i]} ${tokens[i + 1]}`
                : tokens.slice(i, i + size).join(' '),
          );
        }
      }
      out.push(counts);
    }
    return out;
  }

  private toMatrix(counted: Map<number, number>[], remap: Int32Array | null): SparseMatrix {
    const indptr = new Int32Array(counted.length + 1);
    const cols: number[] = [];
    const vals: number[] = [];
    const binary = this.options.binary;
    counted.forEach((doc, r) => {
      // Column ids sorted as a typed array (numeric, no tuples): rows are built for every document.
      const row = new Int32Array(doc.size);
      let k = 0;
      let countOf: (col: number) => number = (col) => doc.get(col) as number;
      if (remap) {
        const byColumn = new Map<number, number>();
        for (const [id, c] of doc) {
          const col = remap[id] as number;
          if (col >= 0) {
            row[k++] = col;
            byColumn.set(col, c);
          }
        }
        countOf = (col) => byColumn.get(col) as number;
      } else {
        for (const id of doc.keys()) row[k++] = id;
      }
      for (const col of row.subarray(0, k).sort()) {
        cols.push(col);
        vals.push(binary ? 1 : countOf(col));
      }
      indptr[r + 1] = cols.length;
    });
    return new SparseMatrix(
      indptr,
      Int32Array.from(cols),
      Float64Array.from(vals),
      counted.length,
      this.features!.length,
    );
  }
}

/**
 * scikit-learn's `char_wb` analyzer on tokens: each token padded to ` token `, then every character
 * n-gram of length `lo..hi` (code points); a padded token shorter than n counts once.
 */
export function charWbNgrams(tokens: readonly string[], lo: number, hi: number): string[] {
  const out: string[] = [];
  forEachCharWbNgram(tokens, lo, hi, (gram) => out.push(gram));
  return out;
}

/** Distinct tokens a vectorizer remembers the `char_wb` feature ids of (then it starts over). */
const CHAR_WB_CACHE_TOKENS = 100_000;

/** A surrogate half: the token has a code point outside the BMP (an emoji), which is 2 UTF-16 units. */
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * {@link charWbNgrams} without the array: calls `visit` with each n-gram, in the same order.
 * Tokens without astral characters (nearly all) are cut with `substring` (one unit per code point);
 * the others through their code points, as scikit-learn counts them.
 */
function forEachCharWbNgram(tokens: readonly string[], lo: number, hi: number, visit: (gram: string) => void): void {
  for (const token of tokens) {
    const padded = ` ${token} `;
    if (!SURROGATE.test(padded)) {
      const len = padded.length;
      for (let n = lo; n <= hi; n++) {
        if (len <= n) {
          visit(padded);
          break;
        }
        for (let i = 0; i + n <= len; i++) visit(padded.substring(i, i + n));
      }
      continue;
    }
    const w = Array.from(padded);
    for (let n = lo; n <= hi; n++) {
      if (w.length <= n) {
        visit(w.join(''));
        break;
      }
      for (let i = 0; i + n <= w.length; i++) visit(w.slice(i, i + n).join(''));
    }
  }
}

function checkDocuments(documents: readonly (readonly string[])[]): void {
  if (!Array.isArray(documents)) throw invalidArgument('Vectorizer: expected an array of token arrays.');
  documents.forEach((d, i) => {
    if (!Array.isArray(d)) {
      throw invalidArgument(
        `Vectorizer: document ${i} is ${typeof d}, expected an array of tokens (run the text through a pipeline first).`,
      );
    }
  });
}

/** Validates a serialized vectorizer. */
export function checkVectorizerJson(json: unknown, format: VectorizerJSON['format']): VectorizerJSON {
  const j = json as Partial<VectorizerJSON> | null;
  if (!j || typeof j !== 'object' || j.format !== format) {
    throw new UlasanError('FILE_FORMAT', `Not a ${format} state: found format "${String(j?.format)}".`);
  }
  if (typeof j.version !== 'number' || j.version > 1) {
    throw new UlasanError(
      'UNSUPPORTED_VERSION',
      `${format} version ${String(j.version)} is newer than this ulasan supports (1): upgrade ulasan.`,
    );
  }
  if (!Array.isArray(j.features) || j.features.some((f) => typeof f !== 'string')) {
    throw new UlasanError('FILE_FORMAT', `${format}: "features" must be an array of strings.`);
  }
  return j as VectorizerJSON;
}
