/**
 * Plain matrix products on the wasm backend from inside a kernel, using the backend's own
 * `BatchMatMul` (XNNPACK, ~40 GFLOP/s here, against ~1 for JavaScript loops). Our convolution
 * gradients lower the convolution to a product and hand it over.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type { DataType, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface WasmBackend {
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number, values?: Float32Array): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** C[M, N] = A[M, K] · B[K, N] (row-major), computed by the wasm backend's BatchMatMul kernel. */
export function wasmMatMul(
  tf: typeof TfCore,
  backend: unknown,
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
): Float32Array {
  const wasm = backend as WasmBackend;
  const kernel = tf.getKernel('BatchMatMul', 'wasm');
  if (!kernel) throw new Error('The wasm backend has no BatchMatMul kernel.');
  const ta = wasm.makeOutput([1, m, k], 'float32', undefined, a);
  const tb = wasm.makeOutput([1, k, n], 'float32', undefined, b);
  try {
    const out = (kernel.kernelFunc as KernelFunc)({
      inputs: { a: ta, b: tb },
      backend: backend as TfCore.KernelBackend,
      attrs: { transposeA: false, transposeB: false },
    }) as TensorInfo;
    const values = wasm.typedArrayFromHeap(out).slice();
    wasm.disposeData(out.dataId, true);
    return values;
  } finally {
    wasm.disposeData(ta.dataId, true);
    wasm.disposeData(tb.dataId, true);
  }
}
