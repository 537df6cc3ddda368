/**
 * `GatherV2` with `batchDims = 0`, the form every `Embedding` layer uses (axis 0 of the table).
 *
 * The stock cpu kernel converts every output index to coordinates and back (`indexToLoc`,
 * `locToIndex`, array allocations per element). Gathering whole rows with `copyWithin`-style
 * subarray copies is the same result at memory speed.
 */

import type { DataType } from '@tensorflow/tfjs-core';
import { allocate, type NumericArray } from './kernel-io.js';

/**
 * Gathers `indices` along an axis of a tensor viewed as [outer, dimSize, inner].
 * Throws (like the stock kernel) when an index is outside [0, dimSize). `out` (outer × n × inner
 * values) receives the rows instead of a new array; every element is written.
 */
export function gatherValues(
  x: NumericArray,
  indices: NumericArray,
  outer: number,
  dimSize: number,
  inner: number,
  dtype: DataType,
  out: NumericArray = allocate(dtype, outer * indices.length * inner),
): NumericArray {
  const n = indices.length;
  for (let i = 0; i < n; i++) {
    const index = indices[i];
    if (!(index >= 0 && index < dimSize)) {
      throw new Error(`GatherV2: the index value ${index} is not in [0, ${dimSize - 1}]`);
    }
  }
  for (let o = 0; o < outer; o++) {
    const srcBase = o * dimSize * inner;
    const dstBase = o * n * inner;
    for (let i = 0; i < n; i++) {
      const src = srcBase + indices[i] * inner;
      out.set(x.subarray(src, src + inner), dstBase + i * inner);
    }
  }
  return out;
}
