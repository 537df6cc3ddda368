/**
 * Frozen feature extractors ("backbones") behind one interface, the vision side of the
 * trainer-vs-frozen-vectors split: a backbone turns face crops into fixed feature vectors that are
 * computed once and cached; only the small head on top trains.
 *
 * - `expression-net`: face-api's pretrained expression CNN, 256-d bottleneck (112×112 input);
 * - `facenet`: face-api's pretrained ResNet-34-like face-recognition net, 128-d (150×150);
 * - `resnet50`, `resnet34`, `resnet18`: our ResNets, global-average-pooled, Keras `caffe`
 *   preprocessing; ImageNet weights only when the user gives a local converted model, otherwise
 *   seeded random initialisation (then fine-tuning is what makes them useful).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadTf } from '../backend/tf.js';
import { invalidArgument } from '../internal/errors.js';
import { FaceExpressionNet, FaceRecognitionNet } from './face-nets.js';
import type { RgbImage } from './image.js';
import type { WeightLoadReport } from './layers-io.js';
import { type PreprocessMode, preprocessPixels } from './preprocess.js';
import { buildResNet, type ResNetDepth } from './resnet.js';

/** Backbone names accepted by {@link createBackbone}. */
export type BackboneName = 'expression-net' | 'facenet' | 'resnet50' | 'resnet34' | 'resnet18';

/** The backbone names, pretrained face networks first. */
export const BACKBONE_NAMES: readonly BackboneName[] = [
  'expression-net',
  'facenet',
  'resnet50',
  'resnet34',
  'resnet18',
];

/** Options of {@link createBackbone}. */
export interface BackboneOptions {
  /** Which backbone. */
  name: BackboneName;
  /** ResNet only: local tfjs layers model (folder or model.json) whose weights load by layer name. */
  weights?: string | null;
  /** ResNet only: input side in pixels. Default 224. */
  inputSize?: number;
  /** ResNet only: seed of the random initialisation. Default 42. */
  seed?: number;
  /** face-api backbones: folder holding face-api's model files (default: the installed package). */
  modelDir?: string;
  /** Images per forward pass (bounds memory). Default 16. */
  batchSize?: number;
}

/** A frozen feature extractor (see the module description). */
export interface FeatureBackbone {
  /** The backbone name. */
  readonly name: BackboneName;
  /** Side of the square face crop it takes, in pixels. */
  readonly inputSize: number;
  /** Length of its feature vectors. */
  readonly featureSize: number;
  /** Identifies the exact weights (used as feature-cache key). Changes when weights change. */
  readonly id: string;
  /** ResNet only: the pooled tfjs-layers model (for fine-tuning); undefined for face-api backbones. */
  readonly model?: tfl.LayersModel;
  /** ResNet only: how weights were loaded, when a path was given. */
  readonly weightReport?: WeightLoadReport;
  /** Pixel preprocessing applied before the network (`none` for face-api nets, which normalise themselves). */
  readonly preprocess: PreprocessMode;
  /** Feature vectors for `inputSize`-square RGB images, in bounded batches. */
  extract(images: RgbImage[]): Promise<Float32Array[]>;
  /** Marks the weights as changed (after fine-tuning), giving a new {@link FeatureBackbone.id}. */
  markChanged(tag: string): void;
  /** Frees the weights. */
  dispose(): Promise<void>;
}

async function fileFingerprint(path: string): Promise<string> {
  try {
    const stat = await fs.stat(path);
    return createHash('sha256').update(`${path}:${stat.size}:${stat.mtimeMs}`).digest('hex').slice(0, 16);
  } catch {
    return 'unknown';
  }
}

/**
 * Creates a backbone. Face-api backbones load their weights lazily; ResNets are built (and their
 * weights loaded) now.
 *
 * @example
 * ```ts
 * const backbone = await createBackbone({ name: 'facenet' });
 * const [features] = await backbone.extract([faceCrop150]); // Float32Array(128)
 * ```
 */
export async function createBackbone(options: BackboneOptions): Promise<FeatureBackbone> {
  const batchSize = options.batchSize ?? 16;
  if (options.name === 'expression-net' || options.name === 'facenet') {
    const net =
      options.name === 'facenet' ? new FaceRecognitionNet(options.modelDir) : new FaceExpressionNet(options.modelDir);
    const inputSize = options.name === 'facenet' ? FaceRecognitionNet.inputSize : FaceExpressionNet.inputSize;
    const featureSize = options.name === 'facenet' ? FaceRecognitionNet.featureSize : FaceExpressionNet.featureSize;
    let id = `${options.name}:face-api-1.7`;
    return {
      name: options.name,
      inputSize,
      featureSize,
      preprocess: 'none',
      get id() {
        return id;
      },
      async extract(images) {
        const out: Float32Array[] = [];
        for (let i = 0; i < images.length; i += batchSize)
          out.push(...(await net.features(images.slice(i, i + batchSize))));
        return out;
      },
      markChanged(tag) {
        id = `${id}+${tag}`;
      },
      dispose: () => net.dispose(),
    };
  }
  const depth = Number(options.name.slice('resnet'.length)) as ResNetDepth;
  if (![18, 34, 50].includes(depth)) {
    throw invalidArgument(`Unknown backbone "${options.name}". Expected one of: ${BACKBONE_NAMES.join(', ')}.`);
  }
  const inputSize = options.inputSize ?? 224;
  const seed = options.seed ?? 42;
  const { model, weightReport } = await buildResNet(depth, {
    inputShape: [inputSize, inputSize, 3],
    includeTop: false,
    pooling: 'avg',
    weights: options.weights ?? null,
    seed,
  });
  let id = `${options.name}:${inputSize}:${options.weights ? `weights-${await fileFingerprint(options.weights)}` : `random-${seed}`}`;
  const { tf } = await loadTf();
  return {
    name: options.name,
    inputSize,
    featureSize: 2048 / (depth === 50 ? 1 : 4),
    preprocess: 'caffe',
    model,
    weightReport,
    get id() {
      return id;
    },
    async extract(images) {
      const out: Float32Array[] = [];
      for (let i = 0; i < images.length; i += batchSize) {
        const chunk = images.slice(i, i + batchSize);
        const per = inputSize * inputSize * 3;
        const buf = new Float32Array(chunk.length * per);
        chunk.forEach((img, j) => {
          if (img.width !== inputSize || img.height !== inputSize) {
            throw invalidArgument(
              `Backbone ${options.name} expects ${inputSize}×${inputSize} images, got ${img.width}×${img.height}.`,
            );
          }
          preprocessPixels(img.data, 'caffe', buf, j * per);
        });
        const x = tf.tensor4d(buf, [chunk.length, inputSize, inputSize, 3]);
        const y = model.predict(x) as tfl.SymbolicTensor & import('@tensorflow/tfjs-core').Tensor;
        const data = (await y.data()) as Float32Array;
        const dim = y.shape[1] as number;
        x.dispose();
        y.dispose();
        for (let j = 0; j < chunk.length; j++) out.push(data.slice(j * dim, (j + 1) * dim));
      }
      return out;
    },
    markChanged(tag) {
      id = `${id}+${tag}`;
    },
    async dispose() {
      model.dispose();
    },
  };
}
