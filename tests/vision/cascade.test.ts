/**
 * The Haar/LBP cascade detector against OpenCV 4.6's own detectMultiScale on the same fixture
 * photos (tests/fixtures/vision/opencv-cascade-reference.json, written by
 * tests/vision/opencv-cascade-reference.py with Debian's python3-opencv), using the cascades of
 * Debian's opencv-data.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Box,
  CascadeFaceDetector,
  DEBIAN_HAAR_FRONTALFACE,
  DEBIAN_LBP_FRONTALFACE,
  FaceCropper,
  groupRectangles,
  readImage,
} from '../../src/vision/index.js';
import { hasSystemFile } from '../helpers/system.js';
import { FIXTURES, tempDir } from './helpers.js';

interface Reference {
  images: Record<
    string,
    { width: number; height: number; haar: number[][]; haarRaw: number; lbp: number[][]; lbpRaw: number }
  >;
}

const HAVE_CASCADES =
  hasSystemFile(DEBIAN_HAAR_FRONTALFACE, 'opencv-data') && hasSystemFile(DEBIAN_LBP_FRONTALFACE, 'opencv-data');

function iou(a: Box, b: Box): number {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return inter / (a.width * a.height + b.width * b.height - inter);
}

const toBox = ([x, y, width, height]: number[]): Box => ({
  x: x as number,
  y: y as number,
  width: width as number,
  height: height as number,
});

describe('groupRectangles (cv::groupRectangles)', () => {
  it('averages similar boxes, drops clusters with too few members and boxes inside stronger ones', () => {
    const a = [
      { x: 10, y: 10, width: 50, height: 50 },
      { x: 12, y: 11, width: 50, height: 50 },
      { x: 11, y: 12, width: 52, height: 52 },
      { x: 200, y: 200, width: 30, height: 30 }, // alone: dropped with groupThreshold 1
      { x: 20, y: 20, width: 20, height: 20 }, // not similar (size), inside the big cluster
      { x: 21, y: 20, width: 20, height: 20 },
    ];
    expect(groupRectangles(a, 1)).toEqual([{ box: { x: 11, y: 11, width: 51, height: 51 }, neighbors: 3 }]);
    expect(groupRectangles(a, 0)).toHaveLength(6); // 0: no grouping, like OpenCV
    expect(groupRectangles([], 3)).toEqual([]);
  });
});

describe.skipIf(!HAVE_CASCADES)('CascadeFaceDetector (OpenCV cascades from opencv-data)', () => {
  it('finds the same faces as OpenCV detectMultiScale: Haar exactly, LBP within a few pixels', async () => {
    const ref = JSON.parse(await fs.readFile(join(FIXTURES, 'opencv-cascade-reference.json'), 'utf8')) as Reference;
    const haar = new CascadeFaceDetector({ cascade: DEBIAN_HAAR_FRONTALFACE });
    const lbp = new CascadeFaceDetector({ cascade: DEBIAN_LBP_FRONTALFACE });
    const haarRaw = new CascadeFaceDetector({ cascade: DEBIAN_HAAR_FRONTALFACE, minNeighbors: 0 });
    expect(await haar.info()).toEqual({ type: 'HAAR', width: 24, height: 24, stages: 25 });
    expect((await lbp.info()).type).toBe('LBP');
    const entries = Object.entries(ref.images);
    expect(entries.length).toBeGreaterThanOrEqual(10);
    for (const [rel, e] of entries) {
      const image = await readImage(join(FIXTURES, 'faces', rel));
      expect([image.width, image.height]).toEqual([e.width, e.height]);
      const h = await haar.detect(image);
      expect(
        h.map((d) => [d.box.x, d.box.y, d.box.width, d.box.height]),
        rel,
      ).toEqual(e.haar);
      // Raw windows (no grouping) on a few images: same count as OpenCV.
      if (entries.indexOf(entries.find(([r]) => r === rel) as (typeof entries)[number]) % 4 === 0) {
        expect((await haarRaw.detect(image)).length, rel).toBe(e.haarRaw);
      }
      const l = await lbp.detect(image);
      expect(l.length, rel).toBe(e.lbp.length);
      l.forEach((d, i) => {
        expect(iou(d.box, toBox(e.lbp[i] as number[])), rel).toBeGreaterThan(0.9);
      });
      for (const d of [...h, ...l]) {
        expect(d.neighbors).toBeGreaterThan(3);
        expect(d.score).toBeGreaterThan(0.5);
        expect(d.score).toBeLessThan(1);
      }
    }
  }, 60_000);

  it('finds nothing on a flat or noisy image, and maps boxes back from a downscaled large image', async () => {
    const detector = new CascadeFaceDetector();
    const flat = { width: 120, height: 100, data: new Uint8Array(120 * 100 * 3).fill(128) };
    expect(await detector.detect(flat)).toEqual([]);
    let s = 1;
    const noise = {
      width: 96,
      height: 96,
      data: Uint8Array.from({ length: 96 * 96 * 3 }, () => {
        s = (s * 16807) % 2147483647;
        return s & 255;
      }),
    };
    expect(await detector.detect(noise)).toEqual([]);
    // A 350-px face photo upscaled ×3 (1050 px) is detected on a ≤ 640-px copy, boxes in source pixels.
    const small = await readImage(join(FIXTURES, 'faces', 'happiness', 'Alan_Ball_0002.jpg'));
    const { resizeImage } = await import('../../src/vision/index.js');
    const big = await resizeImage(small, 1050, 1050, 'fill');
    const [face] = await detector.detect(big);
    expect(face).toBeDefined();
    expect(iou((face as { box: Box }).box, { x: 78, y: 84, width: 876, height: 876 })).toBeGreaterThan(0.8);
  }, 30_000);

  it('plugs into FaceCropper (detector: haar | lbp) and gives clear errors', async () => {
    const cropper = new FaceCropper({ detector: 'haar', mode: 'required' });
    const crop = await cropper.crop(join(FIXTURES, 'faces', 'neutral', 'Ahmed_Ghazi_0001.jpg'), 112);
    expect(crop?.face?.box).toEqual({ x: 32, y: 27, width: 286, height: 286 });
    expect(crop?.image.width).toBe(112);
    expect(new FaceCropper({ detector: 'lbp' }).fingerprint).toMatchObject({
      detector: 'lbp',
      cascade: DEBIAN_LBP_FRONTALFACE,
    });
    expect(new FaceCropper().fingerprint).not.toHaveProperty('detector'); // tiny: cache keys unchanged
    expect(() => new FaceCropper({ detector: 'yolo' as never })).toThrow(/tiny, haar, lbp/);

    const dir = await tempDir('ulasan-cascade-');
    const image = { width: 40, height: 40, data: new Uint8Array(40 * 40 * 3) };
    await expect(new CascadeFaceDetector({ cascade: join(dir, 'none.xml') }).detect(image)).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
    });
    await fs.writeFile(join(dir, 'bad.xml'), '<?xml version="1.0"?><opencv_storage><x>1</x></opencv_storage>');
    await expect(new CascadeFaceDetector({ cascade: join(dir, 'bad.xml') }).detect(image)).rejects.toMatchObject({
      code: 'FILE_FORMAT',
    });
    const tilted = '/usr/share/opencv4/haarcascades/haarcascade_eye_tree_eyeglasses.xml';
    await expect(new CascadeFaceDetector({ cascade: tilted }).detect(image)).rejects.toThrow(/tilted/);
    expect(() => new CascadeFaceDetector({ scaleFactor: 1 })).toThrow(/scaleFactor/);
    expect(() => new CascadeFaceDetector({ minNeighbors: -1 })).toThrow(/minNeighbors/);
  }, 30_000);
});
