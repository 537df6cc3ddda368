/**
 * The pretrained baseline every trained vision model is compared with: face-api's 7-class
 * expression network, its outputs mapped onto the dataset's classes (same images, same crops).
 * Probabilities of face-api expressions that have no dataset class (e.g. fearful, disgusted for the
 * seed's 5 classes) are dropped and the rest renormalised.
 */
import { type FitOptions, type Label, paramsInEffect } from '../core/classifier.js';
import { uniqueLabels } from '../core/labels.js';
import { invalidArgument, UlasanError } from '../internal/errors.js';
import type { EvaluationSummary } from '../metrics/index.js';
import { evaluatePredictor } from './expression-classifier.js';
import { FaceCropper, type FaceDetectorName, type FaceMode } from './face-crop.js';
import { FACE_API_EXPRESSIONS, type FaceApiExpression, FaceExpressionNet } from './face-nets.js';
import type { ImageSource } from './image.js';
import {
  describeSource,
  type FaceExpressionPredictor,
  type ImagePrediction,
  type PredictImagesOptions,
} from './types.js';

/** Dataset label → face-api expression, for English, Indonesian and face-api names. */
export const FACE_API_LABEL_ALIASES: Readonly<Record<string, FaceApiExpression>> = {
  neutral: 'neutral',
  netral: 'neutral',
  happiness: 'happy',
  happy: 'happy',
  senang: 'happy',
  sadness: 'sad',
  sad: 'sad',
  kecewa: 'sad',
  disappointed: 'sad',
  anger: 'angry',
  angry: 'angry',
  marah: 'angry',
  fear: 'fearful',
  fearful: 'fearful',
  disgust: 'disgusted',
  disgusted: 'disgusted',
  surprise: 'surprised',
  surprised: 'surprised',
  kaget: 'surprised',
};

/** Declared parameters of {@link FaceApiExpressionClassifier}: name → default. */
const FACE_API_BASELINE_PARAMS: Readonly<Record<keyof FaceApiBaselineOptions, unknown>> = Object.freeze({
  classes: Object.freeze(['anger', 'happiness', 'neutral', 'sadness', 'surprise']),
  faceMode: 'auto',
  faceMargin: 0.2,
  detectorInputSize: 320,
  faceDetector: 'tiny',
  faceCascade: undefined,
  modelDir: undefined,
  aliases: undefined,
});

/** Options of {@link FaceApiExpressionClassifier}. */
export interface FaceApiBaselineOptions {
  /** Output classes (dataset labels). Default: the seed's five, `anger, happiness, neutral, sadness, surprise`. */
  classes?: string[];
  /** Face finding mode for the crops. Default `auto`. */
  faceMode?: FaceMode;
  /** Margin around detected faces. Default 0.2. */
  faceMargin?: number;
  /** Detector input size. Default 320. */
  detectorInputSize?: number;
  /** Face detector: `tiny` (default), `haar` or `lbp` (OpenCV cascade, see `faceCascade`). */
  faceDetector?: FaceDetectorName;
  /** `haar`/`lbp`: the OpenCV cascade XML path (default: Debian opencv-data's frontal-face cascade). */
  faceCascade?: string;
  /** face-api model folder (default: the installed `@vladmandic/face-api`). */
  modelDir?: string;
  /** Extra label → face-api expression entries. */
  aliases?: Record<string, FaceApiExpression>;
}

/**
 * face-api's pretrained expression model as a `Classifier<string>` over image paths. `fit` trains
 * nothing: it only takes the class list from the labels (checking each maps to a face-api
 * expression).
 *
 * @example
 * ```ts
 * const baseline = new FaceApiExpressionClassifier();
 * const s = await baseline.evaluate(valid.paths, valid.labels);
 * ```
 */
export class FaceApiExpressionClassifier implements FaceExpressionPredictor {
  /** The options given to the constructor. */
  readonly options: Readonly<FaceApiBaselineOptions>;
  private _classes: string[];
  private net: FaceExpressionNet | undefined;
  private cropper: FaceCropper | undefined;

  constructor(options: FaceApiBaselineOptions = {}) {
    this.options = { ...options };
    this._classes = [...(options.classes ?? ['anger', 'happiness', 'neutral', 'sadness', 'surprise'])];
    this.indices(this._classes);
  }

  /** Output classes. */
  get classes(): readonly string[] {
    return this._classes;
  }

  /** The declared constructor options. */
  get paramNames(): readonly string[] {
    return Object.keys(FACE_API_BASELINE_PARAMS);
  }

  /** The declared options as in effect (given value, else the default). */
  getParams(): Record<string, unknown> {
    return paramsInEffect(this.options, FACE_API_BASELINE_PARAMS);
  }

  private indices(classes: string[]): number[] {
    const aliases = { ...FACE_API_LABEL_ALIASES, ...(this.options.aliases ?? {}) };
    return classes.map((c) => {
      const e = aliases[c.toLowerCase()];
      if (!e) {
        throw invalidArgument(
          `The face-api baseline cannot map the class "${c}" to one of its expressions (${FACE_API_EXPRESSIONS.join(', ')}). Pass aliases: { '${c}': 'neutral' } or similar.`,
        );
      }
      return FACE_API_EXPRESSIONS.indexOf(e);
    });
  }

  /** Sets the classes from `labels` (sorted); no training happens. */
  async fit(_inputs: string[], labels: Label[], _options?: FitOptions<string>): Promise<this> {
    const classes = [...new Set(uniqueLabels(labels).map(String))];
    this.indices(classes);
    this._classes = classes;
    return this;
  }

  /** One report per image; a bad image never fails the batch. */
  async predictImages(sources: ImageSource[], options: PredictImagesOptions = {}): Promise<ImagePrediction[]> {
    this.net ??= new FaceExpressionNet(this.options.modelDir);
    this.cropper ??= new FaceCropper({
      mode: this.options.faceMode ?? 'auto',
      margin: this.options.faceMargin ?? 0.2,
      detectorInputSize: this.options.detectorInputSize ?? 320,
      detector: this.options.faceDetector ?? 'tiny',
      cascade: this.options.faceCascade,
      modelDir: this.options.modelDir,
    });
    const idx = this.indices(this._classes);
    const out: ImagePrediction[] = [];
    for (let s = 0; s < sources.length; s += 16) {
      if (options.signal?.aborted) throw new UlasanError('ABORTED', 'Prediction was cancelled.');
      const part = sources.slice(s, s + 16);
      const crops = await Promise.all(
        part.map(async (src) => {
          try {
            const c = await (this.cropper as FaceCropper).crop(src, FaceExpressionNet.inputSize);
            if (!c || (options.requireFace && !c.face)) return { noFace: true as const };
            return { crop: c };
          } catch (error) {
            const e = error as { code?: string; message?: string };
            return { error: { code: e.code ?? 'ERROR', message: e.message ?? String(error) } };
          }
        }),
      );
      const ok = crops.map((c, i) => ('crop' in c ? i : -1)).filter((i) => i >= 0);
      const probs = await this.net.predictProba(
        ok.map((i) => (crops[i] as { crop: { image: import('./image.js').RgbImage } }).crop.image),
      );
      crops.forEach((c, i) => {
        const source = describeSource(part[i] as ImageSource);
        if (!('crop' in c)) {
          out.push({
            source,
            label: null,
            probabilities: null,
            face: null,
            noFace: 'noFace' in c ? true : undefined,
            error: 'error' in c ? c.error : undefined,
          });
          return;
        }
        const p = probs[ok.indexOf(i)] as Float32Array;
        const raw = idx.map((j) => p[j] as number);
        const total = raw.reduce((a, b) => a + b, 0) || 1;
        const row = raw.map((v) => v / total);
        let best = 0;
        row.forEach((v, j) => {
          if (v > (row[best] as number)) best = j;
        });
        out.push({
          source,
          label: this._classes[best] as string,
          probabilities: Object.fromEntries(this._classes.map((c2, j) => [c2, row[j] as number])),
          face: c.crop?.face ?? null,
        });
      });
    }
    return out;
  }

  /** Probabilities per image in `classes` order; throws naming unreadable images. */
  async predictProba(inputs: string[]): Promise<number[][]> {
    const preds = await this.predictImages(inputs);
    const bad = preds.filter((p) => !p.probabilities);
    if (bad.length > 0) {
      throw new UlasanError(
        'INVALID_DATA',
        `${bad.length} images could not be classified: ${bad
          .slice(0, 5)
          .map((b) => `${b.source} (${b.error?.message ?? 'no face'})`)
          .join('; ')}. Use predictImages() for per-image reports.`,
      );
    }
    return preds.map((p) => this._classes.map((c) => (p.probabilities as Record<string, number>)[c] as number));
  }

  /** The most probable class per image. */
  async predict(inputs: string[]): Promise<string[]> {
    return (await this.predictImages(inputs)).map((p) => {
      if (p.label === null)
        throw new UlasanError('INVALID_DATA', `Could not classify ${p.source}: ${p.error?.message ?? 'no face'}`);
      return p.label;
    });
  }

  /** Accuracy, F1 and confusion matrix on labelled images (see `evaluationSummary`). */
  async evaluate(inputs: string[], labels: Label[]): Promise<EvaluationSummary & { skipped: string[] }> {
    return evaluatePredictor(this, inputs, labels);
  }

  /** Frees the network and detector weights. */
  async dispose(): Promise<void> {
    await this.net?.dispose();
    await this.cropper?.dispose();
    this.net = undefined;
    this.cropper = undefined;
  }
}
