import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/backends.js';
import { loadTf } from '../../src/backend/tf.js';
import { UlasanError } from '../../src/internal/errors.js';
import { FaceExpressionClassifier, loadImageFolder, readVisionModelMeta } from '../../src/vision/index.js';
import { FIXTURES, perClass, SHARED_FACES, tempDir } from './helpers.js';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('FaceExpressionClassifier on real faces (expression-net backbone)', () => {
  it('learns from 20 images per class, beats chance clearly on held-out images, caches features, saves and loads', async () => {
    const data = await loadImageFolder(SHARED_FACES);
    const train = perClass(data.train.paths, data.train.labels, 20);
    const valid = perClass(data.valid?.paths ?? [], data.valid?.labels ?? [], 10);
    const cacheDir = await tempDir('ulasan-fcache-');
    const options = { faceMode: 'none' as const, epochs: 12, dropout: 0.5, cacheDir, seed: 1 };
    const model = new FaceExpressionClassifier(options);
    await expect(model.predict(valid.paths)).rejects.toThrow(/not fitted/);
    const epochs: number[] = [];
    await model.fit(train.paths, train.labels, {
      validation: { inputs: valid.paths, labels: valid.labels },
      callbacks: { onEpochEnd: (e) => void epochs.push(e) },
    });
    expect(epochs).toHaveLength(12);
    expect(model.classes).toEqual(['anger', 'happiness', 'neutral', 'sadness', 'surprise']);
    expect(model.history.at(-1)?.valAccuracy).toBeDefined();
    const s = await model.evaluate(valid.paths, valid.labels);
    expect(s.accuracy).toBeGreaterThan(0.5); // chance is 0.2; the full set reaches ~0.78
    expect(s.confusionMatrix.matrix.flat().reduce((a, b) => a + b, 0)).toBe(50);
    const probs = await model.predictProba(valid.paths.slice(0, 5));
    for (const row of probs) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(model.featureCache.stats.misses).toBeGreaterThanOrEqual(150);

    // A second classifier with the same cache reads every feature from disk.
    const again = new FaceExpressionClassifier({ ...options, epochs: 1 });
    await again.fit(train.paths, train.labels);
    expect(again.featureCache.stats.diskHits).toBe(100);
    expect(again.featureCache.stats.misses).toBe(0);
    expect(again.timing.featureSeconds).toBeLessThan(model.timing.featureSeconds);

    // Memory: repeated predictions allocate no lasting tensors.
    const { tf } = await loadTf();
    await model.predictImages(valid.paths.slice(0, 4));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await model.predictImages(valid.paths.slice(0, 4));
    expect(tf.memory().numTensors).toBe(before);

    const dir = await tempDir('ulasan-vmodel-');
    await model.save(dir);
    const meta = await readVisionModelMeta(dir);
    expect(meta.format).toBe('ulasan-vision-classifier');
    expect(meta.version).toBe(1);
    const loaded = await FaceExpressionClassifier.load(dir);
    expect(loaded.options.faceMode).toBe('none'); // saved options survive undefined overrides
    expect((await FaceExpressionClassifier.load(dir, { faceMode: undefined })).options.faceMode).toBe('none');
    const reloaded = await loaded.predictProba(valid.paths.slice(0, 5));
    for (const [i, row] of reloaded.entries())
      for (const [j, p] of row.entries()) expect(p).toBeCloseTo(probs[i]?.[j] as number, 5);
    await Promise.all([model.dispose(), again.dispose(), loaded.dispose()]);
  });
});

describe('bad input never fails a batch', () => {
  it('skips unreadable training images with a warning and reports per-item prediction errors', async () => {
    const dir = await tempDir('ulasan-bad-');
    const data = await loadImageFolder(join(FIXTURES, 'faces'), { validationSplit: 0 });
    const corrupt = join(dir, 'corrupt.jpg');
    const text = join(dir, 'notes.jpg');
    const bytes = await (await import('node:fs/promises')).readFile(data.train.paths[0] as string);
    await writeFile(corrupt, bytes.subarray(0, 1500));
    await writeFile(text, 'hello');
    const warnings: string[] = [];
    const model = new FaceExpressionClassifier({ faceMode: 'none', epochs: 2, onWarning: (w) => warnings.push(w) });
    await model.fit([...data.train.paths, corrupt, text], [...data.train.labels, 'anger', 'anger']);
    expect(model.skipped.map((s) => s.source)).toEqual([corrupt, text]);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/notes\.jpg.*unsupported image format/);
    const preds = await model.predictImages([data.train.paths[0] as string, text, join(dir, 'missing.png')]);
    expect(preds[0]?.label).not.toBeNull();
    expect(preds[1]?.error?.code).toBe('FILE_FORMAT');
    expect(preds[2]?.error?.code).toBe('FILE_NOT_FOUND');
    const err = await model.predictProba([text]).catch((e: unknown) => e);
    expect(UlasanError.isInstance(err) && err.code === 'INVALID_DATA').toBe(true);
    expect((err as Error).message).toMatch(/notes\.jpg/);
    await expect(model.fit([text], ['a'])).rejects.toThrow(/at least two classes/);
    await expect(model.fit([corrupt, text], ['a', 'b'])).rejects.toThrow(/only 0 of 2 training images/);
    await expect(
      new FaceExpressionClassifier({ backbone: 'vgg16' as never }).fit(data.train.paths, data.train.labels),
    ).rejects.toThrow(/Unknown backbone "vgg16"/);
    await expect(FaceExpressionClassifier.load(dir)).rejects.toThrow(/not a saved vision model/);
    await copyFile(data.train.paths[0] as string, join(dir, 'vision-model.json'));
    await expect(FaceExpressionClassifier.load(dir)).rejects.toThrow(/Could not parse/);
    await model.dispose();
  });
});
