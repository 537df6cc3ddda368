/**
 * CLI flags of issue 20: `vision train --weights FILE.h5` (Keras HDF5), `--detector haar|lbp`,
 * `--cascade`, `--ensemble`, `--test-views`, and `vision evaluate --detector`.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { DEBIAN_HAAR_FRONTALFACE } from '../../src/vision/index.js';
import { hasSystemFile, requireSystem } from '../helpers/system.js';
import { FIXTURES, tempDir } from './helpers.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), interactive: false }, out, err };
}

const FACES = join(FIXTURES, 'faces');
const HAVE_CASCADES = hasSystemFile(DEBIAN_HAAR_FRONTALFACE, 'opencv-data');

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

describe('ulasan vision CLI: detectors, ensembles, test-time views, Keras .h5 weights', () => {
  it.skipIf(!HAVE_CASCADES)(
    'vision train --detector haar --ensemble 2 --test-views 1, then evaluate --detector lbp',
    async () => {
      const out = await tempDir('ulasan-vcli-');
      const t = capture();
      const args = ['vision', 'train', '--data', FACES, '--out', out, '--validation-split', '0', '--epochs', '3'];
      args.push('--augment', '1', '--face', 'required', '--detector', 'haar', '--ensemble', '2', '--test-views', '1');
      args.push('--no-baseline', '--backend', 'wasm', '--json');
      expect(await runCli(args, t.io)).toBe(0);
      const trained = JSON.parse(t.out.join(''));
      expect(trained.trainSize).toBe(11);
      const meta = JSON.parse(await fs.readFile(join(out, 'vision-model.json'), 'utf8'));
      expect(meta.options).toMatchObject({ faceDetector: 'haar', ensembleSize: 2, testViews: 1 });
      await fs.access(join(out, 'head-1', 'model.json'));
      const e = capture();
      const evalArgs = ['vision', 'evaluate', '--model', out, '--data', FACES, '--detector', 'lbp', '--json'];
      expect(await runCli(evalArgs, e.io)).toBe(0);
      const ev = JSON.parse(e.out.join(''));
      expect(ev.size + ev.skipped.length).toBe(11);
      // Two models as one averaging ensemble: the trained one and face-api's pretrained net.
      const en = capture();
      const enArgs = ['vision', 'evaluate', '--model', `${out},face-api`, '--data', FACES, '--json'];
      expect(await runCli(enArgs, en.io)).toBe(0);
      expect(JSON.parse(en.out.join('')).accuracy).toBeGreaterThan(0.5);
      const bad = capture();
      expect(await runCli(['vision', 'evaluate', '--model', out, '--data', FACES, '--cascade', 'x.xml'], bad.io)).toBe(
        2,
      );
      expect(bad.err.join('')).toMatch(/--cascade needs --detector/);
      const bad2 = capture();
      expect(await runCli(['vision', 'predict', 'x.jpg', '--model', out, '--detector', 'yolo'], bad2.io)).toBe(2);
      expect(bad2.err.join('')).toMatch(/--detector expects tiny, haar or lbp/);
    },
    120_000,
  );

  it.skipIf(!HAVE_H5PY)(
    'vision train --backbone resnet18 --weights FILE.h5 loads Keras HDF5 weights by name',
    async () => {
      const dir = await tempDir('ulasan-vh5-');
      // A Keras-layout weights file for a ResNet18, written by h5py from our own seeded model.
      const { buildResNet18 } = await import('../../src/vision/index.js');
      const { model } = await buildResNet18({ inputShape: [32, 32, 3], includeTop: false, pooling: 'avg', seed: 7 });
      let n = 0;
      const layers = [];
      for (const layer of model.layers) {
        const weights = [];
        for (const v of layer.weights) {
          const file = `${n++}.f32`;
          const data = (await v.read().data()) as Float32Array;
          await fs.writeFile(join(dir, file), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
          weights.push({ name: `${layer.name}/${v.originalName.split('/').pop()}:0`, shape: v.shape, file });
        }
        layers.push({ name: layer.name, weights });
      }
      model.dispose();
      await fs.writeFile(join(dir, 'manifest.json'), JSON.stringify({ layout: 'weights', layers }));
      const h5 = join(dir, 'resnet18_notop.h5');
      execFileSync(PYTHON as string, [
        fileURLToPath(new URL('./write-keras-h5.py', import.meta.url)),
        join(dir, 'manifest.json'),
        h5,
      ]);
      const out = join(dir, 'model');
      const t = capture();
      const args = ['vision', 'train', '--data', FACES, '--out', out, '--validation-split', '0', '--epochs', '1'];
      args.push('--backbone', 'resnet18', '--input-size', '32', '--weights', h5, '--augment', '0', '--face', 'none');
      args.push('--no-baseline', '--backend', 'wasm', '--json');
      expect(await runCli(args, t.io)).toBe(0);
      const meta = JSON.parse(await fs.readFile(join(out, 'vision-model.json'), 'utf8'));
      expect(meta.options.weights).toBe(h5);
    },
    120_000,
  );
});
