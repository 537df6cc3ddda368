/**
 * Shared helpers of the deep-model tests: real SmSA rows (from the shared fixtures), tiny model
 * options so every fit takes a few steps, and the cpu backend (reproducible across machines).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../../../src/backend/backends.js';
import { loadTf } from '../../../src/backend/tf.js';
import type { DeepTextClassifierOptions } from '../../../src/text/models/deep/deep-text-classifier.js';
import { readSmsaFixture } from '../../conformance/classifier-conformance.js';

/** 297 real SmSA training rows and 126 validation rows. */
export const smsaTrain = readSmsaFixture('smsa-sample.tsv');
export const smsaValid = readSmsaFixture('smsa-valid-sample.tsv');

/** A network small enough that one epoch over ~300 texts takes well under a second of compute. */
export const TINY: DeepTextClassifierOptions = {
  units: 4,
  embeddingDim: 8,
  maxLen: 12,
  filters: 4,
  kernelSize: 3,
  epochs: 1,
  batchSize: 64,
  minCount: 1,
  maxVocabulary: 800,
};

/** Selects the pure-JS cpu backend and returns tfjs. */
export async function cpuTf() {
  await useBackend('cpu');
  return (await loadTf()).tf;
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'ulasan-deep-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Flattened copies of every weight of a model. */
export function weightValues(model: { getWeights(): { dataSync(): ArrayLike<number> }[] }): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}
