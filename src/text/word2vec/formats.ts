/**
 * Word-vector file formats.
 *
 * - word2vec text and binary, as written by gensim's `save_word2vec_format` (byte for byte: numpy's
 *   shortest float32 repr in text, no newline after binary vectors) and read from gensim or the C
 *   tool (whose text has `%lf ` values and whose binary has a newline after each vector).
 * - the native format: a `{ format, version }` JSON header followed by raw little-endian float32
 *   arrays; it carries the counts and, for training checkpoints, the output weights and schedule.
 *
 * Every writer goes through a temporary file renamed over the target, so a crash or an error never
 * leaves a half-written file in place of a good one.
 */
import { closeSync, createReadStream, promises as fs, fstatSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { writeChunksAtomic } from '../../internal/atomic-fs.js';
import { UlasanError } from '../../internal/errors.js';

/** The native format's identifier in its header. */
export const NATIVE_FORMAT = 'ulasan.word2vec';
/** The newest native format version this code writes (it reads every version up to it). */
export const NATIVE_VERSION = 1;
const NATIVE_MAGIC = Buffer.from('ULASANW2V\n', 'latin1');

/** Words and their vectors, row-major. */
export interface VectorTable {
  words: string[];
  dims: number;
  vectors: Float32Array;
  counts?: Float64Array;
}

/**
 * The fewest significant digits (1-9) of `x` in exponential notation that read back as the same
 * float32. Reading back is monotone in the digit count (rounding to more digits is never farther
 * from `x`), so the search tests 8, 7 and 6 digits first (where ~99% of trained weights end) and
 * bisects below: 2-4 `toExponential` calls instead of up to 9.
 */
function shortestExponential(x: number): string {
  const s8 = x.toExponential(7);
  if (Math.fround(Number(s8)) !== x) return x.toExponential(8);
  const s7 = x.toExponential(6);
  if (Math.fround(Number(s7)) !== x) return s8;
  const s6 = x.toExponential(5);
  if (Math.fround(Number(s6)) !== x) return s7;
  let best = s6;
  let lo = 1;
  let hi = 6;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const s = x.toExponential(mid - 1);
    if (Math.fround(Number(s)) === x) {
      hi = mid;
      best = s;
    } else lo = mid + 1;
  }
  return best;
}

/** Formats a float32 exactly as numpy's `repr(np.float32(x))` (numpy 1.14–1.26), which gensim writes. */
export function formatFloat32(x: number): string {
  if (!shortestDigits(x)) return formatFloat32Slow(x);
  const digits = String(shortDigits);
  const sign = x < 0 ? '-' : '';
  if (shortExponent < 0) return `${sign}0.${ZEROS[-shortExponent - 1]}${digits}`;
  // exponent 0 or 1 (1: a carry from just under 10).
  if (digits.length > shortExponent + 1)
    return `${sign}${digits.slice(0, shortExponent + 1)}.${digits.slice(shortExponent + 1)}`;
  return `${sign}${digits.padEnd(shortExponent + 1, '0')}.0`;
}

/**
 * Writes {@link formatFloat32}`(x)` as ASCII into `out` at `at`; returns the end. The text writer's
 * path: no string per number.
 */
export function writeFloat32(out: Uint8Array, at: number, x: number): number {
  if (!shortestDigits(x)) {
    const s = formatFloat32Slow(x);
    for (let i = 0; i < s.length; i++) out[at++] = s.charCodeAt(i);
    return at;
  }
  if (x < 0) out[at++] = 45; // '-'
  const n = shortDigits;
  let len = 1;
  while (len < 9 && n >= (POW10[len] as number)) len++;
  const e = shortExponent;
  if (e < 0) {
    out[at++] = 48; // '0'
    out[at++] = 46; // '.'
    for (let z = -e - 1; z > 0; z--) out[at++] = 48;
    writeDigits(out, at, n, len);
    return at + len;
  }
  // e is 0 or 1 (1: a carry from just under 10): e + 1 integer digits, then the point.
  const intLen = e + 1;
  writeDigits(out, at, n, len);
  if (len > intLen) {
    for (let j = at + len; j > at + intLen; j--) out[j] = out[j - 1] as number;
    out[at + intLen] = 46;
    return at + len + 1;
  }
  for (let j = at + len; j < at + intLen; j++) out[j] = 48;
  out[at + intLen] = 46;
  out[at + intLen + 1] = 48;
  return at + intLen + 2;
}

/** Writes the `len` decimal digits of the integer `n` (< 2^31) at `at`. */
function writeDigits(out: Uint8Array, at: number, n: number, len: number): void {
  for (let i = at + len - 1; i >= at; i--) {
    const q = (n / 10) | 0;
    out[i] = 48 + n - q * 10;
    n = q;
  }
}

/** 10^0 … 10^12, every one exact in a double. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];
const ZEROS = ['', '0', '00', '000', '0000'];

/** Set by {@link shortestDigits}: the significant digits (no trailing zeros) and the exponent of the first. */
let shortDigits = 0;
let shortExponent = 0;

/**
 * The digits {@link formatFloat32Slow} prints for a float32 `x` with 1e-4 <= |x| < 10 (nearly all
 * trained weights), into `shortDigits`/`shortExponent`, computing what it computes (the same digit
 * counts tried in the same order) without strings; false for any other `x` (take the slow path).
 *
 * Why it is exact: with `|x| = m·2^q` (m < 2^24) and 0 <= p <= 12, `|x|·10^p = m·5^p·2^(p+q)`
 * where m·5^p < 2^53, so the double product `|x| * 10^p` is exact, and rounding it to an integer N
 * (ties up) is what `toExponential` does (ECMA-262: the larger n on a tie). `N / 10^p` of two exact
 * doubles is correctly rounded, so it equals `Number()` of the decimal string (Clinger's fast path).
 */
function shortestDigits(x: number): boolean {
  const abs = x < 0 ? -x : x;
  if (!(abs >= 1e-4 && abs < 10) || Math.fround(abs) !== abs) return false;
  // The decimal exponent: compared with doubles near the powers of ten, then settled with the exact
  // 9-digit scaling (a double like 0.1 is not exactly 10^-1).
  let e = abs >= 1 ? 0 : abs >= 0.1 ? -1 : abs >= 0.01 ? -2 : abs >= 0.001 ? -3 : -4;
  const t = abs * (POW10[8 - e] as number);
  if (t < 1e8) e--;
  else if (t >= 1e9) e++;
  if (e < -4 || e > 0) return false;
  // The slow path's search: 8, 7, 6 digits, then bisection over 1-6.
  let k: number;
  let n = roundTo(abs, e, 8);
  if (!trips(abs, e, n, 8)) {
    k = 9;
    n = roundTo(abs, e, 9);
  } else {
    const n7 = roundTo(abs, e, 7);
    if (!trips(abs, e, n7, 7)) k = 8;
    else {
      const n6 = roundTo(abs, e, 6);
      if (!trips(abs, e, n6, 6)) {
        k = 7;
        n = n7;
      } else {
        k = 6;
        n = n6;
        let lo = 1;
        let hi = 6;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          const m = roundTo(abs, e, mid);
          if (trips(abs, e, m, mid)) {
            hi = mid;
            k = mid;
            n = m;
          } else lo = mid + 1;
        }
      }
    }
  }
  // n has k digits, or is 10^k when rounding carried into the next power of ten.
  if (n === POW10[k]) {
    n = 1;
    e++;
  } else while (n % 10 === 0) n /= 10;
  shortDigits = n;
  shortExponent = e;
  return true;
}

/** `abs` to `k` significant digits (decimal exponent `e`): the integer round(abs · 10^(k-1-e)), ties up. */
function roundTo(abs: number, e: number, k: number): number {
  const t = abs * (POW10[k - 1 - e] as number);
  const n = Math.floor(t);
  return t - n >= 0.5 ? n + 1 : n;
}

/** Whether the `k`-digit decimal `n` (exponent `e`) reads back as the float32 `abs`. */
function trips(abs: number, e: number, n: number, k: number): boolean {
  return Math.fround(n / (POW10[k - 1 - e] as number)) === abs;
}

/** {@link formatFloat32} through `toExponential` (any float32, and the reference of the fast path). */
export function formatFloat32Slow(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const exp = shortestExponential(x);
  const negative = exp.charCodeAt(0) === 45; // '-'
  const e = exp.indexOf('e');
  // The significant digits without the point and without trailing zeros.
  let digits = negative ? exp.slice(1, e) : exp.slice(0, e);
  if (digits.length > 1) digits = digits[0] + digits.slice(2);
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  if (end < digits.length) digits = digits.slice(0, end);
  const exponent = Number(exp.slice(e + 1));
  const abs = negative ? -x : x;
  let out: string;
  if (abs >= 1e-4 && abs < 1e16) {
    if (exponent >= 0) {
      const intPart = digits.length > exponent + 1 ? digits.slice(0, exponent + 1) : digits.padEnd(exponent + 1, '0');
      const frac = digits.length > exponent + 1 ? digits.slice(exponent + 1) : '0';
      out = `${intPart}.${frac}`;
    } else {
      out = `0.${'0'.repeat(-exponent - 1)}${digits}`;
    }
  } else {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const sign = exponent < 0 ? '-' : '+';
    out = `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return negative ? `-${out}` : out;
}

function checkWord(word: string, i: number): void {
  if (word === '' || /\s/.test(word)) {
    throw new UlasanError(
      'INVALID_DATA',
      `Word ${i} (${JSON.stringify(word)}) cannot be written in the word2vec format: words must be non-empty and contain no whitespace.`,
    );
  }
}

/** Bytes of text rows gathered before a write. */
const TEXT_CHUNK = 1 << 21;

/** The most bytes the text row of `word` takes: a number is at most 20 ("-1234567800000000.0"), plus a space. */
function textRowBound(word: string, dims: number): number {
  return Buffer.byteLength(word, 'utf8') + dims * 21 + 1;
}

/**
 * Writes text rows from row `first` into `out` while they fit (at least one: `out` has room for
 * it); returns the next row and the bytes written. A plain function, not part of the generator
 * that calls it: V8 optimizes no loop inside a generator while it runs, and this loop is the
 * whole cost of writing text vectors.
 */
function encodeTextRows(
  words: readonly string[],
  vectors: Float32Array,
  dims: number,
  first: number,
  out: Buffer,
): { next: number; length: number } {
  let at = 0;
  let i = first;
  for (; i < words.length; i++) {
    const word = words[i] as string;
    if (i > first && at + textRowBound(word, dims) > out.length) break;
    at += out.write(word, at, 'utf8');
    for (let d = i * dims, end = d + dims; d < end; d++) {
      out[at++] = 32; // ' '
      at = writeFloat32(out, at, vectors[d] as number);
    }
    out[at++] = 10; // '\n'
  }
  return { next: i, length: at };
}

/** Writes gensim's `save_word2vec_format` output (text or binary) atomically. */
export async function writeWord2VecFormat(path: string, table: VectorTable, binary: boolean): Promise<void> {
  const { words, dims, vectors } = table;
  words.forEach(checkWord);
  const header = `${words.length} ${dims}\n`;
  function* chunks(): Generator<Uint8Array | string> {
    yield header;
    if (binary) {
      const le = endianness() === 'LE';
      for (let i = 0; i < words.length; i++) {
        yield `${words[i]} `;
        const row = vectors.subarray(i * dims, (i + 1) * dims);
        if (le) yield new Uint8Array(row.buffer, row.byteOffset, row.byteLength).slice();
        else {
          const b = Buffer.alloc(dims * 4);
          for (let d = 0; d < dims; d++) b.writeFloatLE(row[d] as number, d * 4);
          yield b;
        }
      }
    } else {
      // Rows are written as bytes into 2 MiB buffers (no string per number, no join), each handed
      // to the writer whole.
      for (let i = 0; i < words.length; ) {
        const out = Buffer.allocUnsafe(Math.max(TEXT_CHUNK, textRowBound(words[i] as string, dims)));
        const { next, length } = encodeTextRows(words, vectors, dims, i, out);
        yield out.subarray(0, length);
        i = next;
      }
    }
  }
  await writeChunksAtomic(path, chunks());
}

function formatError(path: string, message: string, cause?: unknown): UlasanError {
  return new UlasanError('FILE_FORMAT', `${path}: ${message}`, { cause });
}

function parseHeader(path: string, line: string): { count: number; dims: number } {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(line);
  if (!m) {
    throw formatError(
      path,
      `expected a word2vec header line "<word count> <dimensions>", found ${JSON.stringify(line.slice(0, 80))}. Is this a word2vec file?`,
    );
  }
  const count = Number(m[1]);
  const dims = Number(m[2]);
  if (dims < 1) throw formatError(path, `the header says ${dims} dimensions; expected at least 1.`);
  return { count, dims };
}

/**
 * Guesses whether a word2vec file is binary: in the text format the first vector line holds
 * exactly `dims + 1` space-separated fields and no control bytes; raw float bytes almost never do.
 */
function looksBinary(head: Buffer, headerEnd: number, dims: number): boolean {
  const nl = head.indexOf(0x0a, headerEnd);
  if (nl === -1) return head.length - headerEnd >= dims * 4;
  const line = head.subarray(headerEnd, nl);
  for (const c of line) if (c < 0x20 && c !== 0x09 && c !== 0x0d) return true;
  return line.toString('latin1').trimEnd().split(' ').length !== dims + 1;
}

/**
 * Reads a word2vec text or binary file (gensim or the C tool). `binary` undefined = detect.
 * Rejects truncated files, a wrong header or dimension, unparsable numbers and invalid UTF-8.
 */
export async function readWord2VecFormat(path: string, binary?: boolean): Promise<VectorTable> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (error) {
    throw new UlasanError('FILE_NOT_FOUND', `Cannot open word vectors ${path}: ${(error as Error).message}.`, {
      cause: error,
    });
  }
  let head: Buffer;
  let size: number;
  try {
    const probe = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(probe, 0, probe.length, 0);
    head = probe.subarray(0, bytesRead);
    size = (await handle.stat()).size;
  } finally {
    await handle.close();
  }
  if (head.length === 0)
    throw formatError(path, 'the file is empty; expected a word2vec header line "<word count> <dimensions>".');
  const nl = head.indexOf(0x0a);
  if (nl === -1)
    throw formatError(path, 'no header line found (expected "<word count> <dimensions>" followed by a newline).');
  const { count, dims } = parseHeader(path, head.subarray(0, nl).toString('latin1'));
  const isBinary = binary ?? looksBinary(head, nl + 1, dims);
  // A header that promises more than the file can hold (a damaged or hostile file) is refused
  // before the vectors are allocated: each vector takes at least a 1-byte word and a separator,
  // plus 4 bytes per value in binary or 2 ("0 ") in text.
  const minimum = count * ((isBinary ? 4 : 2) * dims + 2);
  if (minimum > size - nl) {
    throw formatError(
      path,
      `the header declares ${count} vectors of ${dims} dimensions (at least ${minimum.toLocaleString('en')} bytes), but the file has ${size.toLocaleString('en')} bytes: the header is wrong or the file is truncated. Re-create or re-download the file.`,
    );
  }
  return isBinary ? readBinary(path, count, dims, nl + 1) : readText(path, count, dims);
}

async function readBinary(path: string, count: number, dims: number, start: number): Promise<VectorTable> {
  const data = await fs.readFile(path);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const words: string[] = [];
  const vectors = new Float32Array(count * dims);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let p = start;
  for (let i = 0; i < count; i++) {
    while (p < data.length && (data[p] === 0x0a || data[p] === 0x0d)) p++;
    const space = data.indexOf(0x20, p);
    if (space === -1 || space + dims * 4 > data.length) {
      throw formatError(
        path,
        `truncated: the header promises ${count} vectors of ${dims} dimensions but the file ends inside vector ${i}. Re-create or re-download the file.`,
      );
    }
    let word: string;
    try {
      word = decoder.decode(data.subarray(p, space));
    } catch (error) {
      throw new UlasanError(
        'INVALID_DATA',
        `${path}: word ${i} (at byte ${p}) is not valid UTF-8. ${i > 0 ? `Either the header's dimension (${dims}) is wrong, the file is damaged, or it` : 'word2vec files must be UTF-8; if this one'} was written in another encoding: convert it to UTF-8 first.`,
        { cause: error },
      );
    }
    words.push(word);
    p = space + 1;
    for (let d = 0; d < dims; d++) vectors[i * dims + d] = view.getFloat32(p + d * 4, true);
    p += dims * 4;
  }
  while (p < data.length && (data[p] === 0x0a || data[p] === 0x0d)) p++;
  if (p < data.length) {
    throw formatError(
      path,
      `${data.length - p} unexpected bytes after the ${count} vectors the header declares: the word count or the dimension (${dims}) in the header is wrong.`,
    );
  }
  return { words, dims, vectors };
}

async function readText(path: string, count: number, dims: number): Promise<VectorTable> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const words: string[] = [];
  const vectors = new Float32Array(count * dims);
  let lineNo = 0;
  let rest = '';
  const handleLine = (raw: string) => {
    lineNo++;
    if (lineNo === 1) return; // header, already parsed
    const line = raw.replace(/\s+$/, '');
    if (line === '') {
      if (words.length === count) return;
      throw formatError(path, `line ${lineNo} is empty; expected "<word> <${dims} numbers>".`);
    }
    if (words.length >= count) {
      throw formatError(
        path,
        `line ${lineNo}: more vectors than the ${count} the header declares. Fix the header's word count.`,
      );
    }
    const parts = line.split(' ');
    if (parts.length !== dims + 1) {
      throw formatError(
        path,
        `line ${lineNo} has ${parts.length - 1} values for word ${JSON.stringify(parts[0])}, but the header declares ${dims} dimensions. Is this really the text format (binary files need binary: true), and is the header right?`,
      );
    }
    const row = words.length * dims;
    for (let d = 0; d < dims; d++) {
      const s = parts[d + 1] as string;
      const x = Number(s);
      if (s === '' || Number.isNaN(x)) {
        throw formatError(
          path,
          `line ${lineNo}: value ${d + 1} (${JSON.stringify(s)}) of word ${JSON.stringify(parts[0])} is not a number.`,
        );
      }
      vectors[row + d] = x;
    }
    words.push(parts[0] as string);
  };
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let text: string;
      try {
        text = rest + decoder.decode(chunk, { stream: true });
      } catch (error) {
        throw new UlasanError(
          'INVALID_DATA',
          `${path}: invalid UTF-8 after line ${lineNo}. word2vec files must be UTF-8.`,
          { cause: error },
        );
      }
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        handleLine(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    try {
      rest += decoder.decode();
    } catch (error) {
      throw new UlasanError('INVALID_DATA', `${path}: invalid UTF-8 at the end of the file.`, { cause: error });
    }
  } finally {
    stream.destroy();
  }
  if (rest.trim() !== '') handleLine(rest);
  if (words.length < count) {
    throw formatError(
      path,
      `truncated: the header declares ${count} vectors but the file has ${words.length}. Re-create the file or fix the header.`,
    );
  }
  return { words, dims, vectors };
}

/**
 * Contents of a native file. `arrays` holds the float arrays by name (`syn0`, and for checkpoints
 * `syn1neg`/`syn1`), as views of the file's bytes when aligned: each keeps the whole file alive.
 */
export interface NativeFile {
  header: NativeHeader;
  arrays: Record<string, Float32Array>;
}

/** The JSON header of a native file. */
export interface NativeHeader {
  format: typeof NATIVE_FORMAT;
  version: number;
  /** `vectors` (a {@link WordVectors}) or `training-state` (a resumable trainer). */
  kind: 'vectors' | 'training-state';
  dims: number;
  words: string[];
  counts?: number[];
  /** Trainer options and schedule position (training-state only). */
  training?: Record<string, unknown>;
  /** Where each array lies: byte offset from the start of the file and length in floats. */
  arrays?: Record<string, { offset: number; length: number }>;
}

/** Writes a native file atomically. */
export async function writeNative(
  path: string,
  header: Omit<NativeHeader, 'arrays' | 'format' | 'version'>,
  arrays: Record<string, Float32Array>,
): Promise<void> {
  const names = Object.keys(arrays);
  const layout: Record<string, { offset: number; length: number }> = {};
  // Two passes: the header's own length decides where the data starts.
  let json = '';
  let dataStart = 0;
  for (let pass = 0; pass < 3; pass++) {
    let offset = dataStart;
    for (const name of names) {
      layout[name] = { offset, length: (arrays[name] as Float32Array).length };
      offset += (arrays[name] as Float32Array).byteLength;
    }
    json = JSON.stringify({ format: NATIVE_FORMAT, version: NATIVE_VERSION, ...header, arrays: layout });
    const needed = Math.ceil((NATIVE_MAGIC.length + 4 + Buffer.byteLength(json)) / 8) * 8;
    if (needed === dataStart) break;
    dataStart = needed;
  }
  const jsonBytes = Buffer.from(json, 'utf8');
  const prefix = Buffer.alloc(dataStart, 0x20);
  NATIVE_MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(jsonBytes.length, NATIVE_MAGIC.length);
  jsonBytes.copy(prefix, NATIVE_MAGIC.length + 4);
  if (endianness() !== 'LE')
    throw new UlasanError('CONFIG', 'The native word2vec format needs a little-endian machine.');
  await writeChunksAtomic(path, [
    prefix,
    ...names.map((n) => {
      const a = arrays[n] as Float32Array;
      return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    }),
  ]);
}

/** True when the file starts with the native format's magic bytes. */
export async function isNativeFile(path: string): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (error) {
    throw new UlasanError('FILE_NOT_FOUND', `Cannot open ${path}: ${(error as Error).message}.`, { cause: error });
  }
  try {
    const b = Buffer.alloc(NATIVE_MAGIC.length);
    const { bytesRead } = await handle.read(b, 0, b.length, 0);
    return bytesRead === b.length && b.equals(NATIVE_MAGIC);
  } finally {
    await handle.close();
  }
}

/** Reads and validates a native file (the one loading function, which also upgrades old versions). */
export async function readNative(path: string): Promise<NativeFile> {
  let data: Buffer;
  try {
    data = await fs.readFile(path);
  } catch (error) {
    throw new UlasanError('FILE_NOT_FOUND', `Cannot read ${path}: ${(error as Error).message}.`, { cause: error });
  }
  const header = parseNativeHeader(path, data, data.length);
  const arrays: Record<string, Float32Array> = {};
  for (const [name, { offset, length }] of Object.entries(header.arrays ?? {})) {
    // A view of the file's bytes where alignment allows (always, for files written here): a copy
    // would double the memory of loading a training state.
    const at = data.byteOffset + offset;
    if (at % 4 === 0) {
      arrays[name] = new Float32Array(data.buffer, at, length);
    } else {
      const copy = new Float32Array(length);
      new Uint8Array(copy.buffer).set(data.subarray(offset, offset + length * 4));
      arrays[name] = copy;
    }
  }
  return { header, arrays };
}

/** Where a native file's float arrays lie, and the file's identity when its header was read. */
export interface NativeArraysOnDisk {
  path: string;
  layout: Record<string, { offset: number; length: number }>;
  size: number;
  mtimeMs: number;
}

/**
 * Reads and validates only the header of a native file (same checks as {@link readNative}); the
 * arrays stay on disk, to be read straight into their destination with {@link readNativeArrays}.
 */
export async function readNativeHeader(path: string): Promise<{ header: NativeHeader; onDisk: NativeArraysOnDisk }> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (error) {
    throw new UlasanError('FILE_NOT_FOUND', `Cannot read ${path}: ${(error as Error).message}.`, { cause: error });
  }
  try {
    const { size, mtimeMs } = await handle.stat();
    const lead = Buffer.alloc(Math.min(size, NATIVE_MAGIC.length + 4));
    await readFully(handle, lead, 0);
    let prefix = lead;
    if (lead.length === NATIVE_MAGIC.length + 4 && lead.subarray(0, NATIVE_MAGIC.length).equals(NATIVE_MAGIC)) {
      const jsonEnd = NATIVE_MAGIC.length + 4 + lead.readUInt32LE(NATIVE_MAGIC.length);
      prefix = Buffer.alloc(Math.min(size, jsonEnd));
      await readFully(handle, prefix, 0);
    }
    const header = parseNativeHeader(path, prefix, size);
    return { header, onDisk: { path, layout: header.arrays ?? {}, size, mtimeMs } };
  } finally {
    await handle.close();
  }
}

/**
 * Reads the named arrays of a native file into `targets` (any float arrays of the right length,
 * e.g. views of the training memory), refusing a file that changed since its header was read.
 */
export async function readNativeArrays(
  onDisk: NativeArraysOnDisk,
  targets: Record<string, Float32Array | null>,
): Promise<void> {
  const handle = await fs.open(onDisk.path, 'r').catch((error: unknown) => {
    throw new UlasanError('FILE_NOT_FOUND', `Cannot read ${onDisk.path}: ${(error as Error).message}.`, {
      cause: error,
    });
  });
  try {
    const { size, mtimeMs } = await handle.stat();
    if (size !== onDisk.size || mtimeMs !== onDisk.mtimeMs) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${onDisk.path} changed after it was loaded (Word2VecTrainer.resume reads the weights only when training starts). Resume again from the file as it is now.`,
      );
    }
    for (const [name, target] of Object.entries(targets)) {
      if (!target) continue;
      const at = onDisk.layout[name];
      if (!at || at.length !== target.length)
        throw formatError(onDisk.path, `array "${name}" is missing or has the wrong length.`);
      await readFully(handle, new Uint8Array(target.buffer, target.byteOffset, target.byteLength), at.offset);
    }
  } finally {
    await handle.close();
  }
}

/** {@link readNativeArrays} for one array, synchronously, into a new array. */
export function readNativeArraySync(onDisk: NativeArraysOnDisk, name: string): Float32Array {
  const at = onDisk.layout[name];
  if (!at) throw formatError(onDisk.path, `array "${name}" is missing.`);
  const out = new Float32Array(at.length);
  const bytes = new Uint8Array(out.buffer);
  const fd = openSync(onDisk.path, 'r');
  try {
    const { size, mtimeMs } = fstatSync(fd);
    if (size !== onDisk.size || mtimeMs !== onDisk.mtimeMs) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${onDisk.path} changed after it was loaded (Word2VecTrainer.resume reads the weights only when needed). Resume again from the file as it is now.`,
      );
    }
    for (let done = 0; done < bytes.length; ) {
      const n = readSync(fd, bytes, done, bytes.length - done, at.offset + done);
      if (n === 0) throw formatError(onDisk.path, 'the file ended early (truncated while reading).');
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

async function readFully(handle: fs.FileHandle, into: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < into.length; ) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw new UlasanError('FILE_FORMAT', 'The file ended early (truncated while reading).');
    done += bytesRead;
  }
}

/** Validates a native file's magic, header and array layout against the file size. */
function parseNativeHeader(path: string, data: Buffer, fileSize: number): NativeHeader {
  if (data.length < NATIVE_MAGIC.length + 4 || !data.subarray(0, NATIVE_MAGIC.length).equals(NATIVE_MAGIC)) {
    throw formatError(
      path,
      'not a ulasan native word2vec file (magic bytes missing). For word2vec text/binary files use format "text" or "binary".',
    );
  }
  const jsonLength = data.readUInt32LE(NATIVE_MAGIC.length);
  const jsonStart = NATIVE_MAGIC.length + 4;
  if (jsonStart + jsonLength > data.length) throw formatError(path, 'truncated inside the header.');
  let header: NativeHeader;
  try {
    header = JSON.parse(data.subarray(jsonStart, jsonStart + jsonLength).toString('utf8')) as NativeHeader;
  } catch (error) {
    throw formatError(path, 'the header is not valid JSON (file damaged?).', error);
  }
  if (header.format !== NATIVE_FORMAT) {
    throw formatError(path, `expected format "${NATIVE_FORMAT}", found ${JSON.stringify(header.format)}.`);
  }
  if (typeof header.version !== 'number' || header.version > NATIVE_VERSION || header.version < 1) {
    throw new UlasanError(
      'UNSUPPORTED_VERSION',
      `${path} has native format version ${String(header.version)}; this ulasan reads versions 1..${NATIVE_VERSION}. Upgrade ulasan to read it.`,
    );
  }
  if (!Number.isInteger(header.dims) || header.dims < 1 || !Array.isArray(header.words)) {
    throw formatError(path, 'the header lacks valid "dims" and "words".');
  }
  for (const [name, { offset, length }] of Object.entries(header.arrays ?? {})) {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset % 4 !== 0 || offset + length * 4 > fileSize) {
      throw formatError(
        path,
        `truncated: array "${name}" (${length} floats at byte ${offset}) extends past the end of the file (${fileSize} bytes).`,
      );
    }
  }
  const syn0 = header.arrays?.syn0;
  if (!syn0 || syn0.length !== header.words.length * header.dims) {
    throw formatError(
      path,
      `the vectors hold ${syn0?.length ?? 0} floats but ${header.words.length} words × ${header.dims} dims need ${header.words.length * header.dims}.`,
    );
  }
  return header;
}
