/**
 * Folder-per-class image datasets (`faces/train/<label>/*.jpg`), the layout Keras'
 * `image_dataset_from_directory` reads, with seeded stratified splits. Only file names are listed
 * here; pixels are read later in bounded batches.
 */
import { promises as fs } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { compareLabels } from '../core/labels.js';
import { invalidArgument, UlasanError } from '../internal/errors.js';
import { Random } from '../internal/random.js';

/** File extensions treated as images. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif'];

/** Image paths and their labels, aligned. */
export interface ImageSplit {
  /** Absolute image paths. */
  paths: string[];
  /** One label (the class folder name) per path. */
  labels: string[];
}

/** What {@link loadImageFolder} returns. */
export interface ImageFolderDataset {
  /** Class names, sorted (the folder names). */
  classes: string[];
  /** Training images. */
  train: ImageSplit;
  /** Validation images (from a `valid/`, `validation/` or `val/` folder, or split off `train`). */
  valid?: ImageSplit;
  /** Test images (from a `test/` folder, or split off when `testSplit` > 0). */
  test?: ImageSplit;
  /** Files in class folders that are not images by extension (reported, not read). */
  ignored: string[];
  /** `'folders'` when `train/` + `valid/` existed, `'split'` when the splits were made here. */
  layout: 'folders' | 'split';
}

/** Options of {@link loadImageFolder}. */
export interface ImageFolderOptions {
  /**
   * Fraction of each class held out for validation when the folder has no `valid/` folder.
   * Default 0.2; 0 keeps everything for training.
   */
  validationSplit?: number;
  /** Fraction of each class held out for testing when there is no `test/` folder. Default 0. */
  testSplit?: number;
  /** Seed of the stratified split. Default 42. */
  seed?: number;
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await fs.stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Reads `<dir>/<class>/<image>` into a split. */
export async function readClassFolders(dir: string): Promise<ImageSplit & { ignored: string[]; classes: string[] }> {
  const root = resolve(dir);
  if (!(await isDir(root))) {
    throw new UlasanError('FILE_NOT_FOUND', `Image folder ${root} does not exist or is not a folder.`);
  }
  const entries = (await fs.readdir(root, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
  const classes = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort(compareLabels);
  if (classes.length === 0) {
    throw new UlasanError(
      'INVALID_DATA',
      `Image folder ${root} has no class sub-folders. Expected ${root}/<label>/<image files> (for example faces/train/happiness/001.jpg).`,
    );
  }
  const paths: string[] = [];
  const labels: string[] = [];
  const ignored: string[] = [];
  for (const cls of classes) {
    const files = (await fs.readdir(join(root, cls), { withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
    let n = 0;
    for (const f of files) {
      const full = join(root, cls, f);
      if (IMAGE_EXTENSIONS.includes(extname(f).toLowerCase())) {
        paths.push(full);
        labels.push(cls);
        n++;
      } else ignored.push(full);
    }
    if (n === 0) {
      throw new UlasanError(
        'INVALID_DATA',
        `Class folder ${join(root, cls)} holds no image files (${IMAGE_EXTENSIONS.join(', ')}). Remove it or add images.`,
      );
    }
  }
  return { paths, labels, ignored, classes };
}

/**
 * Lists a folder-per-class image dataset. `dir` is either a folder of class folders, or a folder
 * holding `train/` and `valid/` (or `validation/`, `val/`) and optionally `test/` class folders.
 *
 * @example
 * ```ts
 * const data = await loadImageFolder('../shared/data/faces');
 * data.classes; // ['anger', 'happiness', 'neutral', 'sadness', 'surprise']
 * data.train.paths.length; // 750
 * ```
 */
export async function loadImageFolder(dir: string, options: ImageFolderOptions = {}): Promise<ImageFolderDataset> {
  const validationSplit = options.validationSplit ?? 0.2;
  const testSplit = options.testSplit ?? 0;
  if (!(validationSplit >= 0 && testSplit >= 0 && validationSplit + testSplit < 1)) {
    throw invalidArgument(
      `validationSplit (${validationSplit}) and testSplit (${testSplit}) must be ≥ 0 and sum to less than 1.`,
    );
  }
  const root = resolve(dir);
  const seed = options.seed ?? 42;
  if (await isDir(join(root, 'train'))) {
    const train = await readClassFolders(join(root, 'train'));
    const ignored = [...train.ignored];
    let valid: ImageSplit | undefined;
    let test: ImageSplit | undefined;
    for (const name of ['valid', 'validation', 'val']) {
      if (!valid && (await isDir(join(root, name)))) {
        const v = await readClassFolders(join(root, name));
        checkClasses(train.classes, v.classes, join(root, name));
        ignored.push(...v.ignored);
        valid = { paths: v.paths, labels: v.labels };
      }
    }
    if (await isDir(join(root, 'test'))) {
      const t = await readClassFolders(join(root, 'test'));
      checkClasses(train.classes, t.classes, join(root, 'test'));
      ignored.push(...t.ignored);
      test = { paths: t.paths, labels: t.labels };
    }
    let trainSplit: ImageSplit = { paths: train.paths, labels: train.labels };
    if (!valid || (!test && testSplit > 0)) {
      const parts = stratifiedSplit(train.labels, [valid ? 0 : validationSplit, test ? 0 : testSplit], seed);
      const pick = (idx: number[]): ImageSplit => ({
        paths: idx.map((i) => train.paths[i] as string),
        labels: idx.map((i) => train.labels[i] as string),
      });
      trainSplit = pick(parts[0] as number[]);
      if (!valid && validationSplit > 0) valid = pick(parts[1] as number[]);
      if (!test && testSplit > 0) test = pick(parts[2] as number[]);
    }
    return { classes: train.classes, train: trainSplit, valid, test, ignored, layout: 'folders' };
  }
  const all = await readClassFolders(root);
  const parts = stratifiedSplit(all.labels, [validationSplit, testSplit], seed);
  const pick = (idx: number[]): ImageSplit => ({
    paths: idx.map((i) => all.paths[i] as string),
    labels: idx.map((i) => all.labels[i] as string),
  });
  return {
    classes: all.classes,
    train: pick(parts[0] as number[]),
    valid: validationSplit > 0 ? pick(parts[1] as number[]) : undefined,
    test: testSplit > 0 ? pick(parts[2] as number[]) : undefined,
    ignored: all.ignored,
    layout: 'split',
  };
}

function checkClasses(train: string[], other: string[], where: string): void {
  const extra = other.filter((c) => !train.includes(c));
  if (extra.length > 0) {
    throw new UlasanError(
      'INVALID_DATA',
      `${where} has classes that train/ lacks: ${extra.join(', ')}. Every class needs training images.`,
    );
  }
}

/**
 * Seeded stratified split: within each class, shuffles the indices and cuts off `fractions`
 * (rounded per class, at least one item per non-zero fraction when the class has ≥ 2 items).
 * Returns `[rest, part1, part2, ...]` index lists, each sorted.
 */
export function stratifiedSplit(labels: readonly string[], fractions: number[], seed = 42): number[][] {
  const rng = new Random(seed);
  const byClass = new Map<string, number[]>();
  labels.forEach((l, i) => {
    const list = byClass.get(l) ?? [];
    list.push(i);
    byClass.set(l, list);
  });
  const out: number[][] = Array.from({ length: fractions.length + 1 }, () => []);
  for (const key of [...byClass.keys()].sort(compareLabels)) {
    const idx = rng.shuffle([...(byClass.get(key) as number[])]);
    let start = 0;
    fractions.forEach((f, p) => {
      let n = Math.round(idx.length * f);
      if (f > 0 && n === 0 && idx.length - start >= 2) n = 1;
      n = Math.min(n, idx.length - start - 1);
      (out[p + 1] as number[]).push(...idx.slice(start, start + Math.max(0, n)));
      start += Math.max(0, n);
    });
    (out[0] as number[]).push(...idx.slice(start));
  }
  return out.map((o) => o.sort((a, b) => a - b));
}
