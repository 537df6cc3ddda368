import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/backends.js';
import { runGrid } from '../../src/experiments/index.js';
import { FaceExpressionClassifier, loadImageFolder, visionClassifierFactory } from '../../src/vision/index.js';
import { perClass, SHARED_FACES, tempDir } from './helpers.js';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('vision models in the experiments runner', () => {
  it('runs a seed-000-style grid (optimizer axis) on image paths with one shared feature cache', async () => {
    const data = await loadImageFolder(SHARED_FACES);
    const train = perClass(data.train.paths, data.train.labels, 8);
    const valid = perClass(data.valid?.paths ?? [], data.valid?.labels ?? [], 4);
    const cacheDir = await tempDir('ulasan-grid-cache-');
    const out = await tempDir('ulasan-grid-');
    const result = await runGrid(
      {
        name: 'seed-000-mini',
        data: {
          train: { inputs: train.paths, labels: train.labels },
          valid: { inputs: valid.paths, labels: valid.labels },
        },
        fixed: { epochs: 3, batchSize: 16, faceMode: 'none' },
        grid: { learningRate: [4e-4], optimizer: ['adam', 'adamax'] },
      },
      { out, classifierFactory: visionClassifierFactory({ cacheDir }) },
    );
    expect(result.results).toHaveLength(2);
    for (const r of result.results) expect(r.valid?.accuracy).toBeGreaterThanOrEqual(0);
    expect(() => visionClassifierFactory()({ learningrate: 1e-3 })).toThrow(
      /Unknown vision option\(s\) "learningrate"/,
    );
    expect(visionClassifierFactory()({ optimizer: 'adamax' })).toBeInstanceOf(FaceExpressionClassifier);
  });
});
