/**
 * Scores one scenario's predictions with `evaluationSummary` from `ulasan/metrics` (scikit-learn
 * exact). Internal to the grid runner.
 */
import type { Label } from '../core/classifier.js';
import { evaluationSummary } from '../metrics/index.js';

/** The numbers a grid keeps per evaluated part (validation, test). */
export interface PartScores {
  /** Fraction of correct predictions. */
  accuracy: number;
  /** Unweighted mean of per-class F1. */
  macroF1: number;
  /** Support-weighted mean of per-class F1. */
  weightedF1: number;
  /** Rows scored. */
  support: number;
  /** Class order of `confusionMatrix` and `perClass`. */
  labels: Label[];
  /** Rows: true class, columns: predicted class. */
  confusionMatrix: number[][];
  /** Per-class precision, recall, F1 and support. */
  perClass: { label: Label; precision: number; recall: number; f1: number; support: number }[];
}

/** Accuracy, macro/weighted F1, confusion matrix and per-class scores over `labels` (zero division → 0). */
export function scorePredictions(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  labels: readonly Label[],
): PartScores {
  const s = evaluationSummary(yTrue as Label[], yPred as Label[], { labels });
  const report = s.report as unknown as Record<
    string,
    { precision: number; recall: number; 'f1-score': number; support: number }
  >;
  return {
    accuracy: s.accuracy,
    macroF1: s.macroF1,
    weightedF1: s.weightedF1,
    support: yTrue.length,
    labels: s.confusionMatrix.labels,
    confusionMatrix: s.confusionMatrix.matrix,
    perClass: s.confusionMatrix.labels.map((label) => {
      const row = report[String(label)];
      return {
        label,
        precision: row?.precision ?? Number.NaN,
        recall: row?.recall ?? Number.NaN,
        f1: row?.['f1-score'] ?? Number.NaN,
        support: row?.support ?? 0,
      };
    }),
  };
}
