/**
 * Offline face detection: face-api's Tiny Face Detector (a Tiny-YOLOv2 with depthwise-separable
 * convolutions, 5 anchors, ~190 KB of weights shipped in `@vladmandic/face-api`), re-implemented
 * here as a forward pass on OUR TensorFlow.js so no second engine is loaded. Box decoding and
 * non-maximum suppression follow face-api exactly.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { ensureBackend } from '../backend/backends.js';
import { loadTf } from '../backend/tf.js';
import { invalidArgument } from '../internal/errors.js';
import { disposeWeights, loadFaceApiWeights, type WeightMap, weight } from './face-api-weights.js';
import type { Box, RgbImage } from './image.js';

/** A detected face: a pixel box in the source image and the detector's confidence (0–1). */
export interface FaceDetection {
  /** The face box in source-image pixels. */
  box: Box;
  /** Detector confidence, 0–1. */
  score: number;
}

/** Options for {@link TinyFaceDetector}. */
export interface FaceDetectorOptions {
  /** Side of the square the image is resized to; a multiple of 32. Larger finds smaller faces. Default 416. */
  inputSize?: number;
  /** Minimum confidence. Default 0.5. */
  scoreThreshold?: number;
  /** Boxes overlapping a better one by more than this IoU are dropped. Default 0.4. */
  iouThreshold?: number;
  /** Folder holding face-api's model files (default: the installed `@vladmandic/face-api`). */
  modelDir?: string;
}

const ANCHORS: readonly [number, number][] = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
];
const MEAN_RGB = [117.001, 114.697, 97.404];

/**
 * The Tiny Face Detector. The constructor only stores options; weights load on the first
 * {@link TinyFaceDetector.detect} call. Call {@link TinyFaceDetector.dispose} to free them.
 *
 * @example
 * ```ts
 * const detector = new TinyFaceDetector({ inputSize: 320 });
 * const image = await readImage('photo.jpg');
 * const faces = await detector.detect(image);
 * const face = mainFace(faces, image);
 * ```
 */
export class TinyFaceDetector {
  /** The options given to the constructor. */
  readonly options: Readonly<FaceDetectorOptions>;
  private weights: Promise<WeightMap> | undefined;

  constructor(options: FaceDetectorOptions = {}) {
    const inputSize = options.inputSize ?? 416;
    if (!Number.isInteger(inputSize) || inputSize % 32 !== 0 || inputSize < 32) {
      throw invalidArgument(`TinyFaceDetector: inputSize must be a positive multiple of 32, got ${inputSize}.`);
    }
    const scoreThreshold = options.scoreThreshold ?? 0.5;
    if (!(scoreThreshold > 0 && scoreThreshold < 1)) {
      throw invalidArgument(`TinyFaceDetector: scoreThreshold must be in (0, 1), got ${scoreThreshold}.`);
    }
    this.options = { ...options, inputSize, scoreThreshold, iouThreshold: options.iouThreshold ?? 0.4 };
  }

  private async load(): Promise<WeightMap> {
    if (!this.weights) {
      this.weights = (async () => {
        await ensureBackend();
        return loadFaceApiWeights('tiny_face_detector_model', this.options.modelDir);
      })();
      this.weights.catch(() => {
        this.weights = undefined;
      });
    }
    return this.weights;
  }

  /** Detects faces in an RGB image; results are sorted by score, best first. */
  async detect(image: RgbImage): Promise<FaceDetection[]> {
    const w = await this.load();
    const { tf } = await loadTf();
    const inputSize = this.options.inputSize as number;
    const side = Math.max(image.width, image.height);
    const out = tf.tidy(() => {
      let x = tf.cast(tf.tensor3d(image.data, [image.height, image.width, 3], 'int32'), 'float32');
      // face-api pads the short side at the end (bottom/right) with zeros before resizing.
      x = tf.pad(x, [
        [0, side - image.height],
        [0, side - image.width],
        [0, 0],
      ]);
      let batch = tf.image.resizeBilinear(tf.expandDims(x, 0) as tfc.Tensor4D, [inputSize, inputSize], false, false);
      batch = tf.div(tf.sub(batch, tf.tensor1d(MEAN_RGB)), 255);
      return forward(tf, batch, w);
    });
    const data = (await out.data()) as Float32Array;
    const cells = out.shape[1] as number;
    out.dispose();
    // Reshaped dims as face-api computes them (rounded), used for its aspect correction.
    const scale = inputSize / side;
    const reshapedW = Math.round(image.width * scale);
    const reshapedH = Math.round(image.height * scale);
    const corrX = inputSize / reshapedW;
    const corrY = inputSize / reshapedH;
    const candidates: { rel: [number, number, number, number]; score: number }[] = [];
    const threshold = this.options.scoreThreshold as number;
    for (let row = 0; row < cells; row++) {
      for (let col = 0; col < cells; col++) {
        for (let a = 0; a < ANCHORS.length; a++) {
          const base = ((row * cells + col) * ANCHORS.length + a) * 5;
          const score = sigmoid(data[base + 4] as number);
          if (score <= threshold) continue;
          const ctX = ((col + sigmoid(data[base] as number)) / cells) * corrX;
          const ctY = ((row + sigmoid(data[base + 1] as number)) / cells) * corrY;
          const bw = ((Math.exp(data[base + 2] as number) * (ANCHORS[a] as [number, number])[0]) / cells) * corrX;
          const bh = ((Math.exp(data[base + 3] as number) * (ANCHORS[a] as [number, number])[1]) / cells) * corrY;
          candidates.push({ rel: [ctX - bw / 2, ctY - bh / 2, bw, bh], score });
        }
      }
    }
    const keep = nonMaxSuppression(
      candidates.map((c) => c.rel),
      candidates.map((c) => c.score),
      this.options.iouThreshold as number,
    );
    return keep.map((i) => {
      const c = candidates[i] as (typeof candidates)[number];
      const [x, y, bw, bh] = c.rel;
      return {
        box: { x: x * image.width, y: y * image.height, width: bw * image.width, height: bh * image.height },
        score: c.score,
      };
    });
  }

  /** Frees the weight tensors. The detector reloads them if used again. */
  async dispose(): Promise<void> {
    if (this.weights) {
      const w = this.weights;
      this.weights = undefined;
      try {
        disposeWeights(await w);
      } catch {
        // never loaded
      }
    }
  }
}

function forward(tf: typeof tfc, x: tfc.Tensor4D, w: WeightMap): tfc.Tensor4D {
  const leaky = (t: tfc.Tensor4D): tfc.Tensor4D => {
    const min = tf.mul(t, 0.10000000149011612);
    return tf.add(tf.relu(tf.sub(t, min)), min);
  };
  const sep = (t: tfc.Tensor4D, name: string): tfc.Tensor4D => {
    const padded = tf.pad(t, [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
    const y = tf.separableConv2d(
      padded,
      weight(w, `${name}/depthwise_filter`) as tfc.Tensor4D,
      weight(w, `${name}/pointwise_filter`) as tfc.Tensor4D,
      [1, 1],
      'valid',
    );
    return leaky(tf.add(y, weight(w, `${name}/bias`)));
  };
  let out = leaky(
    tf.add(tf.conv2d(x, weight(w, 'conv0/filters') as tfc.Tensor4D, 1, 'valid'), weight(w, 'conv0/bias')),
  );
  out = tf.maxPool(out, 2, 2, 'same');
  for (const name of ['conv1', 'conv2', 'conv3', 'conv4']) {
    out = tf.maxPool(sep(out, name), 2, 2, 'same');
  }
  out = tf.maxPool(sep(out, 'conv5'), 2, 1, 'same');
  return tf.add(tf.conv2d(out, weight(w, 'conv8/filters') as tfc.Tensor4D, 1, 'valid'), weight(w, 'conv8/bias'));
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function iou(a: number[], b: number[]): number {
  const w = Math.max(0, Math.min(a[0]! + a[2]!, b[0]! + b[2]!) - Math.max(a[0]!, b[0]!));
  const h = Math.max(0, Math.min(a[1]! + a[3]!, b[1]! + b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = w * h;
  return inter / (a[2]! * a[3]! + b[2]! * b[3]! - inter);
}

/** Greedy non-maximum suppression over `[x, y, w, h]` boxes; returns kept indices, best first. */
export function nonMaxSuppression(boxes: number[][], scores: number[], iouThreshold: number): number[] {
  let order = scores.map((_, i) => i).sort((i, j) => (scores[j] as number) - (scores[i] as number));
  const keep: number[] = [];
  while (order.length > 0) {
    const best = order[0] as number;
    keep.push(best);
    order = order.slice(1).filter((i) => iou(boxes[best] as number[], boxes[i] as number[]) <= iouThreshold);
  }
  return keep;
}

/**
 * Picks the main face: the one with the largest `area × score`, slightly favouring faces near the
 * image centre (a reviewer facing the camera). Undefined when `faces` is empty.
 */
export function mainFace(faces: FaceDetection[], image: { width: number; height: number }): FaceDetection | undefined {
  let best: FaceDetection | undefined;
  let bestValue = -1;
  const diag = Math.hypot(image.width, image.height);
  for (const f of faces) {
    const cx = f.box.x + f.box.width / 2 - image.width / 2;
    const cy = f.box.y + f.box.height / 2 - image.height / 2;
    const centrality = 1 - 0.5 * (Math.hypot(cx, cy) / (diag / 2));
    const value = f.box.width * f.box.height * f.score * centrality;
    if (value > bestValue) {
      bestValue = value;
      best = f;
    }
  }
  return best;
}
