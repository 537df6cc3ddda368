/**
 * The grid's crash-safe results log (`results.jsonl`): a header line naming the grid config's hash,
 * then one whole line per finished scenario, appended with one write + fsync. A killed process
 * leaves at most one partial last line, which readers ignore and the next writer cuts off.
 */
import { promises as fs } from 'node:fs';
import { appendLineAtomic } from '../internal/atomic-fs.js';
import { UlasanError } from '../internal/errors.js';

/** The log's format name. */
export const GRID_LOG_FORMAT = 'ulasan-grid-log';
/** The log's format version. */
export const GRID_LOG_VERSION = 1;

/** First line of a results log. */
export interface GridLogHeader {
  type: 'header';
  format: typeof GRID_LOG_FORMAT;
  version: number;
  /** Hash of the config parts that change results. */
  gridHash: string;
  /** The grid's name. */
  name: string;
  /** Number of scenarios in the grid. */
  scenarios: number;
  /** ISO time the log was started. */
  createdAt: string;
}

/** What a read of the log found. */
export interface GridLogContents<R> {
  /** The header, or undefined for a missing or empty log. */
  header?: GridLogHeader;
  /** Finished scenario records, in the order they finished. */
  records: R[];
  /** Bytes of valid content (everything up to the last newline). */
  validBytes: number;
  /** True when a partial last line (a write cut short) was found and ignored. */
  partialTail: boolean;
}

/** Reads a results log; a missing file reads as empty. Corrupt complete lines are an error. */
export async function readGridLog<R>(path: string): Promise<GridLogContents<R>> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], validBytes: 0, partialTail: false };
    throw error;
  }
  const end = text.lastIndexOf('\n') + 1;
  const partialTail = end < text.length;
  const lines = text.slice(0, end).split('\n').slice(0, -1);
  const records: R[] = [];
  let header: GridLogHeader | undefined;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${path}, line ${i + 1} is not valid JSON; the log was edited or damaged. Fix or delete that line, or start over in a new --out folder.`,
        { cause: error },
      );
    }
    const record = value as { type?: string };
    if (i === 0 && record.type === 'header') {
      header = value as GridLogHeader;
      if (header.format !== GRID_LOG_FORMAT) {
        throw new UlasanError(
          'FILE_FORMAT',
          `${path} is not a ulasan grid log (format ${JSON.stringify(header.format)}).`,
        );
      }
      if (header.version > GRID_LOG_VERSION) {
        throw new UlasanError(
          'UNSUPPORTED_VERSION',
          `${path} was written by a newer ulasan (log version ${header.version}; this one reads up to ${GRID_LOG_VERSION}). Upgrade ulasan.`,
        );
      }
    } else if (record.type === 'scenario') records.push(value as R);
    else if (i === 0) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${path} does not start with a grid log header; it is not a ulasan grid log.`,
      );
    }
  });
  return { header, records, validBytes: Buffer.byteLength(text.slice(0, end)), partialTail };
}

/** Cuts a partial last line off the log so the next append starts on a fresh line. */
export async function truncateGridLog(path: string, validBytes: number): Promise<void> {
  await fs.truncate(path, validBytes);
}

/** Appends one record as a whole line (single write + fsync). */
export async function appendGridLog(path: string, record: unknown): Promise<void> {
  await appendLineAtomic(path, JSON.stringify(record));
}
