/**
 * face-api's pretrained face networks re-implemented as forward passes on OUR TensorFlow.js, with
 * the weights shipped in `@vladmandic/face-api` (MIT):
 * - {@link FaceExpressionNet}: a 4-block densely connected depthwise-separable CNN on 112×112 faces,
 *   a 256-d bottleneck and a 7-way softmax (neutral, happy, sad, angry, fearful, disgusted, surprised);
 * - {@link FaceRecognitionNet}: a ResNet-34-like network on 150×150 faces giving a 128-d descriptor.
 *
 * Both take face crops as {@link RgbImage}s (any size: they are padded to square around the centre and
 * resized bilinearly, exactly as face-api does) and can return their bottleneck features, which are
 * the pretrained backbones ulasan trains expression heads on.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { ensureBackend } from '../backend/backends.js';
import { loadTf } from '../backend/tf.js';
import { disposeWeights, loadFaceApiWeights, type WeightMap, weight } from './face-api-weights.js';
import type { RgbImage } from './image.js';

/** face-api's 7 expression labels, in the order of {@link FaceExpressionNet} outputs. */
export const FACE_API_EXPRESSIONS = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'] as const;

/** One of {@link FACE_API_EXPRESSIONS}. */
export type FaceApiExpression = (typeof FACE_API_EXPRESSIONS)[number];

const FACE_MEAN_RGB = [122.782, 117.001, 104.298];

/**
 * Stacks face crops into a `[n, size, size, 3]` batch as face-api does: centre-pad to square with
 * zeros, bilinear resize, subtract the mean colour, divide by 255. Call inside `tf.tidy`.
 */
function toFaceBatch(tf: typeof tfc, images: RgbImage[], size: number): tfc.Tensor4D {
  const items = images.map((image) => {
    let x = tf.cast(tf.tensor3d(image.data, [image.height, image.width, 3], 'int32'), 'float32');
    const side = Math.max(image.width, image.height);
    if (image.width !== image.height) {
      const dh = side - image.height;
      const dw = side - image.width;
      // face-api puts round(diff/2) after and the rest before.
      const afterH = Math.round(dh * 0.5);
      const afterW = Math.round(dw * 0.5);
      x = tf.pad(x, [
        [dh - afterH, afterH],
        [dw - afterW, afterW],
        [0, 0],
      ]);
    }
    return side === size ? x : tf.image.resizeBilinear(x, [size, size], false, false);
  });
  const batch = tf.stack(items) as tfc.Tensor4D;
  return tf.div(tf.sub(batch, tf.tensor1d(FACE_MEAN_RGB)), 255);
}

abstract class FaceApiNet {
  private weights: Promise<WeightMap> | undefined;
  protected abstract readonly modelName: 'face_expression_model' | 'face_recognition_model';

  constructor(protected readonly modelDir?: string) {}

  protected async load(): Promise<WeightMap> {
    if (!this.weights) {
      this.weights = (async () => {
        await ensureBackend();
        return loadFaceApiWeights(this.modelName, this.modelDir);
      })();
      this.weights.catch(() => {
        this.weights = undefined;
      });
    }
    return this.weights;
  }

  /** Frees the weight tensors (they reload if the network is used again). */
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

  protected async run(images: RgbImage[], fn: (tf: typeof tfc, w: WeightMap) => tfc.Tensor): Promise<Float32Array[]> {
    if (images.length === 0) return [];
    const w = await this.load();
    const { tf } = await loadTf();
    const out = tf.tidy(() => fn(tf, w));
    const data = (await out.data()) as Float32Array;
    const dim = out.shape[1] as number;
    out.dispose();
    return images.map((_, i) => data.slice(i * dim, (i + 1) * dim));
  }
}

/**
 * face-api's 7-class facial-expression network (inference only, pretrained), used as the baseline
 * every trained model is compared with and as a 256-d pretrained feature extractor
 * (the `expression-net` backbone).
 *
 * @example
 * ```ts
 * const net = new FaceExpressionNet();
 * const [probs] = await net.predictProba([await readImage('face.jpg')]);
 * // probs[i] is the probability of FACE_API_EXPRESSIONS[i]
 * ```
 */
export class FaceExpressionNet extends FaceApiNet {
  protected readonly modelName = 'face_expression_model' as const;
  /** Bottleneck feature size. */
  static readonly featureSize = 256;
  /** Input side in pixels. */
  static readonly inputSize = 112;

  /** @param modelDir folder holding face-api's model files (default: the installed package). */
  constructor(modelDir?: string) {
    super(modelDir);
  }

  /** 256-d bottleneck features per face. */
  async features(faces: RgbImage[]): Promise<Float32Array[]> {
    return this.run(faces, (tf, w) => expressionFeatures(tf, toFaceBatch(tf, faces, 112), w));
  }

  /** Probabilities over {@link FACE_API_EXPRESSIONS} per face. */
  async predictProba(faces: RgbImage[]): Promise<Float32Array[]> {
    return this.run(faces, (tf, w) => {
      const f = expressionFeatures(tf, toFaceBatch(tf, faces, 112), w);
      return tf.softmax(tf.add(tf.matMul(f, weight(w, 'fc/weights') as tfc.Tensor2D), weight(w, 'fc/bias')));
    });
  }
}

function expressionFeatures(tf: typeof tfc, x: tfc.Tensor4D, w: WeightMap): tfc.Tensor2D {
  const sep = (t: tfc.Tensor4D, name: string, stride: number) =>
    tf.add(
      tf.separableConv2d(
        t,
        weight(w, `${name}/depthwise_filter`) as tfc.Tensor4D,
        weight(w, `${name}/pointwise_filter`) as tfc.Tensor4D,
        stride as 1,
        'same',
      ),
      weight(w, `${name}/bias`),
    ) as tfc.Tensor4D;
  const dense4 = (t: tfc.Tensor4D, name: string, first: boolean) => {
    const out1 = tf.relu(
      first
        ? tf.add(
            tf.conv2d(t, weight(w, `${name}/conv0/filters`) as tfc.Tensor4D, 2, 'same'),
            weight(w, `${name}/conv0/bias`),
          )
        : sep(t, `${name}/conv0`, 2),
    ) as tfc.Tensor4D;
    const out2 = sep(out1, `${name}/conv1`, 1);
    const in3 = tf.relu(tf.add(out1, out2)) as tfc.Tensor4D;
    const out3 = sep(in3, `${name}/conv2`, 1);
    const in4 = tf.relu(tf.add(out1, tf.add(out2, out3))) as tfc.Tensor4D;
    const out4 = sep(in4, `${name}/conv3`, 1);
    return tf.relu(tf.add(out1, tf.add(out2, tf.add(out3, out4)))) as tfc.Tensor4D;
  };
  let out = dense4(x, 'dense0', true);
  out = dense4(out, 'dense1', false);
  out = dense4(out, 'dense2', false);
  out = dense4(out, 'dense3', false);
  out = tf.avgPool(out, 7, 2, 'valid');
  return tf.reshape(out, [out.shape[0], -1]) as tfc.Tensor2D;
}

/**
 * face-api's face-recognition network (a ResNet-34-like model trained for face identity, 128-d
 * descriptors). Used as the pretrained `facenet` backbone for expression heads.
 *
 * @example
 * ```ts
 * const net = new FaceRecognitionNet();
 * const [descriptor] = await net.features([await readImage('face.jpg')]); // Float32Array(128)
 * ```
 */
export class FaceRecognitionNet extends FaceApiNet {
  protected readonly modelName = 'face_recognition_model' as const;
  /** Descriptor size. */
  static readonly featureSize = 128;
  /** Input side in pixels. */
  static readonly inputSize = 150;

  /** @param modelDir folder holding face-api's model files (default: the installed package). */
  constructor(modelDir?: string) {
    super(modelDir);
  }

  /** 128-d face descriptors. */
  async features(faces: RgbImage[]): Promise<Float32Array[]> {
    return this.run(faces, (tf, w) => recognitionForward(tf, toFaceBatch(tf, faces, 150), w));
  }
}

function recognitionForward(tf: typeof tfc, x: tfc.Tensor4D, w: WeightMap): tfc.Tensor2D {
  const convLayer = (t: tfc.Tensor4D, name: string, stride: number, relu: boolean, padding: 'same' | 'valid') => {
    let out = tf.conv2d(t, weight(w, `${name}/conv/filters`) as tfc.Tensor4D, stride as 1, padding);
    out = tf.add(out, weight(w, `${name}/conv/bias`));
    out = tf.add(tf.mul(out, weight(w, `${name}/scale/weights`)), weight(w, `${name}/scale/biases`));
    return relu ? tf.relu(out) : out;
  };
  const residual = (t: tfc.Tensor4D, name: string) => {
    let out = convLayer(t, `${name}/conv1`, 1, true, 'same');
    out = convLayer(out, `${name}/conv2`, 1, false, 'same');
    return tf.relu(tf.add(out, t)) as tfc.Tensor4D;
  };
  const residualDown = (t: tfc.Tensor4D, name: string) => {
    let out = convLayer(t, `${name}/conv1`, 2, true, 'valid');
    out = convLayer(out, `${name}/conv2`, 1, false, 'same');
    let pooled = tf.avgPool(t, 2, 2, 'valid') as tfc.Tensor4D;
    if (pooled.shape[1] !== out.shape[1] || pooled.shape[2] !== out.shape[2]) {
      out = tf.pad(out, [
        [0, 0],
        [0, 1],
        [0, 1],
        [0, 0],
      ]);
    }
    if (pooled.shape[3] !== out.shape[3]) pooled = tf.concat([pooled, tf.zerosLike(pooled)], 3);
    return tf.relu(tf.add(pooled, out)) as tfc.Tensor4D;
  };
  let out = convLayer(x, 'conv32_down', 2, true, 'valid');
  out = tf.maxPool(out, 3, 2, 'valid');
  for (const n of ['conv32_1', 'conv32_2', 'conv32_3']) out = residual(out, n);
  out = residualDown(out, 'conv64_down');
  for (const n of ['conv64_1', 'conv64_2', 'conv64_3']) out = residual(out, n);
  out = residualDown(out, 'conv128_down');
  for (const n of ['conv128_1', 'conv128_2']) out = residual(out, n);
  out = residualDown(out, 'conv256_down');
  for (const n of ['conv256_1', 'conv256_2']) out = residual(out, n);
  out = residualDown(out, 'conv256_down_out');
  const pooled = tf.mean(out, [1, 2]) as tfc.Tensor2D;
  return tf.matMul(pooled, weight(w, 'fc') as tfc.Tensor2D);
}
