/**
 * Keras HDF5 weight files (`model.save_weights('w.h5')`, `model.save('m.h5')`, and the files
 * `keras.applications` downloads, e.g. `resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5`),
 * read directly in JavaScript with the optional `h5wasm` package (the HDF5 C library compiled to
 * WebAssembly): no Python, no `tensorflowjs_converter`.
 *
 * Layout (Keras 2 `save_weights_to_hdf5_group`): the root (or the `model_weights` group of a whole
 * saved model) has the attributes `layer_names` (possibly split into `layer_names0`,
 * `layer_names1`, ... when longer than an HDF5 object header), `backend` and `keras_version`;
 * each layer is a group with the attribute `weight_names` (`conv1_conv/kernel:0`, ...) and one
 * dataset per weight at that path inside the group (`conv1_conv/conv1_conv/kernel:0`).
 */
import { promises as fs } from 'node:fs';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadTf } from '../backend/tf.js';
import { MissingDependencyError, UlasanError } from '../internal/errors.js';
import type { WeightLoadReport } from './layers-io.js';

/** One weight of a layer in a Keras HDF5 file. */
export interface KerasH5Weight {
  /** The name Keras stored (`conv1_conv/kernel:0`). */
  name: string;
  /** Its shape, as in Keras (`[7, 7, 3, 64]` for a 7×7 convolution with 3 → 64 channels). */
  shape: number[];
  /** The values, row-major, converted to float32. */
  values: Float32Array;
}

/** A Keras HDF5 weight file read into memory. */
export interface KerasH5Weights {
  /** The file that was read. */
  file: string;
  /** Layer names in the model's order (the `layer_names` attribute), including weightless layers. */
  layerNames: string[];
  /** The `backend` attribute (`tensorflow`), when present. */
  backend?: string;
  /** The `keras_version` attribute (`2.15.0`), when present. */
  kerasVersion?: string;
  /** Weights per layer name, in the layer's `weight_names` order. Layers without weights are absent. */
  layers: Map<string, KerasH5Weight[]>;
}

/** Options of {@link loadKerasWeights}. */
export interface LoadKerasWeightsOptions {
  /**
   * `true` (default): match layers by name, like Keras' `load_weights(by_name=True)`; layers the
   * file lacks keep their values and file layers of another shape are skipped (reported).
   * `false`: match the layers that have weights in order (Keras' topological loading); the file
   * and the model must then have the same number of such layers.
   */
  byName?: boolean;
  /** Any missing or mismatched weight is an error. Default false. */
  strict?: boolean;
}

interface H5Attr {
  value: unknown;
}
interface H5Node {
  type: string;
  attrs: Record<string, H5Attr>;
  keys(): string[];
  get(path: string): H5Node | null;
  shape?: number[] | null;
  dtype?: unknown;
  value?: unknown;
}
interface H5File extends H5Node {
  close(): number | undefined;
}
interface H5Module {
  ready: Promise<unknown>;
  File: new (path: string, mode: string) => H5File;
}

let h5Promise: Promise<H5Module> | undefined;

/**
 * `import('h5wasm/node')`. In the CommonJS build tsup turns `import()` into `require()`, and h5wasm
 * exports `./node` for `import` only (ERR_PACKAGE_PATH_NOT_EXPORTED); then the file is found on the
 * module search path and imported by URL through a Function-created `import()`, which no bundler
 * rewrites.
 */
async function importH5wasmNode(): Promise<unknown> {
  try {
    return await import('h5wasm/node' as string);
  } catch (error) {
    const code = (error as { code?: string } | null)?.code;
    if (code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED' && code !== 'ERR_REQUIRE_ESM') throw error;
    const { createRequire } = await import('node:module');
    const { pathToFileURL } = await import('node:url');
    const { existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    for (const dir of createRequire(import.meta.url).resolve.paths('h5wasm') ?? []) {
      const file = join(dir, 'h5wasm', 'dist', 'node', 'hdf5_hl.js');
      if (existsSync(file)) {
        const nativeImport = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;
        return nativeImport(pathToFileURL(file).href);
      }
    }
    throw error;
  }
}

/** Loads the optional `h5wasm` package (its Node build, which reads local files directly). */
async function loadH5wasm(): Promise<H5Module> {
  if (!h5Promise) {
    h5Promise = (async () => {
      try {
        const mod = (await importH5wasmNode()) as { default?: H5Module } & H5Module;
        const h5 = (mod.default ?? mod) as H5Module;
        await h5.ready;
        return h5;
      } catch (error) {
        throw new MissingDependencyError('h5wasm', 'Reading Keras HDF5 weight files (.h5)', error);
      }
    })();
    h5Promise.catch(() => {
      h5Promise = undefined;
    });
  }
  return h5Promise;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * True when `path` is an HDF5 file (by its signature, at offset 0 or after a user block of 512,
 * 1024, 2048... bytes), false for folders and other files.
 *
 * @example
 * ```ts
 * if (await isHdf5File('resnet50_notop.h5')) await loadKerasWeights(model, 'resnet50_notop.h5');
 * ```
 */
export async function isHdf5File(path: string): Promise<boolean> {
  let handle: import('node:fs/promises').FileHandle | undefined;
  try {
    const stat = await fs.stat(path);
    if (!stat.isFile()) return false;
    handle = await fs.open(path, 'r');
    const buf = Buffer.alloc(8);
    for (let offset = 0; offset + 8 <= stat.size; offset = offset === 0 ? 512 : offset * 2) {
      await handle.read(buf, 0, 8, offset);
      if (HDF5_SIGNATURE.every((b, i) => buf[i] === b)) return true;
      if (offset >= 1 << 20) break;
    }
    return false;
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value).replace(/\0+$/, '');
  return String(value);
}

function textList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(text);
  if (value === undefined || value === null) return [];
  // Keras writes an empty list as an empty float64 array (np.asarray([])).
  if (ArrayBuffer.isView(value) && !(value instanceof Uint8Array))
    return Array.from(value as unknown as ArrayLike<number>, String);
  return [text(value)];
}

/** Reads a (possibly chunked: `name0`, `name1`, ...) string-list attribute, like Keras' `load_attributes_from_hdf5_group`. */
function listAttr(node: H5Node, name: string): string[] | undefined {
  const attrs = node.attrs;
  if (name in attrs) return textList(attrs[name]?.value);
  if (!(`${name}0` in attrs)) return undefined;
  const out: string[] = [];
  for (let i = 0; `${name}${i}` in attrs; i++) out.push(...textList(attrs[`${name}${i}`]?.value));
  return out;
}

function toFloat32(value: unknown, where: string): Float32Array {
  if (value instanceof Float32Array) return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Float32Array.from(value as unknown as ArrayLike<number>, Number);
  }
  if (typeof value === 'number') return Float32Array.of(value);
  throw new UlasanError(
    'FILE_FORMAT',
    `${where} is not a numeric dataset (found ${typeof value}). Expected float weights as Keras writes them.`,
  );
}

/**
 * Reads every layer's weights from a Keras HDF5 file (weights-only files, whole saved models with a
 * `model_weights` group, and `keras.applications` downloads).
 *
 * @example
 * ```ts
 * const file = await readKerasH5Weights('resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5');
 * file.layerNames.length;                       // 175
 * file.layers.get('conv1_conv')?.[0]?.shape;    // [7, 7, 3, 64]
 * ```
 */
export async function readKerasH5Weights(
  path: string,
  options: { layers?: Iterable<string> } = {},
): Promise<KerasH5Weights> {
  if (/^https?:\/\//.test(path)) {
    throw new UlasanError(
      'INVALID_ARGUMENT',
      `ulasan never downloads weights; got the URL ${path}. Download the .h5 file yourself and pass its local path.`,
    );
  }
  try {
    await fs.access(path);
  } catch (error) {
    throw new UlasanError('FILE_NOT_FOUND', `Weight file ${path} does not exist. Pass a local Keras .h5 file.`, {
      cause: error,
    });
  }
  if (!(await isHdf5File(path))) {
    throw new UlasanError(
      'FILE_FORMAT',
      `${path} is not an HDF5 file (no HDF5 signature). Expected a Keras .h5 weight file, or pass a tfjs layers model folder instead.`,
    );
  }
  const h5 = await loadH5wasm();
  let file: H5File;
  try {
    file = new h5.File(path, 'r');
  } catch (error) {
    throw new UlasanError('FILE_FORMAT', `Could not open ${path} as HDF5: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    let root: H5Node = file;
    if (!listAttr(root, 'layer_names')) {
      const mw = file.keys().includes('model_weights') ? file.get('model_weights') : null;
      if (mw && listAttr(mw, 'layer_names')) root = mw;
    }
    const layerNames = listAttr(root, 'layer_names');
    if (!layerNames) {
      const keys = file.keys();
      throw new UlasanError(
        'FILE_FORMAT',
        `${path} is HDF5 but not a Keras 2 weight file: no "layer_names" attribute at the root or in "model_weights" (top-level entries: ${keys.slice(0, 5).join(', ') || 'none'}). Keras 3 ".weights.h5" files use another layout: save with tf.keras 2 (or legacy h5) or convert with tensorflowjs_converter.`,
      );
    }
    const wanted = options.layers ? new Set(options.layers) : undefined;
    const layers = new Map<string, KerasH5Weight[]>();
    const children = new Set(root.keys());
    for (const layerName of layerNames) {
      if (wanted && !wanted.has(layerName)) continue;
      if (!children.has(layerName)) continue;
      const group = root.get(layerName);
      if (group?.type !== 'Group') continue;
      const weightNames = listAttr(group, 'weight_names') ?? [];
      if (weightNames.length === 0) continue;
      const weights: KerasH5Weight[] = [];
      for (const name of weightNames) {
        const ds = group.get(name);
        if (ds?.type !== 'Dataset') {
          throw new UlasanError(
            'FILE_FORMAT',
            `${path}: layer "${layerName}" lists the weight "${name}" but has no such dataset. The file is truncated or not written by Keras.`,
          );
        }
        weights.push({
          name,
          shape: [...(ds.shape ?? [])],
          values: toFloat32(ds.value, `${path}:${layerName}/${name}`),
        });
      }
      layers.set(layerName, weights);
    }
    const result: KerasH5Weights = { file: path, layerNames, layers };
    if ('backend' in root.attrs) result.backend = text(root.attrs.backend?.value);
    if ('keras_version' in root.attrs) result.kerasVersion = text(root.attrs.keras_version?.value);
    return result;
  } finally {
    file.close();
  }
}

/**
 * Copies the weights of a Keras HDF5 file into a tfjs-layers `model`: by layer name by default
 * (Keras' `load_weights(..., by_name=True)`), or by the order of the layers that have weights.
 * Within a layer, weights are assigned in the file's order (kernel, bias; gamma, beta,
 * moving_mean, moving_variance), as Keras does. A file layer whose shapes differ from the model's
 * (a 1000-class `predictions` on a 5-class model) is skipped and reported in `shapeMismatch`.
 *
 * @example
 * ```ts
 * const { model } = await buildResNet50({ includeTop: false, pooling: 'avg' });
 * const report = await loadKerasWeights(model, 'resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5');
 * report.loaded.length; // 318 weights of 106 layers
 * ```
 */
export async function loadKerasWeights(
  model: tfl.LayersModel,
  path: string,
  options: LoadKerasWeightsOptions = {},
): Promise<WeightLoadReport> {
  const byName = options.byName ?? true;
  const withWeights = model.layers.filter((l) => l.weights.length > 0);
  const file = await readKerasH5Weights(path, byName ? { layers: withWeights.map((l) => l.name) } : {});
  const report: WeightLoadReport = { loaded: [], missing: [], shapeMismatch: [] };
  const pairs: [tfl.layers.Layer, KerasH5Weight[] | undefined][] = [];
  if (byName) {
    for (const layer of withWeights) pairs.push([layer, file.layers.get(layer.name)]);
  } else {
    const fileLayers = file.layerNames.filter((n) => file.layers.has(n));
    if (fileLayers.length !== withWeights.length) {
      throw new UlasanError(
        'SHAPE_MISMATCH',
        `${path} has ${fileLayers.length} layers with weights, the model ${withWeights.length}: loading by order needs the same architecture. Load by name instead ({ byName: true }).`,
      );
    }
    withWeights.forEach((layer, i) => {
      pairs.push([layer, file.layers.get(fileLayers[i] as string)]);
    });
  }
  const { tf } = await loadTf();
  for (const [layer, weights] of pairs) {
    const vars = layer.weights;
    if (!weights) {
      report.missing.push(...vars.map((v) => v.originalName));
      continue;
    }
    if (weights.length !== vars.length) {
      report.shapeMismatch.push(`${layer.name} (file has ${weights.length} weights, model ${vars.length})`);
      continue;
    }
    const bad = vars.findIndex((v, i) => (weights[i] as KerasH5Weight).shape.join(',') !== v.shape.join(','));
    if (bad >= 0) {
      const v = vars[bad] as tfl.LayerVariable;
      report.shapeMismatch.push(
        `${v.originalName} (file ${JSON.stringify((weights[bad] as KerasH5Weight).shape)}, model ${JSON.stringify(v.shape)})`,
      );
      continue;
    }
    const tensors = weights.map((w) => tf.tensor(w.values, w.shape, 'float32'));
    try {
      layer.setWeights(tensors);
    } finally {
      for (const t of tensors) t.dispose();
    }
    report.loaded.push(...vars.map((v) => v.originalName));
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
      `No layer of ${path} (${file.layerNames.slice(0, 3).join(', ')}, ...) matches a layer of the model by name and shape (e.g. ${withWeights[0]?.name ?? 'conv1_conv'}). Is it a Keras model of the same architecture?`,
    );
  }
  return report;
}
