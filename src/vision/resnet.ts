/**
 * ResNet backbones built with tfjs-layers, with the same layer names as
 * `keras.applications.ResNet50` (`conv1_pad`, `conv1_conv`, `conv1_bn`, `conv2_block1_0_conv`,
 * `conv2_block1_1_conv`, ..., `conv5_block3_out`, `avg_pool`, `predictions`), so ImageNet weights
 * converted from Keras with `tensorflowjs_converter` load by name from a local path. Nothing is
 * downloaded: without `weights` the network starts from random (seeded) initialisation.
 *
 * ResNet18/34 use the same stem, stage names and interface with basic (two 3×3 convolution) blocks
 * for CPU-only users; they have no Keras counterpart, so their names follow the same scheme.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { ensureBackend } from '../backend/backends.js';
import { loadTf } from '../backend/tf.js';
import { invalidArgument } from '../internal/errors.js';
import { isHdf5File, loadKerasWeights } from './keras-h5.js';
import { loadWeightsByName, type WeightLoadReport } from './layers-io.js';

/** The ResNet depths ulasan builds. */
export type ResNetDepth = 18 | 34 | 50;

/** Options of {@link buildResNet50} (and the smaller {@link buildResNet18} / {@link buildResNet34}). */
export interface ResNetOptions {
  /** `[height, width, channels]`. Default `[224, 224, 3]`; any size ≥ 32 works. */
  inputShape?: [number, number, number];
  /** Add `avg_pool` + the `predictions` softmax layer. Default true (like Keras). */
  includeTop?: boolean;
  /** Without the top: `'avg'` (global average pooling, named `avg_pool`), `'max'` (`max_pool`) or none (4-D output). */
  pooling?: 'avg' | 'max' | null;
  /** Output classes of `predictions` (with `includeTop`). Default 1000. */
  classes?: number;
  /**
   * `null` (default) for seeded random initialisation, or a local path whose weights are copied
   * by layer name: a Keras HDF5 file (`resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5`, read
   * with the optional `h5wasm` package, see {@link loadKerasWeights}) or a tfjs layers model
   * (folder or `model.json`, what `tensorflowjs_converter` writes). URLs are refused: ulasan
   * never downloads.
   */
  weights?: string | null;
  /** Seed for the random initialisers. Default 42. */
  seed?: number;
  /** Model name. Default `resnet50` / `resnet34` / `resnet18`. */
  name?: string;
}

/** A built ResNet and, when weights were loaded, what was loaded. */
export interface ResNetModel {
  /** The tfjs-layers model. */
  model: tfl.LayersModel;
  /** The weight-loading report when `weights` was a path. */
  weightReport?: WeightLoadReport;
}

type L = typeof tfl;
type Sym = tfl.SymbolicTensor;

const BN_EPS = 1.001e-5;

/**
 * Builds ResNet50 exactly as `keras.applications.ResNet50` (v1, `use_bias=True` convolutions,
 * batch-norm epsilon 1.001e-5, 3-4-6-3 bottleneck stages with projection shortcuts). With
 * `includeTop: true, classes: 1000` it has 25,636,712 parameters.
 *
 * @example
 * ```ts
 * const { model } = await buildResNet50({ includeTop: false, pooling: 'avg', weights: './resnet50-imagenet/' });
 * model.getLayer('conv1_conv'); // same names as Keras
 * ```
 */
export async function buildResNet50(options: ResNetOptions = {}): Promise<ResNetModel> {
  return buildResNet(50, options);
}

/** Builds a ResNet18 (basic blocks, 2-2-2-2) behind the same interface as {@link buildResNet50}. */
export async function buildResNet18(options: ResNetOptions = {}): Promise<ResNetModel> {
  return buildResNet(18, options);
}

/** Builds a ResNet34 (basic blocks, 3-4-6-3) behind the same interface as {@link buildResNet50}. */
export async function buildResNet34(options: ResNetOptions = {}): Promise<ResNetModel> {
  return buildResNet(34, options);
}

/** Builds a ResNet of the given depth (see {@link buildResNet50}). */
export async function buildResNet(depth: ResNetDepth, options: ResNetOptions = {}): Promise<ResNetModel> {
  if (depth !== 18 && depth !== 34 && depth !== 50)
    throw invalidArgument(`ResNet depth must be 18, 34 or 50, got ${depth}.`);
  const inputShape = options.inputShape ?? [224, 224, 3];
  if (
    inputShape.length !== 3 ||
    inputShape.some((d) => !Number.isInteger(d) || d < 1) ||
    inputShape[0] < 32 ||
    inputShape[1] < 32
  ) {
    throw invalidArgument(
      `ResNet inputShape must be [height ≥ 32, width ≥ 32, channels], got ${JSON.stringify(inputShape)}.`,
    );
  }
  const includeTop = options.includeTop ?? true;
  const classes = options.classes ?? 1000;
  if (includeTop && (!Number.isInteger(classes) || classes < 1)) {
    throw invalidArgument(`ResNet classes must be a positive integer, got ${classes}.`);
  }
  await ensureBackend();
  const { layers } = await loadTf();
  let seed = options.seed ?? 42;
  const init = () => layers.initializers.glorotUniform({ seed: seed++ });
  const conv = (
    x: Sym,
    filters: number,
    kernel: number,
    stride: number,
    name: string,
    padding: 'valid' | 'same' = 'valid',
  ) =>
    layers.layers
      .conv2d({ filters, kernelSize: kernel, strides: stride, padding, name, kernelInitializer: init() })
      .apply(x) as Sym;
  const bn = (x: Sym, name: string) =>
    layers.layers.batchNormalization({ axis: 3, epsilon: BN_EPS, name }).apply(x) as Sym;
  const relu = (x: Sym, name: string) => layers.layers.activation({ activation: 'relu', name }).apply(x) as Sym;

  const input = layers.input({ shape: inputShape, name: 'input_1' });
  let x = layers.layers.zeroPadding2d({ padding: 3, name: 'conv1_pad' }).apply(input) as Sym;
  x = conv(x, 64, 7, 2, 'conv1_conv');
  x = relu(bn(x, 'conv1_bn'), 'conv1_relu');
  x = layers.layers.zeroPadding2d({ padding: 1, name: 'pool1_pad' }).apply(x) as Sym;
  x = layers.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1_pool' }).apply(x) as Sym;

  const blocks = depth === 18 ? [2, 2, 2, 2] : [3, 4, 6, 3];
  const filters = [64, 128, 256, 512];
  for (let stage = 0; stage < 4; stage++) {
    for (let b = 0; b < (blocks[stage] as number); b++) {
      const name = `conv${stage + 2}_block${b + 1}`;
      const stride = b === 0 && stage > 0 ? 2 : 1;
      const f = filters[stage] as number;
      x =
        depth === 50
          ? bottleneckBlock(layers, x, f, stride, b === 0, name, conv, bn, relu)
          : basicBlock(layers, x, f, stride, b === 0 && stage > 0, name, conv, bn, relu);
    }
  }
  if (includeTop) {
    x = layers.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as Sym;
    x = layers.layers
      .dense({ units: classes, activation: 'softmax', name: 'predictions', kernelInitializer: init() })
      .apply(x) as Sym;
  } else if (options.pooling === 'avg') {
    x = layers.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as Sym;
  } else if (options.pooling === 'max') {
    x = layers.layers.globalMaxPooling2d({ name: 'max_pool' }).apply(x) as Sym;
  }
  const model = layers.model({ inputs: input, outputs: x, name: options.name ?? `resnet${depth}` });
  if (options.weights) {
    try {
      const weightReport = (await isHdf5File(options.weights))
        ? await loadKerasWeights(model, options.weights, { byName: true })
        : await loadWeightsByName(model, options.weights);
      return { model, weightReport };
    } catch (error) {
      model.dispose();
      throw error;
    }
  }
  return { model };
}

type ConvFn = (
  x: Sym,
  filters: number,
  kernel: number,
  stride: number,
  name: string,
  padding?: 'valid' | 'same',
) => Sym;
type NamedFn = (x: Sym, name: string) => Sym;

/** Keras' `block1`: 1×1 → 3×3 → 1×1 (×4) with an optional projection shortcut. */
function bottleneckBlock(
  layers: L,
  x: Sym,
  filters: number,
  stride: number,
  convShortcut: boolean,
  name: string,
  conv: ConvFn,
  bn: NamedFn,
  relu: NamedFn,
): Sym {
  const shortcut = convShortcut ? bn(conv(x, 4 * filters, 1, stride, `${name}_0_conv`), `${name}_0_bn`) : x;
  let y = relu(bn(conv(x, filters, 1, stride, `${name}_1_conv`), `${name}_1_bn`), `${name}_1_relu`);
  y = relu(bn(conv(y, filters, 3, 1, `${name}_2_conv`, 'same'), `${name}_2_bn`), `${name}_2_relu`);
  y = bn(conv(y, 4 * filters, 1, 1, `${name}_3_conv`), `${name}_3_bn`);
  const sum = layers.layers.add({ name: `${name}_add` }).apply([shortcut, y]) as Sym;
  return relu(sum, `${name}_out`);
}

/** The ResNet18/34 basic block: 3×3 → 3×3 with a projection shortcut when the shape changes. */
function basicBlock(
  layers: L,
  x: Sym,
  filters: number,
  stride: number,
  convShortcut: boolean,
  name: string,
  conv: ConvFn,
  bn: NamedFn,
  relu: NamedFn,
): Sym {
  const shortcut = convShortcut ? bn(conv(x, filters, 1, stride, `${name}_0_conv`), `${name}_0_bn`) : x;
  let y = x;
  if (stride > 1)
    y = layers.layers
      .zeroPadding2d({
        padding: [
          [0, 1],
          [0, 1],
        ],
        name: `${name}_1_pad`,
      })
      .apply(y) as Sym;
  y = relu(
    bn(conv(y, filters, 3, stride, `${name}_1_conv`, stride > 1 ? 'valid' : 'same'), `${name}_1_bn`),
    `${name}_1_relu`,
  );
  y = bn(conv(y, filters, 3, 1, `${name}_2_conv`, 'same'), `${name}_2_bn`);
  const sum = layers.layers.add({ name: `${name}_add` }).apply([shortcut, y]) as Sym;
  return relu(sum, `${name}_out`);
}

/** The name of the first layer of the last stage (`conv5_block1_...`): fine-tuning unfreezes from here. */
export const LAST_STAGE_PREFIX = 'conv5_';
