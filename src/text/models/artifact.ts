/**
 * The saved-model directory format shared by every text classifier.
 *
 * ```
 * my-model/
 *   model.json        the manifest: { format: 'ulasan-text-classifier', version: 1, kind, classes,
 *                     pipeline, options, metadata, files }
 *   <state files>     kind-specific, listed in `files` by role (e.g. { vectorizer: 'vectorizer.json',
 *                     weights: 'weights.json' }), paths relative to the directory
 * ```
 *
 * State files are written first and the manifest last, each atomically, so a directory with a
 * manifest is always complete. {@link readArtifact} is the one validating loader: it refuses
 * manifests from a newer version, malformed ones, and any file path that leaves the directory.
 */
import { promises as fs } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Label } from '../../core/classifier.js';
import { writeFileAtomic, writeJsonAtomic } from '../../internal/atomic-fs.js';
import { UlasanError } from '../../internal/errors.js';

/** The manifest's `format` value. */
export const ARTIFACT_FORMAT = 'ulasan-text-classifier';
/** The newest manifest version this ulasan reads and writes. */
export const ARTIFACT_VERSION = 1;
/** File name of the manifest inside a model directory. */
export const MANIFEST_FILE = 'model.json';

/** What a model records about its training (set by `fit`). */
export interface TrainingMetadata {
  /** SHA-256 of the training texts and labels (see `hashTrainingData`). */
  dataHash: string;
  /** The seed the model was trained with. */
  seed: number;
  /** Number of training examples. */
  trainingSize: number;
  /** TensorFlow.js version, for deep models. */
  tfjsVersion?: string;
  /** Anything else worth recording (e.g. validation scores, texts that preprocessed to nothing). */
  [key: string]: unknown;
}

/** Training metadata recorded in every saved model. */
export interface ArtifactMetadata extends TrainingMetadata {
  /** ulasan version that wrote the model. */
  ulasanVersion: string;
  /** ISO 8601 time of saving. */
  createdAt: string;
}

/** The `model.json` manifest of a saved text classifier. */
export interface ArtifactManifest {
  format: typeof ARTIFACT_FORMAT;
  version: number;
  /** Model kind (`'nb'`, `'logreg'`, `'svm'`, `'lstm'`, ...): selects the loader in the registry. */
  kind: string;
  /** Class labels in `predictProba` column order. */
  classes: Label[];
  /** The preprocessing pipeline config (its `toJSON()`), applied before the model. */
  pipeline: unknown;
  /** The classifier's constructor options (JSON-safe), so a loaded model reports how it was made. */
  options?: Record<string, unknown>;
  /** Training metadata. */
  metadata: ArtifactMetadata;
  /** Kind-specific state files by role, as paths relative to the model directory. */
  files: Record<string, string>;
}

/** A validated saved model: its manifest and safe access to its files. */
export interface Artifact {
  /** Absolute path of the model directory. */
  dir: string;
  /** The validated manifest. */
  manifest: ArtifactManifest;
  /** Absolute path of the file with role `role` (validated to stay inside `dir`). */
  path(role: string): string;
  /** Reads the file with role `role` as UTF-8. */
  readText(role: string): Promise<string>;
  /** Reads and parses the JSON file with role `role`. */
  readJson<T = unknown>(role: string): Promise<T>;
  /** Reads the file with role `role` as bytes. */
  readBytes(role: string): Promise<Uint8Array>;
}

/**
 * Resolves `relativePath` inside `dir`, refusing absolute paths and anything that escapes the
 * directory (`..`, symlinked parents are checked by {@link readArtifact} via realpath). Deep models
 * use it for the paths in their weights manifests too.
 *
 * @throws UlasanError `FILE_FORMAT` when the path points outside the model directory.
 */
export function resolveArtifactPath(dir: string, relativePath: string): string {
  if (typeof relativePath !== 'string' || relativePath === '' || relativePath.includes('\0')) {
    throw new UlasanError(
      'FILE_FORMAT',
      `Model file path ${JSON.stringify(relativePath)} is not a valid relative path.`,
    );
  }
  const root = resolve(dir);
  const full = resolve(root, relativePath);
  const rel = relative(root, full);
  if (isAbsolute(relativePath) || rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new UlasanError(
      'FILE_FORMAT',
      `Refusing model file path "${relativePath}": it points outside the model directory ${root}. A saved model may only reference files inside its own directory; the model may have been tampered with.`,
    );
  }
  return full;
}

/**
 * Writes a model directory: the state files first, then `model.json` (each atomically).
 *
 * @param files role → `{ path, data }`; `data` is a string, bytes, or a JSON value.
 */
export async function writeArtifact(
  dir: string,
  manifest: Omit<ArtifactManifest, 'format' | 'version' | 'files'>,
  files: Record<string, { path: string; data: string | Uint8Array | object }>,
): Promise<ArtifactManifest> {
  await fs.mkdir(dir, { recursive: true });
  const listed: Record<string, string> = {};
  for (const [role, file] of Object.entries(files)) {
    const full = resolveArtifactPath(dir, file.path);
    if (file.path === MANIFEST_FILE)
      throw new UlasanError('INVALID_ARGUMENT', `A state file may not be called ${MANIFEST_FILE}.`);
    if (typeof file.data === 'string' || file.data instanceof Uint8Array) await writeFileAtomic(full, file.data);
    else await writeJsonAtomic(full, file.data);
    listed[role] = file.path;
  }
  const full: ArtifactManifest = { format: ARTIFACT_FORMAT, version: ARTIFACT_VERSION, ...manifest, files: listed };
  await writeJsonAtomic(join(dir, MANIFEST_FILE), full);
  return full;
}

/**
 * Reads and validates a saved model directory. Every later file access goes through the returned
 * object, which only opens files the manifest lists, inside the directory.
 *
 * @example
 * ```ts
 * const artifact = await readArtifact('models/smsa-logreg');
 * console.log(artifact.manifest.kind, artifact.manifest.classes);
 * ```
 * @throws UlasanError `FILE_NOT_FOUND` (no directory or no model.json), `FILE_FORMAT` (not a ulasan
 *   model, malformed manifest, path outside the directory), `UNSUPPORTED_VERSION` (newer format).
 */
export async function readArtifact(dir: string, options: { knownKinds?: readonly string[] } = {}): Promise<Artifact> {
  const root = resolve(dir);
  const manifestPath = join(root, MANIFEST_FILE);
  let text: string;
  try {
    text = await fs.readFile(manifestPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new UlasanError(
        'FILE_NOT_FOUND',
        `No saved model at ${root}: expected ${MANIFEST_FILE} there. Pass the directory written by save() or \`ulasan train --out\`.`,
        { cause: error },
      );
    }
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UlasanError('FILE_FORMAT', `${manifestPath} is not valid JSON: ${(error as Error).message}.`, {
      cause: error,
    });
  }
  const manifest = validateManifest(raw, manifestPath, options.knownKinds);
  const realRoot = await fs.realpath(root);
  for (const role of Object.keys(manifest.files)) resolveArtifactPath(root, manifest.files[role]!);
  const path = (role: string): string => {
    const rel = manifest.files[role];
    if (rel === undefined) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${manifestPath} lists no "${role}" file (it has: ${Object.keys(manifest.files).join(', ') || 'none'}); the model directory is incomplete.`,
      );
    }
    return resolveArtifactPath(root, rel);
  };
  const open = async (role: string): Promise<Buffer> => {
    const full = path(role);
    let real: string;
    try {
      real = await fs.realpath(full);
    } catch (error) {
      throw new UlasanError(
        'FILE_NOT_FOUND',
        `Model file "${manifest.files[role]}" (${role}) is missing from ${root}.`,
        { cause: error },
      );
    }
    // A symlink inside the directory must not lead outside it either.
    resolveArtifactPath(realRoot, relative(realRoot, real) || '.');
    return fs.readFile(real);
  };
  return {
    dir: root,
    manifest,
    path,
    readBytes: async (role) => new Uint8Array(await open(role)),
    readText: async (role) => (await open(role)).toString('utf8'),
    readJson: async <T>(role: string) => {
      const buf = await open(role);
      try {
        return JSON.parse(buf.toString('utf8')) as T;
      } catch (error) {
        throw new UlasanError(
          'FILE_FORMAT',
          `Model file "${manifest.files[role]}" is not valid JSON: ${(error as Error).message}.`,
          { cause: error },
        );
      }
    },
  };
}

function validateManifest(raw: unknown, where: string, knownKinds?: readonly string[]): ArtifactManifest {
  const bad = (what: string) =>
    new UlasanError('FILE_FORMAT', `${where}: ${what}. This does not look like a model saved by ulasan.`);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('expected a JSON object');
  const m = raw as Record<string, unknown>;
  if (m.format !== ARTIFACT_FORMAT) throw bad(`"format" is ${JSON.stringify(m.format)}, expected "${ARTIFACT_FORMAT}"`);
  if (typeof m.version !== 'number' || !Number.isInteger(m.version) || m.version < 1)
    throw bad('"version" must be a positive integer');
  if (m.version > ARTIFACT_VERSION) {
    throw new UlasanError(
      'UNSUPPORTED_VERSION',
      `${where} was written in model format version ${m.version}, but this ulasan reads up to version ${ARTIFACT_VERSION}. Upgrade ulasan (npm install ulasan@latest) to load it.`,
    );
  }
  if (typeof m.kind !== 'string' || m.kind === '') throw bad('"kind" must be a non-empty string');
  if (knownKinds && !knownKinds.includes(m.kind)) {
    throw new UlasanError(
      'FILE_FORMAT',
      `${where}: unknown model kind "${m.kind}". Known kinds: ${knownKinds.join(', ')}. It may need a newer ulasan or a plugin that registers this kind.`,
    );
  }
  if (
    !Array.isArray(m.classes) ||
    m.classes.length < 2 ||
    m.classes.some((c) => typeof c !== 'string' && typeof c !== 'number')
  ) {
    throw bad('"classes" must be an array of at least two string or number labels');
  }
  if (!m.metadata || typeof m.metadata !== 'object') throw bad('"metadata" is missing');
  if (!m.files || typeof m.files !== 'object' || Array.isArray(m.files))
    throw bad('"files" must be an object of role → relative path');
  for (const [role, p] of Object.entries(m.files as Record<string, unknown>)) {
    if (typeof p !== 'string') throw bad(`file "${role}" must be a relative path string`);
  }
  if (m.options !== undefined && (typeof m.options !== 'object' || m.options === null))
    throw bad('"options" must be an object');
  return m as unknown as ArtifactManifest;
}
