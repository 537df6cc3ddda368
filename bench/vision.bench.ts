/**
 * Vision benchmarks: image preprocessing (decode + resize to 224 + Keras caffe mode), ResNet50
 * forward passes (batch 8, 224×224) on the cpu and wasm backends (and webgpu when a GPU is
 * present), face detection and face-api feature extraction, head training on cached features,
 * and the feature-cache speedup (first head epoch, which pays for feature extraction, vs the
 * second epoch on cached features; and a second run reading the on-disk cache).
 *
 * No PyTorch/TensorFlow reference is installed on the benchmark machine, so those rows note the
 * reference as skipped.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as tfc from '@tensorflow/tfjs-core';
import { backendInfo, useBackend } from '../src/backend/backends.js';
import { loadTf } from '../src/backend/tf.js';
import {
  buildResNet50,
  FaceExpressionClassifier,
  FaceExpressionNet,
  loadImageFolder,
  preprocessPixels,
  readImage,
  resizeImage,
  TinyFaceDetector,
} from '../src/vision/index.js';
import { type Bench, type BenchRow, median, timeRepeats } from './harness.js';

const FACES = fileURLToPath(new URL('../../shared/data/faces/', import.meta.url));
const NO_REFERENCE = 'no PyTorch/TensorFlow reference installed here';

const bench: Bench = async ({ quick, log }) => {
  const rows: BenchRow[] = [];
  const data = await loadImageFolder(FACES);
  const paths = data.train.paths;

  // 1. Preprocessing: decode JPEG, resize to 224×224 (sharp), caffe mode into a Float32 batch.
  const nPre = quick ? 32 : 128;
  const prePaths = paths.slice(0, nPre);
  const buf = new Float32Array(224 * 224 * 3);
  const preTimes = await timeRepeats(
    async () => {
      for (const p of prePaths) preprocessPixels((await resizeImage(await readImage(p), 224)).data, 'caffe', buf);
    },
    quick ? 1 : 3,
  );
  rows.push({
    name: 'preprocess: decode + resize 224 + caffe',
    metric: 'images/s',
    value: nPre / median(preTimes),
    notes: `${nPre} 350×350 JPEGs, sequential`,
  });
  log(`preprocess ${(nPre / median(preTimes)).toFixed(1)} images/s`);

  // 2. ResNet50 forward, batch 8, 224×224, per backend.
  const backends = ['wasm', 'cpu'];
  try {
    await useBackend('webgpu');
    backends.unshift('webgpu');
  } catch {
    log('webgpu not available: skipped');
  }
  for (const backend of backends) {
    await useBackend(backend);
    const { tf } = await loadTf();
    const { model } = await buildResNet50({ includeTop: false, pooling: 'avg' });
    const x = tf.randomNormal([8, 224, 224, 3]);
    const repeats = backend === 'cpu' || quick ? 1 : 3;
    const times = await timeRepeats(async () => {
      const y = model.predict(x) as tfc.Tensor;
      await y.data();
      y.dispose();
    }, repeats);
    rows.push({
      name: `ResNet50 forward batch 8 224×224 ${backendInfo().active}`,
      metric: 'images/s',
      value: 8 / median(times),
      notes: `median of ${repeats} after 1 warm-up; ${NO_REFERENCE}`,
    });
    log(`resnet50 ${backend}: ${(8 / median(times)).toFixed(2)} images/s`);
    x.dispose();
    model.dispose();
  }

  // 3. Face detection and face-api expression features (wasm).
  await useBackend('wasm');
  const faces = await Promise.all(paths.slice(0, quick ? 16 : 64).map((p) => readImage(p)));
  const detector = new TinyFaceDetector({ inputSize: 320 });
  const detTimes = await timeRepeats(async () => {
    for (const f of faces) await detector.detect(f);
  }, 1);
  rows.push({ name: 'Tiny Face Detector 320 wasm', metric: 'images/s', value: faces.length / median(detTimes) });
  const net = new FaceExpressionNet();
  const featTimes = await timeRepeats(async () => {
    for (let i = 0; i < faces.length; i += 16) await net.features(faces.slice(i, i + 16));
  }, 1);
  rows.push({
    name: 'expression-net features (112×112) wasm',
    metric: 'images/s',
    value: faces.length / median(featTimes),
  });
  await detector.dispose();
  await net.dispose();

  // 4–5. Head training on cached features and the caching speedup.
  const n = quick ? 150 : 750;
  // Every (750 / n)-th image, so all five classes are present.
  const step = Math.floor(paths.length / n);
  const pick = Array.from({ length: n }, (_, i) => i * step);
  const train = { paths: pick.map((i) => paths[i] as string), labels: pick.map((i) => data.train.labels[i] as string) };
  const cacheDir = await mkdtemp(join(tmpdir(), 'ulasan-bench-cache-'));
  try {
    const options = { faceMode: 'none' as const, epochs: 3, cacheDir, seed: 1 };
    const first = new FaceExpressionClassifier(options);
    await first.fit(train.paths, train.labels);
    const t = first.timing;
    const epoch1 = t.featureSeconds + (t.headEpochSeconds[0] as number);
    const epoch2 = t.headEpochSeconds[1] as number;
    rows.push({
      name: `head training on cached expression-net features (${n} images) wasm`,
      metric: 'samples/s',
      value: n / median(t.headEpochSeconds.slice(1)),
    });
    rows.push({
      name: 'feature caching: first head epoch (extract + train) / second epoch',
      metric: 'speedup ×',
      value: epoch1 / epoch2,
      notes: `first ${epoch1.toFixed(2)} s, second ${epoch2.toFixed(3)} s; target ≥ 20×`,
    });
    const second = new FaceExpressionClassifier(options);
    await second.fit(train.paths, train.labels);
    rows.push({
      name: 'feature caching: features from disk cache vs computed',
      metric: 'speedup ×',
      value: t.featureSeconds / second.timing.featureSeconds,
      notes: `computed ${t.featureSeconds.toFixed(2)} s, from disk ${second.timing.featureSeconds.toFixed(2)} s`,
    });
    log(`cache speedup ${(epoch1 / epoch2).toFixed(1)}×`);
    await first.dispose();
    await second.dispose();
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
  return rows;
};

export default bench;
