/**
 * The one reader of persisted `{ format, version }` JSON (text model manifests, multi-label model
 * manifests): checks that the value is an object of the expected `format`, that `version` is a
 * positive integer this ulasan can read, and upgrades older versions step by step to the newest
 * before the caller validates the rest. Every saved file that carries `{ format, version }` goes
 * through {@link checkVersioned}; {@link readVersionedJson} adds the file reading and JSON parsing.
 */
import { promises as fs } from 'node:fs';
import { UlasanError } from './errors.js';

/** What a versioned file is and how its old versions are upgraded. */
export interface VersionedFormat {
  /** The `format` value every file of this kind carries. */
  format: string;
  /** The newest `version` this ulasan reads (and writes). */
  version: number;
  /** What the file is, for messages: `model`, `multi-label model`. */
  what: string;
  /**
   * Upgrades by source version: `upgrades[n]` turns a version-`n` object into a version-`n + 1`
   * one. Applied in order from the file's version up to `version`.
   */
  upgrades?: Readonly<Record<number, (old: Record<string, unknown>) => Record<string, unknown>>>;
}

/**
 * Validates the `format` and `version` of a parsed file and upgrades it to the newest version.
 *
 * @throws UlasanError `FILE_FORMAT` (not an object, another format, a version that is not a
 *   positive integer, a missing upgrade step), `UNSUPPORTED_VERSION` (a newer version).
 */
export function checkVersioned(raw: unknown, where: string, spec: VersionedFormat): Record<string, unknown> {
  const bad = (what: string) =>
    new UlasanError('FILE_FORMAT', `${where}: ${what}. This does not look like a ${spec.what} saved by ulasan.`);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('expected a JSON object');
  let value = raw as Record<string, unknown>;
  if (value.format !== spec.format) throw bad(`"format" is ${JSON.stringify(value.format)}, expected "${spec.format}"`);
  const version = value.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw bad('"version" must be a positive integer');
  if (version > spec.version) {
    throw new UlasanError(
      'UNSUPPORTED_VERSION',
      `${where} was written in ${spec.what} format version ${version}, but this ulasan reads up to version ${spec.version}. Upgrade ulasan (npm install ulasan@latest) to load it.`,
    );
  }
  for (let v = version; v < spec.version; v++) {
    const upgrade = spec.upgrades?.[v];
    if (!upgrade) throw bad(`version ${v} cannot be upgraded to ${spec.version} by this ulasan`);
    value = { ...upgrade(value), format: spec.format, version: v + 1 };
  }
  return value;
}

/**
 * Reads a JSON file, parses it and checks it with {@link checkVersioned}.
 *
 * `recover` runs when the file is missing (e.g. to finish a directory swap a crash interrupted) and
 * returns true when the file should be read again; `notFound` builds the error of a file that is
 * still missing.
 *
 * @throws UlasanError `FILE_NOT_FOUND`, `FILE_FORMAT` (not JSON, see {@link checkVersioned}),
 *   `UNSUPPORTED_VERSION`.
 */
export async function readVersionedJson(
  path: string,
  spec: VersionedFormat,
  options: {
    recover?: () => Promise<boolean>;
    notFound?: (error: unknown) => UlasanError | Promise<UlasanError>;
  } = {},
): Promise<Record<string, unknown>> {
  let text: string;
  try {
    try {
      text = await fs.readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || !(await options.recover?.())) throw error;
      text = await fs.readFile(path, 'utf8');
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw options.notFound
        ? await options.notFound(error)
        : new UlasanError('FILE_NOT_FOUND', `No ${spec.what} at ${path}: the file does not exist.`, { cause: error });
    }
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UlasanError('FILE_FORMAT', `${path} is not valid JSON: ${(error as Error).message}.`, { cause: error });
  }
  return checkVersioned(raw, path, spec);
}
