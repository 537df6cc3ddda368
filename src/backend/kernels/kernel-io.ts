/**
 * Reading and writing tensor data from inside a kernel, for the two in-process backends we patch.
 *
 * Our kernels are plain JavaScript loops over typed arrays. On `cpu` the backend keeps each
 * tensor's values in a JS typed array; on `wasm` they live in the WebAssembly heap, which we view
 * (never copy) for inputs, and fill outputs by handing a finished JS array to `makeOutput`, which
 * copies it into the heap. That copy is one pass over the output and is cheap next to the kernel.
 */
import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';

/** Float or int typed array, the only data our kernels handle (others go to the stock kernel). */
export type NumericArray = Float32Array | Int32Array;

/** The subset of the cpu backend (`MathBackendCPU`) our kernels touch. */
interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: DataType, values: NumericArray): TensorInfo;
}

/** The subset of the wasm backend (`BackendWasm`) our kernels touch. */
interface WasmBackendLike {
  typedArrayFromHeap(t: TensorInfo): unknown;
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: undefined, values?: NumericArray): TensorInfo;
}

/** Backend-neutral access to tensor data. */
export interface KernelIo {
  /** A read-only view (wasm) or the stored array (cpu) of a tensor's values. Never mutate it. */
  read(t: TensorInfo): NumericArray;
  /** Wraps computed values as the kernel's output tensor. */
  output(shape: number[], dtype: DataType, values: NumericArray): TensorInfo;
  /**
   * An output tensor and its values to fill in place (uninitialised on wasm: write every element).
   * Large outputs (the embedding gradient is vocabulary × dimensions every step) then cost neither
   * a JS array for the garbage collector nor a copy into the heap. Read the inputs after this call:
   * on wasm the allocation may grow the heap, which detaches views taken before.
   */
  allocateOutput(shape: number[], dtype: DataType): { info: TensorInfo; values: NumericArray };
}

/** The backends our kernels run on. */
export type PatchedBackend = 'cpu' | 'wasm';

/** Returns the data accessors for `backend` (the object tfjs passes to a kernel function). */
export function kernelIo(kind: PatchedBackend, backend: unknown): KernelIo {
  if (kind === 'cpu') {
    const b = backend as CpuBackendLike;
    return {
      read: (t) => {
        const values = b.data.get(t.dataId).values;
        if (!(values instanceof Float32Array || values instanceof Int32Array)) {
          throw new Error(`ulasan kernel: expected float32/int32 data on cpu, found ${t.dtype}`);
        }
        return values;
      },
      output: (shape, dtype, values) => b.makeTensorInfo(shape, dtype, values),
      allocateOutput: (shape, dtype) => {
        const values = allocate(
          dtype,
          shape.reduce((a, d) => a * d, 1),
        );
        return { info: b.makeTensorInfo(shape, dtype, values), values };
      },
    };
  }
  const b = backend as WasmBackendLike;
  return {
    read: (t) => b.typedArrayFromHeap(t) as NumericArray,
    output: (shape, dtype, values) => b.makeOutput(shape, dtype, undefined, values),
    allocateOutput: (shape, dtype) => {
      const info = b.makeOutput(shape, dtype);
      return { info, values: b.typedArrayFromHeap(info) as NumericArray };
    },
  };
}

/** True when every tensor is float32 or int32, the dtypes our kernels implement. */
export function numericOnly(...tensors: TensorInfo[]): boolean {
  return tensors.every((t) => t.dtype === 'float32' || t.dtype === 'int32');
}

/** Allocates a zeroed typed array of `dtype` (float32 or int32). */
export function allocate(dtype: DataType, size: number): NumericArray {
  return dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
}
