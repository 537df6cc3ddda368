/**
 * Seeded image augmentation as seed 000 describes it (random crops, horizontal flips, small
 * rotations, brightness/contrast/colour changes), done in one pass in plain JavaScript: a random
 * affine warp (crop scale, flip, rotation) sampled bilinearly with edge clamping, then colour
 * jitter. Used on training images only; evaluation and prediction never augment.
 */
import { invalidArgument } from '../internal/errors.js';
import type { Random } from '../internal/random.js';
import type { RgbImage } from './image.js';

/** Augmentation strengths. Set a field to 0 (or `flip: false`) to turn that part off. */
export interface AugmentOptions {
  /** Smallest crop side as a fraction of the image side (random crop then resize back). Default 0.85. */
  minCropScale?: number;
  /** Random horizontal flip with probability 0.5. Default true. */
  flip?: boolean;
  /** Maximum rotation in degrees, either way. Default 10. */
  rotation?: number;
  /** Maximum relative brightness change (0.2 = ×0.8…×1.2). Default 0.2. */
  brightness?: number;
  /** Maximum relative contrast change. Default 0.2. */
  contrast?: number;
  /** Maximum relative saturation (colour) change. Default 0.2. */
  saturation?: number;
}

/** The default augmentation (see {@link AugmentOptions}). */
export const DEFAULT_AUGMENT: Required<AugmentOptions> = {
  minCropScale: 0.85,
  flip: true,
  rotation: 10,
  brightness: 0.2,
  contrast: 0.2,
  saturation: 0.2,
};

/**
 * Returns a randomly augmented copy of `image` (same size), drawing all randomness from `rng`,
 * so the same seed gives the same result.
 *
 * @example
 * ```ts
 * const rng = new Random(7);
 * const view = augmentImage(await readImage('face.jpg'), rng, { rotation: 15 });
 * ```
 */
export function augmentImage(image: RgbImage, rng: Random, options: AugmentOptions = {}): RgbImage {
  const o = { ...DEFAULT_AUGMENT, ...options };
  if (!(o.minCropScale > 0 && o.minCropScale <= 1)) {
    throw invalidArgument(`augment: minCropScale must be in (0, 1], got ${o.minCropScale}.`);
  }
  const { width: w, height: h, data } = image;
  const scale = o.minCropScale + (1 - o.minCropScale) * rng.next();
  const flip = o.flip && rng.next() < 0.5;
  const theta = ((rng.next() * 2 - 1) * o.rotation * Math.PI) / 180;
  // Crop centre: anywhere the scaled window stays inside the image.
  const cx = w / 2 + (rng.next() * 2 - 1) * ((1 - scale) * w) * 0.5;
  const cy = h / 2 + (rng.next() * 2 - 1) * ((1 - scale) * h) * 0.5;
  const bright = 1 + (rng.next() * 2 - 1) * o.brightness;
  const contrast = 1 + (rng.next() * 2 - 1) * o.contrast;
  const sat = 1 + (rng.next() * 2 - 1) * o.saturation;
  const cos = Math.cos(theta) * scale;
  const sin = Math.sin(theta) * scale;
  const out = new Float32Array(w * h * 3);
  let lumaSum = 0;
  for (let v = 0; v < h; v++) {
    const dv = v + 0.5 - h / 2;
    for (let u = 0; u < w; u++) {
      let du = u + 0.5 - w / 2;
      if (flip) du = -du;
      const sx = Math.min(w - 1, Math.max(0, cx + cos * du - sin * dv - 0.5));
      const sy = Math.min(h - 1, Math.max(0, cy + sin * du + cos * dv - 0.5));
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(w - 1, x0 + 1);
      const y1 = Math.min(h - 1, y0 + 1);
      const fx = sx - x0;
      const fy = sy - y0;
      const o00 = (y0 * w + x0) * 3;
      const o01 = (y0 * w + x1) * 3;
      const o10 = (y1 * w + x0) * 3;
      const o11 = (y1 * w + x1) * 3;
      const dst = (v * w + u) * 3;
      for (let c = 0; c < 3; c++) {
        const top = (data[o00 + c] as number) * (1 - fx) + (data[o01 + c] as number) * fx;
        const bottom = (data[o10 + c] as number) * (1 - fx) + (data[o11 + c] as number) * fx;
        out[dst + c] = (top * (1 - fy) + bottom * fy) * bright;
      }
      lumaSum += 0.299 * (out[dst] as number) + 0.587 * (out[dst + 1] as number) + 0.114 * (out[dst + 2] as number);
    }
  }
  const mean = lumaSum / (w * h);
  const result = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h * 3; i += 3) {
    const r = out[i] as number;
    const g = out[i + 1] as number;
    const b = out[i + 2] as number;
    const gray = 0.299 * r + 0.587 * g + 0.114 * b;
    for (let c = 0; c < 3; c++) {
      const x = gray + ((out[i + c] as number) - gray) * sat;
      result[i + c] = Math.max(0, Math.min(255, Math.round((x - mean) * contrast + mean)));
    }
  }
  return { data: result, width: w, height: h };
}
