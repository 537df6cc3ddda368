/**
 * The four deep text kinds through the exported conformance suite of `ulasan/testing`: tiny
 * networks (one epoch, 4 units) on 120 real SmSA rows, on the reproducible cpu backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runClassifierConformance } from '../../src/testing/index.js';
import { createTextClassifier, loadTextClassifier } from '../../src/text/models/registry.js';
import { cpuTf, smsaTrain, TINY } from '../text/deep/helpers.js';

beforeAll(async () => {
  await cpuTf();
});

describe('ulasan/testing: every deep text kind follows the classifier contract', () => {
  for (const model of ['lstm', 'bilstm', 'gru', 'cnn-lstm']) {
    it(model, async () => {
      const tf = await cpuTf();
      const before = tf.memory().numTensors;
      const report = await runClassifierConformance({
        name: model,
        create: () => createTextClassifier({ model, seed: 7, ...TINY }),
        inputs: smsaTrain.texts.slice(0, 120),
        labels: smsaTrain.labels.slice(0, 120),
        load: loadTextClassifier,
        tolerance: 1e-5,
      });
      expect(report.checks.every((c) => c.status === 'passed')).toBe(true);
      // Every classifier the suite made was disposed: no network outlives it.
      expect(tf.memory().numTensors).toBe(before);
    }, 60_000);
  }
});
