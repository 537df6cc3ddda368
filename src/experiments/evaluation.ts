/**
 * Scores one scenario's predictions. Internal to the grid runner.
 */
import type { Label } from '../core/classifier.js';

/** The numbers a grid keeps per evaluated part (validation, test, training). */
export interface PartScores {
  /** Fraction of correct predictions. */
  accuracy: number;
  /** Unweighted mean of per-class F1. */
  macroF1: number;
  /** Support-weighted mean of per-class F1. */
  weightedF1: number;
  /** Rows scored. */
  support: number;
  /** Class order of `confusionMatrix`. */
  labels: Label[];
  /** Rows: true class, columns: predicted class. */
  confusionMatrix: number[][];
}

// TODO(metrics): delegate to evaluationSummary from src/metrics once it lands.
/** Accuracy, macro/weighted F1 and the confusion matrix over `labels` (scikit-learn's zero_division=0). */
export function scorePredictions(
  yTrue: readonly Label[],
  yPred: readonly Label[],
  labels: readonly Label[],
): PartScores {
  const index = new Map(labels.map((l, i) => [l, i]));
  const k = labels.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  yTrue.forEach((t, i) => {
    const p = yPred[i] as Label;
    if (t === p) correct++;
    const r = index.get(t);
    const c = index.get(p);
    if (r !== undefined && c !== undefined) (matrix[r] as number[])[c]! += 1;
  });
  let macro = 0;
  let weighted = 0;
  for (let c = 0; c < k; c++) {
    const tp = (matrix[c] as number[])[c] as number;
    const support = (matrix[c] as number[]).reduce((a, b) => a + b, 0);
    const predicted = matrix.reduce((a, row) => a + (row[c] as number), 0);
    const f1 = support + predicted === 0 ? 0 : (2 * tp) / (support + predicted);
    macro += f1;
    weighted += f1 * support;
  }
  const n = yTrue.length;
  return {
    accuracy: n === 0 ? 0 : correct / n,
    macroF1: k === 0 ? 0 : macro / k,
    weightedF1: n === 0 ? 0 : weighted / n,
    support: n,
    labels: [...labels],
    confusionMatrix: matrix,
  };
}
