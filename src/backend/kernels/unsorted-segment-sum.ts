/**
 * `UnsortedSegmentSum`: out[s, ...] = sum of x[i, ...] over all i with segmentIds[i] = s.
 *
 * It is the gradient of `Gather` and therefore of every `Embedding` layer. The stock cpu kernel
 * loops over the segments and, for each one, builds a full-size mask, multiplies and sums:
 * O(numSegments × x.size), about 250 s for one 128×32 batch with a 5,000-word vocabulary. The wasm
 * backend has no kernel at all. This one is a single scatter-add pass: O(x.size + output size).
 */
import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import { allocate, type NumericArray } from './kernel-io.js';

/**
 * Scatter-adds rows of `x` (each `inner` values long) into `numSegments` output rows.
 * Segment ids outside [0, numSegments) are dropped, as in the stock kernel and TensorFlow.
 * `out` (numSegments × inner values, any content) receives the sums instead of a new array.
 */
export function segmentSumValues(
  x: NumericArray,
  ids: NumericArray,
  numSegments: number,
  inner: number,
  dtype: DataType,
  out: NumericArray = allocate(dtype, numSegments * inner),
): NumericArray {
  out.fill(0);
  const n = ids.length;
  if (inner === 1) {
    for (let i = 0; i < n; i++) {
      const s = ids[i];
      if (s >= 0 && s < numSegments) out[s] += x[i];
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const s = ids[i];
    if (!(s >= 0 && s < numSegments)) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) out[dst + j] += x[src + j];
  }
  return out;
}

/** Output shape: `[numSegments, ...x.shape after the segment ids' dimensions]`. */
export function segmentSumShape(x: TensorInfo, segmentIds: TensorInfo, numSegments: number): number[] {
  return [numSegments, ...x.shape.slice(segmentIds.shape.length)];
}
