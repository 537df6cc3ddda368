/**
 * Fused Conv1D layer (issue 11). It IS tfjs-layers' own `Conv1D` class, subclassed at runtime with
 * one method replaced: `call()` runs the convolution, bias and activation, and (through a kernel
 * with lazy per-input gradients) their gradient, each as one WebAssembly SIMD matrix product on the
 * padded input, instead of tfjs' conv2d + biasAdd + activation (on `wasm`: XNNPACK's convolution, a
 * broadcasting Add, and an im2col-lowered filter gradient in JavaScript). Weights (`kernel`
 * `[FW, CI, CO]`, `bias`), initialisers, regularizers, config and serialization (`getClassName()`
 * is still `Conv1D`) are inherited, so saved models load as the stock layer and stock weights load
 * into a fused one.
 *
 * The forward pass runs as Winograd F(9 − FW, FW) for kernel sizes 3–5 (8 products over the
 * channels instead of FW·(9 − FW): 2.5× fewer multiplications at FW = 5, agreeing with the direct
 * product to ~1e-6 relative; `ULASAN_WINOGRAD=0` forces the direct product); the gradients are
 * direct products.
 *
 * Unsupported options make `call()` defer to the stock implementation: strides or dilation other
 * than 1, `causal` padding, `channelsFirst`, activations other than linear/relu/tanh/sigmoid/
 * hardSigmoid, non-float32 input, a backend other than `cpu`/`wasm`. Setting the environment
 * variable `ULASAN_FUSED_CONV=0` turns every fused Conv1D back into stock.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import {
  ACTIVATION_CODES,
  type Conv1dGradients,
  Conv1dKernel,
  type Conv1dShape,
} from '../../../../accel/wasm-kernels.js';
import { loadTf, type TfModules } from '../../../../backend/tf.js';
import { FUSED_BACKENDS, INFERENCE_CHUNK } from './fused-recurrent.js';

type Tensor = TfCore.Tensor;
type Kwargs = Record<string, unknown>;

/** Factories for fused convolution layers, mirroring `tf.layers.conv1d`. */
export interface FusedConvLayers {
  /** Like `tf.layers.conv1d(args)`; the layer runs fused when its options allow. */
  conv1d(args: Parameters<typeof TfLayers.layers.conv1d>[0]): TfLayers.layers.Layer;
  /** Whether `layer` is a fused Conv1D. */
  isFused(layer: unknown): boolean;
}

/** Internal view of a tfjs-layers Conv1D. */
interface ConvInternals {
  kernel: { read(): Tensor };
  bias: { read(): Tensor } | null;
  kernelSize: number[];
  strides: number[];
  dilationRate: number | number[];
  padding: string;
  dataFormat: string;
  activation: { getClassName(): string } | null;
}

let cached: Promise<FusedConvLayers> | undefined;

/**
 * Loads TensorFlow.js and returns the fused convolution factories (created once).
 *
 * @example
 * ```ts
 * const fused = await fusedConvLayers();
 * model.add(fused.conv1d({ filters: 64, kernelSize: 5, padding: 'same', activation: 'relu' }));
 * ```
 */
export function fusedConvLayers(): Promise<FusedConvLayers> {
  cached ??= loadTf().then(createFactories);
  return cached;
}

function createFactories(modules: TfModules): FusedConvLayers {
  const { tf } = modules;
  const classMap = tf.serialization.SerializationMap.getMap().classNameMap as Record<
    string,
    [new (config: unknown) => unknown, unknown]
  >;
  const stock = classMap['Conv1D']?.[0];
  if (!stock) throw new Error('tfjs-layers did not register its Conv1D class.');
  const FusedConv1d = fusedClass(tf, stock);
  return {
    conv1d: (args) => new FusedConv1d(args) as unknown as TfLayers.layers.Layer,
    isFused: (layer) => (layer as { constructor?: unknown } | null)?.constructor === FusedConv1d,
  };
}

function fusedClass(tf: typeof TfCore, Base: new (config: unknown) => unknown) {
  const StockBase = Base as unknown as new (
    config: unknown,
  ) => {
    call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[];
    dispose(): unknown;
  };
  return class extends StockBase {
    /** One kernel instance per layer, created on first fused call. */
    private fusedKernel: Conv1dKernel | undefined;

    override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
      const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
      const conv = this as unknown as ConvInternals;
      if (!x || !FUSED_BACKENDS.has(tf.getBackend()) || !canFuse(conv, x)) return super.call(inputs, kwargs);
      this.fusedKernel ??= new Conv1dKernel();
      return runFused(tf, conv, this.fusedKernel, x);
    }

    /** Also releases the kernel memory (a later call would create a fresh one). */
    override dispose(): unknown {
      this.fusedKernel = undefined;
      return super.dispose();
    }
  };
}

function activationCode(conv: ConvInternals): number | undefined {
  return conv.activation ? ACTIVATION_CODES[conv.activation.getClassName()] : ACTIVATION_CODES['linear'];
}

function canFuse(conv: ConvInternals, x: Tensor): boolean {
  if (process.env.ULASAN_FUSED_CONV === '0') return false;
  const dilation = Array.isArray(conv.dilationRate) ? conv.dilationRate : [conv.dilationRate];
  const fw = conv.kernelSize[0] ?? 0;
  return (
    x.rank === 3 &&
    x.dtype === 'float32' &&
    conv.dataFormat === 'channelsLast' &&
    conv.kernelSize.length === 1 &&
    conv.strides.every((s) => s === 1) &&
    dilation.every((d) => d === 1) &&
    (conv.padding === 'same' || (conv.padding === 'valid' && (x.shape[1] ?? 0) >= fw)) &&
    (x.shape[0] ?? 0) > 0 &&
    (x.shape[1] ?? 0) > 0 &&
    activationCode(conv) !== undefined
  );
}

/** Zero steps before/after each sequence, as tfjs' `computeConv2DInfo` pads for stride 1. */
function convShape(conv: ConvInternals, x: Tensor, filters: number): Conv1dShape {
  const [B, T, CI] = x.shape as [number, number, number];
  const FW = conv.kernelSize[0] as number;
  const total = conv.padding === 'same' ? FW - 1 : 0;
  const before = Math.floor(total / 2);
  return {
    batch: B,
    steps: T,
    inChannels: CI,
    outChannels: filters,
    kernelSize: FW,
    padBefore: before,
    padAfter: total - before,
  };
}

/**
 * A tensor holding `values`. The wasm backend copies the values into its heap at once, so a view
 * into kernel memory can be passed as is; the cpu backend keeps the array, so it gets a copy.
 */
function tensorFrom(tf: typeof TfCore, values: Float32Array, shape: number[]): Tensor {
  return tf.tensor(tf.getBackend() === 'wasm' ? values : values.slice(), shape, 'float32');
}

function runFused(tf: typeof TfCore, conv: ConvInternals, kernel: Conv1dKernel, x: Tensor): Tensor {
  return tf.tidy(() => {
    const weights = [conv.kernel.read(), ...(conv.bias ? [conv.bias.read()] : [])];
    const filters = (weights[0] as Tensor).shape[2] as number;
    const shape = convShape(conv, x, filters);
    const activation = activationCode(conv) as number;
    const { batch: B, steps: T, inChannels: CI, kernelSize: FW } = shape;
    const Tout = Conv1dKernel.outputSteps(shape);
    const xs = x.dataSync() as Float32Array;
    const ks = (weights[0] as Tensor).dataSync() as Float32Array;
    const bs = weights[1] ? ((weights[1] as Tensor).dataSync() as Float32Array) : null;

    if (!(tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn()) {
      if (B <= INFERENCE_CHUNK) {
        kernel.forward(shape, xs, ks, bs, activation);
        return tensorFrom(tf, kernel.outputView(), [B, Tout, filters]);
      }
      const out = new Float32Array(B * Tout * filters);
      for (let b0 = 0; b0 < B; b0 += INFERENCE_CHUNK) {
        const rows = Math.min(INFERENCE_CHUNK, B - b0);
        kernel.forward({ ...shape, batch: rows }, xs.subarray(b0 * T * CI, (b0 + rows) * T * CI), ks, bs, activation);
        out.set(kernel.outputView(), b0 * Tout * filters);
      }
      return tf.tensor(out, [B, Tout, filters], 'float32');
    }
    // A kernel with lazy per-input gradients, as in fused-recurrent: the input gradient (a product
    // as large as the forward pass) is only computed when something upstream needs it.
    let generation = 0;
    const forwardFunc = () => {
      generation = kernel.forward(shape, xs, ks, bs, activation);
      return tensorFrom(tf, kernel.outputView(), [B, Tout, filters]);
    };
    const backwardsFunc = (dy: Tensor) => {
      let core: Conv1dGradients | undefined;
      const backward = () => {
        if (!core) {
          // Another call of this layer ran in between: recompute this call's forward state.
          if (!kernel.holds(generation)) kernel.forward(shape, xs, ks, bs, activation);
          core = kernel.backward(dy.dataSync() as Float32Array);
        }
        return core;
      };
      const grads: Record<string, () => Tensor> = {
        0: () => {
          backward();
          return tensorFrom(tf, kernel.inputGradientView(), [B, T, CI]);
        },
        1: () => tf.tensor(backward().dKernel, [FW, CI, filters]),
      };
      if (bs) grads[2] = () => tf.tensor(backward().dBias, [filters]);
      return grads;
    };
    const inputs: Record<string, Tensor> = { 0: x };
    weights.forEach((w, i) => {
      inputs[i + 1] = w;
    });
    const engine = tf.engine() as unknown as {
      runKernelFunc(params: { forwardFunc: unknown; backwardsFunc: unknown; inputs: unknown }): Tensor;
    };
    return engine.runKernelFunc({ forwardFunc, backwardsFunc, inputs });
  });
}
