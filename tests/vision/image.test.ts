import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTf } from '../../src/backend/tf.js';
import { UlasanError } from '../../src/internal/errors.js';
import {
  CAFFE_MEAN_BGR,
  cropImage,
  loadSharp,
  preprocessPixels,
  preprocessTensor,
  readImage,
  resizeImage,
} from '../../src/vision/index.js';
import { FIXTURES, tempDir } from './helpers.js';

const FACE = join(FIXTURES, 'faces/happiness/Alan_Ball_0002.jpg');

async function expectCode(p: Promise<unknown>, code: string, pattern?: RegExp) {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(UlasanError.isInstance(error)).toBe(true);
  expect((error as UlasanError).code).toBe(code);
  if (pattern) expect((error as Error).message).toMatch(pattern);
}

describe('readImage', () => {
  it('decodes a grayscale JPEG to 3-channel RGB with equal channels', async () => {
    const img = await readImage(FACE);
    expect([img.width, img.height]).toEqual([350, 350]);
    expect(img.data.length).toBe(350 * 350 * 3);
    for (let i = 0; i < 300; i += 3) {
      expect(img.data[i]).toBe(img.data[i + 1]);
      expect(img.data[i]).toBe(img.data[i + 2]);
    }
  });

  it('applies EXIF orientation and drops alpha', async () => {
    const sharp = await loadSharp();
    // A 40×20 RGBA PNG, re-encoded as JPEG with orientation 6 (rotate 90° clockwise to display).
    const png = await sharp({
      create: { width: 40, height: 20, channels: 4, background: { r: 200, g: 10, b: 10, alpha: 0.5 } },
    })
      .png()
      .toBuffer();
    const alpha = await readImage(new Uint8Array(png));
    expect([alpha.width, alpha.height]).toEqual([40, 20]);
    expect(alpha.data.length).toBe(40 * 20 * 3);
    const jpeg = await sharp(png).flatten().jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const rotated = await readImage(new Uint8Array(jpeg));
    expect([rotated.width, rotated.height]).toEqual([20, 40]);
  });

  it('refuses corrupt, truncated, non-image and missing files with clear codes', async () => {
    const dir = await tempDir('ulasan-img-');
    const bytes = new Uint8Array(await (await import('node:fs/promises')).readFile(FACE));
    await writeFile(join(dir, 'truncated.jpg'), bytes.subarray(0, 2000));
    await writeFile(join(dir, 'text.jpg'), 'not an image at all');
    await expectCode(readImage(join(dir, 'truncated.jpg')), 'FILE_FORMAT', /truncated\.jpg.*corrupt, truncated/);
    await expectCode(readImage(join(dir, 'text.jpg')), 'FILE_FORMAT', /unsupported image format/);
    await expectCode(readImage(join(dir, 'missing.png')), 'FILE_NOT_FOUND', /does not exist/);
  });

  it('refuses decompression bombs over the pixel limit', async () => {
    const sharp = await loadSharp();
    const big = await sharp({ create: { width: 4000, height: 4000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(big.length).toBeLessThan(200_000); // tiny file, 16 M pixels
    await expectCode(readImage(new Uint8Array(big), { maxPixels: 1_000_000 }), 'INVALID_DATA', /decompression bomb/);
  });
});

describe('resize and crop', () => {
  it('resizes to 224×224 and crops a box with margin, clamped to the image', async () => {
    const img = await readImage(FACE);
    const r = await resizeImage(img, 224);
    expect([r.width, r.height, r.data.length]).toEqual([224, 224, 224 * 224 * 3]);
    const c = await cropImage(img, { x: 300, y: 300, width: 100, height: 100 }, { margin: 0.2 });
    expect([c.width, c.height]).toEqual([70, 70]); // 280..350 after the margin, clamped
    const sized = await cropImage(img, { x: 50, y: 50, width: 100, height: 60 }, { size: 64 });
    expect([sized.width, sized.height]).toEqual([64, 64]);
  });
});

describe('preprocessing modes', () => {
  const rgb = new Uint8Array([255, 0, 0, 10, 20, 30]);
  it('caffe: RGB→BGR and ImageNet mean subtraction, exactly as Keras', () => {
    const x = preprocessPixels(rgb, 'caffe');
    const expected = [
      0 - CAFFE_MEAN_BGR[0],
      0 - CAFFE_MEAN_BGR[1],
      255 - CAFFE_MEAN_BGR[2],
      30 - 103.939,
      20 - 116.779,
      10 - 123.68,
    ];
    for (const [i, v] of expected.entries()) expect(x[i]).toBeCloseTo(v, 4);
  });
  it('tf and torch modes', () => {
    const t = preprocessPixels(rgb, 'tf');
    expect(t[0]).toBeCloseTo(1, 6);
    expect(t[1]).toBeCloseTo(-1, 6);
    const p = preprocessPixels(rgb, 'torch');
    expect(p[0]).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(p[4]).toBeCloseTo((20 / 255 - 0.456) / 0.224, 5);
    expect(() => preprocessPixels(rgb, 'imagenet' as never)).toThrow(/Unknown preprocessing mode/);
  });
  it('the tensor version matches the array version', async () => {
    const { tf } = await loadTf();
    for (const mode of ['caffe', 'tf', 'torch'] as const) {
      const x = tf.tensor(Array.from(rgb), [1, 2, 3]);
      const y = preprocessTensor(tf, x, mode);
      const got = y.dataSync();
      const want = preprocessPixels(rgb, mode);
      for (const [i, v] of want.entries()) expect(got[i]).toBeCloseTo(v, 4);
      tf.dispose([x, y]);
    }
  });
});
