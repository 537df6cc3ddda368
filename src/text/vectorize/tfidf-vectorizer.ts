/**
 * TF-IDF over tokenized texts with scikit-learn's exact formulas (TfidfVectorizer /
 * TfidfTransformer): idf = ln((1 + n) / (1 + df)) + 1 with `smoothIdf`, ln(n / df) + 1 without;
 * tf = 1 + ln(count) with `sublinearTf`; rows then normalized by `norm`.
 */
import { invalidArgument, UlasanError } from '../../internal/errors.js';
import {
  CountVectorizer,
  type CountVectorizerOptions,
  checkVectorizerJson,
  type VectorizerJSON,
} from './count-vectorizer.js';
import { SparseMatrix } from './sparse-matrix.js';

/** Options of {@link TfidfVectorizer}. */
export interface TfidfVectorizerOptions extends CountVectorizerOptions {
  /** Row normalization: `'l2'` (default), `'l1'` or `null`. */
  norm?: 'l2' | 'l1' | null;
  /** Add one to document frequencies, as if a document contained every term once (default true). */
  smoothIdf?: boolean;
  /** Use 1 + ln(tf) instead of tf (default false). */
  sublinearTf?: boolean;
  /** Multiply by idf (default true). */
  useIdf?: boolean;
}

/**
 * Token arrays → a sparse TF-IDF matrix, identical to scikit-learn's `TfidfVectorizer` on the
 * same tokens (`analyzer=lambda toks: toks` for unigrams).
 *
 * @example
 * ```ts
 * const tfidf = new TfidfVectorizer({ ngramRange: [1, 2], sublinearTf: true, minDf: 2 });
 * const X = tfidf.fitTransform(trainTokens);
 * const Xv = tfidf.transform(validTokens);
 * ```
 */
export class TfidfVectorizer extends CountVectorizer {
  /** TF-IDF specific options. */
  readonly tfidfOptions: { norm: 'l2' | 'l1' | null; smoothIdf: boolean; sublinearTf: boolean; useIdf: boolean };
  private idfValues?: Float64Array;

  constructor(options: TfidfVectorizerOptions = {}) {
    super(options);
    const norm = options.norm === undefined ? 'l2' : options.norm;
    if (norm !== 'l2' && norm !== 'l1' && norm !== null)
      throw invalidArgument(`norm must be 'l2', 'l1' or null, got "${String(norm)}".`);
    this.tfidfOptions = {
      norm,
      smoothIdf: options.smoothIdf ?? true,
      sublinearTf: options.sublinearTf ?? false,
      useIdf: options.useIdf ?? true,
    };
  }

  /** Inverse document frequency per feature (a copy). */
  get idf(): Float64Array {
    this.fitted();
    if (!this.idfValues) throw new UlasanError('NOT_FITTED', 'TfidfVectorizer has no idf: fit it first.');
    return Float64Array.from(this.idfValues);
  }

  protected override afterFit(counts: SparseMatrix, _df: Float64Array, nDocs: number): SparseMatrix {
    // Document frequency of the kept features, read from the pruned matrix.
    const df = new Float64Array(counts.cols);
    for (let k = 0; k < counts.nnz; k++) df[counts.indices[k]!]! += 1;
    const smooth = this.tfidfOptions.smoothIdf ? 1 : 0;
    const idf = new Float64Array(counts.cols);
    for (let j = 0; j < counts.cols; j++) idf[j] = Math.log((nDocs + smooth) / (df[j]! + smooth)) + 1;
    this.idfValues = idf;
    return this.weight(counts);
  }

  protected override weight(counts: SparseMatrix): SparseMatrix {
    const { sublinearTf, useIdf, norm } = this.tfidfOptions;
    const data = Float64Array.from(counts.data);
    const idf = this.idfValues;
    for (let k = 0; k < data.length; k++) {
      let v = data[k]!;
      if (sublinearTf) v = Math.log(v) + 1;
      if (useIdf && idf) v *= idf[counts.indices[k]!]!;
      data[k] = v;
    }
    if (norm) {
      for (let i = 0; i < counts.rows; i++) {
        const a = counts.indptr[i]!;
        const b = counts.indptr[i + 1]!;
        let s = 0;
        for (let k = a; k < b; k++) s += norm === 'l2' ? data[k]! * data[k]! : Math.abs(data[k]!);
        if (norm === 'l2') s = Math.sqrt(s);
        if (s > 0) for (let k = a; k < b; k++) data[k]! /= s;
      }
    }
    return new SparseMatrix(counts.indptr, counts.indices, data, counts.rows, counts.cols);
  }

  override toJSON(): VectorizerJSON {
    const base = super.toJSON();
    return {
      ...base,
      format: 'ulasan-tfidf-vectorizer',
      options: { ...base.options, ...this.tfidfOptions },
      idf: [...this.idf],
    };
  }

  /** Restores a fitted TF-IDF vectorizer from {@link TfidfVectorizer.toJSON} output. */
  static override fromJSON(json: unknown): TfidfVectorizer {
    const j = checkVectorizerJson(json, 'ulasan-tfidf-vectorizer');
    if (!Array.isArray(j.idf) || j.idf.length !== j.features.length) {
      throw new UlasanError('FILE_FORMAT', 'ulasan-tfidf-vectorizer: "idf" must have one number per feature.');
    }
    const v = new TfidfVectorizer(j.options as TfidfVectorizerOptions);
    v.setFeatures(j.features);
    v.idfValues = Float64Array.from(j.idf);
    return v;
  }
}
