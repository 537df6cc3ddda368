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
 * The directory is saved as one unit: every file is written into a fresh sibling directory, the
 * manifest last with the size and SHA-256 of every state file (`integrity`), and the result is
 * swapped in with renames (see `writeDirectoryAtomic`), so a save killed at any point leaves the
 * previous model or the new one, never a mix. {@link readArtifact} is the one validating loader:
 * it finishes a swap a crash interrupted, refuses manifests from a newer version, malformed ones,
 * any file path that leaves the directory, and any file whose size or checksum differs from the
 * manifest's (a directory mixing files of different saves).
 */
import { promises as fs } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Label } from '../../core/classifier.js';
import {
  type FileIntegrity,
  fileIntegrity,
  recoverDirectory,
  verifyFileIntegrity,
  writeDirectoryAtomic,
  writeFileAtomic,
  writeJsonAtomic,
} from '../../internal/atomic-fs.js';
import { UlasanError } from '../../internal/errors.js';
import { readVersionedJson, type VersionedFormat } from '../../internal/versioned-json.js';

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
  /**
   * Size and SHA-256 of every state file, by path (written with atomic model directories; absent
   * in models saved by older versions). {@link readArtifact} refuses files that differ.
   */
  integrity?: Record<string, { bytes: number; sha256: string }>;
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

/** The top-level entries of a saved model directory that belong to its save (from its manifest). */
async function savedEntries(dir: string): Promise<string[]> {
  const entries = [MANIFEST_FILE];
  try {
    const raw = JSON.parse(await fs.readFile(join(dir, MANIFEST_FILE), 'utf8')) as { files?: unknown };
    if (raw.files && typeof raw.files === 'object') {
      for (const p of Object.values(raw.files as Record<string, unknown>)) {
        if (typeof p === 'string' && p !== '') entries.push(p.split(/[\\/]/)[0]!);
      }
    }
  } catch {
    // Not a readable model: nothing in it is known to belong to a save, so everything is kept.
  }
  return entries;
}

/** How model directories are swapped: the old save's own files are dropped, anything else is kept. */
const MODEL_DIRECTORY_OPTIONS = { previousEntries: savedEntries, commitFile: MANIFEST_FILE } as const;

/**
 * Finishes (or rolls back) a save of a model directory that a crash interrupted, keeping the
 * files that were not part of the save (a `checkpoint/` folder): what `train --resume` runs before
 * it looks for its checkpoint. Loading a model does the same by itself.
 *
 * @example
 * ```ts
 * await recoverModelDirectory('models/smsa-gru'); // 'none' when nothing was interrupted
 * ```
 */
export function recoverModelDirectory(dir: string): ReturnType<typeof recoverDirectory> {
  return recoverDirectory(dir, MODEL_DIRECTORY_OPTIONS);
}

/**
 * Writes a model directory as one unit: the state files, then `model.json` with their sizes and
 * checksums, into a fresh sibling directory that is swapped in (see the module comment). Files in
 * an existing directory that are not part of its previous save (a checkpoint folder, notes) are
 * kept.
 *
 * @param files role → `{ path, data }`; `data` is a string, bytes, or a JSON value.
 * @example
 * ```ts
 * await writeArtifact('models/custom', { kind: 'custom', classes: ['neg', 'pos'], pipeline: null, metadata },
 *   { weights: { path: 'weights.json', data: { w: [0.1, 0.2] } } });
 * ```
 * @throws UlasanError `FILE_WRITE` when the disk is full or the directory is not writable (the
 *   previous model is left intact).
 */
export async function writeArtifact(
  dir: string,
  manifest: Omit<ArtifactManifest, 'format' | 'version' | 'files' | 'integrity'>,
  files: Record<string, { path: string; data: string | Uint8Array | object }>,
): Promise<ArtifactManifest> {
  const listed: Record<string, string> = {};
  for (const [role, file] of Object.entries(files)) {
    resolveArtifactPath(dir, file.path);
    if (file.path === MANIFEST_FILE)
      throw new UlasanError('INVALID_ARGUMENT', `A state file may not be called ${MANIFEST_FILE}.`);
    listed[role] = file.path;
  }
  let full: ArtifactManifest | undefined;
  await writeDirectoryAtomic(
    dir,
    async (staging) => {
      for (const file of Object.values(files)) {
        const path = resolveArtifactPath(staging, file.path);
        if (typeof file.data === 'string' || file.data instanceof Uint8Array) await writeFileAtomic(path, file.data);
        else await writeJsonAtomic(path, file.data);
      }
      const integrity = await fileIntegrity(
        staging,
        Object.values(listed).map((p) => p.split(sep).join('/')),
      );
      full = { format: ARTIFACT_FORMAT, version: ARTIFACT_VERSION, ...manifest, files: listed, integrity };
      await writeJsonAtomic(join(staging, MANIFEST_FILE), full);
    },
    MODEL_DIRECTORY_OPTIONS,
  );
  return full!;
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
  const raw = await readVersionedJson(manifestPath, ARTIFACT_SPEC, {
    // A crash between the two renames of a save leaves the model under a temporary name: put it back.
    recover: async () => {
      const recovered = await recoverDirectory(root, MODEL_DIRECTORY_OPTIONS).catch(() => 'none');
      return recovered === 'rolled-forward' || recovered === 'rolled-back';
    },
    notFound: async (error) => {
      const entries = await fs.readdir(root).catch(() => undefined);
      const interrupted =
        entries && entries.length > 0
          ? ` The directory exists but has no ${MANIFEST_FILE}: a save into it was interrupted, or it is not a model directory. Train or save the model again.`
          : ` Pass the directory written by save() or \`ulasan train --out\`.`;
      return new UlasanError(
        'FILE_NOT_FOUND',
        `No saved model at ${root}: expected ${MANIFEST_FILE} there.${interrupted}`,
        {
          cause: error,
        },
      );
    },
  });
  const manifest = validateManifest(raw, manifestPath, options.knownKinds);
  const realRoot = await fs.realpath(root);
  for (const role of Object.keys(manifest.files)) resolveArtifactPath(root, manifest.files[role]!);
  if (manifest.integrity) {
    for (const rel of Object.keys(manifest.integrity)) {
      const full = resolveArtifactPath(root, rel);
      const real = await fs.realpath(full).catch(() => full);
      resolveArtifactPath(realRoot, relative(realRoot, real) || '.');
    }
    await verifyFileIntegrity(root, manifest.integrity, manifestPath);
  }
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

/** `model.json` as a versioned file (version 1 is the only one so far: no upgrades yet). */
const ARTIFACT_SPEC: VersionedFormat = { format: ARTIFACT_FORMAT, version: ARTIFACT_VERSION, what: 'model' };

/** Checks the manifest's fields (format and version are checked by {@link readVersionedJson}). */
function validateManifest(m: Record<string, unknown>, where: string, knownKinds?: readonly string[]): ArtifactManifest {
  const bad = (what: string) =>
    new UlasanError('FILE_FORMAT', `${where}: ${what}. This does not look like a model saved by ulasan.`);
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
  if (m.integrity !== undefined) {
    if (!m.integrity || typeof m.integrity !== 'object' || Array.isArray(m.integrity))
      throw bad('"integrity" must be an object of path → { bytes, sha256 }');
    for (const [p, v] of Object.entries(m.integrity as Record<string, unknown>)) {
      const e = v as Partial<FileIntegrity> | null;
      if (!e || typeof e.bytes !== 'number' || typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256))
        throw bad(`"integrity" entry for ${JSON.stringify(p)} must be { bytes, sha256 }`);
    }
  }
  return m as unknown as ArtifactManifest;
}
