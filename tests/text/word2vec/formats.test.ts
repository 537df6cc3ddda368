import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UlasanError } from '../../../src/internal/errors.js';
import { WordVectors } from '../../../src/text/index.js';
import { formatFloat32 } from '../../../src/text/word2vec/formats.js';

const FIX = fileURLToPath(new URL('../../fixtures/word2vec/', import.meta.url));
const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8'));
const tmp = () => mkdtempSync(join(tmpdir(), 'ulasan-w2v-'));
const GENSIM_PYTHON = '/usr/bin/python3';
const hasGensim = spawnSync(GENSIM_PYTHON, ['-c', 'import gensim'], { stdio: 'ignore' }).status === 0;

async function rejectsWith(promise: Promise<unknown>, code: string | string[], pattern: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(UlasanError.isInstance(error), `expected an UlasanError, got ${String(error)}`).toBe(true);
  expect(Array.isArray(code) ? code : [code]).toContain((error as UlasanError).code);
  expect((error as Error).message).toMatch(pattern);
}

describe('word2vec formats (gensim fixtures)', () => {
  it('reads gensim text and binary, and word2vec.c text and binary, to the same vectors', async () => {
    const text = await WordVectors.load(join(FIX, 'gensim.txt'));
    const bin = await WordVectors.load(join(FIX, 'gensim.bin'), { binary: true });
    const detected = await WordVectors.load(join(FIX, 'gensim.bin'));
    const cText = await WordVectors.load(join(FIX, 'c-tool.txt'));
    const cBin = await WordVectors.load(join(FIX, 'c-tool.bin'));
    expect(text.size).toBe(expected.count);
    expect(text.dims).toBe(expected.dims);
    expect(text.words[0]).toBe(expected.first.word);
    expect([...text.vector(expected.first.word)]).toEqual(expected.first.vector.map(Math.fround));
    // gensim's text repr is the shortest round-trip form: text and binary agree exactly.
    expect(bin.vectors).toEqual(text.vectors);
    expect(detected.vectors).toEqual(text.vectors);
    expect(cBin.vectors).toEqual(text.vectors);
    expect(cBin.words).toEqual(text.words);
    // The C tool's %lf keeps 6 decimals.
    for (let i = 0; i < text.vectors.length; i++)
      expect(Math.abs(cText.vectors[i]! - text.vectors[i]!)).toBeLessThan(6e-7);
  });

  it('writes text and binary byte-identical to gensim save_word2vec_format', async () => {
    const dir = tmp();
    const wv = await WordVectors.load(join(FIX, 'gensim.bin'), { binary: true });
    await wv.save(join(dir, 'out.txt'));
    await wv.save(join(dir, 'out.bin'), { binary: true });
    expect(readFileSync(join(dir, 'out.txt')).equals(readFileSync(join(FIX, 'gensim.txt')))).toBe(true);
    expect(readFileSync(join(dir, 'out.bin')).equals(readFileSync(join(FIX, 'gensim.bin')))).toBe(true);
  });

  it('formats float32 like numpy repr', () => {
    const cases: [number, string][] = [
      [0, '0.0'],
      [1, '1.0'],
      [0.1, '0.1'],
      [1e-4, '1e-04'],
      [1.234e-5, '1.234e-05'],
      [-0.00012345, '-0.00012345'],
      [123456.78, '123456.78'],
      [1e16, '1e+16'],
      [1e15, '1000000000000000.0'],
      [2.5e-7, '2.5e-07'],
    ];
    for (const [x, s] of cases) expect(formatFloat32(Math.fround(x))).toBe(s);
  });

  it('answers similarity queries as gensim does on the same vectors', async () => {
    const wv = await WordVectors.load(join(FIX, 'gensim.txt'));
    for (const [word, result] of Object.entries(expected.mostSimilar) as [string, [string, number][]][]) {
      const ours = wv.mostSimilar(word, [], 5);
      expect(ours.map((r) => r.word)).toEqual(result.map((r) => r[0]));
      for (const [i, r] of ours.entries()) expect(r.similarity).toBeCloseTo(result[i]![1], 5);
    }
    const a = expected.analogy;
    const ours = wv.mostSimilar(a.positive, a.negative, 5);
    expect(ours.map((r) => r.word)).toEqual(a.result.map((r: [string, number]) => r[0]));
    for (const [x, y, s] of expected.similarity as [string, string, number][])
      expect(wv.similarity(x, y)).toBeCloseTo(s, 5);
    expect(wv.doesntMatch(expected.doesntMatch.words)).toBe(expected.doesntMatch.result);
  });

  it('round-trips the native format with counts', async () => {
    const dir = tmp();
    const base = await WordVectors.load(join(FIX, 'gensim.txt'));
    const wv = new WordVectors(
      base.words,
      base.vectors,
      base.dims,
      base.words.map((_, i) => 1000 - i),
    );
    await wv.save(join(dir, 'v.w2v'), { format: 'native' });
    const back = await WordVectors.load(join(dir, 'v.w2v'));
    expect(back.words).toEqual(wv.words);
    expect(back.vectors).toEqual(wv.vectors);
    expect(back.count(wv.words[3]!)).toBe(997);
  });

  it.skipIf(!hasGensim)('gensim loads the files ulasan writes', async () => {
    const dir = tmp();
    const wv = await WordVectors.load(join(FIX, 'gensim.txt'));
    await wv.save(join(dir, 'o.txt'));
    await wv.save(join(dir, 'o.bin'), { binary: true });
    const script = `
import sys
from gensim.models import KeyedVectors
t = KeyedVectors.load_word2vec_format(sys.argv[1], binary=False)
b = KeyedVectors.load_word2vec_format(sys.argv[2], binary=True)
print(len(t), t.vector_size, int((t.vectors == b.vectors).all()), t.index_to_key[0], repr(float(t.vectors[0][0])))`;
    const r = spawnSync(GENSIM_PYTHON, ['-c', script, join(dir, 'o.txt'), join(dir, 'o.bin')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [n, dims, same, first, x0] = r.stdout.trim().split(' ');
    expect(Number(n)).toBe(wv.size);
    expect(Number(dims)).toBe(wv.dims);
    expect(same).toBe('1');
    expect(first).toBe(wv.words[0]);
    expect(Math.fround(Number(x0))).toBe(wv.vectors[0]);
  });
});

describe('word2vec formats: bad input', () => {
  const bin = readFileSync(join(FIX, 'gensim.bin'));
  const txt = readFileSync(join(FIX, 'gensim.txt'), 'utf8');

  it('rejects truncated binary and text files', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'cut.bin'), bin.subarray(0, bin.length - 10));
    await rejectsWith(
      WordVectors.load(join(dir, 'cut.bin'), { binary: true }),
      'FILE_FORMAT',
      /truncated.*300 vectors/,
    );
    writeFileSync(join(dir, 'cut.txt'), txt.split('\n').slice(0, 100).join('\n'));
    await rejectsWith(WordVectors.load(join(dir, 'cut.txt')), 'FILE_FORMAT', /truncated.*300 vectors.*99/);
  });

  it('rejects a wrong header or dimension', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'noheader.txt'), txt.split('\n').slice(1).join('\n'));
    await rejectsWith(WordVectors.load(join(dir, 'noheader.txt')), 'FILE_FORMAT', /header line/);
    writeFileSync(join(dir, 'dims.txt'), txt.replace(/^300 16/, '300 17'));
    await rejectsWith(
      WordVectors.load(join(dir, 'dims.txt'), { binary: false }),
      'FILE_FORMAT',
      /16 values.*17 dimensions/,
    );
    writeFileSync(join(dir, 'dims.bin'), Buffer.concat([Buffer.from('300 15\n'), bin.subarray(bin.indexOf(0x0a) + 1)]));
    await rejectsWith(
      WordVectors.load(join(dir, 'dims.bin'), { binary: true }),
      ['FILE_FORMAT', 'INVALID_DATA'],
      /dimension \(15\)|truncated/,
    );
    writeFileSync(join(dir, 'empty.txt'), '');
    await rejectsWith(WordVectors.load(join(dir, 'empty.txt')), 'FILE_FORMAT', /empty/);
    writeFileSync(join(dir, 'nan.txt'), `1 2\nkata 0.5 abc\n`);
    await rejectsWith(WordVectors.load(join(dir, 'nan.txt')), 'FILE_FORMAT', /"abc".*not a number/);
  });

  it('rejects non-UTF-8 words', async () => {
    const dir = tmp();
    const bad = Buffer.concat([Buffer.from('1 2\nkat'), Buffer.from([0xff, 0xfe]), Buffer.from(' 0.5 0.25\n')]);
    writeFileSync(join(dir, 'latin.txt'), bad);
    await rejectsWith(WordVectors.load(join(dir, 'latin.txt'), { binary: false }), 'INVALID_DATA', /UTF-8/);
    const badBin = Buffer.concat([Buffer.from('1 2\nkat'), Buffer.from([0xff]), Buffer.from(' '), Buffer.alloc(8)]);
    writeFileSync(join(dir, 'latin.bin'), badBin);
    await rejectsWith(WordVectors.load(join(dir, 'latin.bin'), { binary: true }), 'INVALID_DATA', /word 0.*UTF-8/);
  });

  it('rejects a missing file, a damaged native file and a newer native version', async () => {
    const dir = tmp();
    await rejectsWith(WordVectors.load(join(dir, 'nope.txt')), 'FILE_NOT_FOUND', /nope\.txt/);
    const wv = await WordVectors.load(join(FIX, 'gensim.txt'));
    await wv.save(join(dir, 'v.w2v'), { format: 'native' });
    const native = readFileSync(join(dir, 'v.w2v'));
    writeFileSync(join(dir, 'cut.w2v'), native.subarray(0, native.length - 100));
    await rejectsWith(WordVectors.load(join(dir, 'cut.w2v')), 'FILE_FORMAT', /truncated/);
    const newer = Buffer.from(native);
    const at = newer.indexOf('"version":1');
    newer.write('"version":9', at);
    writeFileSync(join(dir, 'newer.w2v'), newer);
    await rejectsWith(WordVectors.load(join(dir, 'newer.w2v')), 'UNSUPPORTED_VERSION', /version 9/);
  });

  it('never replaces a good file with a half-written one', async () => {
    const dir = tmp();
    const good = await WordVectors.load(join(FIX, 'gensim.txt'));
    await good.save(join(dir, 'v.txt'));
    const before = readFileSync(join(dir, 'v.txt'));
    const bad = new WordVectors(['ok', 'two words'], new Float32Array(4), 2);
    await rejectsWith(bad.save(join(dir, 'v.txt')), 'INVALID_DATA', /"two words".*whitespace/);
    expect(readFileSync(join(dir, 'v.txt')).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['v.txt']);
    expect(existsSync(join(dir, 'v.txt'))).toBe(true);
  });
});

describe('WordVectors queries', () => {
  it('names an unknown word and builds embedding matrices with every OOV policy', async () => {
    const wv = await WordVectors.load(join(FIX, 'gensim.txt'));
    expect(() => wv.mostSimilar('xyz')).toThrow(/"xyz" is not in the vocabulary \(300 words\)/);
    expect(() => wv.similarity('enak', 'xyz')).toThrow(/"xyz"/);
    const vocab = ['<pad>', 'enak', 'tidak', 'kataasing'];
    const zeros = wv.embeddingMatrix(vocab, { oov: 'zeros' });
    expect(zeros.rows).toBe(4);
    expect(zeros.dims).toBe(16);
    expect(zeros.missing).toEqual(['<pad>', 'kataasing']);
    expect([...zeros.matrix.subarray(16, 32)]).toEqual([...wv.vector('enak')]);
    expect(zeros.matrix.subarray(0, 16).every((x) => x === 0)).toBe(true);
    const mean = wv.embeddingMatrix(vocab, { oov: 'mean' });
    let m0 = 0;
    for (let i = 0; i < wv.size; i++) m0 += wv.vectors[i * 16]!;
    expect(mean.matrix[0]).toBeCloseTo(m0 / wv.size, 5);
    const r1 = wv.embeddingMatrix(vocab, { oov: 'random', seed: 3 });
    const r2 = wv.embeddingMatrix(vocab, { oov: 'random', seed: 3 });
    expect(r1.matrix).toEqual(r2.matrix);
    expect(r1.matrix.subarray(0, 16).some((x) => x !== 0)).toBe(true);
    // The normalized cache is reused.
    expect(wv.normalizedVectors()).toBe(wv.normalizedVectors());
  });
});
