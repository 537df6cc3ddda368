/**
 * Crash-safe file output. A half-written file never replaces a good one: data goes to a temporary
 * file in the same directory, is flushed, then renamed over the target (rename is atomic on POSIX).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes `data` to `path` atomically, creating parent directories. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, path);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
}

/** Writes `value` as pretty JSON atomically. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Appends one whole line to a log file with a single `write` call and fsync, so a killed process
 * leaves either the full line or nothing (readers must ignore a final line without `\n`).
 */
export async function appendLineAtomic(path: string, line: string): Promise<void> {
  if (line.includes('\n')) throw new Error('appendLineAtomic: a line must not contain a newline');
  await fs.mkdir(dirname(path), { recursive: true });
  const handle = await fs.open(path, 'a');
  try {
    await handle.write(`${line}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
