import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/backends.js';
import { loadTf } from '../../src/backend/tf.js';
import {
  buildResNet18,
  buildResNet34,
  buildResNet50,
  FaceExpressionClassifier,
  loadWeightsByName,
  saveLayersModel,
} from '../../src/vision/index.js';
import { FIXTURES, tempDir } from './helpers.js';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('buildResNet50', () => {
  it('matches keras.applications.ResNet50: 25,636,712 parameters and the same layer names', async () => {
    const { model } = await buildResNet50();
    try {
      expect(model.countParams()).toBe(25_636_712);
      expect(model.layers).toHaveLength(177);
      const names = model.layers.map((l) => l.name);
      for (const n of [
        'conv1_pad',
        'conv1_conv',
        'conv1_bn',
        'conv1_relu',
        'pool1_pad',
        'pool1_pool',
        'conv2_block1_0_conv',
        'conv2_block1_1_conv',
        'conv2_block1_3_bn',
        'conv2_block1_add',
        'conv2_block3_out',
        'conv3_block4_out',
        'conv4_block6_out',
        'conv5_block1_0_conv',
        'conv5_block3_out',
        'avg_pool',
        'predictions',
      ])
        expect(names).toContain(n);
      expect(names.filter((n) => n.endsWith('_0_conv'))).toHaveLength(4); // one projection per stage
      expect(model.getLayer('conv1_conv').getWeights()[0]?.shape).toEqual([7, 7, 3, 64]);
      expect(model.getLayer('conv4_block6_3_conv').getWeights()[0]?.shape).toEqual([1, 1, 256, 1024]);
      expect(model.getLayer('predictions').getWeights()[0]?.shape).toEqual([2048, 1000]);
      expect(model.outputs[0]?.shape).toEqual([null, 1000]);
    } finally {
      model.dispose();
    }
  });

  it('without the top gives pooled 2048-d features, and runs at small input sizes', async () => {
    const { tf } = await loadTf();
    const { model } = await buildResNet50({ includeTop: false, pooling: 'avg', inputShape: [32, 32, 3] });
    try {
      expect(model.countParams()).toBe(23_587_712); // 25,636,712 − 2048×1000 − 1000
      const y = model.predict(tf.randomNormal([2, 32, 32, 3])) as import('@tensorflow/tfjs-core').Tensor;
      expect(y.shape).toEqual([2, 2048]);
      expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
      y.dispose();
    } finally {
      model.dispose();
    }
  });

  it('rejects bad options', async () => {
    await expect(buildResNet50({ inputShape: [16, 16, 3] })).rejects.toThrow(/≥ 32/);
    await expect(buildResNet50({ classes: 0 })).rejects.toThrow(/classes must be a positive integer/);
    await expect(buildResNet50({ weights: 'https://example.com/model.json' })).rejects.toThrow(/never downloads/);
  });

  it('loads weights by layer name, skipping a top with another class count (Keras by_name)', async () => {
    const dir = await tempDir('ulasan-r50-');
    const a = (await buildResNet50({ inputShape: [32, 32, 3], classes: 5, seed: 1 })).model;
    await saveLayersModel(a, dir);
    const b = (await buildResNet50({ inputShape: [32, 32, 3], classes: 1000, seed: 2 })).model;
    try {
      const before = b.getLayer('conv3_block2_2_conv').getWeights()[0]?.dataSync()[0];
      const report = await loadWeightsByName(b, dir);
      expect(report.shapeMismatch.map((s) => s.split(' ')[0])).toEqual(['predictions/kernel', 'predictions/bias']);
      expect(report.missing).toEqual([]);
      expect(report.loaded).toContain('conv1_conv/kernel');
      expect(report.loaded).toContain('conv5_block3_3_bn/moving_variance');
      for (const name of ['conv1_conv', 'conv3_block2_2_conv', 'conv5_block3_3_bn']) {
        const wa = a.getLayer(name).getWeights();
        const wb = b.getLayer(name).getWeights();
        wa.forEach((t, i) => {
          const x = t.dataSync();
          const y = wb[i]?.dataSync() as Float32Array;
          expect(y.length).toBe(x.length);
          expect(x.every((v, j) => v === y[j])).toBe(true);
        });
      }
      expect(b.getLayer('conv3_block2_2_conv').getWeights()[0]?.dataSync()[0]).not.toBe(before);
      // a model with a different architecture shares no names
      const small = (await buildResNet18({ inputShape: [32, 32, 3], includeTop: false })).model;
      const r18 = await loadWeightsByName(small, dir);
      expect(r18.shapeMismatch.length + r18.missing.length).toBeGreaterThan(0);
      await expect(loadWeightsByName(small, dir, { strict: true })).rejects.toThrow(/do not match the model/);
      small.dispose();
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe('ResNet18 / ResNet34', () => {
  it('build behind the same interface with 512-d pooled features', async () => {
    const { tf } = await loadTf();
    for (const [build, params] of [
      [buildResNet18, 11_190_912],
      [buildResNet34, 21_310_208],
    ] as const) {
      const { model } = await build({ includeTop: false, pooling: 'avg', inputShape: [32, 32, 3] });
      expect(model.countParams()).toBe(params);
      expect(model.getLayer('conv5_block2_out')).toBeDefined();
      const y = model.predict(tf.zeros([1, 32, 32, 3])) as import('@tensorflow/tfjs-core').Tensor;
      expect(y.shape).toEqual([1, 512]);
      y.dispose();
      model.dispose();
    }
  });
});

describe('ResNet50 transfer learning and fine-tuning (tiny input)', () => {
  it('trains the head, fine-tunes only conv5_*, and saves/loads with its backbone', async () => {
    const { loadImageFolder } = await import('../../src/vision/index.js');
    const data = await loadImageFolder(join(FIXTURES, 'faces'), { validationSplit: 0 });
    const model = new FaceExpressionClassifier({
      backbone: 'resnet50',
      inputSize: 32,
      faceMode: 'none',
      epochs: 2,
      batchSize: 8,
      hiddenUnits: 16,
      fineTune: { epochs: 1, learningRate: 1e-4, batchSize: 11 },
      seed: 3,
    });
    // Snapshot the backbone after head training (the last head epoch), before fine-tuning starts.
    const backboneOf = () =>
      (model as unknown as { backbone: { model: import('@tensorflow/tfjs-layers').LayersModel } }).backbone.model;
    const names = ['conv2_block1_1_conv', 'conv4_block6_3_conv', 'conv5_block3_3_conv', 'conv5_block1_0_conv'];
    let before: Float32Array[] = [];
    await model.fit(data.train.paths, data.train.labels, {
      callbacks: {
        onEpochEnd: (epoch) => {
          if (epoch === 1)
            before = names.map((n) => backboneOf().getLayer(n).getWeights()[0]?.dataSync() as Float32Array);
        },
      },
    });
    const h = model.history;
    expect(h).toHaveLength(3);
    expect(h[2]?.phase).toBe(1);
    expect(h.every((l) => Number.isFinite(l.loss))).toBe(true);
    const maxDiff = (k: number) => {
      const a = backboneOf()
        .getLayer(names[k] as string)
        .getWeights()[0]
        ?.dataSync() as Float32Array;
      const b = before[k] as Float32Array;
      let m = 0;
      for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
      return m;
    };
    expect(maxDiff(0)).toBe(0); // frozen stages stay
    expect(maxDiff(1)).toBe(0);
    expect(maxDiff(2)).toBeGreaterThan(1e-6); // the last stage moved
    expect(maxDiff(3)).toBeGreaterThan(1e-6);
    const probs = await model.predictProba(data.train.paths.slice(0, 3));
    const dir = await tempDir('ulasan-vision-ft-');
    await model.save(dir);
    const loaded = await FaceExpressionClassifier.load(dir);
    const again = await loaded.predictProba(data.train.paths.slice(0, 3));
    for (const [i, row] of again.entries())
      for (const [j, p] of row.entries()) expect(p).toBeCloseTo(probs[i]?.[j] as number, 4);
    await model.dispose();
    await loaded.dispose();
  });
});
