/**
 * The counting pass over a corpus file, on its bytes (issue 18). The string path (decode every
 * chunk, trim and split every line with a regular expression, look every token up in a `Map`)
 * made a string and an array per token and line and hashed each token's string: most of the
 * start-up of `ulasan word2vec train`. Here tokens are found and hashed in one scan of the UTF-8
 * bytes and looked up in an open-addressing table keyed by bytes, so a string is made once per
 * distinct word, and the slot ids go straight into the corpus cache.
 *
 * Same result as the string path, by construction: tokens are the maximal runs of characters
 * outside JavaScript's `\s` (the UTF-8 forms of those characters are matched below), sentences
 * end at `\n`, a leading byte-order mark is dropped (as `TextDecoder` drops it), equal strings are
 * equal bytes in valid UTF-8, and slots are handed out in first-seen order. A file that is not
 * valid UTF-8 is left to the string path, which locates the bad line in its error.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { throwIfAborted } from '../../internal/errors.js';
import { type CorpusCache, CorpusCacheWriter } from './corpus-cache.js';
import { VocabCounter } from './vocab.js';

/** Bytes read at a time. */
const READ_CHUNK = 1 << 20;

/**
 * What a byte can be: 0 part of a token, 1 an ASCII `\s` character (tab, vertical tab, form feed,
 * \r, space), 2 the end of a sentence (\n), 3 the lead byte of a non-ASCII `\s` character maybe.
 */
const BYTE_CLASS = new Uint8Array(256);
for (const b of [0x09, 0x0b, 0x0c, 0x0d, 0x20]) BYTE_CLASS[b] = 1;
BYTE_CLASS[0x0a] = 2;
for (const b of [0xc2, 0xe1, 0xe2, 0xe3, 0xef]) BYTE_CLASS[b] = 3;

/**
 * The length of the non-ASCII `\s` character starting at `i` (0 when there is none): U+00A0,
 * U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000 and U+FEFF. In valid UTF-8 a lead
 * byte only starts a character, so matching lead and continuation bytes is exact.
 */
function unicodeSpace(d: Uint8Array, i: number): number {
  const b = d[i] as number;
  if (b === 0xc2) return d[i + 1] === 0xa0 ? 2 : 0;
  if (b === 0xe2) {
    const b1 = d[i + 1] as number;
    const b2 = d[i + 2] as number;
    if (b1 === 0x80) return b2 <= 0x8a || b2 === 0xa8 || b2 === 0xa9 || b2 === 0xaf ? 3 : 0;
    return b1 === 0x81 && b2 === 0x9f ? 3 : 0;
  }
  if (b === 0xe1) return d[i + 1] === 0x9a && d[i + 2] === 0x80 ? 3 : 0;
  if (b === 0xe3) return d[i + 1] === 0x80 && d[i + 2] === 0x80 ? 3 : 0;
  if (b === 0xef) return d[i + 1] === 0xbb && d[i + 2] === 0xbf ? 3 : 0;
  return 0;
}

/**
 * Distinct words keyed by their bytes: linear probing over a power-of-two table of slot + 1, the
 * words' bytes copied once into an arena. Slots are numbered in first-seen order.
 */
class ByteVocab {
  words: string[] = [];
  counts = new Float64Array(1024);
  private table = new Int32Array(1 << 16);
  private hashes = new Int32Array(1024);
  private starts = new Int32Array(1024);
  private lengths = new Int32Array(1024);
  private arena = new Uint8Array(1 << 16);
  private arenaUsed = 0;

  /** The slot of the word `d[start..end)` (hash `h`), counted once more; new words get the next slot. */
  count(d: Buffer, start: number, end: number, h: number): number {
    const len = end - start;
    const mask = this.table.length - 1;
    const arena = this.arena;
    for (let at = h & mask; ; at = (at + 1) & mask) {
      const entry = this.table[at] as number;
      if (entry === 0) return this.insert(d, start, end, h, at);
      const slot = entry - 1;
      if (this.hashes[slot] === h && this.lengths[slot] === len) {
        const from = this.starts[slot] as number;
        let i = 0;
        while (i < len && arena[from + i] === d[start + i]) i++;
        if (i === len) {
          this.counts[slot]++;
          return slot;
        }
      }
    }
  }

  private insert(d: Buffer, start: number, end: number, h: number, at: number): number {
    const slot = this.words.length;
    const len = end - start;
    this.words.push(d.toString('utf8', start, end));
    if (slot === this.hashes.length) {
      const n = slot * 2;
      this.hashes = grow(this.hashes, n);
      this.starts = grow(this.starts, n);
      this.lengths = grow(this.lengths, n);
      const counts = new Float64Array(n);
      counts.set(this.counts);
      this.counts = counts;
    }
    if (this.arenaUsed + len > this.arena.length) {
      const arena = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + len));
      arena.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = arena;
    }
    this.arena.set(d.subarray(start, end), this.arenaUsed);
    this.hashes[slot] = h;
    this.starts[slot] = this.arenaUsed;
    this.lengths[slot] = len;
    this.arenaUsed += len;
    this.counts[slot] = 1;
    this.table[at] = slot + 1;
    // At most half full: probes stay short.
    if ((slot + 1) * 2 > this.table.length) this.rehash();
    return slot;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let slot = 0; slot < this.words.length; slot++) {
      let at = (this.hashes[slot] as number) & mask;
      while (table[at] !== 0) at = (at + 1) & mask;
      table[at] = slot + 1;
    }
    this.table = table;
  }
}

function grow(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(n);
  out.set(a);
  return out;
}

/**
 * Counts the words of the corpus file at `path` and, while at most `keepTokens` tokens have been
 * seen, caches the corpus as slot ids. Returns what the string path's counting returns (a
 * counter without pruning), or undefined when the file is missing, not a file, or not valid UTF-8:
 * the caller then takes the string path, whose errors say what is wrong.
 */
export async function countFile(
  path: string,
  keepTokens: number,
  signal: AbortSignal | undefined,
): Promise<{ counter: VocabCounter; cache: CorpusCache | undefined } | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
  } catch {
    return undefined;
  }
  const vocab = new ByteVocab();
  let writer: CorpusCacheWriter | undefined = keepTokens > 0 ? new CorpusCacheWriter() : undefined;
  let sentence = new Int32Array(1024);
  let n = 0;
  let kept = 0;
  let totalWords = 0;
  let sentences = 0;
  const endSentence = () => {
    totalWords += n;
    sentences++;
    if (writer) {
      kept += n;
      // Too large to keep: count only, and stream the corpus on every epoch instead.
      if (kept > keepTokens) writer = undefined;
      else writer.add(sentence, n);
    }
    n = 0;
  };
  /** Counts the whole lines (and, at the end of the file, the last one) in `d[from..end)`. */
  const scan = (d: Buffer, from: number, end: number) => {
    let i = from;
    while (i < end) {
      let b = d[i] as number;
      let c = BYTE_CLASS[b] as number;
      if (c !== 0) {
        if (c === 2) {
          endSentence();
          i++;
          continue;
        }
        if (c === 1) {
          i++;
          continue;
        }
        const space = unicodeSpace(d, i);
        if (space > 0) {
          i += space;
          continue;
        }
      }
      // A token: scan to its end, hashing its bytes on the way (FNV-1a).
      const start = i;
      let h = 0x811c9dc5 | 0;
      for (;;) {
        h = Math.imul(h ^ b, 0x01000193);
        if (++i >= end) break;
        b = d[i] as number;
        c = BYTE_CLASS[b] as number;
        if (c !== 0 && (c !== 3 || unicodeSpace(d, i) > 0)) break;
      }
      if (n === sentence.length) {
        const longer = new Int32Array(n * 2);
        longer.set(sentence);
        sentence = longer;
      }
      sentence[n++] = vocab.count(d, start, i, h);
    }
  };

  // Whole lines are counted as they arrive; the bytes after a chunk's last \n wait for the next.
  let rest: Buffer[] = [];
  let first = true;
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK });
  try {
    for await (let chunk of stream as AsyncIterable<Buffer>) {
      throwIfAborted(signal, 'Word2Vec training');
      if (first) {
        first = false;
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      }
      const nl = chunk.lastIndexOf(0x0a);
      if (nl === -1) {
        if (chunk.length > 0) rest.push(chunk);
        continue;
      }
      const lines = rest.length > 0 ? Buffer.concat([...rest, chunk.subarray(0, nl + 1)]) : chunk.subarray(0, nl + 1);
      rest = nl + 1 < chunk.length ? [chunk.subarray(nl + 1)] : [];
      if (!isUtf8(lines)) return undefined;
      scan(lines, 0, lines.length);
    }
  } finally {
    stream.destroy();
  }
  if (rest.length > 0) {
    const last = Buffer.concat(rest);
    if (!isUtf8(last)) return undefined;
    scan(last, 0, last.length);
    endSentence();
  }
  const counter = VocabCounter.of(vocab.words, vocab.counts, totalWords, sentences);
  return { counter, cache: writer?.cache };
}
