/**
 * Averaging several expression predictors (e.g. one trained on detected face crops and one on
 * whole images, or different backbones): each image's probabilities are the (weighted) mean of
 * the members' probabilities.
 */
import type { Label } from '../core/classifier.js';
import { invalidArgument, UlasanError } from '../internal/errors.js';
import type { EvaluationSummary } from '../metrics/index.js';
import { evaluatePredictor } from './expression-classifier.js';
import type { ImageSource } from './image.js';
import type { FaceExpressionPredictor, ImagePrediction, PredictImagesOptions } from './types.js';

/** Options of {@link FacePredictorEnsemble}. */
export interface FacePredictorEnsembleOptions {
  /** One non-negative weight per member (normalised). Default: equal weights. */
  weights?: number[];
}

/**
 * A {@link FaceExpressionPredictor} averaging the probabilities of its members, which must share
 * their classes. An image a member cannot classify (no face in required mode, unreadable) is
 * averaged over the other members; it is a per-item error only when no member classified it.
 *
 * @example
 * ```ts
 * const crops = await FaceExpressionClassifier.load('models/faces-auto');   // faceMode auto
 * const whole = await FaceExpressionClassifier.load('models/faces-none');   // faceMode none
 * const both = new FacePredictorEnsemble([crops, whole]);
 * const summary = await both.evaluate(valid.paths, valid.labels);
 * ```
 */
export class FacePredictorEnsemble implements FaceExpressionPredictor {
  /** The members, in the order given. */
  readonly members: readonly FaceExpressionPredictor[];
  private readonly weights: number[];

  constructor(members: FaceExpressionPredictor[], options: FacePredictorEnsembleOptions = {}) {
    if (members.length === 0) throw invalidArgument('FacePredictorEnsemble: give at least one member.');
    const w = options.weights ?? members.map(() => 1);
    if (w.length !== members.length || w.some((x) => !(x >= 0)) || w.every((x) => x === 0)) {
      throw invalidArgument(
        `FacePredictorEnsemble: weights must be ${members.length} non-negative numbers, not all 0; got ${JSON.stringify(w)}.`,
      );
    }
    this.members = [...members];
    this.weights = w;
  }

  /** The shared classes (checked on first use: members must have the same classes). */
  get classes(): readonly (string | number)[] {
    return this.members[0]?.classes ?? [];
  }

  private checkClasses(): string[] {
    const first = [...(this.members[0] as FaceExpressionPredictor).classes].map(String).sort();
    for (const m of this.members) {
      const c = [...m.classes].map(String).sort();
      if (c.join('\u0000') !== first.join('\u0000')) {
        throw new UlasanError(
          'SHAPE_MISMATCH',
          `FacePredictorEnsemble: members predict different classes (${JSON.stringify(first)} vs ${JSON.stringify(c)}). Combine models trained on the same labels.`,
        );
      }
    }
    return first;
  }

  /** One report per image, with the averaged probabilities; a bad image never fails the others. */
  async predictImages(sources: ImageSource[], options: PredictImagesOptions = {}): Promise<ImagePrediction[]> {
    const classes = this.checkClasses();
    const all: ImagePrediction[][] = [];
    for (const m of this.members) all.push(await m.predictImages(sources, options));
    return sources.map((_, i) => {
      const reports = all.map((r) => r[i] as ImagePrediction);
      let total = 0;
      const sum = new Map(classes.map((c) => [c, 0]));
      reports.forEach((r, k) => {
        if (!r.probabilities) return;
        const w = this.weights[k] as number;
        total += w;
        for (const c of classes) sum.set(c, (sum.get(c) as number) + w * (r.probabilities[c] ?? 0));
      });
      const first = reports.find((r) => r.probabilities) ?? (reports[0] as ImagePrediction);
      if (total === 0) return { ...first };
      const probabilities = Object.fromEntries(classes.map((c) => [c, (sum.get(c) as number) / total]));
      let label = classes[0] as string;
      for (const c of classes) if ((probabilities[c] as number) > (probabilities[label] as number)) label = c;
      const face = reports.find((r) => r.face)?.face ?? null;
      return { source: first.source, label, probabilities, face };
    });
  }

  /** Probabilities per image (columns in sorted class order); throws `INVALID_DATA` naming unclassifiable images. */
  async predictProba(inputs: string[]): Promise<number[][]> {
    const classes = this.checkClasses();
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
    return preds.map((p) => classes.map((c) => (p.probabilities as Record<string, number>)[c] as number));
  }

  /** Accuracy, macro-F1, confusion matrix... on labelled images (like the members' `evaluate`). */
  async evaluate(inputs: string[], labels: Label[]): Promise<EvaluationSummary & { skipped: string[] }> {
    return evaluatePredictor(this, inputs, labels);
  }

  /** Disposes every member that can be disposed. */
  async dispose(): Promise<void> {
    for (const m of this.members) await (m as { dispose?: () => Promise<void> }).dispose?.();
  }
}
