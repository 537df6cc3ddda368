/**
 * Image → face crop: decode, detect faces, pick the main one, crop it with a margin, resize to the
 * backbone's square input. Photos that are already tight face crops (like the shared `faces`
 * set) often defeat detectors trained on wider shots, so `auto` mode retries on a padded canvas
 * and finally falls back to the whole image, saying so in the result.
 */

import { invalidArgument } from '../internal/errors.js';
import { CascadeFaceDetector, DEBIAN_HAAR_FRONTALFACE, DEBIAN_LBP_FRONTALFACE } from './cascade-detector.js';
import { type FaceDetection, mainFace, TinyFaceDetector } from './face-detector.js';
import { cropImage, type ImageSource, type ReadImageOptions, type RgbImage, readImage, resizeImage } from './image.js';

/**
 * How faces are found:
 * - `auto`: detect; if nothing is found, retry on the image padded by 50%, then use the whole image;
 * - `required`: detect (with the padded retry); no face is a per-item "no face" result;
 * - `none`: never detect, use the whole image (centre-cropped to a square).
 */
export type FaceMode = 'auto' | 'required' | 'none';

/**
 * Which detector finds faces: `tiny` (face-api's Tiny Face Detector, default), `haar` or `lbp`
 * (an OpenCV cascade XML read from `cascade`, by default Debian opencv-data's frontal-face one;
 * see {@link CascadeFaceDetector}).
 */
export type FaceDetectorName = 'tiny' | 'haar' | 'lbp';

/** Face detectors by name, for CLI validation. */
export const FACE_DETECTORS: readonly FaceDetectorName[] = ['tiny', 'haar', 'lbp'];

/** Options of {@link FaceCropper}. */
export interface FaceCropOptions extends ReadImageOptions {
  /** Face-finding mode. Default `auto`. */
  mode?: FaceMode;
  /** Margin added around the detected box on each side, as a fraction of its size. Default 0.2. */
  margin?: number;
  /** The detector's input size (multiple of 32). Default 320. */
  detectorInputSize?: number;
  /** The detector's score threshold. Default 0.5. */
  detectorScoreThreshold?: number;
  /** Folder holding face-api's model files (default: the installed `@vladmandic/face-api`). */
  modelDir?: string;
  /** The face detector. Default `tiny`. */
  detector?: FaceDetectorName;
  /**
   * `haar`/`lbp`: path of the OpenCV cascade XML. Default Debian's
   * `/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml` (haar) or
   * `/usr/share/opencv4/lbpcascades/lbpcascade_frontalface_improved.xml` (lbp).
   */
  cascade?: string;
}

/** The result of preparing one image. */
export interface FaceCrop {
  /** The square crop, `size` × `size`. */
  image: RgbImage;
  /** The face used, in source-image pixels, or null when the whole image was used. */
  face: FaceDetection | null;
  /** Source image size. */
  sourceSize: { width: number; height: number };
}

/**
 * Finds and crops the main face of images. The constructor only stores options; the detector
 * loads on first use.
 *
 * @example
 * ```ts
 * const cropper = new FaceCropper({ margin: 0.25 });
 * const crop = await cropper.crop('frame.png', 224);
 * if (crop) console.log(crop.face?.score);
 * ```
 */
export class FaceCropper {
  /** The options given to the constructor, with defaults filled in. */
  readonly options: Readonly<Required<Omit<FaceCropOptions, 'modelDir' | 'maxPixels' | 'cascade'>> & FaceCropOptions>;
  private detector: TinyFaceDetector | CascadeFaceDetector | undefined;

  constructor(options: FaceCropOptions = {}) {
    this.options = {
      ...options,
      mode: options.mode ?? 'auto',
      margin: options.margin ?? 0.2,
      detectorInputSize: options.detectorInputSize ?? 320,
      detectorScoreThreshold: options.detectorScoreThreshold ?? 0.5,
      detector: options.detector ?? 'tiny',
    };
    if (!FACE_DETECTORS.includes(this.options.detector)) {
      throw invalidArgument(
        `FaceCropper: detector must be one of ${FACE_DETECTORS.join(', ')}, got "${String(this.options.detector)}".`,
      );
    }
  }

  private cascadePath(): string {
    return this.options.cascade ?? (this.options.detector === 'lbp' ? DEBIAN_LBP_FRONTALFACE : DEBIAN_HAAR_FRONTALFACE);
  }

  /** The settings that change the crops (part of feature-cache keys). */
  get fingerprint(): Record<string, unknown> {
    const o = this.options;
    const base = { mode: o.mode, margin: o.margin, det: o.detectorInputSize, thr: o.detectorScoreThreshold };
    return o.detector === 'tiny' ? base : { ...base, detector: o.detector, cascade: this.cascadePath() };
  }

  /** Detects faces (with the padded retry) and returns the main one, or undefined. */
  async findFace(image: RgbImage): Promise<FaceDetection | undefined> {
    this.detector ??=
      this.options.detector === 'tiny'
        ? new TinyFaceDetector({
            inputSize: this.options.detectorInputSize,
            scoreThreshold: this.options.detectorScoreThreshold,
            modelDir: this.options.modelDir,
          })
        : new CascadeFaceDetector({ cascade: this.cascadePath() });
    const direct = mainFace(await this.detector.detect(image), image);
    if (direct) return direct;
    // Tight crops: put the image on a larger grey canvas so the face has context, then map back.
    const pad = Math.round(Math.max(image.width, image.height) * 0.5);
    const canvas = padImage(image, pad);
    const found = mainFace(await this.detector.detect(canvas), canvas);
    if (!found) return undefined;
    const x0 = Math.max(0, found.box.x - pad);
    const y0 = Math.max(0, found.box.y - pad);
    const x1 = Math.min(image.width, found.box.x + found.box.width - pad);
    const y1 = Math.min(image.height, found.box.y + found.box.height - pad);
    if (x1 - x0 < 2 || y1 - y0 < 2) return undefined;
    return { box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, score: found.score };
  }

  /**
   * Prepares one image as a `size` × `size` crop. Resolves to null in `required` mode when no face
   * is found. Throws (`FILE_NOT_FOUND`, `FILE_FORMAT`, `INVALID_DATA`) for unreadable images.
   */
  async crop(source: ImageSource, size: number): Promise<FaceCrop | null> {
    const image = await readImage(source, { maxPixels: this.options.maxPixels });
    const sourceSize = { width: image.width, height: image.height };
    if (this.options.mode === 'none')
      return { image: await resizeImage(image, size, size, 'cover'), face: null, sourceSize };
    const face = await this.findFace(image);
    if (!face) {
      if (this.options.mode === 'required') return null;
      return { image: await resizeImage(image, size, size, 'cover'), face: null, sourceSize };
    }
    const cropped = await cropImage(image, face.box, { margin: this.options.margin, square: true, size });
    return { image: cropped, face, sourceSize };
  }

  /** Frees the detector weights. */
  async dispose(): Promise<void> {
    await this.detector?.dispose();
    this.detector = undefined;
  }
}

/** Pads an image on every side with mid-grey. */
function padImage(image: RgbImage, pad: number): RgbImage {
  const width = image.width + 2 * pad;
  const height = image.height + 2 * pad;
  const data = new Uint8Array(width * height * 3).fill(128);
  for (let y = 0; y < image.height; y++) {
    data.set(image.data.subarray(y * image.width * 3, (y + 1) * image.width * 3), ((y + pad) * width + pad) * 3);
  }
  return { data, width, height };
}
