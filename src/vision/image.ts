/**
 * Image decoding and resizing with `sharp` (an optional peer loaded on first use). Every image
 * becomes a plain RGB `Uint8Array` in height × width × 3 order, EXIF orientation applied, so the rest
 * of the vision code never depends on the file format. Decompression bombs are refused through
 * sharp's `limitInputPixels`; corrupt or truncated files fail with a `FILE_FORMAT` error naming the file.
 */
import { promises as fs } from 'node:fs';
import type * as SharpNs from 'sharp';
import { invalidArgument, MissingDependencyError, UlasanError } from '../internal/errors.js';

/** A decoded RGB image: `data` holds `height * width * 3` bytes, row-major, channels last. */
export interface RgbImage {
  /** Pixel bytes, `[y][x][r,g,b]`. */
  data: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/** Where an image comes from: a file path, encoded bytes (JPEG/PNG/WebP...), or an already decoded image. */
export type ImageSource = string | Uint8Array | RgbImage;

/** Options for {@link readImage}. */
export interface ReadImageOptions {
  /**
   * Refuse images with more pixels than this (width × height), guarding against decompression
   * bombs. Default 40,000,000 (e.g. 8000 × 5000).
   */
  maxPixels?: number;
}

/** How {@link resizeImage} fits an image into the target size. */
export type ResizeFit = 'cover' | 'contain' | 'fill';

/** The default pixel limit of {@link readImage}. */
export const DEFAULT_MAX_PIXELS = 40_000_000;

type SharpFactory = typeof SharpNs.default;
let sharpPromise: Promise<SharpFactory> | undefined;

/**
 * Loads the optional `sharp` package. Throws {@link MissingDependencyError} when it is not installed.
 */
export async function loadSharp(): Promise<SharpFactory> {
  if (!sharpPromise) {
    sharpPromise = (async () => {
      try {
        const mod = (await import('sharp')) as unknown as { default?: SharpFactory } & SharpFactory;
        return (mod.default ?? mod) as SharpFactory;
      } catch (error) {
        throw new MissingDependencyError('sharp', 'Reading and resizing images (ulasan/vision)', error);
      }
    })();
    sharpPromise.catch(() => {
      sharpPromise = undefined;
    });
  }
  return sharpPromise;
}

/** True when `value` is an {@link RgbImage}. */
export function isRgbImage(value: unknown): value is RgbImage {
  const v = value as RgbImage;
  return (
    typeof value === 'object' &&
    value !== null &&
    v.data instanceof Uint8Array &&
    Number.isInteger(v.width) &&
    Number.isInteger(v.height) &&
    v.data.length === v.width * v.height * 3
  );
}

function describe(source: ImageSource): string {
  if (typeof source === 'string') return `"${source}"`;
  if (isRgbImage(source)) return `decoded image ${source.width}×${source.height}`;
  return `${source.length}-byte buffer`;
}

/**
 * Decodes an image (JPEG, PNG, WebP, GIF, TIFF, AVIF; grayscale or colour, with or without alpha)
 * to RGB, applying EXIF orientation.
 *
 * @throws UlasanError `FILE_NOT_FOUND` for a missing file, `FILE_FORMAT` for a corrupt, truncated or
 * non-image file, `INVALID_DATA` for an image over the pixel limit.
 *
 * @example
 * ```ts
 * const img = await readImage('faces/train/happiness/a.jpg');
 * console.log(img.width, img.height); // 350 350
 * ```
 */
export async function readImage(source: ImageSource, options: ReadImageOptions = {}): Promise<RgbImage> {
  if (isRgbImage(source)) return source;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const sharp = await loadSharp();
  let input: string | Uint8Array = source;
  if (typeof source === 'string') {
    try {
      input = await fs.readFile(source);
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new UlasanError(
        code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_FORMAT',
        code === 'ENOENT'
          ? `Image file ${describe(source)} does not exist. Check the path.`
          : `Could not read image file ${describe(source)}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  try {
    const { data, info } = await sharp(input, { limitInputPixels: maxPixels, failOn: 'truncated' })
      .rotate()
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const rgb = info.channels === 3 ? data : toRgb(data, info.width, info.height, info.channels);
    return {
      data: new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.byteLength),
      width: info.width,
      height: info.height,
    };
  } catch (error) {
    throw imageError(source, error, maxPixels);
  }
}

function toRgb(data: Uint8Array, width: number, height: number, channels: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += channels) {
    const g = data[j] as number;
    out[i * 3] = g;
    out[i * 3 + 1] = channels >= 3 ? (data[j + 1] as number) : g;
    out[i * 3 + 2] = channels >= 3 ? (data[j + 2] as number) : g;
  }
  return out;
}

function imageError(source: ImageSource, error: unknown, maxPixels: number): UlasanError {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return new UlasanError(
      'INVALID_DATA',
      `Image ${describe(source)} has more than ${maxPixels.toLocaleString('en')} pixels and was refused (possible decompression bomb). Shrink it or raise maxPixels.`,
      { cause: error },
    );
  }
  return new UlasanError(
    'FILE_FORMAT',
    `Could not decode image ${describe(source)}: ${message}. Expected a valid JPEG, PNG, WebP, GIF, TIFF or AVIF file; the file may be corrupt, truncated or not an image.`,
    { cause: error },
  );
}

/**
 * Resizes an RGB image to `width` × `height`. `cover` (default) scales and centre-crops (keeps
 * aspect ratio), `contain` scales and pads with black, `fill` stretches.
 */
export async function resizeImage(
  image: RgbImage,
  width: number,
  height = width,
  fit: ResizeFit = 'cover',
): Promise<RgbImage> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw invalidArgument(`resizeImage expects positive integer sizes, got ${width}×${height}.`);
  }
  if (image.width === width && image.height === height) return image;
  const sharp = await loadSharp();
  const { data } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit, background: { r: 0, g: 0, b: 0 }, kernel: 'cubic' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height };
}

/** A rectangle in pixels. */
export interface Box {
  /** Left edge. */
  x: number;
  /** Top edge. */
  y: number;
  /** Width. */
  width: number;
  /** Height. */
  height: number;
}

/**
 * Cuts `box` out of `image` (clamped to the image), optionally grown by `margin` (a fraction of the
 * box size on each side) and made square around its centre, then resized to `size` × `size`.
 */
export async function cropImage(
  image: RgbImage,
  box: Box,
  options: { margin?: number; square?: boolean; size?: number } = {},
): Promise<RgbImage> {
  const margin = options.margin ?? 0;
  let { x, y, width, height } = box;
  x -= width * margin;
  y -= height * margin;
  width *= 1 + 2 * margin;
  height *= 1 + 2 * margin;
  if (options.square ?? true) {
    const side = Math.max(width, height);
    x -= (side - width) / 2;
    y -= (side - height) / 2;
    width = side;
    height = side;
  }
  const left = Math.max(0, Math.round(x));
  const top = Math.max(0, Math.round(y));
  const right = Math.min(image.width, Math.round(x + width));
  const bottom = Math.min(image.height, Math.round(y + height));
  if (right - left < 2 || bottom - top < 2) {
    throw invalidArgument(
      `cropImage: the box ${JSON.stringify(box)} lies outside the ${image.width}×${image.height} image.`,
    );
  }
  const w = right - left;
  const h = bottom - top;
  const out = new Uint8Array(w * h * 3);
  for (let row = 0; row < h; row++) {
    const src = ((top + row) * image.width + left) * 3;
    out.set(image.data.subarray(src, src + w * 3), row * w * 3);
  }
  const cropped: RgbImage = { data: out, width: w, height: h };
  return options.size ? resizeImage(cropped, options.size, options.size, 'cover') : cropped;
}

/** Encodes an RGB image as PNG or JPEG bytes (for saving crops and making fixtures). */
export async function encodeImage(image: RgbImage, format: 'png' | 'jpeg' = 'png'): Promise<Uint8Array> {
  const sharp = await loadSharp();
  const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
  const buf = format === 'png' ? await pipeline.png().toBuffer() : await pipeline.jpeg({ quality: 90 }).toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
