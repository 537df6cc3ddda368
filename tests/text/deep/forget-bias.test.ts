import { describe, expect, it } from 'vitest';
import { ensureBackend, loadTf } from '../../../src/backend/index.js';
import { buildDeepTextModel, resolveDeepModelSpec } from '../../../src/text/models/deep/builders.js';

describe('LSTM forget-gate bias (Keras unit_forget_bias)', () => {
  for (const kind of ['lstm', 'bilstm', 'cnn-lstm'] as const) {
    it(`${kind}: starts every LSTM bias at [0, 1, 0, 0] per gate and leaks no tensors`, async () => {
      const { tf } = await loadTf();
      await ensureBackend();
      const before = tf.memory().numTensors;
      const spec = resolveDeepModelSpec(
        kind,
        { vocabSize: 50, maxLen: 6, numClasses: 3, embeddingDim: 8 },
        { units: 8, seed: 3 },
      );
      const model = await buildDeepTextModel(spec);
      const biases = model.weights.filter((w) => /\/bias$/.test(w.originalName) && w.shape[0] === 32);
      expect(biases.length).toBe(kind === 'bilstm' ? 4 : kind === 'cnn-lstm' ? 1 : 2);
      for (const b of biases) {
        const v = Array.from(b.read().dataSync());
        expect(v).toEqual([...new Array(8).fill(0), ...new Array(8).fill(1), ...new Array(16).fill(0)]);
      }
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
