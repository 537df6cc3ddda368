/**
 * Types shared by the vision classifiers, the face-api baseline and video analysis.
 */
import type { FaceDetection } from './face-detector.js';
import type { ImageSource } from './image.js';

/** The prediction for one image, from {@link FaceExpressionPredictor.predictImages}. */
export interface ImagePrediction {
  /** The input as given (a path, or `<buffer n>` / `<image w×h>` for in-memory inputs). */
  source: string;
  /** The most probable expression, or null when there was no face (required mode) or an error. */
  label: string | null;
  /** Probability per class, or null with `label`. */
  probabilities: Record<string, number> | null;
  /** The face used, in source-image pixels; null when the whole image was used or no face was found. */
  face: FaceDetection | null;
  /** True when a face was required and none was found. */
  noFace?: boolean;
  /** Why this item failed (unreadable, corrupt, too large...). Other items are unaffected. */
  error?: { code: string; message: string };
}

/** Options of {@link FaceExpressionPredictor.predictImages}. */
export interface PredictImagesOptions {
  /** Report images without a detectable face as `noFace` instead of classifying the whole image. */
  requireFace?: boolean;
  /** Cancels between batches. */
  signal?: AbortSignal;
}

/** Anything that turns images into expression probabilities with per-item reports (never failing the batch). */
export interface FaceExpressionPredictor {
  /** Class labels, in probability order. */
  readonly classes: readonly (string | number)[];
  /** One report per image; a bad image never fails the others. */
  predictImages(sources: ImageSource[], options?: PredictImagesOptions): Promise<ImagePrediction[]>;
}

/** A short description of an input for reports. */
export function describeSource(source: ImageSource): string {
  if (typeof source === 'string') return source;
  if (source instanceof Uint8Array) return `<buffer ${source.length} bytes>`;
  return `<image ${source.width}×${source.height}>`;
}
