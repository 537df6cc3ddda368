/**
 * Input validation shared by every preprocessing step: what counts as text, how broken Unicode is
 * repaired, and how files are decoded. Kept in one place so every step behaves the same on bad input.
 */
import { readFileSync } from 'node:fs';
import { invalidArgument, UlasanError } from '../../internal/errors.js';

/** Matches a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Returns `text` with every lone UTF-16 surrogate replaced by U+FFFD, the same repair
 * `String.prototype.toWellFormed` makes. Lone surrogates come from JavaScript strings cut in the
 * middle of an emoji; left alone they break `normalize()` consumers and JSON writers downstream.
 */
export function toWellFormed(text: string): string {
  // Fast path: almost no real text has surrogates outside proper pairs.
  return LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATE, '\uFFFD') : text;
}

/** Describes a value for an error message without dumping megabytes of it. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string')
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}

/**
 * Throws a clear `INVALID_ARGUMENT` error unless `value` is a string.
 *
 * @param where - names the caller and position for the message, e.g. `cleanText()` or `text #12`
 */
export function assertText(value: unknown, where: string): asserts value is string {
  if (typeof value !== 'string') {
    throw invalidArgument(
      `${where} expects a string, got ${describeValue(value)}. Drop missing rows first (dropEmpty()) or convert values with String().`,
    );
  }
}

/** Throws unless `value` is an array of strings; names the first bad position. */
export function assertTokens(value: unknown, where: string): asserts value is string[] {
  if (!Array.isArray(value)) {
    throw invalidArgument(`${where} expects an array of token strings, got ${describeValue(value)}.`);
  }
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') {
      throw invalidArgument(
        `${where} expects an array of token strings, but token #${i} is ${describeValue(value[i])}.`,
      );
    }
  }
}

/**
 * Decodes UTF-8 bytes strictly: invalid byte sequences raise a `FILE_FORMAT` error that names the file
 * and the byte offset, instead of silently becoming U+FFFD. A leading byte-order mark is dropped.
 */
export function decodeUtf8Strict(bytes: Uint8Array, source: string): string {
  const lineAt = (offset: number) => {
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
    return line;
  };
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    // UTF-16/32 text and binary files decode "validly" into NUL-riddled strings: refuse them.
    throw new UlasanError(
      'FILE_FORMAT',
      `${source}, line ${lineAt(nul)} contains a NUL byte (offset ${nul}): it is not a UTF-8 text file (UTF-16/UTF-32 or binary). Re-save it as UTF-8 text (e.g. iconv -f utf-16 -t utf-8).`,
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (cause) {
    const offset = firstInvalidUtf8Offset(bytes);
    throw new UlasanError(
      'FILE_FORMAT',
      `${source} is not valid UTF-8 (first invalid byte at offset ${offset}, line ${lineAt(offset)}). Re-save it as UTF-8 (e.g. iconv -f latin1 -t utf-8).`,
      { cause },
    );
  }
}

/** Reads a UTF-8 text file with a clear error for a missing file or invalid UTF-8. */
export function readTextFile(path: string, what: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UlasanError(
        'FILE_NOT_FOUND',
        `${what} file not found: ${path}. Check the path (it is resolved from ${process.cwd()}).`,
        {
          cause,
        },
      );
    }
    throw new UlasanError('FILE_FORMAT', `Could not read ${what} file ${path}: ${(cause as Error).message}`, { cause });
  }
  return decodeUtf8Strict(bytes, `${what} file ${path}`);
}

function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return i;
}
