/**
 * Custom kernels ulasan registers on the in-process backends (`cpu`, `wasm`), replacing stock
 * kernels that are missing or pathologically slow for the layers our models use.
 *
 * Registration is lazy (done by `useBackend`, never at import), idempotent, and reversible
 * ({@link restoreStockKernels}, used by the tests and the benchmark to compare against the stock
 * implementation). A kernel that meets a case it does not implement (another dtype, NCHW data)
 * hands the call to the stock kernel when there is one.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { simdMatMul, simdMaxPoolGrad } from '../../accel/wasm-kernels.js';
import { type BinaryOp, binaryLayout, binaryValues } from './binary.js';
import {
  type ConvGeometry,
  conv2dFilterGradLowered,
  conv2dForwardLowered,
  conv2dInputGradLowered,
  type MatMul,
} from './conv2d.js';
import { gatherValues } from './gather.js';
import { kernelIo, numericOnly, type PatchedBackend } from './kernel-io.js';
import { isDataPreservingTranspose, sliceValues, tileValues, transposeValues } from './layout.js';
import { segmentSumShape, segmentSumValues } from './unsorted-segment-sum.js';

type Tf = typeof TfCore;
type KernelArgs = { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap };

/** One kernel we provide: which backends, and how to build its function. */
interface CustomKernel {
  kernelName: string;
  backends: readonly PatchedBackend[];
  /** Why we replace or add it (shown in docs and tests). */
  why: string;
  make(tf: Tf, kind: PatchedBackend, stock: KernelFunc | undefined): KernelFunc;
}

function fallback(kernelName: string, kind: PatchedBackend, stock: KernelFunc | undefined, why: string): KernelFunc {
  if (stock) return stock;
  return () => {
    throw new Error(`ulasan's ${kernelName} kernel on ${kind} does not support ${why}, and ${kind} has no stock one.`);
  };
}

function convGeometry(info: TfCore.backend_util.Conv2DInfo): ConvGeometry {
  return {
    batchSize: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

type ConvAttrs = {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | TfCore.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

function conv2dInfo(
  tf: Tf,
  xShape: number[],
  filterShape: number[],
  attrs: ConvAttrs & { dilations?: [number, number] | number },
): TfCore.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
}

/** Every kernel ulasan provides, in registration order. */
export const CUSTOM_KERNELS: readonly CustomKernel[] = [
  {
    kernelName: 'Identity',
    backends: ['wasm'],
    why: "clone, through which tfjs saves every tensor a gradient needs: stock wasm copies the data (~0.25 s of a two-epoch LSTM job); tensors are immutable, so the copy shares it, as cpu's does and wasm's own Reshape",
    make: (_tf, kind, stock) => {
      const other = fallback('Identity', kind, stock, 'this dtype');
      return ((args: KernelArgs) => {
        const { x } = args.inputs;
        if (!numericOnly(x)) return other(args as never);
        (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
        return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
      }) as unknown as KernelFunc;
    },
  },
  {
    kernelName: 'UnsortedSegmentSum',
    backends: ['cpu', 'wasm'],
    why: 'gradient of Gather/Embedding: stock cpu is O(vocabulary × batch); wasm has none',
    make: (_tf, kind, stock) => {
      const other = fallback('UnsortedSegmentSum', kind, stock, 'this dtype');
      return ((args: KernelArgs) => {
        const { x, segmentIds } = args.inputs;
        const numSegments = (args.attrs as { numSegments: number }).numSegments;
        if (!numericOnly(x, segmentIds)) return other(args as never);
        const io = kernelIo(kind, args.backend);
        const inner = segmentIds.shape.length === 0 ? 1 : sizeOf(x.shape) / Math.max(1, sizeOf(segmentIds.shape));
        const out = io.allocateOutput(segmentSumShape(x, segmentIds, numSegments), x.dtype);
        segmentSumValues(io.read(x), io.read(segmentIds), numSegments, inner, x.dtype, out.values);
        return out.info;
      }) as unknown as KernelFunc;
    },
  },
  {
    kernelName: 'GatherV2',
    backends: ['cpu', 'wasm'],
    why: 'forward pass of Embedding: stock cpu converts every element index to coordinates; wasm copies per element',
    make: (tf, kind, stock) => {
      const other = fallback('GatherV2', kind, stock, 'batchDims > 0 or this dtype');
      return ((args: KernelArgs) => {
        const { x, indices } = args.inputs;
        const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
        if (batchDims !== 0 || !numericOnly(x, indices)) return other(args as never);
        const ax = tf.util.parseAxisParam(axis, x.shape)[0];
        const outer = sizeOf(x.shape.slice(0, ax));
        const dimSize = x.shape[ax];
        const inner = sizeOf(x.shape.slice(ax + 1));
        const io = kernelIo(kind, args.backend);
        const shape = [...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)];
        const out = io.allocateOutput(shape, x.dtype);
        try {
          gatherValues(io.read(x), io.read(indices), outer, dimSize, inner, x.dtype, out.values);
        } catch (error) {
          (args.backend as { disposeData(dataId: object): void }).disposeData(out.info.dataId);
          throw error;
        }
        return out.info;
      }) as unknown as KernelFunc;
    },
  },
  {
    kernelName: 'Conv2DBackpropFilter',
    backends: ['cpu', 'wasm'],
    why: 'filter gradient of Conv1D/Conv2D: stock cpu ~60× slower; wasm has none',
    make: (tf, kind, stock) => {
      const other = fallback('Conv2DBackpropFilter', kind, stock, 'NCHW data or this dtype');
      return ((args: KernelArgs) => {
        const { x, dy } = args.inputs;
        const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
        if (attrs.dataFormat === 'NCHW' || x.dtype !== 'float32' || dy.dtype !== 'float32') {
          return other(args as never);
        }
        const g = convGeometry(conv2dInfo(tf, x.shape, attrs.filterShape, attrs));
        const io = kernelIo(kind, args.backend);
        const values = conv2dFilterGradLowered(
          copyIfWasm(kind, io.read(x)),
          copyIfWasm(kind, io.read(dy)) as Float32Array,
          g,
          matMulFor(),
        );
        return io.output([...attrs.filterShape], 'float32', values);
      }) as unknown as KernelFunc;
    },
  },
  {
    kernelName: 'Conv2DBackpropInput',
    backends: ['cpu', 'wasm'],
    why: 'input gradient of Conv1D/Conv2D: stock cpu reads through TensorBuffer.get; stock wasm is a naive loop',
    make: (tf, kind, stock) => {
      const other = fallback('Conv2DBackpropInput', kind, stock, 'NCHW data or this dtype');
      return ((args: KernelArgs) => {
        const { dy, filter } = args.inputs;
        const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
        if (attrs.dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
          return other(args as never);
        }
        const g = convGeometry(conv2dInfo(tf, attrs.inputShape, filter.shape, attrs));
        const io = kernelIo(kind, args.backend);
        const values = conv2dInputGradLowered(
          copyIfWasm(kind, io.read(dy)) as Float32Array,
          copyIfWasm(kind, io.read(filter)) as Float32Array,
          g,
          matMulFor(),
        );
        return io.output([...attrs.inputShape], 'float32', values);
      }) as unknown as KernelFunc;
    },
  },
  {
    kernelName: 'Conv2D',
    backends: ['cpu'],
    why: 'Conv1D/Conv2D forward: the stock cpu loop runs at ~0.3 GFLOP/s; lowered to a SIMD product',
    make: (tf, kind, stock) => {
      const other = fallback('Conv2D', kind, stock, 'NCHW data or this dtype');
      return ((args: KernelArgs) => {
        const { x, filter } = args.inputs;
        const attrs = args.attrs as unknown as ConvAttrs & { dilations: [number, number] | number };
        if (attrs.dataFormat === 'NCHW' || x.dtype !== 'float32' || filter.dtype !== 'float32') {
          return other(args as never);
        }
        const info = conv2dInfo(tf, x.shape, filter.shape, attrs);
        const io = kernelIo(kind, args.backend);
        const values = conv2dForwardLowered(
          io.read(x),
          io.read(filter) as Float32Array,
          convGeometry(info),
          matMulFor(),
        );
        return io.output([...info.outShape], 'float32', values);
      }) as unknown as KernelFunc;
    },
  },
  {
    kernelName: 'FusedConv2D',
    backends: ['cpu'],
    why: 'Conv2D + bias + ReLU in one call (what tfjs-layers emits): same lowering as Conv2D',
    make: (tf, kind, stock) => {
      const other = fallback('FusedConv2D', kind, stock, 'this activation, NCHW data or this dtype');
      return ((args: KernelArgs) => {
        const { x, filter, bias, preluActivationWeights } = args.inputs;
        const attrs = args.attrs as unknown as ConvAttrs & {
          dilations: [number, number] | number;
          activation?: string;
        };
        const activation = attrs.activation ?? 'linear';
        const supported =
          attrs.dataFormat !== 'NCHW' &&
          x.dtype === 'float32' &&
          filter.dtype === 'float32' &&
          preluActivationWeights === undefined &&
          (activation === 'linear' || activation === 'relu' || activation === 'relu6') &&
          (bias === undefined || (bias.dtype === 'float32' && sizeOf(bias.shape) === filter.shape[3]));
        if (!supported) return other(args as never);
        const info = conv2dInfo(tf, x.shape, filter.shape, attrs);
        const io = kernelIo(kind, args.backend);
        const y = conv2dForwardLowered(io.read(x), io.read(filter) as Float32Array, convGeometry(info), matMulFor());
        const co = filter.shape[3];
        if (bias) {
          const b = io.read(bias);
          for (let i = 0; i < y.length; i += co) for (let j = 0; j < co; j++) y[i + j] += b[j];
        }
        if (activation === 'relu') for (let i = 0; i < y.length; i++) y[i] = y[i] < 0 ? 0 : y[i];
        else if (activation === 'relu6') for (let i = 0; i < y.length; i++) y[i] = Math.min(6, Math.max(0, y[i]));
        return io.output([...info.outShape], 'float32', y);
      }) as unknown as KernelFunc;
    },
  },
  {
    kernelName: 'Transpose',
    backends: ['cpu', 'wasm'],
    why: 'RNN time-major layout and the Embedding gradient: stock cpu allocates an array per element; both copy the whole table for the identity permutation the Gather gradient applies',
    make: (_tf, kind, stock) => {
      const other = fallback('Transpose', kind, stock, 'this dtype');
      return ((args: KernelArgs) => {
        const { x } = args.inputs;
        if (!numericOnly(x)) return other(args as never);
        const perm = (args.attrs as { perm: number[] }).perm;
        const shape = perm.map((p) => x.shape[p]);
        const preserving = isDataPreservingTranspose(x.shape, perm);
        // wasm's own transpose is fine otherwise: only its copy of unchanged data is replaced.
        if (kind === 'wasm' && !preserving && stock) return stock(args as never);
        if (preserving) {
          // Same bytes in the same order (e.g. the identity permutation the Gather gradient applies
          // to the whole embedding table): share the data like Reshape does instead of copying.
          (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
          return { dataId: x.dataId, shape, dtype: x.dtype };
        }
        const io = kernelIo(kind, args.backend);
        const values = transposeValues(io.read(x), x.shape, perm, x.dtype);
        return io.output(shape, x.dtype, values);
      }) as unknown as KernelFunc;
    },
  },
  {
    kernelName: 'Slice',
    backends: ['cpu', 'wasm'],
    why: 'non-contiguous slices (RNN gates): stock cpu converts coordinates per element; stock wasm copies the whole input out of its heap for every slice (e.g. each predict batch)',
    make: (tf, kind, stock) => {
      const other = fallback('Slice', kind, stock, 'this dtype');
      const util: SliceUtil = tf.slice_util;
      return ((args: KernelArgs) => {
        const { x } = args.inputs;
        const attrs = args.attrs as { begin: number | number[]; size?: number | number[] };
        const [begin, size] = util.parseSliceParams(x as TfCore.Tensor, attrs.begin, attrs.size);
        if (!numericOnly(x)) return other(args as never);
        if (util.isSliceContinous(x.shape, begin, size)) {
          // Contiguous slices are zero-copy views in the stock cpu kernel: keep them. On wasm, copy
          // just the slice, heap to heap.
          if (kind === 'cpu') return other(args as never);
          util.assertParamsValid(x as TfCore.Tensor, begin, size);
          return contiguousSliceWasm(tf, args, begin, size);
        }
        util.assertParamsValid(x as TfCore.Tensor, begin, size);
        return sliceKernel(kind, args, begin, size);
      }) as unknown as KernelFunc;
    },
  },
  {
    kernelName: 'SplitV',
    backends: ['cpu'],
    why: 'splitting RNN gate pre-activations at every step: stock cpu uses the slow Slice per piece',
    make: (tf, kind, stock) => {
      const other = fallback('SplitV', kind, stock, 'this dtype');
      return ((args: KernelArgs) => {
        const { x } = args.inputs;
        if (!numericOnly(x)) return other(args as never);
        const { numOrSizeSplits, axis } = args.attrs as { numOrSizeSplits: number | number[]; axis: number };
        const ax = tf.util.parseAxisParam(axis, x.shape)[0];
        const sizes = tf.backend_util.prepareSplitSize(x as TfCore.Tensor, numOrSizeSplits, ax);
        const begin = new Array<number>(x.shape.length).fill(0);
        return sizes.map((s) => {
          const size = [...x.shape];
          size[ax] = s;
          const piece = sliceKernel(kind, args, [...begin], size);
          begin[ax] += s;
          return piece;
        });
      }) as unknown as KernelFunc;
    },
  },
  {
    kernelName: 'Tile',
    backends: ['cpu'],
    why: 'gradients of broadcasts and BatchNorm: stock cpu converts coordinates per element',
    make: (_tf, kind, stock) => {
      const other = fallback('Tile', kind, stock, 'this dtype');
      return ((args: KernelArgs) => {
        const { x } = args.inputs;
        if (!numericOnly(x)) return other(args as never);
        const reps = (args.attrs as { reps: number[] }).reps;
        const io = kernelIo(kind, args.backend);
        return io.output(
          x.shape.map((d, i) => d * reps[i]),
          x.dtype,
          tileValues(io.read(x), x.shape, reps, x.dtype),
        );
      }) as unknown as KernelFunc;
    },
  },
  {
    kernelName: 'MaxPoolGrad',
    backends: ['cpu', 'wasm'],
    why: 'gradient of MaxPooling: stock cpu reads and writes through TensorBuffer per element; stock wasm ~10× slower than this loop',
    make: (tf, kind, stock) => {
      const other = fallback('MaxPoolGrad', kind, stock, 'this dtype');
      return ((args: KernelArgs) => {
        const { dy, input } = args.inputs;
        if (dy.dtype !== 'float32' || input.dtype !== 'float32') return other(args as never);
        const attrs = args.attrs as {
          filterSize: [number, number] | number;
          strides: [number, number] | number;
          pad: 'valid' | 'same' | number | TfCore.backend_util.ExplicitPadding;
          dimRoundingMode?: 'floor' | 'round' | 'ceil';
        };
        const info = tf.backend_util.computePool2DInfo(
          input.shape as [number, number, number, number],
          attrs.filterSize,
          attrs.strides,
          1,
          attrs.pad,
          attrs.dimRoundingMode,
        );
        const io = kernelIo(kind, args.backend);
        // dx[first max of each window] += dy[window], as the stock kernel routes it, in the accel SIMD loop.
        const values = simdMaxPoolGrad(io.read(input), io.read(dy), {
          batchSize: info.batchSize,
          inHeight: info.inHeight,
          inWidth: info.inWidth,
          channels: info.inChannels,
          outHeight: info.outHeight,
          outWidth: info.outWidth,
          filterHeight: info.filterHeight,
          filterWidth: info.filterWidth,
          strideHeight: info.strideHeight,
          strideWidth: info.strideWidth,
          padTop: info.padInfo.top,
          padLeft: info.padInfo.left,
        });
        return io.output([...input.shape], 'float32', values);
      }) as unknown as KernelFunc;
    },
  },
  binaryKernel('Add'),
  binaryKernel('Sub'),
  binaryKernel('Multiply'),
  binaryKernel('RealDiv'),
];

function binaryKernel(op: BinaryOp): CustomKernel {
  return {
    kernelName: op,
    backends: ['cpu'],
    why: 'optimizer updates and biases: the stock cpu loop calls a closure with two modulos per element',
    make: (_tf, kind, stock) => {
      const other = fallback(op, kind, stock, 'this broadcast or dtype');
      return ((args: KernelArgs) => {
        const { a, b } = args.inputs;
        const layout = a.dtype === 'float32' && b.dtype === 'float32' ? binaryLayout(a.shape, b.shape) : null;
        if (layout === null) return other(args as never);
        const io = kernelIo(kind, args.backend);
        const values = binaryValues(op, io.read(a) as Float32Array, io.read(b) as Float32Array, layout);
        const shape = layout === 'scalar-a' || layout === 'rows-a' ? b.shape : a.shape;
        return io.output([...shape], 'float32', values);
      }) as unknown as KernelFunc;
    },
  };
}

type SliceUtil = typeof TfCore.slice_util;

/** A contiguous slice on wasm: one copy inside the heap (views taken after the output exists, since allocating may grow the heap). */
function contiguousSliceWasm(tf: Tf, args: KernelArgs, begin: number[], size: number[]): TensorInfo {
  const { x } = args.inputs;
  const b = args.backend as {
    makeOutput(shape: number[], dtype: TfCore.DataType): TensorInfo;
    typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
  };
  const out = b.makeOutput([...size], x.dtype);
  const offset = tf.slice_util.computeFlatOffset(begin, tf.util.computeStrides(x.shape));
  const n = sizeOf(size);
  b.typedArrayFromHeap(out).set(b.typedArrayFromHeap(x).subarray(offset, offset + n));
  return out;
}

function sliceKernel(kind: PatchedBackend, args: KernelArgs, begin: number[], size: number[]): TensorInfo {
  const { x } = args.inputs;
  const io = kernelIo(kind, args.backend);
  return io.output([...size], x.dtype, sliceValues(io.read(x), x.shape, begin, size, x.dtype));
}

/**
 * On wasm, inputs are copied out of the heap first: allocating the product's tensors may grow the
 * heap, which detaches earlier views. On cpu the stored arrays are used as they are.
 */
function copyIfWasm(kind: PatchedBackend, values: Float32Array | Int32Array): Float32Array | Int32Array {
  return kind === 'wasm' ? values.slice() : values;
}

/**
 * The matrix product our lowered convolutions use, on both backends: the WebAssembly SIMD product
 * from ulasan's accel kernels (~25 GFLOP/s on one core, against ~1 for the cpu backend's
 * JavaScript matMul; on these long-reduction shapes it also beat the wasm backend's own
 * BatchMatMul by 2-3× in our measurements).
 */
function matMulFor(): MatMul {
  return (a, b, m, k, n, transposeB) => simdMatMul(a, b, m, k, n, { transposeB });
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Marks our kernel functions, so that a second copy of this module (the CJS build next to the ESM
 * one) sees they are already installed instead of wrapping them as if they were stock.
 */
const OURS = Symbol.for('ulasan.customKernel');

/** Stock kernel configs we replaced, per `backend/kernel`, so they can be restored. */
const replaced = new Map<string, KernelConfig | null>();

/**
 * Registers ulasan's kernels for `backendName` (`cpu` or `wasm`; other backends are left alone).
 * Idempotent. Returns the names registered, e.g. `UnsortedSegmentSum`.
 */
export function installCustomKernels(tf: Tf, backendName: string): string[] {
  if (backendName !== 'cpu' && backendName !== 'wasm') return [];
  const kind: PatchedBackend = backendName;
  const names: string[] = [];
  for (const k of CUSTOM_KERNELS) {
    if (!k.backends.includes(kind)) continue;
    const key = `${kind}/${k.kernelName}`;
    const current = tf.getKernel(k.kernelName, kind);
    const alreadyOurs = current !== undefined && (current.kernelFunc as unknown as Record<symbol, unknown>)[OURS];
    if (!alreadyOurs) {
      if (current) tf.unregisterKernel(k.kernelName, kind);
      replaced.set(key, current ?? null);
      const kernelFunc = k.make(tf, kind, current?.kernelFunc);
      Object.defineProperty(kernelFunc, OURS, { value: true });
      tf.registerKernel({ kernelName: k.kernelName, backendName: kind, kernelFunc });
    }
    names.push(k.kernelName);
  }
  return names;
}

/**
 * Puts the stock kernels back for `backendName` (and removes kernels the backend never had), all of
 * them or `only` the named ones.
 * For tests and benchmarks that compare against the reference implementation.
 */
export function restoreStockKernels(tf: Tf, backendName: string, only?: readonly string[]): void {
  for (const [key, stock] of [...replaced]) {
    const [kind, kernelName] = key.split('/') as [string, string];
    if (kind !== backendName || (only && !only.includes(kernelName))) continue;
    if (tf.getKernel(kernelName, kind)) tf.unregisterKernel(kernelName, kind);
    if (stock) tf.registerKernel(stock);
    replaced.delete(key);
  }
}
