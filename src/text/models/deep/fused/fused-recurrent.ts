/**
 * Fused LSTM and GRU layers (issue 11). They ARE tfjs-layers' own `LSTM` and `GRU` classes,
 * subclassed at runtime with one method replaced: `call()` runs the whole recurrence, and (through
 * `tf.customGrad`) its gradient, in one WebAssembly SIMD kernel call instead of dozens of small
 * tensor ops per time step. Everything else is inherited: weights (`kernel`, `recurrent_kernel`,
 * `bias`, same shapes, order and initialisers), config, serialization (`getClassName()` is still
 * `LSTM`/`GRU`, so a saved model loads as the stock layer and stock weights load into a fused one).
 *
 * Unsupported options make `call()` defer to the stock implementation: masking, initial states,
 * `returnState`, `stateful`, `recurrentDropout > 0`, units not divisible by 4, activations other
 * than tanh/sigmoid/hardSigmoid/relu/linear, non-float32 input. Input `dropout` is supported with
 * the stock layer's exact mask (same random draws, same mask for every time step).
 * Setting the environment variable `ULASAN_FUSED_RNN=0` turns every fused layer back into stock.
 *
 * The kernel reads tensors with `dataSync()` once per call; it runs on the `cpu` and `wasm`
 * backends, whose own per-step kernels are the bottleneck, and defers to the stock layer on GPU and
 * native backends.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import {
  ACTIVATION_CODES,
  type FusedCellKind,
  type RecurrentGradients,
  RecurrentKernel,
  type RecurrentShape,
} from '../../../../accel/wasm-kernels.js';
import { loadTf, type TfModules } from '../../../../backend/tf.js';

type Tensor = TfCore.Tensor;
type Kwargs = Record<string, unknown>;

/** Factories for fused recurrent layers, mirroring `tf.layers.lstm/gru/bidirectional`. */
export interface FusedRecurrentLayers {
  /** Like `tf.layers.lstm(args)`; the layer runs fused when its options allow. */
  lstm(args: TfLayers.LSTMLayerArgs): TfLayers.RNN;
  /** Like `tf.layers.gru(args)`; the layer runs fused when its options allow. */
  gru(args: TfLayers.GRULayerArgs): TfLayers.RNN;
  /**
   * Like `tf.layers.bidirectional(args)` around an LSTM or GRU, with both directions fused.
   * (tfjs rebuilds the wrapped layer from its config by class name, so the two inner layers are
   * swapped for fused ones after construction, with the same config and names.)
   */
  bidirectional(args: Parameters<typeof TfLayers.layers.bidirectional>[0]): TfLayers.layers.Layer;
  /** Whether `layer` is a fused recurrent layer (directly, not through Bidirectional). */
  isFused(layer: unknown): boolean;
}

/** Internal view of a tfjs-layers RNN with its cell. */
interface RnnInternals {
  cell: {
    units: number;
    kernel: { read(): Tensor };
    recurrentKernel: { read(): Tensor };
    bias: { read(): Tensor } | null;
    activation: { getClassName(): string };
    recurrentActivation: { getClassName(): string };
    dropout: number;
    recurrentDropout: number;
  };
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  stateful: boolean;
  built: boolean;
}

let cached: Promise<FusedRecurrentLayers> | undefined;

/**
 * Loads TensorFlow.js and returns the fused layer factories (created once).
 *
 * @example
 * ```ts
 * const fused = await fusedRecurrentLayers();
 * model.add(fused.lstm({ units: 64, returnSequences: false }));
 * ```
 */
export function fusedRecurrentLayers(): Promise<FusedRecurrentLayers> {
  cached ??= loadTf().then(createFactories);
  return cached;
}

/**
 * Backends where the fused kernel pays: the in-process CPU ones. On a GPU (`webgpu`) or native
 * (`tensorflow`) backend, reading the tensors back to run on the CPU would cost more than it saves.
 */
export const FUSED_BACKENDS: ReadonlySet<string> = new Set(['cpu', 'wasm']);

/** Rows per kernel call in inference: bounds the kernel memory for large predict batches. */
export const INFERENCE_CHUNK = 256;

function createFactories(modules: TfModules): FusedRecurrentLayers {
  const { tf, layers } = modules;
  const classMap = tf.serialization.SerializationMap.getMap().classNameMap as Record<
    string,
    [new (config: unknown) => unknown, unknown]
  >;
  const stockLstm = classMap['LSTM']?.[0];
  const stockGru = classMap['GRU']?.[0];
  if (!stockLstm || !stockGru) throw new Error('tfjs-layers did not register its LSTM/GRU classes.');
  const FusedLstm = fusedClass(tf, stockLstm, 'lstm');
  const FusedGru = fusedClass(tf, stockGru, 'gru');
  const fusedSet = new Set<unknown>([FusedLstm, FusedGru]);

  const fusedTwin = (layer: unknown): unknown => {
    const ctor = (layer as { constructor: unknown }).constructor;
    const config = (layer as { getConfig(): Record<string, unknown> }).getConfig();
    if (ctor === stockLstm) return new FusedLstm(config);
    if (ctor === stockGru) return new FusedGru(config);
    return layer;
  };

  return {
    lstm: (args) => new FusedLstm(args) as unknown as TfLayers.RNN,
    gru: (args) => new FusedGru(args) as unknown as TfLayers.RNN,
    bidirectional: (args) => {
      const bidi = layers.layers.bidirectional(args) as unknown as {
        forwardLayer: { name: string };
        backwardLayer: { name: string };
      };
      for (const key of ['forwardLayer', 'backwardLayer'] as const) {
        const stock = bidi[key];
        const fused = fusedTwin(stock) as { name: string };
        fused.name = stock.name;
        bidi[key] = fused;
      }
      return bidi as unknown as TfLayers.layers.Layer;
    },
    isFused: (layer) => fusedSet.has((layer as { constructor?: unknown } | null)?.constructor),
  };
}

function fusedClass(tf: typeof TfCore, Base: new (config: unknown) => unknown, kind: FusedCellKind) {
  const StockBase = Base as unknown as new (
    config: unknown,
  ) => {
    call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[];
    dispose(): unknown;
  };
  return class extends StockBase {
    /** One kernel instance per layer, created on first fused call. */
    private fusedKernel: RecurrentKernel | undefined;

    override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
      const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
      if (
        !x ||
        kwargs?.['mask'] != null ||
        kwargs?.['initialState'] != null ||
        !FUSED_BACKENDS.has(tf.getBackend()) ||
        !canFuse(this as never, x)
      ) {
        return super.call(inputs, kwargs);
      }
      this.fusedKernel ??= new RecurrentKernel(kind);
      return runFused(tf, this as unknown as RnnInternals, this.fusedKernel, x, kwargs?.['training'] === true);
    }

    /** Also releases the kernel memory (a later call would create a fresh one). */
    override dispose(): unknown {
      this.fusedKernel = undefined;
      return super.dispose();
    }
  };
}

function canFuse(rnn: RnnInternals, x: Tensor): boolean {
  if (process.env.ULASAN_FUSED_RNN === '0') return false;
  const cell = rnn.cell;
  return (
    x.rank === 3 &&
    x.dtype === 'float32' &&
    !rnn.returnState &&
    !rnn.stateful &&
    !(cell.recurrentDropout > 0) &&
    cell.units % 4 === 0 &&
    (x.shape[1] ?? 0) > 0 &&
    ACTIVATION_CODES[cell.activation.getClassName()] !== undefined &&
    ACTIVATION_CODES[cell.recurrentActivation.getClassName()] !== undefined
  );
}

function runFused(tf: typeof TfCore, rnn: RnnInternals, kernel: RecurrentKernel, input: Tensor, training: boolean) {
  const cell = rnn.cell;
  const options = {
    activation: ACTIVATION_CODES[cell.activation.getClassName()] as number,
    recurrentActivation: ACTIVATION_CODES[cell.recurrentActivation.getClassName()] as number,
  };
  const seq = rnn.returnSequences;
  return tf.tidy(() => {
    const [B, T, D] = input.shape as [number, number, number];
    const H = cell.units;
    let x = input;
    if (training && cell.dropout > 0 && cell.dropout < 1) {
      // Same draws as the stock cell: `count` masks of shape [B, D] (one per gate), the first used
      // at every time step.
      const count = kernel.kind === 'lstm' ? 4 : 3;
      const masks = Array.from({ length: count }, () => tf.dropout(tf.ones([B, D]), cell.dropout));
      x = tf.mul(x, tf.expandDims(masks[0] as Tensor, 1));
    }
    if (rnn.goBackwards) x = tf.reverse(x, 1);
    const shape: RecurrentShape = { batch: B, steps: T, inputDim: D, units: H };
    const weights = [cell.kernel.read(), cell.recurrentKernel.read(), ...(cell.bias ? [cell.bias.read()] : [])];

    if (!(tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn()) {
      return inferInChunks(tf, kernel, x, weights, shape, options, seq);
    }
    // A kernel with lazy per-input gradients (what tf.customGrad does, minus its eager gradients):
    // tfjs only asks for the gradients of inputs that lead to the variables being differentiated,
    // so the input gradient (the largest product of the backward pass) is skipped when the input
    // is not a function of any weight, e.g. a model fed pre-embedded vectors or a frozen embedding.
    const xs = x.dataSync() as Float32Array;
    const ks = (weights[0] as Tensor).dataSync() as Float32Array;
    const rks = (weights[1] as Tensor).dataSync() as Float32Array;
    const bs = weights[2] ? ((weights[2] as Tensor).dataSync() as Float32Array) : null;
    const G = kernel.gates * H;
    // wasm's tf.tensor() copies values into its heap at once, so the kernel's memory can be handed
    // over without a copy of our own (on cpu the tensor would keep the array: copy there).
    const onWasm = tf.getBackend() === 'wasm';
    let generation = 0;
    const forwardFunc = () => {
      generation = kernel.forward(shape, xs, ks, rks, bs, options);
      return tf.tensor(kernel.output(seq, !onWasm), seq ? [B, T, H] : [B, H]);
    };
    const backwardsFunc = (dy: Tensor) => {
      let core: RecurrentGradients | undefined;
      const backward = () => {
        if (!core) {
          // Another call of this layer ran in between: recompute this call's forward state.
          if (!kernel.holds(generation)) kernel.forward(shape, xs, ks, rks, bs, options);
          core = kernel.backward(onWasm ? heapView(tf, dy) : (dy.dataSync() as Float32Array), seq);
        }
        return core;
      };
      const grads: Record<string, () => Tensor> = {
        0: () => {
          backward();
          return tf.tensor(kernel.inputGradient(!onWasm), [B, T, D]);
        },
        1: () => tf.tensor(backward().dKernel, [D, G]),
        2: () => tf.tensor(backward().dRecurrentKernel, [H, G]),
      };
      if (bs) grads[3] = () => tf.tensor(backward().dBias, [G]);
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

function inferInChunks(
  tf: typeof TfCore,
  kernel: RecurrentKernel,
  x: Tensor,
  weights: Tensor[],
  shape: RecurrentShape,
  options: { activation: number; recurrentActivation: number },
  seq: boolean,
): Tensor {
  const { batch: B, steps: T, inputDim: D, units: H } = shape;
  // On wasm, views of the heap: nothing in the loop allocates tensors, so they stay valid, and
  // the input (batch × steps × dims floats) is not copied once more per batch.
  const read =
    tf.getBackend() === 'wasm' ? (t: Tensor) => heapView(tf, t) : (t: Tensor) => t.dataSync() as Float32Array;
  const xs = read(x);
  const ks = read(weights[0] as Tensor);
  const rks = read(weights[1] as Tensor);
  const bs = weights[2] ? read(weights[2] as Tensor) : null;
  const perRow = seq ? T * H : H;
  const out = new Float32Array(B * perRow);
  for (let b0 = 0; b0 < B; b0 += INFERENCE_CHUNK) {
    const rows = Math.min(INFERENCE_CHUNK, B - b0);
    kernel.forward({ ...shape, batch: rows }, xs.subarray(b0 * T * D, (b0 + rows) * T * D), ks, rks, bs, options);
    out.set(kernel.output(seq, false), b0 * perRow);
  }
  return tf.tensor(out, seq ? [B, T, H] : [B, H]);
}

/**
 * A view of a float32 tensor's values in the wasm backend's heap, for a kernel that copies them
 * into its own memory at once: no copy and no garbage (`dataSync()` copies). The view is valid until
 * the backend next allocates.
 */
function heapView(tf: typeof TfCore, t: Tensor): Float32Array {
  return (tf.backend() as unknown as { typedArrayFromHeap(t: Tensor): Float32Array }).typedArrayFromHeap(t);
}
