/**
 * The vision classifier through the exported conformance suite of `ulasan/testing`: a small head
 * (2 epochs, 8 hidden units) on the expression-net features of the 20 fixture faces.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/backends.js';
import { runClassifierConformance } from '../../src/testing/index.js';
import { FaceExpressionClassifier, loadImageFolder } from '../../src/vision/index.js';
import { FIXTURES } from '../vision/helpers.js';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('ulasan/testing: the vision classifier follows the classifier contract', () => {
  it('FaceExpressionClassifier', async () => {
    const data = await loadImageFolder(join(FIXTURES, 'faces'), { validationSplit: 0 });
    const report = await runClassifierConformance({
      create: () => new FaceExpressionClassifier({ faceMode: 'none', epochs: 2, hiddenUnits: 8, seed: 1 }),
      inputs: data.train.paths,
      labels: data.train.labels,
      probe: data.train.paths.slice(0, 6),
      load: (dir) => FaceExpressionClassifier.load(dir),
      tolerance: 1e-5,
    });
    expect(report.checks.every((c) => c.status === 'passed')).toBe(true);
    const params = new FaceExpressionClassifier({ epochs: 2 }).getParams();
    expect(params).toMatchObject({ epochs: 2, backbone: 'expression-net', batchSize: 32, seed: 42 });
  }, 60_000);
});
