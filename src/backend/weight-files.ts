/**
 * The one reader of TensorFlow.js weight shards (the `weightsManifest` of a layers `model.json`),
 * for text model directories and vision model folders alike. Every shard path must be a plain
 * relative file name that stays inside the model's root (no absolute paths, URLs, backslashes, `..`
 * out of it, or symlinks leading out of it): a model file can never make ulasan read elsewhere.
 * Pure Node (no TensorFlow.js): callers decode the bytes (`tf.io.decodeWeights`, or float32 views).
 */
import { promises as fs } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { UlasanError } from '../internal/errors.js';

/** One `weightsManifest` group: its shard paths and the specs of the weights they hold, in order. */
export interface WeightGroup<S = { name: string; shape: number[]; dtype: string }> {
  paths: string[];
  weights: S[];
}

/**
 * Checks a parsed `model.json`'s `weightsManifest`: an array of `{ paths, weights }` groups.
 *
 * @throws UlasanError `FILE_FORMAT` naming `file`, with `hint` (what to do) when there is no manifest.
 */
export function checkWeightsManifest<S>(json: unknown, file: string, hint: string): WeightGroup<S>[] {
  const groups = (json as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!json || typeof json !== 'object' || !Array.isArray(groups)) {
    throw new UlasanError('FILE_FORMAT', `${file} has no weightsManifest: ${hint}`);
  }
  for (const group of groups as { paths?: unknown; weights?: unknown }[]) {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new UlasanError('FILE_FORMAT', `${file}: every weightsManifest entry needs "paths" and "weights" arrays.`);
    }
  }
  return groups as WeightGroup<S>[];
}

function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * Resolves a shard path listed in `file` (relative to `file`'s folder), refusing anything that
 * leaves `root` (default: that folder), literally or through a symlink.
 *
 * @throws UlasanError `FILE_FORMAT` for a refused path, `FILE_NOT_FOUND` for a missing shard.
 */
export async function resolveWeightShard(file: string, p: unknown, root = dirname(file)): Promise<string> {
  if (
    typeof p !== 'string' ||
    p === '' ||
    p.includes('\0') ||
    p.includes('\\') ||
    /^[a-z][a-z0-9+.-]*:/i.test(p) ||
    isAbsolute(p)
  ) {
    throw new UlasanError(
      'FILE_FORMAT',
      `Refusing weights path ${JSON.stringify(p)} in ${file}: only plain relative file names inside the model folder are allowed; the model may have been tampered with.`,
    );
  }
  const base = resolve(root);
  const full = resolve(dirname(file), p);
  if (!inside(base, full)) {
    throw new UlasanError(
      'FILE_FORMAT',
      `Refusing weights path "${p}" in ${file}: it points outside the model folder ${base}; the model may have been tampered with.`,
    );
  }
  let real: string;
  try {
    real = await fs.realpath(full);
  } catch (error) {
    throw new UlasanError(
      'FILE_NOT_FOUND',
      `Weights file "${p}" listed in ${file} is missing: the model folder is incomplete. Save or convert the model again.`,
      { cause: error },
    );
  }
  if (!inside(await fs.realpath(base), real)) {
    throw new UlasanError(
      'FILE_FORMAT',
      `Refusing weights path "${p}" in ${file}: it is a symlink to ${real}, outside the model folder; the model may have been tampered with.`,
    );
  }
  return real;
}

/**
 * Reads every group's shards (guarded by {@link resolveWeightShard}) and concatenates each group's
 * bytes, ready for `tf.io.decodeWeights(bytes, group.weights)`.
 *
 * @example
 * ```ts
 * const groups = checkWeightsManifest(json, file, 'expected a TensorFlow.js layers model.');
 * for (const { weights, bytes } of await readWeightShards(file, groups)) console.log(weights.length, bytes.length);
 * ```
 */
export async function readWeightShards<S>(
  file: string,
  groups: readonly WeightGroup<S>[],
  options: { root?: string } = {},
): Promise<{ weights: S[]; bytes: Uint8Array }[]> {
  const out: { weights: S[]; bytes: Uint8Array }[] = [];
  for (const group of groups) {
    const chunks: Uint8Array[] = [];
    for (const p of group.paths) chunks.push(await fs.readFile(await resolveWeightShard(file, p, options.root)));
    const bytes = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      bytes.set(c, o);
      o += c.length;
    }
    out.push({ weights: group.weights, bytes });
  }
  return out;
}
