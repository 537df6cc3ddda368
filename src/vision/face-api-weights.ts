/**
 * Loads the pretrained weights that ship inside the `@vladmandic/face-api` npm package (MIT) into
 * OUR TensorFlow.js, without running face-api's own JavaScript (its bundles carry a second copy of
 * TensorFlow.js). Only the weight manifests and `.bin` shards are read, from the installed package
 * or from a folder the user gives; nothing is downloaded.
 */
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as tfc from '@tensorflow/tfjs-core';
import { loadTf } from '../backend/tf.js';
import { MissingDependencyError, UlasanError } from '../internal/errors.js';

/** The face-api models ulasan can run. */
export type FaceApiModelName = 'tiny_face_detector_model' | 'face_expression_model' | 'face_recognition_model';

/** Named weight tensors of one model (owned by the caller: dispose them when done). */
export type WeightMap = Record<string, tfc.Tensor>;

/**
 * Finds the folder holding face-api's model files: `modelDir` when given, else the `model/` folder
 * of the installed `@vladmandic/face-api` package.
 *
 * @throws MissingDependencyError when no folder is given and the package is not installed.
 */
export function resolveFaceApiModelDir(modelDir?: string): string {
  if (modelDir) return modelDir;
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  } catch (error) {
    throw new MissingDependencyError(
      '@vladmandic/face-api',
      'Face detection and the pretrained face backbones (their weights ship in that package)',
      error,
    );
  }
}

interface ManifestGroup {
  paths: string[];
  weights: tfc.io.WeightsManifestEntry[];
}

/** Loads one face-api model's weights (dequantised to float32) as tensors of the active backend. */
export async function loadFaceApiWeights(name: FaceApiModelName, modelDir?: string): Promise<WeightMap> {
  const dir = resolveFaceApiModelDir(modelDir);
  const manifestPath = join(dir, `${name}-weights_manifest.json`);
  let manifest: ManifestGroup[];
  try {
    manifest = JSON.parse(await fs.readFile(manifestPath, 'utf8')) as ManifestGroup[];
  } catch (error) {
    throw new UlasanError(
      'FILE_NOT_FOUND',
      `Could not read the face-api weight manifest ${manifestPath}: ${(error as Error).message}. Install @vladmandic/face-api or pass the folder holding its model/ files.`,
      { cause: error },
    );
  }
  const { tf } = await loadTf();
  const out: WeightMap = {};
  for (const group of manifest) {
    const shards = await Promise.all(
      group.paths.map(async (p) => {
        const buf = await fs.readFile(join(dir, p));
        return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
      }),
    );
    const total = shards.reduce((s, b) => s + b.byteLength, 0);
    const joined = new Uint8Array(total);
    let offset = 0;
    for (const shard of shards) {
      joined.set(new Uint8Array(shard), offset);
      offset += shard.byteLength;
    }
    Object.assign(out, tf.io.decodeWeights(joined.buffer, group.weights));
  }
  return out;
}

/** Returns the tensor `name` from `weights` or throws a `FILE_FORMAT` error naming it. */
export function weight(weights: WeightMap, name: string): tfc.Tensor {
  const t = weights[name];
  if (!t) {
    throw new UlasanError(
      'FILE_FORMAT',
      `The face-api weights lack "${name}". The model files may be from an incompatible face-api version.`,
    );
  }
  return t;
}

/** Disposes every tensor of a weight map. */
export function disposeWeights(weights: WeightMap): void {
  for (const t of Object.values(weights)) t.dispose();
}
