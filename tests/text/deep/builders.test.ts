import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildDeepTextModel,
  DEEP_TEXT_MODEL_KINDS,
  resolveDeepModelSpec,
} from '../../../src/text/models/deep/builders.js';
import { cpuTf, weightValues } from './helpers.js';

let tf: Awaited<ReturnType<typeof cpuTf>>;
beforeAll(async () => {
  tf = await cpuTf();
});

const shape = { vocabSize: 40, maxLen: 10, numClasses: 3 };
const tiny = { units: 4, embeddingDim: 6, filters: 4, kernelSize: 3 };

describe('deep model builders', () => {
  it.each(DEEP_TEXT_MODEL_KINDS)('%s builds with the documented layers and a softmax output', async (kind) => {
    const model = await buildDeepTextModel(resolveDeepModelSpec(kind, shape, tiny));
    const names = model.layers.map((l) => l.getClassName());
    expect(names[0]).toBe('Embedding');
    expect(names.at(-1)).toBe('Dense');
    if (kind === 'cnn-lstm') {
      expect(names.slice(1, 3)).toEqual(['Conv1D', 'MaxPooling1D']);
      expect(names.filter((n) => n === 'LSTM')).toHaveLength(1); // seed 004: one LSTM after the convolution
      expect((model.getLayer('dropout_conv').getConfig() as { rate: number }).rate).toBe(0.3);
    } else {
      const rnn = { lstm: 'LSTM', gru: 'GRU', bilstm: 'Bidirectional' }[kind];
      expect(names.filter((n) => n === rnn)).toHaveLength(2); // seed 003: two recurrent layers
    }
    const y = tf.tidy(() => model.predict(tf.zeros([2, 10], 'int32')) as ReturnType<typeof tf.zeros>);
    expect(y.shape).toEqual([2, 3]);
    const sums = (tf.tidy(() => tf.sum(y, 1)).arraySync() as number[]).map((s) => Math.round(s * 1e5) / 1e5);
    expect(sums).toEqual([1, 1]);
    y.dispose();
    model.dispose();
  });

  it('puts L2 on each recurrent kernel with its own factor', async () => {
    const spec = resolveDeepModelSpec('lstm', shape, { ...tiny, l2: [0.005, 0.01] });
    const model = await buildDeepTextModel(spec);
    const l2Of = (name: string) =>
      (model.getLayer(name).getConfig() as { kernelRegularizer?: { config: { l2: number } } }).kernelRegularizer?.config
        .l2;
    expect(l2Of('recurrent_1')).toBeCloseTo(0.005, 8);
    expect(l2Of('recurrent_2')).toBeCloseTo(0.01, 8);
    model.dispose();
  });

  it('uses one sigmoid unit for two classes', async () => {
    const model = await buildDeepTextModel(resolveDeepModelSpec('gru', { ...shape, numClasses: 2 }, tiny));
    const out = model.getLayer('output').getConfig() as { units: number; activation: string };
    expect(out).toMatchObject({ units: 1, activation: 'sigmoid' });
    model.dispose();
  });

  it('gives identical initial weights for the same seed and different ones for another seed', async () => {
    const a = await buildDeepTextModel(resolveDeepModelSpec('lstm', shape, { ...tiny, seed: 3 }));
    const b = await buildDeepTextModel(resolveDeepModelSpec('lstm', shape, { ...tiny, seed: 3 }));
    const c = await buildDeepTextModel(resolveDeepModelSpec('lstm', shape, { ...tiny, seed: 4 }));
    expect(weightValues(a)).toEqual(weightValues(b));
    expect(weightValues(a)[1]).not.toEqual(weightValues(c)[1]);
    for (const m of [a, b, c]) m.dispose();
  });

  it('starts the embedding from given vectors and can freeze it', async () => {
    const spec = resolveDeepModelSpec('gru', shape, { ...tiny, trainableEmbeddings: false });
    const matrix = Float32Array.from({ length: 40 * 6 }, (_, i) => i / 100);
    const model = await buildDeepTextModel(spec, matrix);
    const emb = model.getLayer('embedding');
    expect(Array.from(emb.getWeights()[0]!.dataSync())).toEqual(Array.from(matrix));
    expect(emb.trainable).toBe(false);
    expect(model.trainableWeights.some((w) => w.originalName.startsWith('embedding'))).toBe(false);
    model.dispose();
    await expect(buildDeepTextModel(spec, new Float32Array(5))).rejects.toThrow(/embedding matrix has 5 values/);
  });

  it('rejects impossible specs with clear messages', () => {
    expect(() => resolveDeepModelSpec('lstm', { ...shape, numClasses: 1 })).toThrow(/at least 2 classes/);
    expect(() => resolveDeepModelSpec('lstm', shape, { l2: [0.1, 0.2, 0.3] })).toThrow(/one per layer/);
    expect(() => resolveDeepModelSpec('gru', shape, { dropout: 1.5 })).toThrow(/dropout must be in \[0, 1\)/);
    expect(() => resolveDeepModelSpec('transformer' as 'lstm', shape)).toThrow(/Unknown deep model kind/);
  });
});
