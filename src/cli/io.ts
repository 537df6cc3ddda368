/**
 * Files and standard streams for the CLI commands: `-` means stdin where a file is read and stdout
 * where a file is written; every text input is strict UTF-8 (a bad byte is an error naming the
 * line, never a silent U+FFFD) with its byte-order mark removed.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Dataset, MultiLabelDataset, ReadDatasetOptions } from '../data/read-dataset.js';
import { writeFileAtomic } from '../internal/atomic-fs.js';
import { UlasanError } from '../internal/errors.js';
import { type CommandContext, UsageError } from './command.js';

/** The file name that stands for stdin (inputs) or stdout (outputs). */
export const STDIO = '-';

/** True when `path` is `-` (stdin or stdout). */
export function isStdio(path: unknown): path is '-' {
  return path === STDIO;
}

/** How an error names an input: `stdin` for `-`, else the path. */
export function sourceName(path: string): string {
  return isStdio(path) ? 'stdin' : path;
}

const consumed = new WeakSet<object>();
let taken: Readable | undefined;

/** Marks stdin as used (it can be read once per run) or throws a usage error naming `flag`. */
function takeStdin(ctx: CommandContext, flag: string): Readable {
  const stdin = ctx.stdin;
  if (consumed.has(stdin)) {
    throw new UsageError(`${flag} -: stdin is already read by another option; only one input can be "-"`);
  }
  consumed.add(stdin);
  taken = stdin;
  return stdin;
}

/**
 * Closes stdin if a command read from it and stopped before its end (cancelled, or stdout
 * closed), so the process can exit instead of waiting for more input.
 */
export function releaseStdin(): void {
  if (taken && !taken.destroyed && !taken.readableEnded) taken.destroy();
  taken = undefined;
}

/** Reads a whole input: the file at `path`, or all of stdin for `-`. */
export async function readInputBytes(ctx: CommandContext, path: string, flag: string): Promise<Uint8Array> {
  if (!isStdio(path)) return readFile(path);
  const chunks: Buffer[] = [];
  for await (const chunk of takeStdin(ctx, flag)) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * Reads a labelled dataset like `readDataset`, from stdin when `path` is `-` (the format is then
 * detected from the first line unless `options.format` names it).
 */
export async function readDatasetInput(
  ctx: CommandContext,
  path: string,
  options: ReadDatasetOptions,
  flag = '--data',
): Promise<Dataset | MultiLabelDataset> {
  const { readDataset, parseDataset, decodeUtf8 } = await import('../data/read-dataset.js');
  if (!isStdio(path)) return readDataset(path, options);
  const bytes = await readInputBytes(ctx, path, flag);
  return parseDataset(decodeUtf8(bytes, 'stdin'), 'stdin', options);
}

/** One line of a text input: its text (no line ending) and 1-based line number. */
export interface InputLine {
  text: string;
  line: number;
}

/**
 * Streams the lines of a file (or of stdin for `-`) in constant memory. The input must be UTF-8:
 * an invalid byte is a `FILE_FORMAT` error naming the input, line and fix. A leading byte-order
 * mark is removed, and CRLF line endings are accepted.
 */
export async function* readInputLines(ctx: CommandContext, path: string, flag = '--data'): AsyncGenerator<InputLine> {
  const { createReadStream } = await import('node:fs');
  const source = sourceName(path);
  const stream: AsyncIterable<Buffer | string> = isStdio(path) ? takeStdin(ctx, flag) : createReadStream(path);
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let lineNo = 0;
  let pending: Buffer[] = [];
  const decode = (bytes: Buffer): string => {
    lineNo++;
    let b = bytes;
    if (lineNo === 1 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
    if (b[b.length - 1] === 0x0d) b = b.subarray(0, b.length - 1);
    try {
      return decoder.decode(b);
    } catch (cause) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${source}, line ${lineNo}: not valid UTF-8 (first bad byte at column ${firstInvalidByte(b) + 1} of the line). Convert the input to UTF-8 (e.g. iconv -f latin1 -t utf-8).`,
        { cause },
      );
    }
  };
  try {
    for await (const raw of stream) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
      let start = 0;
      for (let nl = chunk.indexOf(0x0a, start); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
        const piece = chunk.subarray(start, nl);
        const bytes = pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
        pending = [];
        yield { text: decode(bytes), line: lineNo };
        start = nl + 1;
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UlasanError(
        'FILE_NOT_FOUND',
        `Input file not found: ${path}. Check the path (relative paths start from ${process.cwd()}).`,
        { cause: error },
      );
    }
    throw error;
  }
  if (pending.length > 0) yield { text: decode(Buffer.concat(pending)), line: lineNo };
}

function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const need =
      b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return bytes.length;
}

/**
 * Runs `use(file)` with the input's path, or, for `-`, with a temporary file holding all of stdin
 * (for readers that need a path, or read their input more than once, like a Word2Vec corpus).
 */
export async function withInputFile<T>(
  ctx: CommandContext,
  path: string,
  flag: string,
  name: string,
  use: (file: string) => Promise<T>,
): Promise<T> {
  if (!isStdio(path)) return use(path);
  const dir = await mkdtemp(join(tmpdir(), 'ulasan-in-'));
  try {
    const file = join(dir, name);
    await writeFileAtomic(file, await readInputBytes(ctx, path, flag));
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes an output: atomically to the file at `path`, or to stdout for `-`. */
export async function writeOutput(ctx: CommandContext, path: string, data: string | Uint8Array): Promise<void> {
  if (isStdio(path)) ctx.out(data);
  else await writeFileAtomic(path, data);
}

/**
 * Runs `write(file)` with the real output path, or, for `-`, with a temporary file named
 * `name` whose bytes are then copied to stdout (for writers that only take a path).
 */
export async function withOutputFile(
  ctx: CommandContext,
  path: string,
  name: string,
  write: (file: string) => Promise<void>,
): Promise<void> {
  if (!isStdio(path)) return write(path);
  const dir = await mkdtemp(join(tmpdir(), 'ulasan-out-'));
  try {
    const file = join(dir, name);
    await write(file);
    ctx.out(await readFile(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
