import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/internal/random.js';
import { augmentImage, loadImageFolder, readImage, stratifiedSplit } from '../../src/vision/index.js';
import { FIXTURES, SHARED_FACES, tempDir } from './helpers.js';

describe('loadImageFolder', () => {
  it('reads the shared faces set with its train/ and valid/ folders', async () => {
    const data = await loadImageFolder(SHARED_FACES);
    expect(data.layout).toBe('folders');
    expect(data.classes).toEqual(['anger', 'happiness', 'neutral', 'sadness', 'surprise']);
    expect(data.train.paths).toHaveLength(750);
    expect(data.valid?.paths).toHaveLength(250);
    expect(data.test).toBeUndefined();
    expect(data.train.labels.filter((l) => l === 'sadness')).toHaveLength(150);
  });

  it('splits a plain class-folder set stratified and reproducibly, reporting non-images', async () => {
    const dir = await tempDir('ulasan-ds-');
    await cp(join(FIXTURES, 'faces'), dir, { recursive: true });
    await writeFile(join(dir, 'happiness', 'notes.txt'), 'not an image');
    const a = await loadImageFolder(dir, { validationSplit: 0.5, seed: 3 });
    const b = await loadImageFolder(dir, { validationSplit: 0.5, seed: 3 });
    expect(a.layout).toBe('split');
    expect(a.ignored).toEqual([join(dir, 'happiness', 'notes.txt')]);
    expect(a.valid?.paths).toEqual(b.valid?.paths);
    // every class keeps at least one training and one validation image
    for (const c of a.classes) {
      expect(a.train.labels).toContain(c);
      expect(a.valid?.labels).toContain(c);
    }
    expect(a.train.paths.length + (a.valid?.paths.length ?? 0)).toBe(11);
    expect(new Set([...a.train.paths, ...(a.valid?.paths ?? [])]).size).toBe(11);
  });

  it('says what is wrong with a bad layout', async () => {
    const dir = await tempDir('ulasan-ds-');
    await expect(loadImageFolder(join(dir, 'nope'))).rejects.toThrow(/does not exist/);
    await expect(loadImageFolder(dir)).rejects.toThrow(/no class sub-folders.*<label>\/<image files>/);
    await mkdir(join(dir, 'happy'));
    await expect(loadImageFolder(dir)).rejects.toThrow(/happy holds no image files/);
    await expect(loadImageFolder(FIXTURES, { validationSplit: 0.7, testSplit: 0.5 })).rejects.toThrow(
      /sum to less than 1/,
    );
  });
});

describe('stratifiedSplit', () => {
  it('keeps class proportions and is seeded', () => {
    const labels = [...Array(40).fill('a'), ...Array(10).fill('b')] as string[];
    const [train, valid, test] = stratifiedSplit(labels, [0.2, 0.1], 1) as number[][];
    expect(valid?.filter((i) => labels[i] === 'a')).toHaveLength(8);
    expect(valid?.filter((i) => labels[i] === 'b')).toHaveLength(2);
    expect(test).toHaveLength(5);
    expect(train).toHaveLength(35);
    expect(stratifiedSplit(labels, [0.2, 0.1], 1)).toEqual([train, valid, test]);
    expect(stratifiedSplit(labels, [0.2, 0.1], 2)[1]).not.toEqual(valid);
  });
});

describe('augmentImage', () => {
  it('is seeded, keeps the size and changes the pixels', async () => {
    const img = await readImage(join(FIXTURES, 'faces/anger/Colin_Powell_0007.jpg'));
    const a = augmentImage(img, new Random(5));
    const b = augmentImage(img, new Random(5));
    const c = augmentImage(img, new Random(6));
    expect([a.width, a.height]).toEqual([img.width, img.height]);
    const same = (x: Uint8Array, y: Uint8Array) => Buffer.from(x).equals(Buffer.from(y));
    expect(same(a.data, b.data)).toBe(true);
    expect(same(a.data, c.data)).toBe(false);
    let diff = 0;
    for (let i = 0; i < img.data.length; i++) diff += Math.abs((a.data[i] as number) - (img.data[i] as number));
    expect(diff / img.data.length).toBeGreaterThan(2);
  });

  it('with only flipping on, mirrors the image exactly (or leaves it)', async () => {
    const img = await readImage(join(FIXTURES, 'faces/anger/Colin_Powell_0007.jpg'));
    const off = { minCropScale: 1, rotation: 0, brightness: 0, contrast: 0, saturation: 0 };
    let flipped = 0;
    for (let seed = 0; seed < 6; seed++) {
      const out = augmentImage(img, new Random(seed), off);
      const w = img.width;
      const mirrored = out.data[0] === img.data[(w - 1) * 3] && out.data[(w - 1) * 3] === img.data[0];
      const same = out.data.every((v, i) => v === img.data[i]);
      if (!same) {
        flipped++;
        expect(mirrored).toBe(true);
        for (let y = 0; y < img.height; y += 37)
          for (let x = 0; x < w; x += 29) expect(out.data[(y * w + x) * 3]).toBe(img.data[(y * w + (w - 1 - x)) * 3]);
      }
    }
    expect(flipped).toBeGreaterThan(0);
  });
});
