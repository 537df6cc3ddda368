/**
 * Fused LSTM/GRU layers (issue 11) against the stock tfjs-layers layers: values and gradients
 * (inputs and every weight) on random inputs, dropout masks, Bidirectional, fallbacks,
 * serialization, and short training runs of the real deep classifiers on SmSA text.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RecurrentKernel, simdMatMul } from '../../../src/accel/wasm-kernels.js';
import { useBackend } from '../../../src/backend/backends.js';
import { loadTf } from '../../../src/backend/tf.js';
import { buildDeepTextModel, resolveDeepModelSpec } from '../../../src/text/models/deep/builders.js';
import {
  CnnLstmClassifier,
  type DeepTextClassifier,
  GruClassifier,
  LstmClassifier,
} from '../../../src/text/models/deep/deep-text-classifier.js';
import {
  type FusedRecurrentLayers,
  fusedRecurrentLayers,
} from '../../../src/text/models/deep/fused/fused-recurrent.js';
import { withSeededMathRandom } from '../../../src/text/models/deep/seeded-random.js';
import { maxRelDiff } from '../../backend/helpers.js';
import { smsaTrain, smsaValid, TINY } from './helpers.js';

type Tf = typeof TfCore;
type Tensor = TfCore.Tensor;
type Layer = TfLayers.layers.Layer;

let tf: Tf;
let layers: typeof TfLayers;
let fused: FusedRecurrentLayers;

beforeAll(async () => {
  await useBackend('cpu');
  ({ tf, layers } = await loadTf());
  fused = await fusedRecurrentLayers();
});

afterEach(() => {
  delete process.env.ULASAN_FUSED_RNN;
});

const TOL = 1e-4;

/** Output and gradients (of sum(y²)) w.r.t. the input and every trainable weight. */
function valueAndGrads(layer: Layer, x: Tensor, kwargs: Record<string, unknown> = {}): number[][] {
  return tf.tidy(() => {
    const weights = layer.trainableWeights.map((w) => w.read());
    const y = layer.apply(x, kwargs) as Tensor;
    const grads = tf.grads((xx: Tensor, ..._w: Tensor[]) => tf.sum(tf.square(layer.apply(xx, kwargs) as Tensor)))([
      x,
      ...weights,
    ]);
    return [y, ...grads].map((t) => Array.from(t.dataSync()));
  });
}

/** Builds `stock` and `fast` on x and copies the stock weights (random bias too) into the fused one. */
function pair(stock: Layer, fast: Layer, x: Tensor): void {
  tf.tidy(() => {
    stock.apply(x);
    fast.apply(x);
    const weights = stock.getWeights().map((w, i) => (i === 2 ? tf.randomNormal(w.shape, 0, 0.5, 'float32', 7) : w));
    stock.setWeights(weights);
    fast.setWeights(weights);
  });
}

function expectClose(a: number[][], b: number[][]): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(maxRelDiff(a[i] as number[], b[i] as number[])).toBeLessThan(TOL);
}

function randomInput(shape: number[], seed: number): Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

const kinds = ['lstm', 'gru'] as const;

function make(kind: (typeof kinds)[number], impl: 'stock' | 'fused', args: Record<string, unknown>): Layer {
  const factory = impl === 'stock' ? layers.layers : fused;
  return (kind === 'lstm' ? factory.lstm(args as never) : factory.gru(args as never)) as unknown as Layer;
}

describe('fused layers agree with the stock layers', () => {
  for (const kind of kinds) {
    for (const returnSequences of [true, false]) {
      for (const recurrentActivation of ['hardSigmoid', 'sigmoid'] as const) {
        it(`${kind}, returnSequences ${returnSequences}, ${recurrentActivation} gates: values and gradients`, () => {
          const args = { units: 8, returnSequences, recurrentActivation };
          const stock = make(kind, 'stock', args);
          const fast = make(kind, 'fused', args);
          const x = randomInput([5, 9, 6], 11);
          pair(stock, fast, x);
          expectClose(valueAndGrads(fast, x), valueAndGrads(stock, x));
          expect((fast as unknown as { fusedKernel?: unknown }).fusedKernel).toBeDefined();
          x.dispose();
        });
      }
    }
  }

  it('weight gradients alone (input not differentiated, so its gradient is skipped)', () => {
    for (const kind of kinds) {
      const args = { units: 8, returnSequences: false };
      const stock = make(kind, 'stock', args);
      const fast = make(kind, 'fused', args);
      const x = randomInput([4, 6, 5], 8);
      pair(stock, fast, x);
      const weightGrads = (layer: Layer) =>
        tf.tidy(() => {
          const { grads } = tf.variableGrads(
            () => tf.sum(tf.square(layer.apply(x) as Tensor)) as TfCore.Scalar,
            layer.trainableWeights.map((w) => w.read() as TfCore.Variable),
          );
          return Object.values(grads).map((g) => Array.from(g.dataSync()));
        });
      const spy = vi.spyOn(RecurrentKernel.prototype, 'inputGradient');
      const fastGrads = weightGrads(fast);
      expect(spy).not.toHaveBeenCalled();
      spy.mockRestore();
      expectClose(fastGrads, weightGrads(stock));
      x.dispose();
    }
  });

  it('gru without bias, and relu/sigmoid cell activations', () => {
    for (const kind of kinds) {
      const args = {
        units: 4,
        returnSequences: true,
        useBias: false,
        activation: 'relu',
        recurrentActivation: 'sigmoid',
      };
      const stock = make(kind, 'stock', args);
      const fast = make(kind, 'fused', args);
      const x = randomInput([3, 6, 5], 3);
      tf.tidy(() => {
        stock.apply(x);
        fast.apply(x);
        fast.setWeights(stock.getWeights());
      });
      expectClose(valueAndGrads(fast, x), valueAndGrads(stock, x));
      x.dispose();
    }
  });

  it('goBackwards and Bidirectional (both directions fused, same weight names)', () => {
    for (const returnSequences of [true, false]) {
      const inner = { units: 8, returnSequences, unitForgetBias: true, name: `inner_${returnSequences}` };
      const outer = { mergeMode: 'concat' as const, name: `bidi_${returnSequences}` };
      const stock = layers.layers.bidirectional({ ...outer, layer: layers.layers.lstm(inner) as never });
      const fast = fused.bidirectional({ ...outer, layer: layers.layers.lstm(inner) as never });
      const inners = fast as unknown as { forwardLayer: unknown; backwardLayer: unknown };
      expect(fused.isFused(inners.forwardLayer) && fused.isFused(inners.backwardLayer)).toBe(true);
      const x = randomInput([4, 7, 5], 5);
      tf.tidy(() => {
        stock.apply(x);
        fast.apply(x);
        fast.setWeights(stock.getWeights().map((w) => tf.randomNormal(w.shape, 0, 0.4, 'float32', w.size)));
        stock.setWeights(fast.getWeights());
      });
      expect(fast.weights.map((w) => w.originalName)).toEqual(stock.weights.map((w) => w.originalName));
      expectClose(valueAndGrads(fast, x), valueAndGrads(stock, x));
      x.dispose();
    }
  });

  it('input dropout: the same mask as the stock cell for the same random draws', () => {
    for (const kind of kinds) {
      const args = { units: 8, returnSequences: true, dropout: 0.4 };
      const stock = make(kind, 'stock', args);
      const fast = make(kind, 'fused', args);
      const x = randomInput([6, 5, 10], 9);
      pair(stock, fast, x);
      const train = { training: true };
      const a = withSeededMathRandom(42, () => valueAndGrads(fast, x, train));
      const b = withSeededMathRandom(42, () => valueAndGrads(stock, x, train));
      expectClose(a, b);
      // and dropout is really applied: inference differs from training
      const inference = valueAndGrads(fast, x);
      expect(maxRelDiff(inference[0] as number[], a[0] as number[])).toBeGreaterThan(1e-2);
      for (const layer of [stock, fast]) {
        const cell = (layer as unknown as { cell: { dropoutMask: Tensor[] | null } }).cell;
        for (const m of cell.dropoutMask ?? []) m.dispose();
        cell.dropoutMask = null;
      }
      x.dispose();
    }
  });

  it('falls back to the stock computation for options the kernel does not implement', async () => {
    const x = randomInput([3, 4, 5], 1);
    for (const args of [
      { units: 8, recurrentDropout: 0.3 },
      { units: 6 }, // units not divisible by 4
      { units: 8, activation: 'elu' },
    ]) {
      const stock = make('lstm', 'stock', args);
      const fast = make('lstm', 'fused', args);
      pair(stock, fast, x);
      expectClose(valueAndGrads(fast, x), valueAndGrads(stock, x));
      expect((fast as unknown as { fusedKernel?: unknown }).fusedKernel).toBeUndefined();
    }
    // Other backends (GPU, native) keep the stock computation: a cpu backend under another name.
    const name = 'ulasan-test-other';
    const { MathBackendCPU } = await import('@tensorflow/tfjs-backend-cpu');
    tf.registerBackend(name, () => new MathBackendCPU());
    for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: name });
    const other = make('lstm', 'fused', { units: 8 });
    try {
      await tf.setBackend(name);
      const xo = randomInput([3, 4, 5], 1);
      tf.tidy(() => {
        other.apply(xo);
      });
      xo.dispose();
    } finally {
      await useBackend('cpu');
      tf.removeBackend(name);
    }
    expect((other as unknown as { fusedKernel?: unknown }).fusedKernel).toBeUndefined();
    process.env.ULASAN_FUSED_RNN = '0';
    const off = make('gru', 'fused', { units: 8 });
    off.apply(x);
    expect((off as unknown as { fusedKernel?: unknown }).fusedKernel).toBeUndefined();
    x.dispose();
  });

  it('runs on the wasm backend too', async () => {
    try {
      await useBackend('wasm');
      for (const kind of kinds) {
        const args = { units: 8, returnSequences: false };
        const stock = make(kind, 'stock', args);
        const fast = make(kind, 'fused', args);
        const x = randomInput([4, 6, 5], 2);
        pair(stock, fast, x);
        expectClose(valueAndGrads(fast, x), valueAndGrads(stock, x));
        x.dispose();
      }
    } finally {
      await useBackend('cpu');
    }
  });
});

describe('fused layers are the stock layers to the rest of tfjs', () => {
  it('serialize as LSTM/GRU, and weights move between fused and stock models', async () => {
    const spec = resolveDeepModelSpec('gru', { vocabSize: 50, maxLen: 6, numClasses: 3 }, { units: 8 });
    const model = await buildDeepTextModel(spec);
    const recurrent = model.getLayer('recurrent_1');
    expect(fused.isFused(recurrent)).toBe(true);
    expect(recurrent.getClassName()).toBe('GRU');
    const json = model.toJSON(null, false) as unknown as Record<string, unknown>;
    const restored = await layers.models.modelFromJSON({ modelTopology: json } as never);
    expect(fused.isFused(restored.getLayer('recurrent_1'))).toBe(false);
    restored.setWeights(model.getWeights());
    const x = tf.tensor2d([1, 4, 9, 2, 0, 0, 7, 7, 3, 1, 1, 2], [2, 6], 'int32');
    const a = model.predict(x) as Tensor;
    const b = restored.predict(x) as Tensor;
    expect(maxRelDiff(a.dataSync(), b.dataSync())).toBeLessThan(TOL);
    tf.dispose([a, b, x]);
    expect((recurrent as unknown as { fusedKernel?: unknown }).fusedKernel).toBeDefined();
    model.dispose();
    restored.dispose();
    // disposing the model releases the layer's kernel memory too
    expect((recurrent as unknown as { fusedKernel?: unknown }).fusedKernel).toBeUndefined();
  });

  it('leaves no tensors behind after repeated predict and gradient calls', () => {
    const layer = make('lstm', 'fused', { units: 8, returnSequences: true, dropout: 0.2 });
    const x = randomInput([3, 4, 5], 4);
    valueAndGrads(layer, x, { training: true });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      valueAndGrads(layer, x, { training: true });
      tf.tidy(() => {
        layer.apply(x);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('the WASM SIMD matrix product', () => {
  it('matches a naive product on shapes with remainders, with and without transposes', () => {
    for (const [m, k, n] of [
      [1, 1, 1],
      [7, 300, 13],
      [33, 5, 70],
      [70, 600, 24],
    ] as const) {
      const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
      const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.7));
      const ref = new Float64Array(m * n);
      for (let i = 0; i < m; i++)
        for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) ref[i * n + j] += a[i * k + p]! * b[p * n + j]!;
      expect(maxRelDiff(simdMatMul(a, b, m, k, n), ref)).toBeLessThan(1e-4);
      const at = new Float32Array(k * m);
      const bt = new Float32Array(n * k);
      for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) at[p * m + i] = a[i * k + p]!;
      for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) bt[j * k + p] = b[p * n + j]!;
      const both = simdMatMul(at, bt, m, k, n, { transposeA: true, transposeB: true });
      expect(maxRelDiff(both, ref)).toBeLessThan(1e-4);
    }
    expect(() => simdMatMul(new Float32Array(3), new Float32Array(4), 2, 2, 2)).toThrow(/expected 2×2/);
  });
});

describe('training the deep classifiers: fused and stock follow the same loss trajectory', () => {
  const cases: [string, () => DeepTextClassifier][] = [
    ['lstm', () => new LstmClassifier({ ...TINY, units: 8, epochs: 3, seed: 5 })],
    ['gru', () => new GruClassifier({ ...TINY, units: 8, epochs: 3, seed: 5 })],
    ['cnn-lstm', () => new CnnLstmClassifier({ ...TINY, units: 8, epochs: 3, seed: 5 })],
  ];
  for (const [name, create] of cases) {
    it(name, async () => {
      const train = async () => {
        const model = create();
        await model.fit(smsaTrain.texts, smsaTrain.labels, {
          validation: { inputs: smsaValid.texts, labels: smsaValid.labels },
        });
        return model.history ?? [];
      };
      const fast = await train();
      process.env.ULASAN_FUSED_RNN = '0';
      const stock = await train();
      expect(fast.length).toBe(3);
      const losses = (h: typeof fast) => h.flatMap((l) => [l['loss'] as number, l['valLoss'] as number]);
      expect(maxRelDiff(losses(fast), losses(stock))).toBeLessThan(1e-3);
      // it learned something: training loss went down
      expect((fast[2]?.['loss'] as number) < (fast[0]?.['loss'] as number)).toBe(true);
    });
  }
});
