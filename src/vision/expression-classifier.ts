/**
 * Facial-expression classifier by transfer learning (seed 000): image → main-face crop → frozen
 * backbone features (computed once, cached in memory and optionally on disk) → a small trainable
 * head (dense + dropout + softmax), then optional fine-tuning of the backbone's last stage with a
 * lower learning rate (ResNet backbones). Implements `PersistableClassifier<string>` with image
 * paths as inputs, so the experiments runner and self-training work on it unchanged.
 */
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ensureBackend } from '../backend/backends.js';
import { loadTf } from '../backend/tf.js';
import { type FitOptions, type Label, type PersistableClassifier, paramsInEffect } from '../core/classifier.js';
import { uniqueLabels } from '../core/labels.js';
import { argmax } from '../internal/argmax.js';
import {
  type FileIntegrity,
  fileIntegrity,
  recoverDirectory,
  verifyFileIntegrity,
  writeDirectoryAtomic,
  writeJsonAtomic,
} from '../internal/atomic-fs.js';
import { invalidArgument, NotFittedError, throwIfAborted, UlasanError } from '../internal/errors.js';
import { stableHash } from '../internal/hash.js';
import type { Logs } from '../internal/progress.js';
import { Random } from '../internal/random.js';
import { checkVersioned } from '../internal/versioned-json.js';
import { type EvaluationSummary, evaluationSummary } from '../metrics/index.js';
import { type AugmentOptions, augmentImage } from './augment.js';
import { BACKBONE_NAMES, type BackboneName, createBackbone, type FeatureBackbone } from './backbone.js';
import { FaceCropper, type FaceDetectorName, type FaceMode } from './face-crop.js';
import type { FaceDetection } from './face-detector.js';
import { FeatureCache } from './feature-cache.js';
import type { ImageSource, RgbImage } from './image.js';
import { loadLayersModel, saveLayersModel } from './layers-io.js';
import { preprocessPixels } from './preprocess.js';
import { LAST_STAGE_PREFIX } from './resnet.js';
import {
  describeSource,
  type FaceExpressionPredictor,
  type ImagePrediction,
  type PredictImagesOptions,
} from './types.js';

/** Optimizers for the head and fine-tuning (the seed's grid uses Adam and Adamax). */
export type VisionOptimizer = 'adam' | 'adamax' | 'sgd' | 'rmsprop';

/** Options of {@link FaceExpressionClassifier}. All are optional. */
export interface FaceExpressionClassifierOptions {
  /** Feature backbone. Default `expression-net` (face-api's pretrained expression CNN). */
  backbone?: BackboneName;
  /** ResNet backbones: local tfjs layers model with (e.g. ImageNet) weights, loaded by layer name. */
  weights?: string | null;
  /** ResNet backbones: input side. Default 224. */
  inputSize?: number;
  /** Face finding: `auto` (default), `required` or `none` (see FaceMode). */
  faceMode?: FaceMode;
  /** Margin around detected faces (fraction of the box). Default 0.2. */
  faceMargin?: number;
  /** Detector input size (multiple of 32). Default 320. */
  detectorInputSize?: number;
  /** Face detector: `tiny` (default), `haar` or `lbp` (OpenCV cascade, see `faceCascade`). */
  faceDetector?: FaceDetectorName;
  /** `haar`/`lbp`: the OpenCV cascade XML path (default: Debian opencv-data's frontal-face cascade). */
  faceCascade?: string;
  /** Units of the hidden dense layer; 0 for a plain softmax (logistic-regression) head. Default 128. */
  hiddenUnits?: number;
  /** Dropout before the softmax. Default 0.3. */
  dropout?: number;
  /** L2 penalty on the head's kernels. Default 1e-4. */
  l2?: number;
  /** Head training epochs. Default 40. */
  epochs?: number;
  /** Mini-batch size. Default 32. */
  batchSize?: number;
  /** Head learning rate. Default 1e-3. */
  learningRate?: number;
  /** Optimizer. Default `adam`. */
  optimizer?: VisionOptimizer;
  /**
   * Augmented views per training image (seeded random crop, flip, rotation, colour jitter), whose
   * features are computed once and cached like the originals; each epoch draws one view per image.
   * Default 0 (no augmentation).
   */
  augmentViews?: number;
  /** Augmentation strengths. */
  augment?: AugmentOptions;
  /**
   * Test-time augmentation: also classify `testViews` augmented copies of each image (the training
   * augmentation, seeded per image, features cached) and average the probabilities. Costs
   * `testViews` extra backbone passes per new image. Default 0.
   */
  testViews?: number;
  /**
   * Heads to train on the same (cached) features, with seeds `seed`, `seed + 1`, ...; predictions
   * average their probabilities. Cheap: the backbone runs once. Not with `fineTune`. Default 1.
   */
  ensembleSize?: number;
  /**
   * Fine-tune the backbone's last stage (`conv5_*`, ResNet only) after the head (augmenting on the
   * fly when `augmentViews` > 0). Default none.
   */
  fineTune?: {
    /** Fine-tuning epochs. */
    epochs: number;
    /** Learning rate; default the head learning rate / 100. */
    learningRate?: number;
    /** Mini-batch size; default min(batchSize, 16). */
    batchSize?: number;
  };
  /** Folder for the on-disk feature cache. Default: memory only. */
  cacheDir?: string;
  /** face-api model folder (default: the installed `@vladmandic/face-api`). */
  modelDir?: string;
  /** Seed for initialisation, shuffling and augmentation. Default 42. */
  seed?: number;
  /** Receives one line per skipped training image (unreadable, no face in required mode). Default: silent. */
  onWarning?: (message: string) => void;
}

/** Time spent per phase in the last `fit` (seconds). */
export interface VisionFitTiming {
  /** Feature extraction for training (and validation) images: the first epoch's extra cost. */
  featureSeconds: number;
  /** Head training time per epoch. */
  headEpochSeconds: number[];
  /** Fine-tuning time per epoch. */
  fineTuneEpochSeconds: number[];
}

/** The persisted metadata of a {@link FaceExpressionClassifier} (`vision-model.json`). */
export interface VisionModelMeta {
  /** Always `ulasan-vision-classifier`. */
  format: 'ulasan-vision-classifier';
  /** Format version (1). */
  version: number;
  /** Class labels in output order. */
  classes: string[];
  /** The options the model was trained with (callbacks removed). */
  options: Omit<FaceExpressionClassifierOptions, 'onWarning'>;
  /** Per-dimension feature mean and std used to standardise head inputs. */
  featureMean: number[];
  /** See featureMean. */
  featureStd: number[];
  /** Whether `backbone/` holds fine-tuned or user weights saved with the model. */
  savedBackbone: boolean;
  /** Training history per epoch. */
  history: Logs[];
  /** ISO time of saving. */
  savedAt: string;
  /** Size and SHA-256 of each weight file (absent in models saved before atomic saves); checked on load. */
  integrity?: Record<string, { bytes: number; sha256: string }>;
}

const FORMAT = 'ulasan-vision-classifier';
const META_FILE = 'vision-model.json';
const VISION_DIRECTORY_OPTIONS = {
  previousEntries: async () => [
    META_FILE,
    'head',
    'backbone',
    ...Array.from({ length: 15 }, (_, i) => `head-${i + 1}`),
  ],
  commitFile: META_FILE,
};
const VERSION = 1;

interface Featurized {
  features?: Float32Array;
  face: FaceDetection | null;
  noFace?: boolean;
  error?: { code: string; message: string };
}

/**
 * The declared parameters of {@link FaceExpressionClassifier}: name → default (`undefined`: none,
 * or decided at fit). One list, read by `paramNames`/`getParams()`, by `visionClassifierFactory`
 * (which refuses other option names) and by `VISION_GRID_OPTIONS`.
 */
export const VISION_CLASSIFIER_PARAMS: Readonly<Record<keyof FaceExpressionClassifierOptions, unknown>> = Object.freeze(
  {
    backbone: 'expression-net',
    weights: null,
    inputSize: 224,
    faceMode: 'auto',
    faceMargin: 0.2,
    detectorInputSize: 320,
    faceDetector: 'tiny',
    faceCascade: undefined,
    hiddenUnits: 128,
    dropout: 0.3,
    l2: 1e-4,
    epochs: 40,
    batchSize: 32,
    learningRate: 1e-3,
    optimizer: 'adam',
    augmentViews: 0,
    augment: undefined,
    testViews: 0,
    ensembleSize: 1,
    fineTune: undefined,
    cacheDir: undefined,
    modelDir: undefined,
    seed: 42,
    onWarning: undefined,
  },
);

/**
 * Trains and runs facial-expression classifiers on image files.
 *
 * @example
 * ```ts
 * const data = await loadImageFolder('../shared/data/faces');
 * const model = new FaceExpressionClassifier({ backbone: 'expression-net', cacheDir: '.cache' });
 * await model.fit(data.train.paths, data.train.labels);
 * const summary = await model.evaluate(data.valid!.paths, data.valid!.labels);
 * console.log(summary.accuracy);
 * await model.save('models/faces');
 * ```
 */
export class FaceExpressionClassifier implements PersistableClassifier<string>, FaceExpressionPredictor {
  /** The options given to the constructor. */
  readonly options: Readonly<FaceExpressionClassifierOptions>;
  private _classes: string[] = [];
  private _history: Logs[] = [];
  private _timing: VisionFitTiming = { featureSeconds: 0, headEpochSeconds: [], fineTuneEpochSeconds: [] };
  private _skipped: { source: string; reason: string }[] = [];
  private head: tfl.LayersModel | undefined;
  /** Heads 2..n of an ensemble (`ensembleSize` > 1). */
  private extraHeads: tfl.LayersModel[] = [];
  private backbone: FeatureBackbone | undefined;
  private cropper: FaceCropper | undefined;
  private cache: FeatureCache;
  private mean: Float32Array | undefined;
  /** Plain crops of training images, kept during `fit` so augmented views do not re-detect faces. */
  private cropCache: Map<string, { image: RgbImage; face: FaceDetection | null } | null> | undefined;
  private std: Float32Array | undefined;

  constructor(options: FaceExpressionClassifierOptions = {}) {
    this.options = { ...options };
    this.cache = new FeatureCache(options.cacheDir);
  }

  /** Class labels in `predictProba` column order (set by `fit`; empty before). */
  get classes(): readonly string[] {
    return this._classes;
  }

  /** The declared constructor options ({@link VISION_CLASSIFIER_PARAMS}). */
  get paramNames(): readonly string[] {
    return Object.keys(VISION_CLASSIFIER_PARAMS);
  }

  /** The declared options as in effect (given value, else the default); `new FaceExpressionClassifier(getParams())` is an unfitted twin. */
  getParams(): Record<string, unknown> {
    return paramsInEffect(this.options, VISION_CLASSIFIER_PARAMS);
  }

  /** Training history, one entry per epoch (head epochs, then fine-tuning epochs with `phase: 1`). */
  get history(): Logs[] {
    return this._history.map((h) => ({ ...h }));
  }

  /** Time spent per phase in the last `fit`. */
  get timing(): VisionFitTiming {
    return {
      featureSeconds: this._timing.featureSeconds,
      headEpochSeconds: [...this._timing.headEpochSeconds],
      fineTuneEpochSeconds: [...this._timing.fineTuneEpochSeconds],
    };
  }

  /** Training images skipped by the last `fit`, with the reason. */
  get skipped(): { source: string; reason: string }[] {
    return this._skipped.map((s) => ({ ...s }));
  }

  /** The feature cache (for its hit/miss counters). */
  get featureCache(): FeatureCache {
    return this.cache;
  }

  private get seed(): number {
    return this.options.seed ?? 42;
  }

  private async ensureBackbone(): Promise<FeatureBackbone> {
    if (!this.backbone) {
      const name = this.options.backbone ?? 'expression-net';
      if (!BACKBONE_NAMES.includes(name)) {
        throw invalidArgument(`Unknown backbone "${name}". Expected one of: ${BACKBONE_NAMES.join(', ')}.`);
      }
      this.backbone = await createBackbone({
        name,
        weights: this.options.weights ?? null,
        inputSize: this.options.inputSize,
        seed: this.seed,
        modelDir: this.options.modelDir,
      });
    }
    this.cropper ??= new FaceCropper({
      mode: this.options.faceMode ?? 'auto',
      margin: this.options.faceMargin ?? 0.2,
      detectorInputSize: this.options.detectorInputSize ?? 320,
      detector: this.options.faceDetector ?? 'tiny',
      cascade: this.options.faceCascade,
      modelDir: this.options.modelDir,
    });
    return this.backbone;
  }

  private augmentSettings(view: number): Record<string, unknown> | null {
    return view === 0 ? null : { view, seed: this.seed, augment: this.options.augment ?? {} };
  }

  /** Crops (and for view > 0, augments) one image; null when no face in required mode. */
  private async cropFor(
    source: ImageSource,
    view: number,
    requireFace: boolean,
  ): Promise<{ image: RgbImage; face: FaceDetection | null } | null> {
    const backbone = this.backbone as FeatureBackbone;
    const cropper = this.cropper as FaceCropper;
    const cacheKey = typeof source === 'string' && this.cropCache ? source : undefined;
    let crop: { image: RgbImage; face: FaceDetection | null } | null | undefined = cacheKey
      ? this.cropCache?.get(cacheKey)
      : undefined;
    if (crop === undefined) {
      crop = await cropper.crop(source, backbone.inputSize);
      if (cacheKey) this.cropCache?.set(cacheKey, crop ? { image: crop.image, face: crop.face } : null);
    }
    if (!crop || (requireFace && !crop.face)) return null;
    if (view === 0) return crop;
    const pathSeed = Number.parseInt(stableHash({ s: describeSource(source), view, seed: this.seed }).slice(0, 8), 16);
    return { image: augmentImage(crop.image, new Random(pathSeed), this.options.augment), face: crop.face };
  }

  /**
   * Features for many images (view 0 = the plain crop, view k > 0 = augmented copy k), from the
   * cache where possible, computing the rest in backbone-sized batches. Never throws for one bad
   * image: that item carries `error`.
   */
  private async featurize(
    sources: ImageSource[],
    view: number,
    options: { requireFace?: boolean; signal?: AbortSignal } = {},
  ): Promise<Featurized[]> {
    const backbone = await this.ensureBackbone();
    const cropper = this.cropper as FaceCropper;
    const requireFace = options.requireFace ?? false;
    const settings = {
      backbone: backbone.id,
      crop: cropper.fingerprint,
      augment: this.augmentSettings(view),
      requireFace,
    };
    const results: Featurized[] = new Array(sources.length);
    const pending: { index: number; key?: string; image: RgbImage; face: FaceDetection | null }[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const feats = await backbone.extract(pending.map((p) => p.image));
      for (let j = 0; j < pending.length; j++) {
        const p = pending[j] as (typeof pending)[number];
        const f = feats[j] as Float32Array;
        results[p.index] = { features: f, face: p.face };
        if (p.key) await this.cache.set(p.key, packFeatures(f, p.face));
      }
      pending.length = 0;
    };
    for (let i = 0; i < sources.length; i++) {
      throwIfAborted(options.signal, 'Feature extraction');
      const source = sources[i] as ImageSource;
      const key = typeof source === 'string' ? await this.cache.keyFor(resolve(source), settings) : undefined;
      if (key) {
        const hit = await this.cache.get(key);
        if (hit) {
          results[i] = unpackFeatures(hit, backbone.featureSize);
          continue;
        }
      }
      try {
        const crop = await this.cropFor(source, view, requireFace);
        if (!crop) {
          results[i] = { face: null, noFace: true };
          continue;
        }
        pending.push({ index: i, key, image: crop.image, face: crop.face });
      } catch (error) {
        const e = error as { code?: string; message?: string };
        results[i] = { face: null, error: { code: e.code ?? 'ERROR', message: e.message ?? String(error) } };
      }
      if (pending.length >= 16) await flush();
    }
    await flush();
    return results;
  }

  /**
   * Trains the head (and optionally fine-tunes). Unreadable training images are skipped and
   * reported through `onWarning` and {@link FaceExpressionClassifier.skipped}; the fit fails only
   * when fewer than two classes remain.
   */
  async fit(inputs: string[], labels: Label[], options: FitOptions<string> = {}): Promise<this> {
    if (inputs.length !== labels.length) {
      throw invalidArgument(`fit: got ${inputs.length} images but ${labels.length} labels; they must align.`);
    }
    if (inputs.length === 0) throw invalidArgument('fit: no training images given.');
    if (options.sampleWeights && options.sampleWeights.length !== inputs.length) {
      throw invalidArgument(
        `fit: sampleWeights has ${options.sampleWeights.length} entries for ${inputs.length} images.`,
      );
    }
    // The shared label order (compareLabels), as strings: the vision head's classes are names.
    const classes = [...new Set(uniqueLabels(labels).map(String))];
    if (classes.length < 2) {
      throw new UlasanError(
        'INVALID_DATA',
        `fit: the training labels contain only one class (${JSON.stringify(classes[0])}); need at least two classes. Check the label folders.`,
      );
    }
    if (options.validation) {
      options.validation.labels.forEach((l, i) => {
        if (!classes.includes(String(l))) {
          throw invalidArgument(
            `fit (validation): labels[${i}] is ${JSON.stringify(l)}, which is not a training class. Known classes: ${classes.map((c) => JSON.stringify(c)).join(', ')}.`,
          );
        }
      });
    }
    await ensureBackend();
    const backbone = await this.ensureBackbone();
    const views = this.options.augmentViews ?? 0;
    if (!(Number.isInteger(views) && views >= 0))
      throw invalidArgument(`augmentViews must be an integer ≥ 0, got ${views}.`);
    const members = this.options.ensembleSize ?? 1;
    if (!(Number.isInteger(members) && members >= 1 && members <= 16))
      throw invalidArgument(`ensembleSize must be an integer from 1 to 16, got ${members}.`);
    if (members > 1 && this.options.fineTune) {
      throw invalidArgument(
        'ensembleSize > 1 cannot be combined with fineTune (one backbone per head); use one of them.',
      );
    }
    this._skipped = [];
    this._history = [];
    this._timing = { featureSeconds: 0, headEpochSeconds: [], fineTuneEpochSeconds: [] };

    const t0 = performance.now();
    this.cropCache = views > 0 || this.options.fineTune ? new Map() : undefined;
    try {
      return await this.fitWithCrops(inputs, labels, options, classes, backbone, t0);
    } finally {
      this.cropCache = undefined;
    }
  }

  private async fitWithCrops(
    inputs: string[],
    labels: Label[],
    options: FitOptions<string>,
    classes: string[],
    backbone: FeatureBackbone,
    t0: number,
  ): Promise<this> {
    const { tf, layers } = await loadTf();
    const epochs = this.options.epochs ?? 40;
    const batchSize = this.options.batchSize ?? 32;
    const views = this.options.augmentViews ?? 0;
    const warn = this.options.onWarning ?? (() => {});
    const base = await this.featurize(inputs, 0, { signal: options.signal });
    const keep: number[] = [];
    base.forEach((r, i) => {
      if (r.features) keep.push(i);
      else {
        const reason = r.error ? r.error.message : 'no face found';
        this._skipped.push({ source: inputs[i] as string, reason });
        warn(`skipped training image ${inputs[i]}: ${reason}`);
      }
    });
    const keptClasses = new Set(keep.map((i) => String(labels[i])));
    if (keptClasses.size < 2) {
      throw new UlasanError(
        'INVALID_DATA',
        `fit: only ${keep.length} of ${inputs.length} training images could be used (${this._skipped[0]?.reason ?? ''}); need images of at least two classes.`,
      );
    }
    const viewFeatures: Float32Array[][] = [keep.map((i) => base[i]?.features as Float32Array)];
    for (let v = 1; v <= views; v++) {
      const aug = await this.featurize(
        keep.map((i) => inputs[i] as string),
        v,
        { signal: options.signal },
      );
      viewFeatures.push(aug.map((r, j) => r.features ?? (viewFeatures[0]?.[j] as Float32Array)));
    }
    let valX: Float32Array[] | undefined;
    let valY: number[] | undefined;
    if (options.validation) {
      const vr = await this.featurize(options.validation.inputs, 0, { signal: options.signal });
      const ok = vr
        .map((r, i) => (r.features && classes.includes(String(options.validation?.labels[i])) ? i : -1))
        .filter((i) => i >= 0);
      valX = ok.map((i) => vr[i]?.features as Float32Array);
      valY = ok.map((i) => classes.indexOf(String(options.validation?.labels[i])));
    }
    this._timing.featureSeconds = (performance.now() - t0) / 1000;

    const y = keep.map((i) => classes.indexOf(String(labels[i])));
    const weights = keep.map((i) => options.sampleWeights?.[i] ?? 1);
    const dim = backbone.featureSize;
    // Standardise features with the training statistics (original views).
    const mean = new Float32Array(dim);
    const std = new Float32Array(dim);
    const baseFeats = viewFeatures[0] as Float32Array[];
    for (const f of baseFeats)
      for (let d = 0; d < dim; d++) mean[d] = (mean[d] as number) + (f[d] as number) / baseFeats.length;
    for (const f of baseFeats)
      for (let d = 0; d < dim; d++)
        std[d] = (std[d] as number) + ((f[d] as number) - (mean[d] as number)) ** 2 / baseFeats.length;
    // Regularised standardisation: near-constant feature dimensions (common with random backbones)
    // are not blown up into huge values that would saturate the softmax.
    let meanVar = 0;
    for (let d = 0; d < dim; d++) meanVar += (std[d] as number) / dim;
    for (let d = 0; d < dim; d++) std[d] = Math.sqrt((std[d] as number) + 1e-2 * meanVar + 1e-12);
    this.mean = mean;
    this.std = std;
    this._classes = classes;

    const members = this.options.ensembleSize ?? 1;
    this.head?.dispose();
    for (const h of this.extraHeads) h.dispose();
    this.extraHeads = [];
    await options.callbacks?.onTrainBegin?.();
    for (let member = 0; member < members; member++) {
      const memberSeed = this.seed + member;
      const head = buildHead(layers, dim, classes.length, {
        hiddenUnits: this.options.hiddenUnits ?? 128,
        dropout: this.options.dropout ?? 0.3,
        l2: this.options.l2 ?? 1e-4,
        seed: memberSeed,
      });
      if (member === 0) this.head = head;
      else this.extraHeads.push(head);
      const optimizer = makeOptimizer(tf, this.options.optimizer ?? 'adam', this.options.learningRate ?? 1e-3);
      const rng = new Random(memberSeed);
      for (let epoch = 0; epoch < epochs; epoch++) {
        throwIfAborted(options.signal, 'Training');
        await options.callbacks?.onEpochBegin?.(epoch);
        const e0 = performance.now();
        const order = rng.permutation(keep.length);
        let lossSum = 0;
        let correct = 0;
        for (let b = 0; b < order.length; b += batchSize) {
          const idx = order.slice(b, b + batchSize);
          const xs = idx.map((j) => {
            const v = views > 0 ? rng.int(views + 1) : 0;
            return (viewFeatures[v] as Float32Array[])[j] as Float32Array;
          });
          const { loss, hits } = trainStep(
            tf,
            head,
            optimizer,
            this.standardize(tf, xs),
            idx.map((j) => y[j] as number),
            idx.map((j) => weights[j] as number),
            classes.length,
          );
          lossSum += loss * idx.length;
          correct += hits;
          await options.callbacks?.onBatchEnd?.(b / batchSize, { loss });
        }
        const logs: Logs = { epoch, loss: lossSum / keep.length, accuracy: correct / keep.length };
        if (members > 1) logs.member = member;
        if (valX && valY && valX.length > 0) Object.assign(logs, this.scoreFeatures(tf, valX, valY, head));
        const seconds = (performance.now() - e0) / 1000;
        this._timing.headEpochSeconds.push(seconds);
        logs.seconds = seconds;
        this._history.push(logs);
        await options.callbacks?.onEpochEnd?.(member * epochs + epoch, { ...logs });
      }
      optimizer.dispose();
    }

    const ft = this.options.fineTune;
    if (ft && ft.epochs > 0) {
      if (!backbone.model) {
        throw invalidArgument(
          `fineTune needs a ResNet backbone (resnet18/34/50); "${backbone.name}" is a fixed pretrained face network.`,
        );
      }
      await this.fineTune(
        keep.map((i) => inputs[i] as string),
        y,
        weights,
        ft,
        epochs,
        valX && valY && options.validation ? options.validation : undefined,
        options,
      );
    }
    await options.callbacks?.onTrainEnd?.(this._history.at(-1));
    return this;
  }

  private standardize(tf: typeof tfc, xs: Float32Array[]): tfc.Tensor2D {
    const dim = (this.mean as Float32Array).length;
    const buf = new Float32Array(xs.length * dim);
    xs.forEach((x, i) => {
      for (let d = 0; d < dim; d++)
        buf[i * dim + d] = ((x[d] as number) - (this.mean as Float32Array)[d]!) / (this.std as Float32Array)[d]!;
    });
    return tf.tensor2d(buf, [xs.length, dim]);
  }

  private scoreFeatures(tf: typeof tfc, xs: Float32Array[], ys: number[], head?: tfl.LayersModel): Logs {
    const x = this.standardize(tf, xs);
    const p = tf.tidy(() => tf.softmax((head ?? (this.head as tfl.LayersModel)).predict(x) as tfc.Tensor2D));
    const probs = p.arraySync() as number[][];
    x.dispose();
    p.dispose();
    let loss = 0;
    let correct = 0;
    probs.forEach((row, i) => {
      const t = ys[i] as number;
      loss -= Math.log(Math.max(row[t] as number, 1e-7));
      if (argmax(row) === t) correct++;
    });
    return { valLoss: loss / ys.length, valAccuracy: correct / ys.length };
  }

  private async fineTune(
    paths: string[],
    y: number[],
    weights: number[],
    ft: { epochs: number; learningRate?: number; batchSize?: number },
    headEpochs: number,
    validation: { inputs: string[]; labels: Label[] } | undefined,
    options: FitOptions<string>,
  ): Promise<void> {
    const { tf } = await loadTf();
    const backbone = this.backbone as FeatureBackbone;
    const model = backbone.model as tfl.LayersModel;
    const head = this.head as tfl.LayersModel;
    const trainable = model.layers.filter((l) => l.name.startsWith(LAST_STAGE_PREFIX));
    const vars = [...trainable.flatMap((l) => l.trainableWeights), ...head.trainableWeights].map((w) =>
      (w as unknown as { read(): tfc.Variable }).read(),
    );
    const crops: RgbImage[] = [];
    for (const p of paths) {
      const c = await this.cropFor(p, 0, false);
      if (!c) throw new UlasanError('INVALID_DATA', `fineTune: could not prepare ${p}.`);
      crops.push(c.image);
    }
    const size = backbone.inputSize;
    const per = size * size * 3;
    const batchSize = ft.batchSize ?? Math.min(this.options.batchSize ?? 32, 16);
    const optimizer = makeOptimizer(
      tf,
      this.options.optimizer ?? 'adam',
      ft.learningRate ?? (this.options.learningRate ?? 1e-3) / 100,
    );
    const rng = new Random(this.seed + 1);
    const augmentOnTheFly = (this.options.augmentViews ?? 0) > 0;
    const mean = tf.tensor1d(this.mean as Float32Array);
    const std = tf.tensor1d(this.std as Float32Array);
    for (let epoch = 0; epoch < ft.epochs; epoch++) {
      throwIfAborted(options.signal, 'Fine-tuning');
      const e0 = performance.now();
      const order = rng.permutation(crops.length);
      let lossSum = 0;
      let correct = 0;
      for (let b = 0; b < order.length; b += batchSize) {
        const idx = order.slice(b, b + batchSize);
        const buf = new Float32Array(idx.length * per);
        idx.forEach((j, k) => {
          // Augment on the fly only when augmentation is on (augmentViews > 0), so the head keeps
          // seeing the input distribution it was trained on.
          const img = augmentOnTheFly
            ? augmentImage(crops[j] as RgbImage, rng, this.options.augment)
            : (crops[j] as RgbImage);
          preprocessPixels(img.data, 'caffe', buf, k * per);
        });
        const labelsT = tf.oneHot(
          tf.tensor1d(
            idx.map((j) => y[j] as number),
            'int32',
          ),
          this._classes.length,
        );
        const w = tf.tensor1d(idx.map((j) => weights[j] as number));
        const x = tf.tensor4d(buf, [idx.length, size, size, 3]);
        let probsOut: tfc.Tensor | undefined;
        const lossT = optimizer.minimize(
          () => {
            // Frozen stages and all batch norms run in inference mode (Keras' fine-tuning advice).
            const f = model.apply(x, { training: false }) as tfc.Tensor;
            const z = tf.div(tf.sub(f, mean), std);
            const logits = head.apply(z, { training: true }) as tfc.Tensor;
            probsOut = tf.keep(tf.argMax(logits, 1));
            const ce = tf.neg(tf.sum(tf.mul(labelsT, tf.logSoftmax(logits)), 1));
            let loss = tf.div(tf.sum(tf.mul(ce, w)), tf.sum(w));
            for (const l of head.calculateLosses()) loss = tf.add(loss, l);
            return loss as tfc.Scalar;
          },
          true,
          vars,
        );
        lossSum += ((await lossT?.data())?.[0] ?? 0) * idx.length;
        const pred = (await (probsOut as tfc.Tensor).data()) as Int32Array;
        idx.forEach((j, k) => {
          if (pred[k] === y[j]) correct++;
        });
        tf.dispose([lossT as tfc.Tensor, probsOut as tfc.Tensor, labelsT, w, x]);
      }
      backbone.markChanged(`ft${epoch}`);
      const logs: Logs = {
        epoch: headEpochs + epoch,
        phase: 1,
        loss: lossSum / crops.length,
        accuracy: correct / crops.length,
      };
      if (validation) {
        const vr = await this.featurize(validation.inputs, 0);
        const ok = vr.map((r, i) => (r.features ? i : -1)).filter((i) => i >= 0);
        Object.assign(
          logs,
          this.scoreFeatures(
            tf,
            ok.map((i) => vr[i]?.features as Float32Array),
            ok.map((i) => this._classes.indexOf(String(validation.labels[i]))),
          ),
        );
      }
      const seconds = (performance.now() - e0) / 1000;
      logs.seconds = seconds;
      this._timing.fineTuneEpochSeconds.push(seconds);
      this._history.push(logs);
      await options.callbacks?.onEpochEnd?.(headEpochs + epoch, { ...logs });
    }
    tf.dispose([mean, std]);
    optimizer.dispose();
  }

  private requireFitted(): tfl.LayersModel {
    if (!this.head || !this.mean) throw new NotFittedError('FaceExpressionClassifier');
    return this.head;
  }

  /**
   * One report per image (label, probabilities, face box, or a per-item error / `noFace`); a bad
   * image never fails the batch.
   */
  async predictImages(sources: ImageSource[], options: PredictImagesOptions = {}): Promise<ImagePrediction[]> {
    const heads = [this.requireFitted(), ...this.extraHeads];
    const { tf } = await loadTf();
    const out: ImagePrediction[] = [];
    const chunk = 64;
    const testViews = this.options.testViews ?? 0;
    if (!(Number.isInteger(testViews) && testViews >= 0))
      throw invalidArgument(`testViews must be an integer ≥ 0, got ${testViews}.`);
    const ownCropCache = testViews > 0 && !this.cropCache;
    if (ownCropCache) this.cropCache = new Map();
    try {
      for (let s = 0; s < sources.length; s += chunk) {
        const part = sources.slice(s, s + chunk);
        const feats = await this.featurize(part, 0, options);
        const ok = feats.map((f, i) => (f.features ? i : -1)).filter((i) => i >= 0);
        let probs: number[][] = [];
        if (ok.length > 0) {
          const viewFeats: Float32Array[][] = [ok.map((i) => feats[i]?.features as Float32Array)];
          for (let v = 1; v <= testViews; v++) {
            const aug = await this.featurize(
              ok.map((i) => part[i] as ImageSource),
              v,
              options,
            );
            viewFeats.push(aug.map((r, j) => r.features ?? (viewFeats[0]?.[j] as Float32Array)));
          }
          const sum = tf.tidy(() => {
            let acc: tfc.Tensor2D | undefined;
            for (const vf of viewFeats) {
              const x = this.standardize(tf, vf);
              for (const head of heads) {
                const p = tf.softmax(head.predict(x) as tfc.Tensor2D) as tfc.Tensor2D;
                acc = acc ? (tf.add(acc, p) as tfc.Tensor2D) : p;
              }
            }
            return tf.div(acc as tfc.Tensor2D, viewFeats.length * heads.length) as tfc.Tensor2D;
          });
          probs = sum.arraySync() as number[][];
          sum.dispose();
        }
        feats.forEach((f, i) => {
          const source = describeSource(part[i] as ImageSource);
          const k = ok.indexOf(i);
          if (k < 0) {
            out.push({ source, label: null, probabilities: null, face: f.face, noFace: f.noFace, error: f.error });
            return;
          }
          const row = probs[k] as number[];
          out.push({
            source,
            label: this._classes[argmax(row)] as string,
            probabilities: Object.fromEntries(this._classes.map((c, j) => [c, row[j] as number])),
            face: f.face,
          });
        });
      }
    } finally {
      if (ownCropCache) this.cropCache = undefined;
    }
    return out;
  }

  /**
   * Probabilities per image (columns in `classes` order).
   *
   * @throws UlasanError `INVALID_DATA` naming every image that could not be read; use
   * {@link FaceExpressionClassifier.predictImages} for per-item reports instead.
   */
  async predictProba(inputs: string[]): Promise<number[][]> {
    const preds = await this.predictImages(inputs);
    const bad = preds.filter((p) => !p.probabilities);
    if (bad.length > 0) {
      throw new UlasanError(
        'INVALID_DATA',
        `${bad.length} of ${inputs.length} images could not be classified: ${bad
          .slice(0, 5)
          .map((b) => `${b.source} (${b.error?.message ?? 'no face'})`)
          .join('; ')}. Use predictImages() for per-image reports.`,
      );
    }
    return preds.map((p) => this._classes.map((c) => (p.probabilities as Record<string, number>)[c] as number));
  }

  /** The most probable label per image. */
  async predict(inputs: string[]): Promise<string[]> {
    const probs = await this.predictProba(inputs);
    return probs.map((row) => this._classes[argmax(row)] as string);
  }

  /**
   * Accuracy, macro/weighted F1, confusion matrix and classification report on labelled images
   * (via `evaluationSummary` from `ulasan/metrics`). Unreadable images are excluded and counted in
   * `skipped`.
   */
  async evaluate(inputs: string[], labels: Label[]): Promise<EvaluationSummary & { skipped: string[] }> {
    return evaluatePredictor(this, inputs, labels);
  }

  /**
   * Saves to `dir`: `vision-model.json` (with the size and checksum of every weight file),
   * `head/`, and `backbone/` for ResNet backbones. The directory is written as one unit (a fresh
   * sibling directory swapped in), so a save killed midway leaves the previous model intact.
   */
  async save(dir: string): Promise<void> {
    const head = this.requireFitted();
    const backbone = this.backbone as FeatureBackbone;
    await writeDirectoryAtomic(dir, (staging) => this.saveInto(staging, head, backbone), VISION_DIRECTORY_OPTIONS);
  }

  private async saveInto(dir: string, head: tfl.LayersModel, backbone: FeatureBackbone): Promise<void> {
    await saveLayersModel(head, join(dir, 'head'));
    const weightFiles = ['head/model.json', 'head/weights.bin'];
    for (let i = 0; i < this.extraHeads.length; i++) {
      await saveLayersModel(this.extraHeads[i] as tfl.LayersModel, join(dir, `head-${i + 1}`));
      weightFiles.push(`head-${i + 1}/model.json`, `head-${i + 1}/weights.bin`);
    }
    const savedBackbone = backbone.model !== undefined;
    if (backbone.model) await saveLayersModel(backbone.model, join(dir, 'backbone'));
    if (savedBackbone) weightFiles.push('backbone/model.json', 'backbone/weights.bin');
    const { onWarning: _drop, ...options } = this.options;
    const meta: VisionModelMeta = {
      format: FORMAT,
      version: VERSION,
      classes: this._classes,
      options: { ...options, weights: options.weights ? resolve(options.weights) : null, cacheDir: undefined },
      featureMean: Array.from(this.mean as Float32Array),
      featureStd: Array.from(this.std as Float32Array),
      savedBackbone,
      history: this._history,
      savedAt: new Date().toISOString(),
      integrity: await fileIntegrity(dir, weightFiles),
    };
    await writeJsonAtomic(join(dir, 'vision-model.json'), meta);
  }

  /**
   * Loads a classifier saved by {@link FaceExpressionClassifier.save}. `overrides` may set
   * run-time options (cacheDir, modelDir, faceMode, faceDetector, faceCascade, onWarning).
   */
  static async load(
    dir: string,
    overrides: Pick<
      FaceExpressionClassifierOptions,
      'cacheDir' | 'modelDir' | 'faceMode' | 'faceDetector' | 'faceCascade' | 'onWarning'
    > = {},
  ): Promise<FaceExpressionClassifier> {
    const meta = await readVisionModelMeta(dir);
    await ensureBackend();
    const given = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
    const model = new FaceExpressionClassifier({ ...meta.options, weights: null, ...given });
    model._classes = meta.classes;
    model._history = meta.history;
    model.mean = Float32Array.from(meta.featureMean);
    model.std = Float32Array.from(meta.featureStd);
    model.head = await loadLayersModel(join(dir, 'head'));
    for (let i = 1; i < (meta.options.ensembleSize ?? 1); i++) {
      model.extraHeads.push(await loadLayersModel(join(dir, `head-${i}`)));
    }
    const backbone = await model.ensureBackbone();
    if (meta.savedBackbone) {
      if (!backbone.model)
        throw new UlasanError('FILE_FORMAT', `${dir}: saved backbone weights but the backbone is "${backbone.name}".`);
      const saved = await loadLayersModel(join(dir, 'backbone'));
      backbone.model.setWeights(saved.getWeights());
      saved.dispose();
      backbone.markChanged(`saved-${stableHash(meta.savedAt).slice(0, 12)}`);
    }
    return model;
  }

  /** Frees the head, backbone and detector weights. */
  async dispose(): Promise<void> {
    this.head?.dispose();
    this.head = undefined;
    for (const h of this.extraHeads) h.dispose();
    this.extraHeads = [];
    await this.backbone?.dispose();
    this.backbone = undefined;
    await this.cropper?.dispose();
    this.cropper = undefined;
  }
}

/**
 * Reads and validates `vision-model.json` (the one place saved vision models are parsed; future
 * versions upgrade here).
 */
export async function readVisionModelMeta(dir: string): Promise<VisionModelMeta> {
  const file = join(dir, META_FILE);
  let raw: unknown;
  try {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      // A save killed between its two renames leaves the model under a temporary name: put it back.
      const recovered = await recoverDirectory(dir, VISION_DIRECTORY_OPTIONS).catch(() => 'none');
      if (recovered !== 'rolled-forward' && recovered !== 'rolled-back') throw error;
      text = await fs.readFile(file, 'utf8');
    }
    raw = JSON.parse(text);
  } catch (error) {
    const missing = (error as { code?: string }).code === 'ENOENT';
    throw new UlasanError(
      missing ? 'FILE_NOT_FOUND' : 'FILE_FORMAT',
      missing
        ? `${dir} is not a saved vision model: ${file} is missing. Train one with "ulasan vision train".`
        : `Could not parse ${file}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const m = checkVersioned(raw, file, {
    format: FORMAT,
    version: VERSION,
    what: 'vision model',
  }) as Partial<VisionModelMeta>;
  if (!Array.isArray(m.classes) || !Array.isArray(m.featureMean) || !Array.isArray(m.featureStd) || !m.options) {
    throw new UlasanError('FILE_FORMAT', `${file} is missing classes, feature statistics or options.`);
  }
  if (m.integrity !== undefined) {
    const entries = m.integrity && typeof m.integrity === 'object' ? Object.entries(m.integrity) : [];
    for (const [rel, v] of entries) {
      if (
        !/^(head|head-(?:[1-9]|1[0-5])|backbone)\/(model\.json|weights\.bin)$/.test(rel) ||
        typeof v?.bytes !== 'number' ||
        typeof v.sha256 !== 'string'
      )
        throw new UlasanError(
          'FILE_FORMAT',
          `${file}: integrity entry ${JSON.stringify(rel)} is not allowed or malformed.`,
        );
    }
    await verifyFileIntegrity(dir, m.integrity as Record<string, FileIntegrity>, file);
  }
  return { history: [], savedBackbone: false, savedAt: '', ...m } as VisionModelMeta;
}

/**
 * Evaluates any {@link FaceExpressionPredictor} on labelled images with `evaluationSummary`.
 * Images that cannot be read are excluded and listed in `skipped`.
 */
export async function evaluatePredictor(
  predictor: FaceExpressionPredictor,
  inputs: string[],
  labels: Label[],
): Promise<EvaluationSummary & { skipped: string[] }> {
  if (inputs.length !== labels.length) {
    throw invalidArgument(`evaluate: got ${inputs.length} images but ${labels.length} labels.`);
  }
  const preds = await predictor.predictImages(inputs);
  const yTrue: string[] = [];
  const yPred: string[] = [];
  const skipped: string[] = [];
  preds.forEach((p, i) => {
    if (p.label === null) skipped.push(p.source);
    else {
      yTrue.push(String(labels[i]));
      yPred.push(p.label);
    }
  });
  if (yTrue.length === 0) throw new UlasanError('INVALID_DATA', 'evaluate: no image could be classified.');
  const all = [...new Set(uniqueLabels([...predictor.classes.map(String), ...yTrue]))];
  return { ...evaluationSummary(yTrue, yPred, { labels: all }), skipped };
}

function packFeatures(f: Float32Array, face: FaceDetection | null): Float32Array {
  const out = new Float32Array(f.length + 5);
  out.set(f);
  if (face) out.set([1, face.box.x, face.box.y, face.box.width, face.box.height], f.length);
  return out;
}

function unpackFeatures(v: Float32Array, dim: number): Featurized {
  const face =
    v[dim] === 1
      ? {
          box: {
            x: v[dim + 1] as number,
            y: v[dim + 2] as number,
            width: v[dim + 3] as number,
            height: v[dim + 4] as number,
          },
          score: Number.NaN,
        }
      : null;
  return { features: v.subarray(0, dim), face };
}

function buildHead(
  layers: typeof tfl,
  dim: number,
  classes: number,
  o: { hiddenUnits: number; dropout: number; l2: number; seed: number },
): tfl.LayersModel {
  const model = layers.sequential({ name: 'expression_head' });
  const reg = o.l2 > 0 ? layers.regularizers.l2({ l2: o.l2 }) : undefined;
  if (o.hiddenUnits > 0) {
    model.add(
      layers.layers.dense({
        inputShape: [dim],
        units: o.hiddenUnits,
        activation: 'relu',
        name: 'head_dense',
        kernelInitializer: layers.initializers.glorotUniform({ seed: o.seed }),
        kernelRegularizer: reg,
      }),
    );
    if (o.dropout > 0) model.add(layers.layers.dropout({ rate: o.dropout, seed: o.seed, name: 'head_dropout' }));
  } else if (o.dropout > 0) {
    model.add(layers.layers.dropout({ inputShape: [dim], rate: o.dropout, seed: o.seed, name: 'head_dropout' }));
  }
  model.add(
    layers.layers.dense({
      ...(model.layers.length === 0 ? { inputShape: [dim] } : {}),
      units: classes,
      // Logits: the softmax is applied outside so the loss can use the stable log-softmax form.
      activation: 'linear',
      name: 'head_logits',
      kernelInitializer: layers.initializers.glorotUniform({ seed: o.seed + 1 }),
      kernelRegularizer: reg,
    }),
  );
  return model;
}

function makeOptimizer(tf: typeof tfc, name: VisionOptimizer, lr: number): tfc.Optimizer {
  if (!(lr > 0)) throw invalidArgument(`learningRate must be > 0, got ${lr}.`);
  switch (name) {
    case 'adam':
      return tf.train.adam(lr);
    case 'adamax':
      return tf.train.adamax(lr);
    case 'sgd':
      return tf.train.momentum(lr, 0.9);
    case 'rmsprop':
      return tf.train.rmsprop(lr);
    default:
      throw invalidArgument(`Unknown optimizer "${String(name)}". Expected adam, adamax, sgd or rmsprop.`);
  }
}

function trainStep(
  tf: typeof tfc,
  head: tfl.LayersModel,
  optimizer: tfc.Optimizer,
  x: tfc.Tensor2D,
  y: number[],
  w: number[],
  classes: number,
): { loss: number; hits: number } {
  const yT = tf.oneHot(tf.tensor1d(y, 'int32'), classes);
  const wT = tf.tensor1d(w);
  const vars = head.trainableWeights.map((v) => (v as unknown as { read(): tfc.Variable }).read());
  let pred: tfc.Tensor | undefined;
  const lossT = optimizer.minimize(
    () => {
      const logits = head.apply(x, { training: true }) as tfc.Tensor;
      pred = tf.keep(tf.argMax(logits, 1));
      const ce = tf.neg(tf.sum(tf.mul(yT, tf.logSoftmax(logits)), 1));
      let loss = tf.div(tf.sum(tf.mul(ce, wT)), tf.sum(wT));
      for (const l of head.calculateLosses()) loss = tf.add(loss, l);
      return loss as tfc.Scalar;
    },
    true,
    vars,
  );
  const loss = (lossT?.dataSync()[0] as number) ?? Number.NaN;
  const p = (pred as tfc.Tensor).dataSync();
  let hits = 0;
  y.forEach((t, i) => {
    if (p[i] === t) hits++;
  });
  tf.dispose([yT, wT, x, lossT as tfc.Tensor, pred as tfc.Tensor]);
  return { loss, hits };
}
