/**
 * The single place where TensorFlow.js is loaded.
 *
 * We depend on `@tensorflow/tfjs-core` + `@tensorflow/tfjs-layers` without the `@tensorflow/tfjs`
 * umbrella. Two things the umbrella normally does must then happen here, once:
 * - chained tensor methods (`t.flatten()`, `t.matMul()`...) are registered on the Tensor prototype;
 *   tfjs-layers' LSTM/GRU cells call them (`rMat.flatten is not a function` otherwise). The ESM
 *   files that do it in tfjs-core (`dist/public/chained_ops`) use extensionless imports that Node's
 *   ESM loader rejects, so we register the same methods from the CJS bundle's ops.
 * - gradients: the tfjs-layers Node bundle registers all gradient configs into the global registry
 *   when it loads, so importing it is enough.
 *
 * Everything is loaded lazily (no work at import time) and cached.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';

/** The loaded TensorFlow.js core and layers modules. */
export interface TfModules {
  tf: typeof TfCore;
  layers: typeof TfLayers;
}

let loading: Promise<TfModules> | undefined;

/**
 * Loads tfjs-core, tfjs-layers and the pure-JS cpu backend, registering chained ops. Idempotent.
 * Does not select a backend: see `useBackend`.
 */
export function loadTf(): Promise<TfModules> {
  if (!loading) {
    loading = (async () => {
      const tf = (await import('@tensorflow/tfjs-core')) as typeof TfCore;
      const layers = (await import('@tensorflow/tfjs-layers')) as typeof TfLayers;
      silenceCpuBanner(await import('@tensorflow/tfjs-backend-cpu'));
      registerChainedOps(tf);
      return { tf: unwrapDefault(tf), layers: unwrapDefault(layers) };
    })();
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

/**
 * The cpu backend prints "Hi, looks like you are running TensorFlow.js in Node.js. To speed things
 * up dramatically, install our node backend..." on its first tensor. ulasan picks backends itself
 * and explains the choice in backendInfo(), and tfjs-node is often not installable (Node 23+), so
 * the banner only misleads. It is gated by an instance field `firstUse` set in the constructor; an
 * accessor on the prototype turns that assignment into a no-op for every cpu backend instance.
 */
function silenceCpuBanner(mod: unknown): void {
  const cpu = unwrapDefault(mod as { MathBackendCPU?: { prototype: object } }).MathBackendCPU;
  if (!cpu || Object.getOwnPropertyDescriptor(cpu.prototype, 'firstUse')) return;
  Object.defineProperty(cpu.prototype, 'firstUse', {
    get: () => false,
    set: () => {},
    configurable: true,
  });
}

// CJS modules imported from ESM may arrive as `{ default: module }` under some loaders.
function unwrapDefault<T>(mod: T): T {
  const m = mod as unknown as { default?: T; Tensor?: unknown; sequential?: unknown };
  if (m.Tensor === undefined && m.sequential === undefined && m.default) return m.default;
  return mod;
}

/** Ops whose chained form is exactly `op(this, ...args)`. */
const SIMPLE_CHAINED_OPS = `abs acos acosh add all any argMax argMin asin asinh atan atan2 atanh avgPool batchToSpaceND
 batchNorm broadcastTo cast ceil clipByValue conv1d conv2d conv2dTranspose cos cosh cumprod cumsum depthToSpace
 depthwiseConv2d dilation2d div divNoNan dot elu equal erf euclideanNorm exp expandDims expm1 fft floor floorDiv
 gather greater greaterEqual ifft irfft isFinite isInf isNaN leakyRelu less lessEqual localResponseNormalization log
 log1p logSigmoid logSoftmax logSumExp logicalAnd logicalNot logicalOr logicalXor matMul max maxPool maximum mean min
 minimum mirrorPad mod mul neg norm notEqual onesLike pad pool pow prelu prod reciprocal relu relu6 reshape
 resizeBilinear resizeNearestNeighbor reverse rfft round rsqrt selu separableConv2d sigmoid sign sin sinh slice
 softmax softplus spaceToBatchND split sqrt square squaredDifference squeeze step stridedSlice sub sum tan tanh tile
 topk transpose unique unsortedSegmentSum unstack zerosLike`
  .split(/\s+/)
  .filter(Boolean);

type AnyTensor = TfCore.Tensor & Record<string, unknown>;

function registerChainedOps(tfIn: typeof TfCore): void {
  const tf = unwrapDefault(tfIn);
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  if (proto.__ulasanChainedOps) return;
  const ops = tf as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of SIMPLE_CHAINED_OPS) {
    const op = ops[name];
    if (typeof op !== 'function' || typeof proto[name] === 'function') continue;
    proto[name] = function (this: AnyTensor, ...args: unknown[]) {
      return op(this, ...args);
    };
  }
  const define = (name: string, fn: (this: AnyTensor, ...args: never[]) => unknown) => {
    if (typeof proto[name] !== 'function') proto[name] = fn;
  };
  define('flatten', function () {
    return tf.reshape(this, [this.size]);
  });
  define('as1D', function () {
    return tf.reshape(this, [this.size]);
  });
  define('as2D', function (r: number, c: number) {
    return tf.reshape(this, [r, c]);
  });
  define('as3D', function (a: number, b: number, c: number) {
    return tf.reshape(this, [a, b, c]);
  });
  define('as4D', function (a: number, b: number, c: number, d: number) {
    return tf.reshape(this, [a, b, c, d]);
  });
  define('as5D', function (a: number, b: number, c: number, d: number, e: number) {
    return tf.reshape(this, [a, b, c, d, e]);
  });
  define('asScalar', function () {
    if (this.size !== 1) throw new Error('The array must have only 1 element.');
    return tf.reshape(this, []);
  });
  define('asType', function (dtype: TfCore.DataType) {
    return tf.cast(this, dtype);
  });
  define('toBool', function () {
    return tf.cast(this, 'bool');
  });
  define('toFloat', function () {
    return tf.cast(this, 'float32');
  });
  define('toInt', function () {
    return tf.cast(this, 'int32');
  });
  define('reshapeAs', function (x: TfCore.Tensor) {
    return tf.reshape(this, x.shape);
  });
  define('oneHot', function (depth: number, on = 1, off = 0) {
    return tf.oneHot(this as unknown as TfCore.Tensor1D, depth, on, off);
  });
  define('concat', function (x: TfCore.Tensor | TfCore.Tensor[], axis?: number) {
    return tf.concat([this, ...(Array.isArray(x) ? x : [x])], axis);
  });
  define('stack', function (x: TfCore.Tensor | TfCore.Tensor[], axis?: number) {
    return tf.stack([this, ...(Array.isArray(x) ? x : [x])], axis);
  });
  define('where', function (condition: TfCore.Tensor, x: TfCore.Tensor) {
    return tf.where(condition, this, x);
  });
  // These two live under tf.image, not at the top level.
  define('resizeBilinear', function (size: [number, number], alignCorners?: boolean) {
    return tf.image.resizeBilinear(this as unknown as TfCore.Tensor3D, size, alignCorners);
  });
  define('resizeNearestNeighbor', function (size: [number, number], alignCorners?: boolean) {
    return tf.image.resizeNearestNeighbor(this as unknown as TfCore.Tensor3D, size, alignCorners);
  });
  Object.defineProperty(proto, '__ulasanChainedOps', { value: true });
}
