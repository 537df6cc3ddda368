/**
 * Keras HDF5 weights: our model's weights → raw float32 → an .h5 in Keras' own layout written by
 * Debian's python3-h5py (tests/vision/write-keras-h5.py) → loaded back in JavaScript with h5wasm.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/backends.js';
import { loadTf } from '../../src/backend/tf.js';
import {
  buildResNet18,
  isHdf5File,
  loadKerasWeights,
  readKerasH5Weights,
  saveLayersModel,
} from '../../src/vision/index.js';
import { requireSystem } from '../helpers/system.js';
import { tempDir } from './helpers.js';

const SCRIPT = fileURLToPath(new URL('./write-keras-h5.py', import.meta.url));

/** A Python 3 that can import h5py (Debian's /usr/bin/python3 first: a pyenv shim may lack it). */
function pythonWithH5py(): string | undefined {
  for (const py of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(py, ['-c', 'import h5py, numpy'], { stdio: 'ignore' });
      return py;
    } catch {}
  }
  return undefined;
}
const PYTHON = pythonWithH5py();
const HAVE_H5PY = requireSystem(PYTHON !== undefined, 'python3 with h5py', 'python3-h5py');

/** Dumps every layer (weightless ones too, as Keras lists them) to raw float32 files + a manifest. */
async function writeKerasH5(
  model: tfl.LayersModel,
  dir: string,
  options: { layout?: 'weights' | 'model'; chunks?: number; rename?: Record<string, string> } = {},
): Promise<string> {
  let n = 0;
  const layers = [];
  for (const layer of model.layers) {
    const name = options.rename?.[layer.name] ?? layer.name;
    const weights = [];
    for (const v of layer.weights) {
      const file = `${n++}.f32`;
      const data = (await v.read().data()) as Float32Array;
      await fs.writeFile(join(dir, file), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      const wname = v.originalName.split('/').pop() as string;
      weights.push({ name: `${name}/${wname}:0`, shape: v.shape, file });
    }
    layers.push({ name, weights });
  }
  const manifest = join(dir, 'manifest.json');
  await fs.writeFile(
    manifest,
    JSON.stringify({ layout: options.layout ?? 'weights', chunks: options.chunks ?? 0, layers }),
  );
  const out = join(dir, 'weights.h5');
  execFileSync(PYTHON as string, [SCRIPT, manifest, out]);
  return out;
}

async function tinyModel(seed: number, classes: number): Promise<tfl.LayersModel> {
  const { layers } = await loadTf();
  const init = () => layers.initializers.glorotUniform({ seed });
  const input = layers.input({ shape: [8, 8, 3] });
  let x = layers.layers
    .conv2d({
      filters: 4,
      kernelSize: 3,
      name: 'conv1_conv',
      kernelInitializer: init(),
      biasInitializer: 'randomNormal',
    })
    .apply(input) as tfl.SymbolicTensor;
  x = layers.layers
    .batchNormalization({ name: 'conv1_bn', gammaInitializer: 'randomUniform', movingMeanInitializer: 'randomNormal' })
    .apply(x) as tfl.SymbolicTensor;
  x = layers.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as tfl.SymbolicTensor;
  x = layers.layers
    .dense({ units: classes, name: 'predictions', kernelInitializer: init() })
    .apply(x) as tfl.SymbolicTensor;
  return layers.model({ inputs: input, outputs: x });
}

function weightsOf(model: tfl.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe.skipIf(!HAVE_H5PY)('Keras HDF5 weights (h5wasm)', () => {
  it('round-trips a ResNet18 exactly through a Keras-layout .h5 written by h5py, by layer name', async () => {
    const dir = await tempDir('ulasan-h5-');
    const a = (await buildResNet18({ inputShape: [32, 32, 3], includeTop: false, pooling: 'avg', seed: 1 })).model;
    const b = (await buildResNet18({ inputShape: [32, 32, 3], includeTop: false, pooling: 'avg', seed: 2 })).model;
    try {
      const file = await writeKerasH5(a, dir);
      expect(await isHdf5File(file)).toBe(true);
      const read = await readKerasH5Weights(file, { layers: ['conv1_conv'] });
      expect(read.layerNames).toEqual(a.layers.map((l) => l.name));
      expect(read.backend).toBe('tensorflow');
      expect(read.kerasVersion).toBe('2.15.0');
      expect(read.layers.get('conv1_conv')?.map((w) => [w.name, w.shape])).toEqual([
        ['conv1_conv/kernel:0', [7, 7, 3, 64]],
        ['conv1_conv/bias:0', [64]],
      ]);

      const report = await loadKerasWeights(b, file, { byName: true, strict: true });
      expect(report.missing).toEqual([]);
      expect(report.shapeMismatch).toEqual([]);
      expect(report.loaded).toHaveLength(b.weights.length);
      const wa = weightsOf(a);
      const wb = weightsOf(b);
      expect([...wb.keys()]).toEqual([...wa.keys()]);
      let maxDiff = 0;
      for (const [k, va] of wa) {
        const vb = wb.get(k) as Float32Array;
        for (let i = 0; i < va.length; i++)
          maxDiff = Math.max(maxDiff, Math.abs((va[i] as number) - (vb[i] as number)));
      }
      expect(maxDiff).toBe(0); // bit-exact: float32 in, float32 out

      const { tf } = await loadTf();
      const x = tf.randomUniform([2, 32, 32, 3], 0, 255, 'float32', 7);
      const ya = a.predict(x) as tfc.Tensor;
      const yb = b.predict(x) as tfc.Tensor;
      expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
      tf.dispose([x, ya, yb]);

      // buildResNet18({ weights: 'x.h5' }) goes through the same loader.
      const c = await buildResNet18({
        inputShape: [32, 32, 3],
        includeTop: false,
        pooling: 'avg',
        seed: 3,
        weights: file,
      });
      expect(c.weightReport?.loaded).toHaveLength(report.loaded.length);
      expect(Array.from(c.model.getLayer('conv5_block2_2_bn').getWeights()[3]?.dataSync() ?? [])).toEqual(
        Array.from(a.getLayer('conv5_block2_2_bn').getWeights()[3]?.dataSync() ?? []),
      );
      c.model.dispose();
    } finally {
      a.dispose();
      b.dispose();
    }
  }, 120_000);

  it('reads whole saved models (model_weights) with chunked layer_names, skips another-sized top, loads by order', async () => {
    const dir = await tempDir('ulasan-h5-');
    const a = await tinyModel(1, 5);
    const b = await tinyModel(2, 1000);
    const c = await tinyModel(3, 5);
    try {
      const file = await writeKerasH5(a, dir, { layout: 'model', chunks: 2 });
      const read = await readKerasH5Weights(file);
      expect(read.layerNames).toEqual(a.layers.map((l) => l.name));
      expect([...read.layers.keys()].sort()).toEqual(['conv1_bn', 'conv1_conv', 'predictions']);

      const report = await loadKerasWeights(b, file);
      expect(report.shapeMismatch).toEqual(['predictions/kernel (file [4,5], model [4,1000])']);
      expect(Array.from(b.getLayer('conv1_bn').getWeights()[2]?.dataSync() ?? [])).toEqual(
        Array.from(a.getLayer('conv1_bn').getWeights()[2]?.dataSync() ?? []),
      );
      await expect(loadKerasWeights(b, file, { strict: true })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });

      // Topological (by_name=False) loading ignores names: a renamed file still loads in order.
      const renamed = join(dir, 'renamed');
      await fs.mkdir(renamed);
      const file2 = await writeKerasH5(a, renamed, {
        rename: { conv1_conv: 'conv2d', conv1_bn: 'batch_normalization' },
      });
      const byOrder = await loadKerasWeights(c, file2, { byName: false });
      expect(byOrder.loaded).toHaveLength(c.weights.length);
      expect(Array.from(c.getLayer('conv1_conv').getWeights()[0]?.dataSync() ?? [])).toEqual(
        Array.from(a.getLayer('conv1_conv').getWeights()[0]?.dataSync() ?? []),
      );
      const byName = await loadKerasWeights(await tinyModel(4, 5), file2);
      expect(byName.missing).toEqual([
        'conv1_conv/kernel',
        'conv1_conv/bias',
        'conv1_bn/gamma',
        'conv1_bn/beta',
        'conv1_bn/moving_mean',
        'conv1_bn/moving_variance',
      ]);
      expect((await loadKerasWeights(b, file2, { byName: false })).shapeMismatch).toHaveLength(1);
      const { layers } = await loadTf();
      const other = layers.sequential({ layers: [layers.layers.dense({ units: 2, inputShape: [3] })] });
      await expect(loadKerasWeights(other, file2, { byName: false })).rejects.toThrow(
        /3 layers with weights, the model 1/,
      );
      other.dispose();
    } finally {
      a.dispose();
      b.dispose();
      c.dispose();
    }
  }, 60_000);

  it('gives clear errors for missing, non-HDF5 and non-Keras files; tfjs folders still load', async () => {
    const dir = await tempDir('ulasan-h5-');
    const model = await tinyModel(1, 5);
    try {
      await expect(loadKerasWeights(model, join(dir, 'nope.h5'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
      await fs.writeFile(join(dir, 'x.h5'), 'not hdf5');
      expect(await isHdf5File(join(dir, 'x.h5'))).toBe(false);
      await expect(loadKerasWeights(model, join(dir, 'x.h5'))).rejects.toMatchObject({ code: 'FILE_FORMAT' });
      execFileSync(PYTHON as string, [
        '-c',
        `import h5py; f = h5py.File(${JSON.stringify(join(dir, 'plain.h5'))}, 'w'); f.create_dataset('x', data=[1.0]); f.close()`,
      ]);
      await expect(readKerasH5Weights(join(dir, 'plain.h5'))).rejects.toThrow(/not a Keras 2 weight file/);
      await expect(readKerasH5Weights('https://example.com/w.h5')).rejects.toThrow(/never downloads/);
      // tensorflowjs_converter-style folders keep loading through buildResNet's weights option.
      const tfjsDir = join(dir, 'tfjs');
      const r = (await buildResNet18({ inputShape: [32, 32, 3], includeTop: false, pooling: 'avg', seed: 5 })).model;
      await saveLayersModel(r, tfjsDir);
      const back = await buildResNet18({
        inputShape: [32, 32, 3],
        includeTop: false,
        pooling: 'avg',
        weights: tfjsDir,
      });
      expect(back.weightReport?.missing).toEqual([]);
      r.dispose();
      back.model.dispose();
    } finally {
      model.dispose();
    }
  }, 60_000);
});
