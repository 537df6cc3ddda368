/**
 * Every kernel our models need, for training and inference, exists on cpu and wasm (with ulasan's
 * kernels registered) and gives the same losses, gradients, predictions and optimizer updates as
 * the stock cpu kernels.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/backends.js';
import { REQUIRED_KERNELS } from '../../src/backend/required-kernels.js';
import { loadTf } from '../../src/backend/tf.js';
import { maxRelDiff, withStockCpu } from './helpers.js';
import { MODEL_SPECS, type ModelSpec, OPTIMIZERS } from './model-specs.js';

let tf: typeof TfCore;
let layers: typeof TfLayers;
beforeAll(async () => {
  ({ tf, layers } = await loadTf());
});

interface StepResult {
  loss: number;
  grads: number[][];
  predictions: number[];
  kernels: string[];
}

/** Builds `spec` with `weights` (or fresh ones), computes loss, gradients and predictions. */
async function step(spec: ModelSpec, weights?: number[][]): Promise<StepResult & { weights: number[][] }> {
  const model = spec.build(layers);
  if (weights) model.setWeights(weights.map((w, i) => tf.tensor(w, model.getWeights()[i].shape)));
  const initial = model.getWeights().map((w) => Array.from(w.dataSync()));
  const { x, y } = spec.batch(tf);
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: TfCore.Variable }).val);
  let result: { value: TfCore.Scalar; grads: Record<string, TfCore.Tensor> } | undefined;
  const profile = await tf.profile(() => {
    result = tf.variableGrads(() => {
      const out = model.apply(x, { training: true }) as TfCore.Tensor;
      return tf.mean(layers.metrics[spec.loss](y, out)) as TfCore.Scalar;
    }, vars);
  });
  const r = result as NonNullable<typeof result>;
  const predictions = tf.tidy(() => Array.from((model.predict(x) as TfCore.Tensor).dataSync()));
  const out = {
    loss: r.value.dataSync()[0],
    grads: vars.map((v) => Array.from(r.grads[v.name].dataSync())),
    predictions,
    kernels: profile.kernelNames,
    weights: initial,
  };
  tf.dispose([r.value, ...Object.values(r.grads), x, y]);
  model.dispose();
  return out;
}

describe.each(MODEL_SPECS)('$name', (spec) => {
  let reference: StepResult & { weights: number[][] };
  beforeAll(async () => {
    reference = await withStockCpu(tf, () => step(spec));
  });

  it('needs only kernels listed in REQUIRED_KERNELS', () => {
    const used = reference.kernels.filter((k) => !k.endsWith('__op'));
    expect(used.filter((k) => !REQUIRED_KERNELS.includes(k))).toEqual([]);
  });

  it.each(['cpu', 'wasm'] as const)(
    'matches the stock cpu kernels on %s (loss, gradients, predictions)',
    async (name) => {
      await useBackend(name);
      for (const k of REQUIRED_KERNELS) expect(tf.getKernel(k, name), k).toBeDefined();
      const ours = await step(spec, reference.weights);
      expect(Math.abs(ours.loss - reference.loss)).toBeLessThan(1e-5);
      expect(ours.grads.length).toBe(reference.grads.length);
      for (let i = 0; i < ours.grads.length; i++) {
        const scale = Math.max(1e-6, ...reference.grads[i].map(Math.abs));
        expect(
          maxRelDiff(
            ours.grads[i].map((v) => v / scale),
            reference.grads[i].map((v) => v / scale),
          ),
        ).toBeLessThan(1e-4);
      }
      expect(maxRelDiff(ours.predictions, reference.predictions)).toBeLessThan(1e-5);
    },
  );
});

describe('optimizer updates', () => {
  async function run(optimizer: (typeof OPTIMIZERS)[number]): Promise<number[]> {
    const v = tf.variable(tf.tensor1d([0.5, -1, 2, 0, 3e-3, -0.25]));
    const o = {
      adam: tf.train.adam(0.01),
      adamax: tf.train.adamax(0.01),
      rmsprop: tf.train.rmsprop(0.01),
      sgd: tf.train.sgd(0.1),
    }[optimizer];
    for (let i = 0; i < 3; i++) {
      o.minimize(() => tf.sum(tf.mul(tf.square(v), tf.tensor1d([1, 2, 3, 4, 5, 6]))) as TfCore.Scalar, false, [v]);
    }
    const values = Array.from(v.dataSync());
    v.dispose();
    o.dispose();
    return values;
  }
  it.each(OPTIMIZERS)('%s updates agree on wasm and cpu', async (optimizer) => {
    await useBackend('cpu');
    const onCpu = await run(optimizer);
    await useBackend('wasm');
    const onWasm = await run(optimizer);
    expect(maxRelDiff(onWasm, onCpu)).toBeLessThan(1e-5);
    expect(onCpu).not.toEqual([0.5, -1, 2, 0, 3e-3, -0.25]);
  });
});
