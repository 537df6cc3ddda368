/**
 * Adam fused into one in-place pass on the wasm backend (src/text/models/deep/fused/fused-adam.ts):
 * the same bits as tfjs' own Adam for weights and moments, a stock step where data is shared, and
 * the stock method on other backends.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { useBackend } from '../../../src/backend/backends.js';
import { loadTf } from '../../../src/backend/tf.js';
import { LstmClassifier } from '../../../src/text/models/deep/deep-text-classifier.js';
import { createOptimizer, snapshotOptimizer } from '../../../src/text/models/deep/optimizers.js';
import { smsaTrain, TINY } from './helpers.js';

let tf: typeof TfCore;
/** tfjs' own AdamOptimizer.applyGradients, counted: the fused path must not call it. */
let stockSteps: MockInstance;
beforeAll(async () => {
  await useBackend('wasm');
  ({ tf } = await loadTf());
  const prototype = Object.getPrototypeOf(tf.train.adam(0.1)) as { applyGradients(...a: unknown[]): void };
  stockSteps = vi.spyOn(prototype, 'applyGradients');
});
afterEach(() => {
  delete process.env.ULASAN_FUSED_ADAM;
  stockSteps.mockClear();
});
afterAll(() => useBackend('cpu'));

const bytes = (a: ArrayLike<number>) => Buffer.from(Float32Array.from(a).buffer);

/** Weights after a two-epoch fit of a tiny LSTM on real SmSA rows. */
async function trainedWeights(fused: boolean): Promise<Buffer[]> {
  if (!fused) process.env.ULASAN_FUSED_ADAM = '0';
  try {
    const model = new LstmClassifier({ ...TINY, epochs: 2, batchSize: 32, seed: 5 });
    await model.fit(smsaTrain.texts, smsaTrain.labels);
    const weights = (model.network as { getWeights(): TfCore.Tensor[] }).getWeights().map((w) => bytes(w.dataSync()));
    model.dispose();
    return weights;
  } finally {
    delete process.env.ULASAN_FUSED_ADAM;
  }
}

/** Variables and Adam state after `steps` steps on fixed gradients. */
async function adamSteps(fused: boolean, steps: number, share = false) {
  if (!fused) process.env.ULASAN_FUSED_ADAM = '0';
  const optimizer = await createOptimizer('adam', 0.01);
  const a = tf.tidy(() => tf.variable(tf.randomNormal([1003], 0, 1, 'float32', 1), true, `fa-a-${fused}-${share}`));
  const b = tf.tidy(() => tf.variable(tf.randomNormal([7, 5], 0, 1, 'float32', 2), true, `fa-b-${fused}-${share}`));
  // A tensor sharing a's data: an in-place step would change it too.
  const alias = share ? tf.reshape(a, [17, 59]) : undefined;
  const before = alias ? bytes(alias.dataSync()) : undefined;
  for (let s = 0; s < steps; s++) {
    tf.tidy(() => {
      const ga = tf.randomNormal([1003], 0, 1, 'float32', 10 + s);
      const gb = tf.mul(tf.randomNormal([7, 5], 0, 1, 'float32', 20 + s), 1e-3);
      // the list form is what minimize() passes
      optimizer.applyGradients(
        s % 2
          ? [
              { name: a.name, tensor: ga },
              { name: b.name, tensor: gb },
            ]
          : { [a.name]: ga, [b.name]: gb },
      );
    });
  }
  const snapshot = snapshotOptimizer('adam', optimizer);
  const out = {
    a: bytes(a.dataSync()),
    b: bytes(b.dataSync()),
    slots: Object.values(snapshot.slots).flatMap((list) => list.map((s) => bytes(s.values))),
    scalars: snapshot.scalars,
    iterations: snapshot.iterations,
    aliasUnchanged: alias && before ? bytes(alias.dataSync()).equals(before) : undefined,
  };
  alias?.dispose();
  a.dispose();
  b.dispose();
  optimizer.dispose();
  delete process.env.ULASAN_FUSED_ADAM;
  return out;
}

describe('fused Adam on wasm', () => {
  it("gives tfjs Adam's weights, moments, beta powers and step count bit for bit", async () => {
    const stock = await adamSteps(false, 5);
    expect(stockSteps).toHaveBeenCalledTimes(5);
    stockSteps.mockClear();
    const fused = await adamSteps(true, 5);
    expect(stockSteps).not.toHaveBeenCalled();
    expect(fused.a.equals(stock.a)).toBe(true);
    expect(fused.b.equals(stock.b)).toBe(true);
    expect(fused.slots).toHaveLength(4);
    expect(fused.slots.map((s, i) => s.equals(stock.slots[i] as Buffer))).toEqual([true, true, true, true]);
    expect(fused.scalars).toEqual(stock.scalars);
    expect(fused.iterations).toBe(5);
    // and it moved the weights at all
    expect(fused.a.equals((await adamSteps(true, 1)).a)).toBe(false);
  });

  it('never writes into data another tensor shares', async () => {
    const shared = await adamSteps(true, 3, true);
    expect(shared.aliasUnchanged).toBe(true);
    expect(stockSteps).not.toHaveBeenCalled();
    expect(shared.a.equals((await adamSteps(false, 3)).a)).toBe(true);
  });

  it('trains an LSTM on real SmSA rows to the same weights as the stock optimizer', async () => {
    const stock = await trainedWeights(false);
    const stockCalls = stockSteps.mock.calls.length;
    expect(stockCalls).toBeGreaterThan(10);
    stockSteps.mockClear();
    const fused = await trainedWeights(true);
    expect(stockSteps).not.toHaveBeenCalled();
    expect(fused.map((w, i) => w.equals(stock[i] as Buffer))).toEqual(stock.map(() => true));
  }, 60_000);
});
