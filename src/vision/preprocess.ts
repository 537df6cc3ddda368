/**
 * Pixel preprocessing exactly as `keras.applications.imagenet_utils.preprocess_input` does it, on
 * plain arrays (no TensorFlow.js needed) and on tensors:
 * - `caffe` (ResNet50, VGG): RGB → BGR, then subtract the ImageNet channel means
 *   `[103.939, 116.779, 123.68]` (B, G, R), no scaling;
 * - `tf` (MobileNet, Inception): scale to [-1, 1] (`x / 127.5 - 1`);
 * - `torch` (DenseNet, PyTorch models): `x / 255`, subtract `[0.485, 0.456, 0.406]`, divide by
 *   `[0.229, 0.224, 0.225]` (RGB);
 * - `none`: raw 0–255 RGB as float32 (face-api networks normalise themselves).
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { invalidArgument } from '../internal/errors.js';

/** A preprocessing mode (see the module description). */
export type PreprocessMode = 'caffe' | 'tf' | 'torch' | 'none';

/** The preprocessing modes accepted by {@link preprocessPixels}. */
export const PREPROCESS_MODES: readonly PreprocessMode[] = ['caffe', 'tf', 'torch', 'none'];

/** ImageNet channel means in BGR order used by Keras' `caffe` mode. */
export const CAFFE_MEAN_BGR: readonly [number, number, number] = [103.939, 116.779, 123.68];
const TORCH_MEAN = [0.485, 0.456, 0.406];
const TORCH_STD = [0.229, 0.224, 0.225];

function checkMode(mode: string): asserts mode is PreprocessMode {
  if (!(PREPROCESS_MODES as readonly string[]).includes(mode)) {
    throw invalidArgument(`Unknown preprocessing mode "${mode}". Expected one of: ${PREPROCESS_MODES.join(', ')}.`);
  }
}

/**
 * Preprocesses interleaved RGB pixels (`[..., r, g, b]`, values 0–255) into `out` (or a new
 * Float32Array) starting at `offset`. Channel order of the result is BGR for `caffe`, RGB otherwise,
 * matching Keras.
 *
 * @example
 * ```ts
 * const x = preprocessPixels(new Uint8Array([255, 0, 0]), 'caffe');
 * // Float32Array [-103.939, -116.779, 131.32]  (B, G, R)
 * ```
 */
export function preprocessPixels(
  rgb: ArrayLike<number>,
  mode: PreprocessMode,
  out?: Float32Array,
  offset = 0,
): Float32Array {
  checkMode(mode);
  if (rgb.length % 3 !== 0) throw invalidArgument(`preprocessPixels expects RGB triples, got ${rgb.length} values.`);
  const target = out ?? new Float32Array(rgb.length);
  if (target.length < offset + rgb.length) {
    throw invalidArgument(`preprocessPixels: output holds ${target.length} values, needs ${offset + rgb.length}.`);
  }
  const n = rgb.length;
  switch (mode) {
    case 'caffe':
      for (let i = 0; i < n; i += 3) {
        target[offset + i] = (rgb[i + 2] as number) - CAFFE_MEAN_BGR[0];
        target[offset + i + 1] = (rgb[i + 1] as number) - CAFFE_MEAN_BGR[1];
        target[offset + i + 2] = (rgb[i] as number) - CAFFE_MEAN_BGR[2];
      }
      break;
    case 'tf':
      for (let i = 0; i < n; i++) target[offset + i] = (rgb[i] as number) / 127.5 - 1;
      break;
    case 'torch':
      for (let i = 0; i < n; i += 3) {
        for (let c = 0; c < 3; c++)
          target[offset + i + c] =
            ((rgb[i + c] as number) / 255 - (TORCH_MEAN[c] as number)) / (TORCH_STD[c] as number);
      }
      break;
    case 'none':
      for (let i = 0; i < n; i++) target[offset + i] = rgb[i] as number;
      break;
  }
  return target;
}

/**
 * The tensor version of {@link preprocessPixels} for a `[..., 3]` RGB tensor with values 0–255
 * (Keras' `preprocess_input`). Call inside `tf.tidy`; the caller owns the result.
 */
export function preprocessTensor(tf: typeof tfc, x: tfc.Tensor, mode: PreprocessMode): tfc.Tensor {
  checkMode(mode);
  return tf.tidy(() => {
    const f = tf.cast(x, 'float32');
    switch (mode) {
      case 'caffe':
        return tf.sub(tf.reverse(f, -1), tf.tensor1d([...CAFFE_MEAN_BGR]));
      case 'tf':
        return tf.sub(tf.div(f, 127.5), 1);
      case 'torch':
        return tf.div(tf.sub(tf.div(f, 255), tf.tensor1d(TORCH_MEAN)), tf.tensor1d(TORCH_STD));
      default:
        return f;
    }
  });
}
