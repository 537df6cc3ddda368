/**
 * Data-movement kernels for the cpu backend: `Transpose`, `Slice` and `SplitV`.
 *
 * The stock cpu kernels compute every element's coordinates with `indexToLoc` and allocate arrays
 * per element when the data is not contiguous. A GRU step splits its gate pre-activations
 * ([batch, 3·units] along the last axis) at every time step, and the Embedding gradient transposes
 * the whole [vocabulary, dim] table with the identity permutation: on the stock kernels these were
 * a third of a GRU training step. Here the innermost dimension is copied as a run and the outer
 * dimensions are walked with a counter.
 */

import type { DataType } from '@tensorflow/tfjs-core';
import { allocate, type NumericArray } from './kernel-io.js';

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * Merges input axes that stay adjacent and in order under `perm` (and drops size-1 axes), so a
 * transpose is expressed on the fewest dimensions: [20000,100] with perm [0,1] becomes a copy,
 * [b,t,d] with perm [1,0,2] becomes a 3-D transpose whose inner run is d long.
 */
function collapse(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  const keep = perm.filter((p) => shape[p] !== 1);
  if (keep.length === 0) return { shape: [1], perm: [0] };
  const groups: number[][] = [];
  for (const p of keep) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1] + 1 === p) last.push(p);
    else if (last && shape.slice(last[last.length - 1] + 1, p).every((d) => d === 1) && p > last[last.length - 1]) {
      last.push(p);
    } else groups.push([p]);
  }
  // groups are in output order; number them by input order.
  const order = groups.map((g, i) => ({ first: g[0], i })).sort((a, b) => a.first - b.first);
  const inputShape = order.map(({ i }) => groups[i].reduce((acc, p) => acc * shape[p], 1));
  const position = new Array<number>(groups.length);
  order.forEach(({ i }, k) => {
    position[i] = k;
  });
  return { shape: inputShape, perm: groups.map((_, i) => position[i]) };
}

/** True when transposing `shape` by `perm` leaves the data order unchanged (a reshape). */
export function isDataPreservingTranspose(shape: readonly number[], perm: readonly number[]): boolean {
  return collapse(shape, perm).shape.length === 1;
}

/** out = transpose(x, perm), for any rank. */
export function transposeValues(x: NumericArray, shape: readonly number[], perm: readonly number[], dtype: DataType) {
  const out = allocate(dtype, x.length);
  const c = collapse(shape, perm);
  const rank = c.shape.length;
  if (rank === 1) {
    out.set(x);
    return out;
  }
  const inStrides = stridesOf(c.shape);
  const outShape = c.perm.map((p) => c.shape[p]);
  // Stride in the input for each output axis.
  const step = c.perm.map((p) => inStrides[p]);
  if (rank === 2) {
    const [n0, n1] = outShape;
    const [s0, s1] = step;
    let o = 0;
    for (let i = 0; i < n0; i++) {
      let src = i * s0;
      for (let j = 0; j < n1; j++, src += s1) out[o++] = x[src];
    }
    return out;
  }
  const inner = outShape[rank - 1];
  const innerStep = step[rank - 1];
  const counter = new Array<number>(rank - 1).fill(0);
  let src = 0;
  let o = 0;
  const total = x.length;
  while (o < total) {
    let s = src;
    for (let j = 0; j < inner; j++, s += innerStep) out[o++] = x[s];
    // Advance the outer counter (odometer), updating the input offset incrementally.
    for (let axis = rank - 2; axis >= 0; axis--) {
      counter[axis]++;
      src += step[axis];
      if (counter[axis] < outShape[axis]) break;
      src -= step[axis] * outShape[axis];
      counter[axis] = 0;
    }
  }
  return out;
}

/** out = x[begin : begin + size] (all dims). */
export function sliceValues(
  x: NumericArray,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  dtype: DataType,
): NumericArray {
  const rank = shape.length;
  let total = 1;
  for (const d of size) total *= d;
  const out = allocate(dtype, total);
  if (total === 0) return out;
  const strides = stridesOf(shape);
  if (rank === 0) {
    out[0] = x[0];
    return out;
  }
  const inner = size[rank - 1];
  let base = 0;
  for (let i = 0; i < rank; i++) base += begin[i] * strides[i];
  if (rank === 1) {
    out.set(x.subarray(base, base + inner));
    return out;
  }
  const counter = new Array<number>(rank - 1).fill(0);
  let src = base;
  let o = 0;
  while (o < total) {
    if (inner > 32) out.set(x.subarray(src, src + inner), o);
    else for (let j = 0; j < inner; j++) out[o + j] = x[src + j];
    o += inner;
    for (let axis = rank - 2; axis >= 0; axis--) {
      counter[axis]++;
      src += strides[axis];
      if (counter[axis] < size[axis]) break;
      src -= strides[axis] * size[axis];
      counter[axis] = 0;
    }
  }
  return out;
}

/** out = tile(x, reps): the output walks an odometer; each input coordinate is its own modulo. */
export function tileValues(x: NumericArray, shape: readonly number[], reps: readonly number[], dtype: DataType) {
  const rank = shape.length;
  const outShape = shape.map((d, i) => d * reps[i]);
  let total = 1;
  for (const d of outShape) total *= d;
  const out = allocate(dtype, total);
  if (total === 0) return out;
  if (rank === 0) {
    out[0] = x[0];
    return out;
  }
  const strides = stridesOf(shape);
  const inner = shape[rank - 1];
  const innerOut = outShape[rank - 1];
  const counter = new Array<number>(rank - 1).fill(0);
  let base = 0;
  let o = 0;
  while (o < total) {
    // One output row: the input row repeated reps[rank - 1] times.
    if (inner === 1) out.fill(x[base], o, o + innerOut);
    else for (let r = 0; r < innerOut; r += inner) out.set(x.subarray(base, base + inner), o + r);
    o += innerOut;
    for (let axis = rank - 2; axis >= 0; axis--) {
      counter[axis]++;
      // Input coordinate on this axis is counter % shape[axis].
      if (counter[axis] % shape[axis] === 0) base -= strides[axis] * (shape[axis] - 1);
      else base += strides[axis];
      if (counter[axis] < outShape[axis]) break;
      counter[axis] = 0;
    }
  }
  return out;
}
