/**
 * Saving and loading tfjs-layers models to and from local folders in the standard TensorFlow.js
 * layers format (`model.json` + `weights.bin`, what `tensorflowjs_converter` writes), without
 * `@tensorflow/tfjs-node`'s `file://` handler. Writes are atomic. Weight shard paths in a
 * `model.json` must stay inside its folder (no absolute paths, URLs, `..` or outward symlinks):
 * shards are read by the one guarded reader, `src/backend/weight-files.ts`, shared with text models.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadTf } from '../backend/tf.js';
import { checkWeightsManifest, readWeightShards, type WeightGroup } from '../backend/weight-files.js';
import { writeDirectoryAtomic, writeFileAtomic, writeJsonAtomic } from '../internal/atomic-fs.js';
import { UlasanError } from '../internal/errors.js';

/**
 * Saves `model` as `<dir>/model.json` + `<dir>/weights.bin`, the folder written as one unit (a
 * fresh sibling folder swapped in), so an interrupted save never pairs new weights with an old
 * topology. Other files in an existing folder are kept.
 */
export async function saveLayersModel(model: tfl.LayersModel, dir: string): Promise<void> {
  const { tf } = await loadTf();
  await writeDirectoryAtomic(dir, (staging) => saveInto(tf, model, staging), {
    previousEntries: async () => ['model.json', 'weights.bin'],
    commitFile: 'model.json',
  });
}

async function saveInto(tf: typeof tfc, model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : concat(data as ArrayBuffer[]);
      await writeFileAtomic(join(dir, 'weights.bin'), bytes);
      await writeJsonAtomic(join(dir, 'model.json'), {
        format: 'layers-model',
        generatedBy: 'ulasan',
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

function concat(parts: readonly (ArrayBuffer | Uint8Array)[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p instanceof Uint8Array ? p : new Uint8Array(p), o);
    o += p.byteLength;
  }
  return out;
}

/** The parsed `model.json` of a tfjs layers model. */
interface ModelJson {
  modelTopology?: unknown;
  weightsManifest?: unknown;
}

type WeightSpec = tfc.io.WeightsManifestEntry;

/** Resolves a path that is either a `model.json` file or a folder holding one. */
async function modelJsonPath(path: string): Promise<string> {
  const p = path.startsWith('file://') ? path.slice('file://'.length) : path;
  if (/^https?:\/\//.test(p)) {
    throw new UlasanError(
      'INVALID_ARGUMENT',
      `ulasan never downloads weights; got the URL ${p}. Download the model folder yourself and pass its local path.`,
    );
  }
  try {
    const stat = await fs.stat(p);
    return stat.isDirectory() ? join(p, 'model.json') : p;
  } catch (error) {
    throw new UlasanError('FILE_NOT_FOUND', `Model path ${p} does not exist. Pass a model.json file or its folder.`, {
      cause: error,
    });
  }
}

/** Reads and checks a model.json: valid JSON with a weightsManifest of `{ paths, weights }` groups. */
async function readModelJson(file: string): Promise<{ modelTopology?: unknown; groups: WeightGroup<WeightSpec>[] }> {
  let json: ModelJson;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8')) as ModelJson;
  } catch (error) {
    throw new UlasanError(
      'FILE_FORMAT',
      `Could not read ${file} as a TensorFlow.js model.json: ${(error as Error).message}. Save the model again or re-convert it with tensorflowjs_converter.`,
      { cause: error },
    );
  }
  const groups = checkWeightsManifest<WeightSpec>(
    json,
    file,
    'expected a TensorFlow.js layers model (convert Keras .h5 files with tensorflowjs_converter --output_format tfjs_layers_model).',
  );
  return { modelTopology: json.modelTopology, groups };
}

/** Reads a layers model's topology and named weights (decoded, as tensors the caller must dispose). */
export async function readLayersArtifacts(
  path: string,
): Promise<{ modelTopology: unknown; weights: Record<string, tfc.Tensor>; file: string }> {
  const file = await modelJsonPath(path);
  const json = await readModelJson(file);
  // Shards are read (and their paths checked) before TensorFlow.js is loaded.
  const shards = await readWeightShards(file, json.groups);
  const { tf } = await loadTf();
  const weights: Record<string, tfc.Tensor> = {};
  for (const { weights: specs, bytes } of shards)
    Object.assign(weights, tf.io.decodeWeights(bytes.buffer as ArrayBuffer, specs));
  return { modelTopology: json.modelTopology, weights, file };
}

/** Loads a whole tfjs layers model (topology and weights) from a local folder or model.json. */
export async function loadLayersModel(path: string): Promise<tfl.LayersModel> {
  const file = await modelJsonPath(path);
  const json = await readModelJson(file);
  const shards = await readWeightShards(file, json.groups);
  const { tf, layers } = await loadTf();
  return layers.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology as object,
      weightSpecs: shards.flatMap((g) => g.weights),
      weightData: concat(shards.map((g) => g.bytes)).buffer as ArrayBuffer,
    }),
  );
}

/** What {@link loadWeightsByName} did. */
export interface WeightLoadReport {
  /** Weights copied into the model (by their `layer/weight` name). */
  loaded: string[];
  /** Model weights that had no same-named weight in the file (they keep their values). */
  missing: string[];
  /** File weights whose shape differs from the model's (skipped), e.g. a 1000-class `predictions`. */
  shapeMismatch: string[];
}

/**
 * Copies weights into `model` by name (`conv1_conv/kernel`, `conv2_block1_1_bn/gamma`, ...), the way
 * Keras' `load_weights(by_name=True)` does, from a tfjs layers model folder or `model.json`.
 * Names may carry a prefix in the file (`resnet50/conv1_conv/kernel`). With `strict` (default
 * false), any missing or mismatched weight is an error.
 */
export async function loadWeightsByName(
  model: tfl.LayersModel,
  path: string,
  options: { strict?: boolean } = {},
): Promise<WeightLoadReport> {
  const { weights } = await readLayersArtifacts(path);
  const report: WeightLoadReport = { loaded: [], missing: [], shapeMismatch: [] };
  try {
    const bySuffix = new Map<string, tfc.Tensor>();
    for (const [name, t] of Object.entries(weights)) {
      const parts = name.split('/');
      bySuffix.set(parts.slice(-2).join('/'), t);
    }
    for (const layer of model.layers) {
      const vars = layer.weights;
      if (vars.length === 0) continue;
      const values: tfc.Tensor[] = [];
      let usable = true;
      for (const v of vars) {
        const key = v.originalName.split('/').slice(-2).join('/');
        const t = weights[v.originalName] ?? bySuffix.get(key);
        if (!t) {
          report.missing.push(v.originalName);
          usable = false;
        } else if (t.shape.join(',') !== v.shape.join(',')) {
          report.shapeMismatch.push(
            `${v.originalName} (file ${JSON.stringify(t.shape)}, model ${JSON.stringify(v.shape)})`,
          );
          usable = false;
        } else values.push(t);
      }
      if (usable) {
        layer.setWeights(values);
        report.loaded.push(...vars.map((v) => v.originalName));
      }
    }
  } finally {
    for (const t of Object.values(weights)) t.dispose();
  }
  if (options.strict && (report.missing.length > 0 || report.shapeMismatch.length > 0)) {
    throw new UlasanError(
      'SHAPE_MISMATCH',
      `Weights in ${path} do not match the model: ${report.missing.length} missing (${report.missing.slice(0, 3).join(', ')}), ${report.shapeMismatch.length} with other shapes (${report.shapeMismatch.slice(0, 3).join(', ')}). Check that the file is the same architecture.`,
    );
  }
  if (report.loaded.length === 0) {
    throw new UlasanError(
      'SHAPE_MISMATCH',
      `No weight in ${path} matches a layer of the model by name (e.g. conv1_conv/kernel). Is it a Keras-converted model of the same architecture?`,
    );
  }
  return report;
}
