/**
 * Fused Conv1D layer (issue 11) against the stock tfjs-layers Conv1D: values and gradients (input,
 * kernel, bias) on random inputs for both paddings, several kernel sizes and activations, on the
 * cpu and wasm backends; fallbacks; serialization; tensor hygiene; the wasm Slice/MaxPoolGrad
 * kernels the CNN-LSTM path relies on; and a short CNN-LSTM training run on SmSA text.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { winogradMatrices } from '../../../src/accel/wasm-kernels.js';
import { useBackend } from '../../../src/backend/backends.js';
import { installCustomKernels, restoreStockKernels } from '../../../src/backend/kernels/index.js';
import { loadTf } from '../../../src/backend/tf.js';
import { buildDeepTextModel, LAYER_NAMES, resolveDeepModelSpec } from '../../../src/text/models/deep/builders.js';
import { CnnLstmClassifier } from '../../../src/text/models/deep/deep-text-classifier.js';
import { type FusedConvLayers, fusedConvLayers } from '../../../src/text/models/deep/fused/fused-conv.js';
import { maxRelDiff } from '../../backend/helpers.js';
import { smsaTrain, smsaValid, TINY } from './helpers.js';

type Tf = typeof TfCore;
type Tensor = TfCore.Tensor;
type Layer = TfLayers.layers.Layer;

let tf: Tf;
let layers: typeof TfLayers;
let fused: FusedConvLayers;

beforeAll(async () => {
  await useBackend('cpu');
  ({ tf, layers } = await loadTf());
  fused = await fusedConvLayers();
});

afterEach(async () => {
  delete process.env.ULASAN_FUSED_CONV;
  delete process.env.ULASAN_WINOGRAD;
  if (tf.getBackend() !== 'cpu') await useBackend('cpu');
});

const TOL = 1e-4;

/** Output and gradients (of sum(y²)) w.r.t. the input and every trainable weight. */
function valueAndGrads(layer: Layer, x: Tensor): number[][] {
  return tf.tidy(() => {
    const weights = layer.trainableWeights.map((w) => w.read());
    const y = layer.apply(x) as Tensor;
    const grads = tf.grads((xx: Tensor, ..._w: Tensor[]) => tf.sum(tf.square(layer.apply(xx) as Tensor)))([
      x,
      ...weights,
    ]);
    return [y, ...grads].map((t) => Array.from(t.dataSync()));
  });
}

/**
 * Builds both layers on x and gives them the same seeded weights (Glorot-uniform kernel as the
 * layer's own initializer draws it, a random non-zero bias), so every run checks the same numbers.
 */
function pair(stock: Layer, fast: Layer, x: Tensor): void {
  tf.tidy(() => {
    stock.apply(x);
    fast.apply(x);
    const weights = stock.getWeights().map((w, i) => {
      if (i === 1) return tf.randomNormal(w.shape, 0, 0.5, 'float32', 7);
      const [fw = 1, ci = 1, co = 1] = w.shape;
      const limit = Math.sqrt(6 / (fw * ci + fw * co));
      return tf.randomUniform(w.shape, -limit, limit, 'float32', 3);
    });
    stock.setWeights(weights);
    fast.setWeights(weights);
  });
}

/** Largest |a − b| relative to the largest |b| (at least 1): the error measure for sums of many terms. */
function scaledDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return diff / scale;
}

/**
 * Values and gradients agree within 1e-5 of each tensor's largest magnitude (measured: ≤ 2e-6), and every element
 * within 1e-3 relative (1e-4 for the output). The Winograd filter gradient sums B·T products in a
 * transformed basis, so its small elements carry errors of ~1e-6 of the largest one.
 */
function expectClose(a: number[][], b: number[][]): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    expect(a[i]?.length).toBe(b[i]?.length);
    expect(scaledDiff(a[i] as number[], b[i] as number[])).toBeLessThan(1e-5);
    expect(maxRelDiff(a[i] as number[], b[i] as number[])).toBeLessThan(i === 0 ? TOL : 1e-3);
  }
}

const kernelOf = (layer: Layer) => (layer as unknown as { fusedKernel?: unknown }).fusedKernel;

type ConvArgs = Parameters<typeof TfLayers.layers.conv1d>[0];

const CASES: [string, ConvArgs, number[]][] = [
  [
    'same, relu, kernel 5 (the CNN-LSTM layer)',
    { filters: 16, kernelSize: 5, padding: 'same', activation: 'relu' },
    [3, 12, 10],
  ],
  ['same, even kernel 4, tanh', { filters: 7, kernelSize: 4, padding: 'same', activation: 'tanh' }, [2, 9, 5]],
  ['valid, linear, kernel 3', { filters: 5, kernelSize: 3, padding: 'valid' }, [4, 7, 6]],
  [
    'valid, sigmoid, kernel 1, no bias',
    { filters: 9, kernelSize: 1, useBias: false, activation: 'sigmoid' },
    [2, 4, 3],
  ],
  [
    'same, kernel longer than the sequence',
    { filters: 4, kernelSize: 7, padding: 'same', activation: 'relu' },
    [2, 3, 4],
  ],
  [
    'same, kernel 5 on 2 steps (one partial Winograd tile)',
    { filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' },
    [3, 2, 5],
  ],
  [
    'valid, kernel 5, a single output step',
    { filters: 3, kernelSize: 5, padding: 'valid', activation: 'tanh' },
    [2, 5, 9],
  ],
];

describe('the fused Conv1D agrees with the stock layer', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const [name, args, shape] of CASES) {
      it(`${backend}: ${name}: values and gradients`, async () => {
        await useBackend(backend);
        const stock = layers.layers.conv1d(args);
        const fast = fused.conv1d(args);
        const x = tf.randomNormal(shape, 0, 1, 'float32', 3);
        pair(stock, fast, x);
        expectClose(valueAndGrads(fast, x), valueAndGrads(stock, x));
        expect(kernelOf(fast)).toBeDefined();
        x.dispose();
      });
    }
  }

  it('the Winograd forward (kernel sizes 3-5) equals the direct product and stock at the CNN-LSTM shape', () => {
    const x = tf.randomNormal([4, 50, 100], 0, 1, 'float32', 21);
    for (const kernelSize of [3, 4, 5]) {
      const args: ConvArgs = { filters: 64, kernelSize, padding: 'same', activation: 'relu' };
      const stock = layers.layers.conv1d(args);
      const fast = fused.conv1d(args);
      pair(stock, fast, x);
      const winograd = valueAndGrads(fast, x);
      process.env.ULASAN_WINOGRAD = '0';
      const direct = valueAndGrads(fast, x);
      delete process.env.ULASAN_WINOGRAD;
      expectClose(winograd, direct);
      expectClose(winograd, valueAndGrads(stock, x));
    }
    x.dispose();
  });

  it('Winograd matrices reproduce a correlation exactly (in double precision)', () => {
    for (const r of [3, 4, 5]) {
      const { m, AT, G, BT } = winogradMatrices(r);
      const x = Array.from({ length: 8 }, (_, i) => Math.sin(3 * i + r));
      const g = Array.from({ length: r }, (_, k) => Math.cos(2 * k + 1));
      const u = Array.from({ length: 8 }, (_, e) => g.reduce((s, gk, k) => s + (G[e * r + k] as number) * gk, 0));
      const v = Array.from({ length: 8 }, (_, e) => x.reduce((s, xt, t) => s + (BT[e * 8 + t] as number) * xt, 0));
      for (let i = 0; i < m; i++) {
        const y = u.reduce((s, ue, e) => s + (AT[i * 8 + e] as number) * ue * (v[e] as number), 0);
        const direct = g.reduce((s, gk, k) => s + gk * (x[i + k] as number), 0);
        expect(Math.abs(y - direct)).toBeLessThan(1e-5);
      }
    }
  });

  it('weight gradients alone (the input gradient is skipped) and a batch above the inference chunk', () => {
    const args: ConvArgs = { filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' };
    const stock = layers.layers.conv1d(args);
    const fast = fused.conv1d(args);
    const x = tf.randomNormal([300, 5, 4], 0, 1, 'float32', 11);
    pair(stock, fast, x);
    const weightGrads = (layer: Layer) =>
      tf.tidy(() =>
        tf
          .grads((..._w: Tensor[]) => tf.sum(tf.square(layer.apply(x) as Tensor)))(
            layer.trainableWeights.map((w) => w.read()),
          )
          .map((g) => Array.from(g.dataSync())),
      );
    expectClose(weightGrads(fast), weightGrads(stock));
    // predict-style call (no tape): 300 sequences run as chunks of 256
    const predict = (layer: Layer) => tf.tidy(() => [Array.from((layer.apply(x) as Tensor).dataSync())]);
    expectClose(predict(fast), predict(stock));
    x.dispose();
  });

  it('falls back to the stock computation for options the kernel does not implement', () => {
    const x = tf.randomNormal([2, 9, 3], 0, 1, 'float32', 5);
    for (const args of [
      { filters: 4, kernelSize: 3, strides: 2 },
      { filters: 4, kernelSize: 3, dilationRate: 2 },
      { filters: 4, kernelSize: 3, activation: 'elu' },
    ] as ConvArgs[]) {
      const stock = layers.layers.conv1d(args);
      const fast = fused.conv1d(args);
      pair(stock, fast, x);
      // (tfjs has no gradient for dilated convolutions: values only there)
      const value = (l: Layer) => tf.tidy(() => [Array.from((l.apply(x) as Tensor).dataSync())]);
      const check = args.dilationRate ? value : (l: Layer) => valueAndGrads(l, x);
      expectClose(check(fast), check(stock));
      expect(kernelOf(fast)).toBeUndefined();
    }
    process.env.ULASAN_FUSED_CONV = '0';
    const off = fused.conv1d({ filters: 4, kernelSize: 3 });
    tf.tidy(() => {
      off.apply(x);
    });
    expect(kernelOf(off)).toBeUndefined();
    x.dispose();
  });
});

describe('the fused Conv1D is the stock layer to the rest of tfjs', () => {
  it('the CNN-LSTM builder uses it; it serializes as Conv1D and weights move to a stock model', async () => {
    const spec = resolveDeepModelSpec(
      'cnn-lstm',
      { vocabSize: 50, maxLen: 8, numClasses: 3 },
      { units: 8, filters: 8 },
    );
    const model = await buildDeepTextModel(spec);
    const conv = model.getLayer(LAYER_NAMES.conv);
    expect(fused.isFused(conv)).toBe(true);
    expect(conv.getClassName()).toBe('Conv1D');
    const json = model.toJSON(null, false) as unknown as Record<string, unknown>;
    const restored = await layers.models.modelFromJSON({ modelTopology: json } as never);
    expect(fused.isFused(restored.getLayer(LAYER_NAMES.conv))).toBe(false);
    restored.setWeights(model.getWeights());
    const x = tf.tensor2d([1, 4, 9, 2, 0, 0, 7, 7, 3, 1, 1, 2, 5, 5, 6, 0], [2, 8], 'int32');
    const a = model.predict(x) as Tensor;
    const b = restored.predict(x) as Tensor;
    expect(maxRelDiff(a.dataSync(), b.dataSync())).toBeLessThan(TOL);
    tf.dispose([a, b, x]);
    expect(kernelOf(conv)).toBeDefined();
    model.dispose();
    restored.dispose();
    expect(kernelOf(conv)).toBeUndefined();
  });

  it('leaves no tensors behind after repeated predict and gradient calls', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await useBackend(backend);
      const layer = fused.conv1d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' });
      const x = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 4);
      valueAndGrads(layer, x);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) {
        valueAndGrads(layer, x);
        tf.tidy(() => {
          layer.apply(x);
        });
      }
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    }
  });
});

/** Runs `fn` on `backend` with the stock kernels `names` instead of ours. */
async function withStock<T>(backend: 'cpu' | 'wasm', names: string[], fn: () => T): Promise<T> {
  await useBackend(backend);
  restoreStockKernels(tf, backend, names);
  try {
    return fn();
  } finally {
    installCustomKernels(tf, backend);
  }
}

describe('wasm kernels on the CNN-LSTM path', () => {
  it('Slice (contiguous and strided) equals the stock wasm kernel', async () => {
    const run = () => {
      const x = tf.randomNormal([6, 10, 4], 0, 1, 'float32', 9);
      const ints = tf.cast(tf.randomUniform([6, 10], -50, 50, 'float32', 10), 'int32');
      const parts = [
        tf.slice(x, [2], [3]),
        tf.slice(x, [1, 3], [2, 4]),
        tf.slice(ints, [4], [2]),
        tf.slice(ints, [0, 2], [6, 3]),
      ];
      const values = parts.map((t) => Array.from(t.dataSync()));
      tf.dispose([x, ints, ...parts]);
      return values;
    };
    await useBackend('wasm');
    const ours = run();
    expect(ours).toEqual(await withStock('wasm', ['Slice'], run));
  });

  it('MaxPoolGrad equals the stock cpu kernel (the stock wasm one drops gradients of 1×2 windows)', async () => {
    const run = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([6, 10, 4], 0, 1, 'float32', 9);
        const pool = (a: Tensor) =>
          tf.maxPool(tf.reshape(a, [6, 1, 10, 4]) as TfCore.Tensor4D, [1, 2], [1, 2], 'valid');
        const w = tf.randomNormal([6, 1, 5, 4], 0, 1, 'float32', 12);
        return Array.from(
          tf
            .grad((a: Tensor) => tf.sum(tf.mul(pool(a), w)))(x)
            .dataSync(),
        );
      });
    await useBackend('wasm');
    const ours = run();
    const reference = await withStock('cpu', ['MaxPoolGrad'], run);
    expect(ours).toEqual(reference);
    // each of the 6·5·4 windows passes its gradient to exactly one input
    expect(ours.filter((v) => v !== 0).length).toBe(120);
  });

  it('MaxPoolGrad: overlapping and padded windows, ties, channels not a multiple of 4 (cpu and wasm)', async () => {
    const run = () =>
      tf.tidy(() => {
        // Rounded values make ties common, so the first-maximum rule is exercised.
        const x = tf.round(tf.mul(tf.randomNormal([2, 7, 9, 6], 0, 1, 'float32', 31), 2)) as TfCore.Tensor4D;
        const out: number[] = [];
        for (const [size, stride, pad] of [
          [3, 2, 'same'],
          [[2, 3], [1, 2], 'valid'],
          [[1, 3], [1, 1], 'same'],
        ] as const) {
          const pool = (a: Tensor) =>
            tf.maxPool(a as TfCore.Tensor4D, size as [number, number], stride as [number, number], pad);
          const w = tf.randomNormal(pool(x).shape, 0, 1, 'float32', 32);
          out.push(
            ...tf
              .grad((a: Tensor) => tf.sum(tf.mul(pool(a), w)))(x)
              .dataSync(),
          );
        }
        return out;
      });
    const reference = await withStock('cpu', ['MaxPoolGrad'], run);
    // Same positions; sums of overlapping windows may round differently (stock sums per input).
    const nonZero = (v: number[]) => v.map((e) => e !== 0);
    for (const backend of ['cpu', 'wasm'] as const) {
      await useBackend(backend);
      const ours = run();
      expect(nonZero(ours)).toEqual(nonZero(reference));
      expect(maxRelDiff(ours, reference)).toBeLessThan(1e-6);
    }
  });
});

describe('training the CNN-LSTM classifier: fused and stock Conv1D follow the same loss trajectory', () => {
  it('cnn-lstm', async () => {
    const train = async () => {
      const model = new CnnLstmClassifier({ ...TINY, units: 8, epochs: 3, seed: 5 });
      await model.fit(smsaTrain.texts, smsaTrain.labels, {
        validation: { inputs: smsaValid.texts, labels: smsaValid.labels },
      });
      return model.history ?? [];
    };
    const fast = await train();
    process.env.ULASAN_FUSED_CONV = '0';
    const stock = await train();
    expect(fast.length).toBe(3);
    const losses = (h: typeof fast) => h.flatMap((l) => [l['loss'] as number, l['valLoss'] as number]);
    expect(maxRelDiff(losses(fast), losses(stock))).toBeLessThan(1e-3);
    expect((fast[2]?.['loss'] as number) < (fast[0]?.['loss'] as number)).toBe(true);
  });
});
