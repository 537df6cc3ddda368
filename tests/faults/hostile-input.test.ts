/**
 * Hostile input through every reader: datasets (`readDataset`), the `preprocess` CLI, word2vec
 * text/binary vectors, model directories (text, vision/tfjs layers, multi-label) and images.
 * Each bad input must give one clear `UlasanError` naming the file (and the line where there is
 * one) and the fix; good input with awkward bytes (BOM, CRLF, quoted newlines, a multi-MB line)
 * must load with nothing lost. Property-based cases use fast-check with a fixed seed.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { readDataset, writeDataset } from '../../src/data/index.js';
import { UlasanError } from '../../src/internal/errors.js';
import { createTextClassifier, loadTextClassifier } from '../../src/text/models/registry.js';
import { BinaryRelevance, loadMultiLabelClassifier } from '../../src/text/multilabel/index.js';
import { readWord2VecFormat, writeWord2VecFormat } from '../../src/text/word2vec/formats.js';
import { readImage } from '../../src/vision/image.js';
import { loadLayersModel, readLayersArtifacts } from '../../src/vision/layers-io.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const smsa = readFileSync(join(repo, 'tests/fixtures/data/smsa-sample.tsv'), 'utf8');
const smsaLines = smsa.split('\n').filter(Boolean).slice(0, 40);
const work = mkdtempSync(join(tmpdir(), 'ulasan-faults-hostile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const FC = { seed: 20261202, numRuns: 60 };

let n = 0;
function file(name: string, content: string | Uint8Array): string {
  const dir = join(work, `f${n++}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The error a promise rejects with, or fails the test when it resolves. */
async function errorOf(p: Promise<unknown>): Promise<UlasanError> {
  const result = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!UlasanError.isInstance(result)) throw new Error(`expected a UlasanError, got ${String(result)}`);
  return result;
}

describe('readDataset', () => {
  it('a multi-MB single line loads whole', async () => {
    const long = `${'sangat enak dan murah '.repeat(200_000).trim()} !`; // ~4.4 MB
    const path = file('long.tsv', `${long}\tpositive\n${smsaLines[1]}\n`);
    const data = await readDataset(path);
    expect(data.texts[0]).toBe(long);
    expect(data.labels).toEqual(['positive', smsaLines[1]!.split('\t')[1]]);
  });

  it('BOM and CRLF change nothing', async () => {
    const plain = await readDataset(file('plain.tsv', `${smsaLines.join('\n')}\n`));
    const bom = await readDataset(file('bom.tsv', `\uFEFF${smsaLines.join('\r\n')}\r\n`));
    expect(bom.texts).toEqual(plain.texts);
    expect(bom.labels).toEqual(plain.labels);
    // CSV with the text in the last column: no stray \r at the end of texts.
    const csv = await readDataset(file('crlf.csv', 'label,text\r\npositive,enak sekali\r\nnegative,"mahal, lama"\r\n'));
    expect(csv.texts).toEqual(['enak sekali', 'mahal, lama']);
  });

  it('quoted newlines stay in the text, and later errors name the right physical line', async () => {
    const csv = 'text,label\n"baris satu\nbaris dua",positive\n"ok",\n';
    const error = await errorOf(readDataset(file('quoted.csv', csv)));
    expect(error.message).toMatch(
      /quoted\.csv, line 4: missing label in column "label"\. Fix the row, or pass onInvalidRow: 'skip'/,
    );
    const good = await readDataset(file('quoted2.csv', 'text,label\n"baris satu\r\nbaris dua",positive\n'));
    expect(good.texts).toEqual(['baris satu\r\nbaris dua']);
  });

  it('NUL bytes, UTF-16 and invalid UTF-8: the file, the line, the fix', async () => {
    const nul = await errorOf(readDataset(file('nul.tsv', `${smsaLines[0]}\n${smsaLines[1]}\nbad\0text\tpositive\n`)));
    expect(nul.code).toBe('FILE_FORMAT');
    expect(nul.message).toMatch(/nul\.tsv, line 3 contains a NUL byte .*Re-save it as UTF-8/);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('enak\tpositive\n', 'utf16le')]);
    expect((await errorOf(readDataset(file('utf16.tsv', utf16)))).message).toMatch(
      /utf16\.tsv is UTF-16 encoded .*iconv -f utf-16 -t utf-8/,
    );
    const latin1 = Buffer.from(`${smsaLines[0]}\ncaf\xe9 enak\tpositive\n`, 'latin1');
    expect((await errorOf(readDataset(file('latin1.tsv', latin1)))).message).toMatch(
      /latin1\.tsv is not valid UTF-8 \(first bad byte at offset \d+, line 2\)\. Re-save the file as UTF-8/,
    );
  });

  it('a malformed JSONL line: refused with its line and the fix, or skipped and reported', async () => {
    const jsonl =
      '{"text":"enak","label":"positive"}\n{"text":"mahal",label:"negative"}\n{"text":"ok","label":"neutral"}\n';
    const path = file('bad.jsonl', jsonl);
    expect((await errorOf(readDataset(path))).message).toMatch(
      /bad\.jsonl, line 2: not valid JSON .*fix the line, or pass onInvalidRow: 'skip' \(CLI: --skip-invalid\)/,
    );
    const skipped = await readDataset(path, { onInvalidRow: 'skip' });
    expect(skipped.texts).toEqual(['enak', 'ok']);
    expect(skipped.skipped.map((s) => s.line)).toEqual([2]);
  });

  it('truncated files say so', async () => {
    const jsonl = '{"text":"enak","label":"positive"}\n{"text":"mah';
    expect((await errorOf(readDataset(file('cut.jsonl', jsonl)))).message).toMatch(
      /cut\.jsonl, line 2: .*last line and has no newline: the file may be truncated/,
    );
    const csv = 'text,label\nenak,positive\n"mahal dan';
    expect((await errorOf(readDataset(file('cut.csv', csv)))).message).toMatch(
      /cut\.csv: a quoted field opened on line 3 is never closed/,
    );
  });

  it('property: any texts and labels survive a write and a read (CSV, TSV, JSONL)', async () => {
    const text = fc
      .string({ unit: fc.constantFrom('a', 'é', ' ', ',', '\t', '"', "'", '\n', '\r\n', '😀', 'ب', '\\', '{', '}') })
      .filter((t) => t.trim() !== '' && !/^\s|\s$/.test(t));
    const label = fc.constantFrom('positive', 'negative', 'neutral');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(text, label), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('csv', 'jsonl'),
        async (rows, ext) => {
          const path = join(work, `prop.${ext}`);
          const data = { texts: rows.map((r) => r[0]), labels: rows.map((r) => r[1]) };
          await writeDataset(path, data);
          const back = await readDataset(path);
          expect(back.texts).toEqual(data.texts);
          expect(back.labels).toEqual(data.labels);
        },
      ),
      FC,
    );
  });

  it('property: arbitrary bytes either parse or raise a UlasanError naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('x.tsv', 'x.csv', 'x.jsonl'),
        async (bytes, name) => {
          const path = join(work, name);
          writeFileSync(path, bytes);
          const outcome = await readDataset(path).then(
            () => 'ok',
            (e: unknown) => e,
          );
          if (outcome === 'ok') return;
          expect(UlasanError.isInstance(outcome), String(outcome)).toBe(true);
          expect((outcome as Error).message).toMatch(/x\.(tsv|csv|jsonl)|No usable rows/);
        },
      ),
      { ...FC, numRuns: 200 },
    );
  });
});

describe('ulasan preprocess', () => {
  async function cli(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      out: (s: string | Uint8Array) => void out.push(String(s)),
      err: (s: string | Uint8Array) => void err.push(String(s)),
      interactive: false,
    };
    const code = await runCli(args, io as never);
    return { code, out: out.join(''), err: err.join('') };
  }

  it('refuses NUL bytes, invalid UTF-8 and a malformed JSONL line with the file and line, and writes nothing', async () => {
    const cases: [string, string | Uint8Array, RegExp][] = [
      ['nul.tsv', `${smsaLines[0]}\nbad\0\tpositive\n`, /nul\.tsv.*line 2.*NUL byte/],
      [
        'latin1.tsv',
        Buffer.from(`${smsaLines[0]}\ncaf\xe9\tpositive\n`, 'latin1'),
        /latin1\.tsv is not valid UTF-8 .*line 2/,
      ],
      ['bad.jsonl', '{"text":"enak"}\n{"text":\n', /bad\.jsonl.*line 2/],
    ];
    for (const [name, content, message] of cases) {
      const input = file(name, content);
      const output = join(work, `pre-${name}.out`);
      const r = await cli(['preprocess', '--data', input, '--out', output]);
      expect(r.code, name).not.toBe(0);
      expect(r.err, name).toMatch(message);
      expect(readdirSync(work).includes(`pre-${name}.out`), name).toBe(false);
    }
  });

  it('keeps CRLF, BOM and a multi-MB line intact (one output row per input row)', async () => {
    const long = 'bagus '.repeat(400_000).trim();
    const input = file('mixed.tsv', `\uFEFF${smsaLines[0]}\r\n${long}\tpositive\r\n${smsaLines[2]}\r\n`);
    const output = join(work, 'pre-mixed.tsv');
    const r = await cli(['preprocess', '--data', input, '--out', output]);
    expect(r.code, r.err).toBe(0);
    const rows = readFileSync(output, 'utf8').split('\n').filter(Boolean);
    expect(rows).toHaveLength(3);
    expect(rows[0]!.charCodeAt(0)).not.toBe(0xfeff);
    expect(rows[1]!.split('\t')[0]!.split(' ').length).toBeGreaterThan(100_000);
  });
});

describe('word2vec vector files', () => {
  const table = {
    words: ['enak', 'mahal', 'bagus'],
    dims: 4,
    vectors: Float32Array.from({ length: 12 }, (_, i) => i / 7),
  };

  it('truncated text and binary files, and a header that promises more than the file holds', async () => {
    const text = join(work, 'v.txt');
    const bin = join(work, 'v.bin');
    await writeWord2VecFormat(text, table, false);
    await writeWord2VecFormat(bin, table, true);
    const t = readFileSync(text);
    const b = readFileSync(bin);
    expect((await errorOf(readWord2VecFormat(file('cut.txt', t.subarray(0, t.length - 30))))).message).toMatch(
      /cut\.txt: (truncated|line \d+ has)/,
    );
    expect((await errorOf(readWord2VecFormat(file('cut.bin', b.subarray(0, b.length - 9)), true))).message).toMatch(
      /cut\.bin: truncated: the header promises 3 vectors of 4 dimensions/,
    );
    // A hostile header: 100 million vectors of 300 dimensions in a tiny file is refused before
    // 120 GB are allocated.
    const bomb = file('bomb.bin', Buffer.concat([Buffer.from('100000000 300\n'), b.subarray(b.indexOf(0x0a) + 1)]));
    const error = await errorOf(readWord2VecFormat(bomb, true));
    expect(error.message).toMatch(
      /bomb\.bin: the header declares 100000000 vectors of 300 dimensions .* the header is wrong or the file is truncated/,
    );
  });

  it('invalid UTF-8 words, NUL bytes and non-numbers name the file and line', async () => {
    const bad = Buffer.from('2 2\ncaf\xe9 0.1 0.2\nenak 0.3 0.4\n', 'latin1');
    expect((await errorOf(readWord2VecFormat(file('latin1.txt', bad), false))).message).toMatch(
      /latin1\.txt: invalid UTF-8/,
    );
    expect((await errorOf(readWord2VecFormat(file('nan.txt', '1 2\nenak 0.1 x\n'), false))).message).toMatch(
      /nan\.txt: line 2: value 2 \("x"\) of word "enak" is not a number/,
    );
  });

  it('property: a valid header followed by arbitrary bytes parses or raises a UlasanError naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.boolean(),
        async (count, dims, body, binary) => {
          const path = join(work, 'prop.w2v');
          writeFileSync(path, Buffer.concat([Buffer.from(`${count} ${dims}\n`), body]));
          const outcome = await readWord2VecFormat(path, binary).then(
            () => 'ok',
            (e: unknown) => e,
          );
          if (outcome === 'ok') return;
          expect(UlasanError.isInstance(outcome), String(outcome)).toBe(true);
          expect((outcome as Error).message).toContain(path);
        },
      ),
      { ...FC, numRuns: 150 },
    );
  });
});

describe('model directories', () => {
  it('text: an integrity entry pointing outside the directory is refused', async () => {
    const train = await readDataset(join(repo, 'tests/fixtures/data/smsa-sample.tsv'));
    const model = await createTextClassifier({ model: 'nb' });
    await model.fit(train.texts, train.labels);
    const dir = join(work, 'text-model');
    await model.save(dir);
    const manifestPath = join(dir, 'model.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.integrity['../../etc/passwd'] = { bytes: 1, sha256: '0'.repeat(64) };
    writeFileSync(manifestPath, JSON.stringify(manifest));
    expect((await errorOf(loadTextClassifier(dir))).message).toMatch(
      /Refusing model file path "\.\.\/\.\.\/etc\/passwd"/,
    );
  });

  it('tfjs layers (vision heads): weight paths outside the folder, absolute, URLs or symlinks out are refused', async () => {
    const folder = join(work, 'layers');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(work, 'outside.bin'), Buffer.alloc(16));
    const modelJson = (paths: string[]) =>
      JSON.stringify({
        format: 'layers-model',
        modelTopology: {},
        weightsManifest: [{ paths, weights: [{ name: 'w', shape: [4], dtype: 'float32' }] }],
      });
    for (const evil of ['../outside.bin', '/etc/passwd', 'https://example.com/w.bin', 'a/../../outside.bin']) {
      writeFileSync(join(folder, 'model.json'), modelJson([evil]));
      const e1 = await errorOf(readLayersArtifacts(folder));
      expect(e1.message, evil).toMatch(
        /Refusing weights path .*model\.json: .*(outside the model folder|only plain relative)/,
      );
      const e2 = await errorOf(loadLayersModel(folder));
      expect(e2.code, evil).toBe('FILE_FORMAT');
    }
    symlinkSync(join(work, 'outside.bin'), join(folder, 'link.bin'));
    writeFileSync(join(folder, 'model.json'), modelJson(['link.bin']));
    expect((await errorOf(readLayersArtifacts(folder))).message).toMatch(
      /link\.bin.*symlink to .*outside\.bin, outside the model folder/,
    );
    writeFileSync(join(folder, 'model.json'), '{"weightsManifest": [{"paths": "w.bin"}]}');
    expect((await errorOf(readLayersArtifacts(folder))).message).toMatch(
      /every weightsManifest entry needs "paths" and "weights"/,
    );
    writeFileSync(join(folder, 'model.json'), '{"weightsManifest": [');
    expect((await errorOf(loadLayersModel(folder))).message).toMatch(
      /Could not read .*model\.json as a TensorFlow\.js model\.json/,
    );
  });

  it('multi-label: base-model paths outside the directory or through symlinks are refused', async () => {
    const casa = await readDataset(join(repo, 'tests/fixtures/data/casa-sample.csv'), {
      labelColumn: ['fuel', 'machine', 'others', 'part', 'price', 'service'],
    });
    const model = new BinaryRelevance({ base: { model: 'nb' }, outputs: casa.columns.labels });
    await model.fit(casa.texts.slice(0, 100), casa.labels.slice(0, 100));
    const dir = join(work, 'ml');
    await model.save(dir);
    const manifestPath = join(dir, 'multilabel.json');
    const original = readFileSync(manifestPath, 'utf8');
    const m = JSON.parse(original);
    const first = m.models.findIndex((x: string | null) => x !== null);
    m.models[first] = '../text-model';
    delete m.integrity;
    writeFileSync(manifestPath, JSON.stringify(m));
    expect((await errorOf(loadMultiLabelClassifier(dir))).message).toMatch(
      /model path "\.\.\/text-model" is not allowed/,
    );
    writeFileSync(manifestPath, original);
    const name = JSON.parse(original).models[first] as string;
    rmSync(join(dir, name), { recursive: true });
    symlinkSync(join(work, 'text-model'), join(dir, name));
    expect((await errorOf(loadMultiLabelClassifier(dir))).message).toMatch(
      /(it is a symlink|does not belong to the save)/,
    );
  });
});

/** A PNG of `width` × `height` pixels whose data is a few bytes of zlib (a decompression bomb). */
function pngBomb(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('images', () => {
  const jpg = join(
    repo,
    'tests/fixtures/vision/faces/anger',
    readdirSync(join(repo, 'tests/fixtures/vision/faces/anger'))[0]!,
  );

  it('truncated, not an image, or a decompression bomb: the file and the fix', async () => {
    const bytes = readFileSync(jpg);
    const truncated = file('truncated.jpg', bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect((await errorOf(readImage(truncated))).message).toMatch(
      /Could not decode image .*truncated\.jpg.*corrupt, truncated or not an image/,
    );
    const text = file('notes.jpg', 'this is not an image\n');
    expect((await errorOf(readImage(text))).message).toMatch(/notes\.jpg.*Expected a valid JPEG, PNG/);
    const bomb = file('bomb.png', pngBomb(50_000, 50_000)); // 2.5 gigapixels in ~1 KB
    const error = await errorOf(readImage(bomb));
    expect(error.code).toBe('INVALID_DATA');
    expect(error.message).toMatch(
      /bomb\.png"? has more than 40,000,000 pixels and was refused \(possible decompression bomb\)/,
    );
    // Under the default limit the same kind of file decodes (it is just a black image).
    const small = await readImage(file('small.png', pngBomb(16, 16))).catch((e: unknown) => e);
    expect(UlasanError.isInstance(small) || (small as { width: number }).width === 16).toBe(true);
  }, 30_000);
});

describe('image folders', () => {
  const bin = process.env.FAULTS_BIN ?? join(repo, 'dist/cli/main.js');
  it.skipIf(!existsSync(bin))(
    'vision train on a folder with a truncated image, a non-image and a bomb: each skipped with its reason, the rest used',
    () => {
      const faces = join(work, 'faces');
      cpSync(join(repo, 'tests/fixtures/vision/faces'), faces, { recursive: true });
      writeFileSync(
        join(faces, 'anger', 'truncated.jpg'),
        readFileSync(join(faces, 'anger', readdirSync(join(faces, 'anger'))[0]!)).subarray(0, 3000),
      );
      writeFileSync(join(faces, 'happiness', 'notes.jpg'), 'not an image\n');
      writeFileSync(join(faces, 'neutral', 'bomb.png'), pngBomb(50_000, 50_000));
      const out = join(work, 'vision-out');
      const r = spawnSync(
        process.execPath,
        [
          bin,
          'vision',
          'train',
          '--data',
          faces,
          '--out',
          out,
          '--epochs',
          '2',
          '--augment',
          '0',
          '--face',
          'none',
          '--no-baseline',
          '--backend',
          'wasm',
          '--seed',
          '1',
        ],
        { encoding: 'utf8', timeout: 120_000 },
      );
      expect(r.status, r.stderr).toBe(0);
      const evaluation = JSON.parse(readFileSync(join(out, 'evaluation.json'), 'utf8'));
      const skipped = [
        ...evaluation.skipped.map((s: { source: string }) => s.source),
        ...(evaluation.valid?.skipped ?? []),
      ].map((p: string) => p.split('/').pop());
      expect(skipped.sort()).toEqual(['bomb.png', 'notes.jpg', 'truncated.jpg']);
      const reasons = JSON.stringify(evaluation.skipped);
      expect(reasons).toMatch(/bomb\.png.*possible decompression bomb/);
      expect(reasons).toMatch(/notes\.jpg.*not an image/);
      expect(evaluation.trainSize + (evaluation.valid?.size ?? 0)).toBeGreaterThan(0);
    },
    150_000,
  );
});
