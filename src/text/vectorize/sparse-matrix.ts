/**
 * Compressed sparse row (CSR) matrices, the output of the bag-of-words vectorizers and the input of
 * the classic classifiers (same layout as scipy.sparse.csr_matrix).
 */
import { invalidArgument } from '../../internal/errors.js';

/**
 * A CSR matrix: the non-zeros of row `i` are `data[indptr[i]..indptr[i+1])` in columns
 * `indices[indptr[i]..indptr[i+1])`, column indices sorted within each row.
 *
 * @example
 * ```ts
 * const m = SparseMatrix.fromDense([[0, 2], [1, 0]]);
 * m.nnz;        // 2
 * m.toDense();  // [[0, 2], [1, 0]]
 * ```
 */
export class SparseMatrix {
  constructor(
    /** Row pointers, length `rows + 1`. */
    readonly indptr: Int32Array,
    /** Column index of each stored value. */
    readonly indices: Int32Array,
    /** Stored values. */
    readonly data: Float64Array,
    /** Number of rows. */
    readonly rows: number,
    /** Number of columns. */
    readonly cols: number,
  ) {
    if (indptr.length !== rows + 1)
      throw invalidArgument(`SparseMatrix: indptr has length ${indptr.length}, expected rows + 1 = ${rows + 1}.`);
    if (indices.length !== data.length)
      throw invalidArgument('SparseMatrix: indices and data must have the same length.');
    if (indptr[rows] !== data.length)
      throw invalidArgument(`SparseMatrix: indptr[rows] = ${indptr[rows]} but there are ${data.length} values.`);
  }

  /** Number of stored values. */
  get nnz(): number {
    return this.data.length;
  }

  /** Builds a CSR matrix from dense rows (zeros are not stored). */
  static fromDense(rows: readonly (readonly number[])[], cols?: number): SparseMatrix {
    const width = cols ?? rows.reduce((m, r) => Math.max(m, r.length), 0);
    const indptr = new Int32Array(rows.length + 1);
    const idx: number[] = [];
    const val: number[] = [];
    rows.forEach((r, i) => {
      r.forEach((v, j) => {
        if (v !== 0) {
          idx.push(j);
          val.push(v);
        }
      });
      indptr[i + 1] = idx.length;
    });
    return new SparseMatrix(indptr, Int32Array.from(idx), Float64Array.from(val), rows.length, width);
  }

  /** The stored column indices and values of row `i` (views, not copies). */
  row(i: number): { indices: Int32Array; data: Float64Array } {
    const a = this.indptr[i]!;
    const b = this.indptr[i + 1]!;
    return { indices: this.indices.subarray(a, b), data: this.data.subarray(a, b) };
  }

  /** A new matrix with the given rows, in the given order. */
  selectRows(rowIds: readonly number[]): SparseMatrix {
    const indptr = new Int32Array(rowIds.length + 1);
    let total = 0;
    rowIds.forEach((r, k) => {
      if (r < 0 || r >= this.rows)
        throw invalidArgument(`SparseMatrix.selectRows: row ${r} is outside 0–${this.rows - 1}.`);
      total += this.indptr[r + 1]! - this.indptr[r]!;
      indptr[k + 1] = total;
    });
    const indices = new Int32Array(total);
    const data = new Float64Array(total);
    rowIds.forEach((r, k) => {
      const a = this.indptr[r]!;
      const b = this.indptr[r + 1]!;
      indices.set(this.indices.subarray(a, b), indptr[k]!);
      data.set(this.data.subarray(a, b), indptr[k]!);
    });
    return new SparseMatrix(indptr, indices, data, rowIds.length, this.cols);
  }

  /** Dense copy (for small matrices and tests). */
  toDense(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) {
      const row = new Array<number>(this.cols).fill(0);
      for (let k = this.indptr[i]!; k < this.indptr[i + 1]!; k++) row[this.indices[k]!] = this.data[k]!;
      out.push(row);
    }
    return out;
  }
}
