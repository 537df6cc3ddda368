/**
 * Crash-safe file output, the one copy every writer in ulasan uses.
 *
 * - A half-written file never replaces a good one: data goes to a temporary file in the same
 *   directory, is flushed (fsync), then renamed over the target (rename is atomic on POSIX), and
 *   the parent directory is fsynced so the rename itself survives a power loss. When the write,
 *   the fsync or the rename fails, the temporary file is removed.
 * - A directory of several files (a saved model) is written as one unit by
 *   {@link writeDirectoryAtomic}: into a fresh sibling directory, fsynced, then swapped in with
 *   renames; {@link recoverDirectory} finishes or rolls back a swap that a crash interrupted.
 * - Out-of-space, permission and read-only errors become `UlasanError('FILE_WRITE')` naming the
 *   file and the fix; the original error is the `cause`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { UlasanError } from './errors.js';

const BIG_CHUNK = 1 << 20;

function tmpNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Removes the temporary files that killed processes left for `path` (a SIGKILL or power loss
 * between creating the temporary file and renaming it), so retries do not pile them up. Files of
 * live processes (a concurrent writer) are left alone.
 */
async function removeStaleTemporaries(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = await fs.readdir(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)-[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
    if (m && !processAlive(Number(m[1]))) await fs.rm(join(dirname(path), name), { force: true }).catch(() => {});
  }
}

/** The errno code of a Node.js file-system error, if any. */
function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Turns a file-system error raised while writing `path` into a clear `UlasanError('FILE_WRITE')`
 * for the cases a user can fix (no space, no permission, read-only file system); other errors and
 * errors that already are `UlasanError`s are returned unchanged.
 */
export function writeError(error: unknown, path: string, what = 'write'): unknown {
  if (UlasanError.isInstance(error)) return error;
  const code = errnoCode(error);
  const dir = dirname(path);
  let message: string | undefined;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    message = `No space left on the device to ${what} ${path}: free space on the file system of ${dir} (or choose another output directory, --out on the CLI) and run it again. Nothing was replaced; the temporary file was removed.`;
  } else if (code === 'EACCES' || code === 'EPERM') {
    message = `Permission denied to ${what} ${path}: choose a writable output directory (--out on the CLI) or give this user write access to ${dir}.`;
  } else if (code === 'EROFS') {
    message = `${dir} is on a read-only file system, so ${path} cannot be written: choose a writable output directory (--out on the CLI).`;
  }
  if (message === undefined) return error;
  const wrapped = new UlasanError('FILE_WRITE', message, { cause: error });
  Object.assign(wrapped, { errno: code, path });
  return wrapped;
}

/** fsyncs a directory so a rename or a new entry in it is durable; a no-op where that is unsupported. */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Windows cannot open directories; some file systems refuse fsync on them. Neither is fatal.
    const code = errnoCode(error);
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EACCES' && code !== 'ENOTSUP')
      throw error;
  } finally {
    await handle?.close().catch(() => {});
  }
}

async function mkdirFor(path: string): Promise<void> {
  try {
    await fs.mkdir(dirname(path), { recursive: true });
  } catch (error) {
    throw writeError(error, path, 'create the directory for');
  }
}

/**
 * Streams `chunks` to a temporary file next to `path`, fsyncs it, renames it over `path` and
 * fsyncs the directory. Large chunks (≥ 1 MiB, e.g. weight matrices) are written as they are;
 * small ones are batched. On any failure the temporary file is removed and `path` is untouched.
 *
 * @example
 * ```ts
 * await writeChunksAtomic('vectors.bin', [header, weights]);
 * ```
 * @throws UlasanError `FILE_WRITE` when the disk is full, the directory is not writable or read-only.
 */
export async function writeChunksAtomic(
  path: string,
  chunks: Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>,
): Promise<void> {
  await mkdirFor(path);
  const tmp = tmpNameFor(path);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, 'wx');
    const h = handle;
    let pending: (Uint8Array | string)[] = [];
    let pendingBytes = 0;
    const writeAll = async (bytes: Uint8Array) => {
      for (let at = 0; at < bytes.length; ) {
        const { bytesWritten } = await h.write(bytes, at, Math.min(bytes.length - at, 1 << 24));
        at += bytesWritten;
      }
    };
    const flush = async () => {
      if (pending.length === 0) return;
      await writeAll(Buffer.concat(pending.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c))));
      pending = [];
      pendingBytes = 0;
    };
    for await (const chunk of chunks) {
      if (typeof chunk !== 'string' && chunk.length >= BIG_CHUNK) {
        // Large arrays (possibly views of training memory) are written as they are: concatenating
        // them would copy the whole state.
        await flush();
        await writeAll(chunk);
        continue;
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= BIG_CHUNK) await flush();
    }
    await flush();
    await h.sync();
    handle = undefined;
    await h.close();
    await fs.rename(tmp, path);
  } catch (error) {
    await handle?.close().catch(() => {});
    await fs.rm(tmp, { force: true }).catch(() => {});
    await removeStaleTemporaries(path);
    throw writeError(error, path);
  }
  await fsyncDirectory(dirname(path));
  await removeStaleTemporaries(path);
}

/**
 * Writes `data` to `path` atomically, creating parent directories: a crash or an error leaves
 * either the old file or the new one, never a part, and no temporary file.
 *
 * @example
 * ```ts
 * await writeFileAtomic('out/report.txt', 'accuracy 0.91\n');
 * ```
 * @throws UlasanError `FILE_WRITE` when the disk is full, the directory is not writable or read-only.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await writeChunksAtomic(path, [data]);
}

/**
 * Writes `value` as pretty JSON atomically.
 *
 * @example
 * ```ts
 * await writeJsonAtomic('out/metrics.json', { accuracy: 0.91 });
 * ```
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Appends one whole line to a log file with a single `write` call and fsync, so a killed process
 * leaves either the full line or nothing (readers must ignore a final line without `\n`).
 *
 * @example
 * ```ts
 * await appendLineAtomic('results.jsonl', JSON.stringify({ name: 'a', accuracy: 0.9 }));
 * ```
 */
export async function appendLineAtomic(path: string, line: string): Promise<void> {
  if (line.includes('\n')) throw new Error('appendLineAtomic: a line must not contain a newline');
  await mkdirFor(path);
  let handle: fs.FileHandle | undefined;
  let before = -1;
  try {
    handle = await fs.open(path, 'a');
    before = (await handle.stat()).size;
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    // One write call in the common case; a short write (the disk filling up) is continued, so it
    // either completes or raises the error.
    for (let at = 0; at < bytes.length; ) at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
    await handle.sync();
  } catch (error) {
    // A write cut short (disk full) would leave a partial line that the next append glues onto:
    // cut it off again, unless another process appended meanwhile.
    if (handle && before >= 0) {
      const size = await handle
        .stat()
        .then((st) => st.size)
        .catch(() => before);
      if (size > before && size - before < Buffer.byteLength(line) + 1) await handle.truncate(before).catch(() => {});
    }
    throw writeError(error, path, 'append to');
  } finally {
    await handle?.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// Directories written as one unit

/** Options of {@link writeDirectoryAtomic} and {@link recoverDirectory}. */
export interface DirectoryWriteOptions {
  /**
   * Names of the top-level entries of the previous directory that belong to the previous save
   * (they are dropped when the new one is swapped in). Entries it does not name and the new save
   * does not write (a user's notes, a checkpoint folder) are moved into the new directory.
   * Without it the new directory replaces the previous one whole.
   */
  previousEntries?: (previousDir: string) => Promise<Iterable<string>>;
  /**
   * The file written last by `fill` that makes the directory valid (its manifest). When the
   * directory cannot be swapped (it is the working directory or holds it, or its parent is not
   * writable), it is written in place instead: this file is removed first, so an interrupted save
   * leaves a directory that readers refuse as incomplete, never a mixed one that loads.
   */
  commitFile?: string;
}

interface SwapNames {
  token: string;
  staging: string;
  previous: string;
}

function swapNames(root: string, token: string): SwapNames {
  const parent = dirname(root);
  const name = basename(root);
  return { token, staging: join(parent, `.${name}.${token}.saving`), previous: join(parent, `.${name}.${token}.old`) };
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Temporary siblings of `root` left by saves: token → which kinds exist. */
async function leftovers(root: string): Promise<Map<string, { saving: boolean; old: boolean; pid: number }>> {
  const parent = dirname(root);
  const prefix = `.${basename(root)}.`;
  const found = new Map<string, { saving: boolean; old: boolean; pid: number }>();
  let names: string[];
  try {
    names = await fs.readdir(parent);
  } catch {
    return found;
  }
  for (const entry of names) {
    if (!entry.startsWith(prefix)) continue;
    const m = /^(\d+)-([0-9a-f]+)\.(saving|old)$/.exec(entry.slice(prefix.length));
    if (!m) continue;
    const token = `${m[1]}-${m[2]}`;
    const item = found.get(token) ?? { saving: false, old: false, pid: Number(m[1]) };
    if (m[3] === 'saving') item.saving = true;
    else item.old = true;
    found.set(token, item);
  }
  return found;
}

/** Moves the entries of `previous` that are not part of the old save and not in `root` into `root`, then removes `previous`. */
async function retirePrevious(root: string, previous: string, options: DirectoryWriteOptions): Promise<void> {
  const owned = new Set<string>(options.previousEntries ? await options.previousEntries(previous) : []);
  let entries: string[] = [];
  try {
    entries = await fs.readdir(previous);
  } catch {
    return;
  }
  let moved = false;
  if (options.previousEntries) {
    for (const entry of entries) {
      if (owned.has(entry) || (await exists(join(root, entry)))) continue;
      await fs.rename(join(previous, entry), join(root, entry));
      moved = true;
    }
  }
  if (moved) await fsyncDirectory(root);
  await fs.rm(previous, { recursive: true, force: true });
}

/**
 * Finishes or rolls back a directory swap that a crash interrupted, and removes staging
 * directories of dead processes. Returns what it did. Readers call it when a model directory is
 * missing; {@link writeDirectoryAtomic} calls it before each save.
 *
 * - directory missing, a staged copy and the previous one present (killed between the two
 *   renames): the staged copy is complete (it is only renamed after fsync), so it is moved in;
 * - directory missing, only a previous copy: it is moved back;
 * - directory present with a previous copy beside it (killed before the cleanup): the previous
 *   copy's other entries are moved in and it is removed;
 * - staging directories of processes that are no longer running are removed.
 *
 * @example
 * ```ts
 * await recoverDirectory('models/smsa'); // 'rolled-forward' after a save killed mid-swap
 * ```
 */
export async function recoverDirectory(
  dir: string,
  options: DirectoryWriteOptions = {},
): Promise<'none' | 'rolled-forward' | 'rolled-back' | 'cleaned'> {
  const root = await fs.realpath(resolve(dir)).catch(() => resolve(dir));
  const found = await leftovers(root);
  if (found.size === 0) return 'none';
  let result: 'none' | 'rolled-forward' | 'rolled-back' | 'cleaned' = 'none';
  const dead = [...found].filter(([, v]) => !processAlive(v.pid));
  if (!(await exists(root))) {
    const pair = dead.find(([, v]) => v.saving && v.old);
    const onlyOld = dead.find(([, v]) => v.old);
    if (pair) {
      await fs.rename(swapNames(root, pair[0]).staging, root);
      await fsyncDirectory(dirname(root));
      result = 'rolled-forward';
    } else if (onlyOld) {
      await fs.rename(swapNames(root, onlyOld[0]).previous, root);
      await fsyncDirectory(dirname(root));
      found.get(onlyOld[0])!.old = false;
      result = 'rolled-back';
    } else if (options.commitFile) {
      // A first save (no previous directory) killed before its one rename: the staged copy is
      // complete when its commit file, written last, is there; a partial one is removed below.
      for (const [token, v] of dead) {
        const staging = swapNames(root, token).staging;
        if (v.saving && (await exists(join(staging, options.commitFile)))) {
          await fs.rename(staging, root);
          await fsyncDirectory(dirname(root));
          result = 'rolled-forward';
          break;
        }
      }
    }
  }
  const rootExists = await exists(root);
  for (const [token, v] of dead) {
    const names = swapNames(root, token);
    if (rootExists && v.old && (await exists(names.previous))) await retirePrevious(root, names.previous, options);
    if (!(await exists(names.staging))) continue;
    // With no directory in place, only a copy known to be partial (no commit file) is removed; one
    // that cannot be judged is left for a person to look at rather than deleting a finished save.
    if (!rootExists && !options.commitFile) continue;
    await fs.rm(names.staging, { recursive: true, force: true });
    if (result === 'none') result = 'cleaned';
  }
  return result;
}

async function fsyncTree(dir: string): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await fsyncTree(join(dir, entry.name));
  }
  await fsyncDirectory(dir);
}

/**
 * Writes a whole directory as one unit. `fill` writes every file into a fresh sibling staging
 * directory (`.<name>.<pid>-<hex>.saving`); it is fsynced, then swapped in: the previous
 * directory (if any) is renamed aside, the staged one renamed to `dir`, the parent fsynced, and
 * the previous one removed (after moving in entries that are not part of the previous save, see
 * {@link DirectoryWriteOptions.previousEntries}). A crash at any step leaves either the complete
 * previous directory or the complete new one, possibly under a temporary name that
 * {@link recoverDirectory} puts back. When `fill` fails, the staging directory is removed and the
 * previous directory is untouched.
 *
 * @example
 * ```ts
 * await writeDirectoryAtomic('models/smsa', async (staging) => {
 *   await writeJsonAtomic(join(staging, 'weights.json'), weights);
 *   await writeJsonAtomic(join(staging, 'model.json'), manifest);
 * });
 * ```
 * @throws UlasanError `FILE_WRITE` when the disk is full, the parent is not writable or read-only.
 */
export async function writeDirectoryAtomic(
  dir: string,
  fill: (staging: string) => Promise<void>,
  options: DirectoryWriteOptions = {},
): Promise<void> {
  // Through a symlink, the swap happens where the directory really is (the link stays valid).
  const root = await fs.realpath(resolve(dir)).catch(() => resolve(dir));
  if (dirname(root) === root) throw new UlasanError('INVALID_ARGUMENT', `Cannot save over the root directory ${root}.`);
  try {
    await fs.mkdir(dirname(root), { recursive: true });
  } catch (error) {
    throw writeError(error, root, 'create');
  }
  const stat = await fs.stat(root).catch(() => undefined);
  if (stat && !stat.isDirectory()) {
    throw new UlasanError(
      'INVALID_ARGUMENT',
      `${root} exists and is not a directory: choose another output directory (--out on the CLI) or remove the file.`,
    );
  }
  await recoverDirectory(root, options);
  const names = swapNames(root, `${process.pid}-${randomBytes(6).toString('hex')}`);
  const cwd = resolve(process.cwd());
  let inPlace = stat !== undefined && options.commitFile !== undefined && (cwd === root || cwd.startsWith(root + sep));
  if (!inPlace) {
    try {
      await fs.mkdir(names.staging);
    } catch (error) {
      const code = errnoCode(error);
      // A writable directory in an unwritable parent can still be saved into in place.
      if (stat && options.commitFile && (code === 'EACCES' || code === 'EPERM')) inPlace = true;
      else throw writeError(error, root, 'save');
    }
  }
  if (inPlace) {
    await fs.rm(join(root, options.commitFile!), { force: true }).catch((error: unknown) => {
      throw writeError(error, join(root, options.commitFile!), 'replace');
    });
    await fsyncDirectory(root);
    await fill(root);
    await fsyncTree(root);
    return;
  }
  try {
    await fill(names.staging);
    await fsyncTree(names.staging);
  } catch (error) {
    await fs.rm(names.staging, { recursive: true, force: true }).catch(() => {});
    const inner = UlasanError.isInstance(error) ? (error.cause ?? error) : error;
    const code = errnoCode(inner);
    const file = (error as { path?: unknown } | undefined)?.path ?? (inner as NodeJS.ErrnoException | undefined)?.path;
    if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      const where =
        typeof file === 'string' && file.startsWith(names.staging + sep)
          ? ` (writing ${relative(names.staging, file)
              .replace(/\.\d+-[0-9a-f]{12}\.tmp$/, '')
              .replace(/(^|[\\/])\./, '$1')})`
          : '';
      const fix =
        code === 'ENOSPC' || code === 'EDQUOT'
          ? `no space left on the device: free space on the file system of ${dirname(root)} (or choose another output directory, --out on the CLI)`
          : code === 'EROFS'
            ? `${dirname(root)} is on a read-only file system: choose a writable output directory (--out on the CLI)`
            : `permission denied: choose a writable output directory (--out on the CLI) or give this user write access to ${dirname(root)}`;
      const previous = stat ? `The previous ${root} is intact` : `Nothing was written to ${root}`;
      const wrapped = new UlasanError(
        'FILE_WRITE',
        `Could not save ${root}${where}: ${fix}. ${previous}; the partial copy was removed.`,
        {
          cause: inner,
        },
      );
      (wrapped as { errno?: string }).errno = code;
      throw wrapped;
    }
    throw error;
  }
  if (stat) {
    await fs.rename(root, names.previous);
    try {
      await fs.rename(names.staging, root);
    } catch (error) {
      await fs.rename(names.previous, root).catch(() => {});
      await fs.rm(names.staging, { recursive: true, force: true }).catch(() => {});
      throw writeError(error, root, 'save');
    }
  } else {
    try {
      await fs.rename(names.staging, root);
    } catch (error) {
      await fs.rm(names.staging, { recursive: true, force: true }).catch(() => {});
      throw writeError(error, root, 'save');
    }
  }
  await fsyncDirectory(dirname(root));
  if (stat) await retirePrevious(root, names.previous, options);
}

// ---------------------------------------------------------------------------------------------
// File integrity: every file a manifest names, with its size and checksum

/** Size and SHA-256 of one file, as recorded in a manifest. */
export interface FileIntegrity {
  /** Size in bytes. */
  bytes: number;
  /** Hex SHA-256 of the contents. */
  sha256: string;
}

/**
 * Size and SHA-256 of each file (paths relative to `dir`, `/`-separated).
 *
 * @example
 * ```ts
 * const integrity = await fileIntegrity('models/smsa', ['weights.json']);
 * ```
 */
export async function fileIntegrity(dir: string, files: Iterable<string>): Promise<Record<string, FileIntegrity>> {
  const out: Record<string, FileIntegrity> = {};
  for (const rel of [...new Set(files)].sort()) {
    const bytes = await fs.readFile(join(dir, rel));
    out[rel] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  return out;
}

/**
 * Checks that each file listed in `integrity` has the recorded size and checksum, so a directory
 * whose files come from different saves (or were edited, truncated, or copied in part) is
 * refused instead of loading silently wrong.
 *
 * @example
 * ```ts
 * await verifyFileIntegrity('models/smsa', manifest.integrity, 'models/smsa/model.json');
 * ```
 * @throws UlasanError `FILE_FORMAT` naming the first file that differs and the fix.
 */
export async function verifyFileIntegrity(
  dir: string,
  integrity: Record<string, FileIntegrity>,
  manifestPath: string,
): Promise<void> {
  for (const [rel, want] of Object.entries(integrity)) {
    const full = join(dir, rel);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(full);
    } catch (error) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${full} is missing, but ${manifestPath} lists it: the model directory is incomplete. Save or train the model again (or restore the directory from a backup).`,
        { cause: error },
      );
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (bytes.length !== want.bytes || sha256 !== want.sha256) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${full} does not belong to the save recorded in ${manifestPath} (expected ${want.bytes} bytes with SHA-256 ${want.sha256.slice(0, 12)}…, found ${bytes.length} bytes with ${sha256.slice(0, 12)}…): the directory mixes files of different saves (an interrupted save by an older ulasan, a partial copy) or was edited. Save or train the model again, or restore the directory from a backup.`,
      );
    }
  }
}
