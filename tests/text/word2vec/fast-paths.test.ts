/**
 * The start-up fast paths of issue 18 against the code they replace: the byte-level counting pass
 * over a corpus file (`countFile`) against the string path (decode, `tokenizeLine`, `Map`), and
 * the integer float32 formatter against the `toExponential` one. Both must agree exactly: vocabulary
 * order, counts and the cached ids decide the trained vectors, and the digits the written file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sentenceBatches } from '../../../src/text/word2vec/corpus.js';
import { CorpusCacheWriter } from '../../../src/text/word2vec/corpus-cache.js';
import { countFile } from '../../../src/text/word2vec/file-count.js';
import { formatFloat32, formatFloat32Slow, writeFloat32 } from '../../../src/text/word2vec/formats.js';
import { VocabCounter } from '../../../src/text/word2vec/vocab.js';
import { smsaSentences } from './real-corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'ulasan-w2v-fast-'));

/** The string path's counting pass, as the trainer runs it for a corpus it cannot count on bytes. */
async function countStrings(path: string, keepTokens: number) {
  const counter = new VocabCounter(null);
  let writer: CorpusCacheWriter | undefined = new CorpusCacheWriter();
  let kept = 0;
  for await (const batch of sentenceBatches(path)) {
    for (const tokens of batch) {
      kept += tokens.length;
      if (writer && kept > keepTokens) writer = undefined;
      if (!writer) {
        counter.add(tokens);
        continue;
      }
      const { ids, at } = writer.reserve(tokens.length);
      counter.add(tokens, ids, at);
      writer.commit(tokens.length);
    }
  }
  return { counter, cache: writer?.cache };
}

type Counted = Awaited<ReturnType<typeof countStrings>>;

/** Everything the trainer reads from a counting pass, comparable with toEqual. */
function summary({ counter, cache }: Counted) {
  return {
    words: counter.words,
    counts: Array.from(counter.counts.subarray(0, counter.words.length)),
    totalWords: counter.totalWords,
    sentences: counter.sentences,
    cache: cache?.chunks.map((c) => ({ lens: c.lens, ids: Array.from(c.ids.subarray(0, c.length)) })),
  };
}

async function expectSameCounts(text: string | Buffer, keepTokens = Number.POSITIVE_INFINITY) {
  const path = join(dir, `corpus-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(path, text);
  const bytes = await countFile(path, keepTokens, undefined);
  expect(bytes).toBeDefined();
  const strings = await countStrings(path, keepTokens);
  expect(summary(bytes as Counted)).toEqual(summary(strings));
  return bytes as Counted;
}

describe('countFile (the byte-level counting pass)', () => {
  it('counts SmSA reviews exactly as the string path does', async () => {
    const text = `${smsaSentences(3000)
      .map((s) => s.join(' '))
      .join('\n')}\n`;
    const { counter } = await expectSameCounts(text);
    expect(counter.words.length).toBeGreaterThan(3000);
  });

  it('splits on exactly the characters of \\s, and handles BOM, CRLF, empty and unterminated lines', async () => {
    const spaces = ['\t', '\v', '\f', '\r', ' ', '\u00a0', '\u1680', '\u2000', '\u2005', '\u200a'];
    spaces.push('\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff');
    // Not whitespace for JavaScript: part of tokens.
    const notSpaces = ['\u0085', '\u200b', '\u180e', '\x01', '\x1c', '\u2060', '\u00ad'];
    const lines = [
      'makanan enak\r',
      '',
      '   ',
      spaces.map((s, i) => `w${i}${s}enak`).join(' '),
      notSpaces.map((s) => `a${s}b enak`).join(' '),
      'café naïve 中文 😀 emoji😀 tempatnyasangatnyamansekali tempatnyasangatnyamansekali',
      '\ufeffenak\ufeff \u00a0\u00a0 ramah',
      'akhir tanpa newline',
    ];
    const { counter } = await expectSameCounts(`\ufeff${lines.join('\n')}`);
    expect(counter.words).toContain('a\u0085b');
    expect(counter.words).not.toContain('\ufeffenak');
    // A last line of whitespace only is still a sentence; a lone BOM is none.
    await expectSameCounts('enak sekali\n \t');
    await expectSameCounts('\ufeff');
    await expectSameCounts('');
  });

  it('joins lines across read chunks, keeps very long lines whole, and stops caching past keepTokens', async () => {
    const words = Array.from({ length: 5000 }, (_, i) => `kata${(i * 7919) % 3001}`);
    const lines: string[] = [];
    for (let i = 0; i < 900; i++) lines.push(words.slice((i * 13) % 4000, ((i * 13) % 4000) + 40 + (i % 17)).join(' '));
    // Over 1 MiB without a newline: spans read chunks with no line end in them.
    lines.splice(300, 0, Array.from({ length: 200_000 }, (_, i) => words[i % 5000]).join(' '));
    const text = `${lines.join('\n')}\n`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 << 20);
    await expectSameCounts(text);
    const capped = await expectSameCounts(text, 10_000);
    expect(capped.cache).toBeUndefined();
  });

  it('leaves files it cannot count to the string path: invalid UTF-8, missing, a directory', async () => {
    const bad = join(dir, 'latin1.txt');
    writeFileSync(bad, Buffer.concat([Buffer.from('enak\nmakanan '), Buffer.from([0xe9]), Buffer.from('\n')]));
    expect(await countFile(bad, 1000, undefined)).toBeUndefined();
    expect(await countFile(join(dir, 'missing.txt'), 1000, undefined)).toBeUndefined();
    expect(await countFile(dir, 1000, undefined)).toBeUndefined();
  });
});

describe('formatFloat32 fast path', () => {
  it('writes exactly the digits of the toExponential search, as a string and as bytes', () => {
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    const values: number[] = [];
    // Every 4099th float32 bit pattern from 1e-6 to 100 (both signs), and the neighbours of powers
    // of ten and of two, where the exponent and the rounding change.
    f[0] = 1e-6;
    const lo = u[0] as number;
    f[0] = 100;
    const hi = u[0] as number;
    for (let b = lo; b <= hi; b += 4099) {
      u[0] = b;
      values.push(f[0] as number, -(f[0] as number));
    }
    for (const c of [1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 0.5, 0.25, 2, 4, 8, 2 ** -10]) {
      f[0] = c;
      const m = u[0] as number;
      for (let d = -300; d <= 300; d++) {
        u[0] = m + d;
        values.push(f[0] as number);
      }
    }
    values.push(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Math.fround(1e-45), Math.fround(3.4e38));
    const out = new Uint8Array(64);
    let mismatches = 0;
    for (const x of values) {
      const want = formatFloat32Slow(x);
      const end = writeFloat32(out, 5, x);
      if (formatFloat32(x) !== want || Buffer.from(out.subarray(5, end)).toString('latin1') !== want) mismatches++;
    }
    expect(values.length).toBeGreaterThan(100_000);
    expect(mismatches).toBe(0);
  });
});
