/**
 * A simple good-fit / overfit verdict from training and validation numbers, the judgement seed 003
 * makes by eye from its train/validation curves.
 *
 * The rule (documented in docs/experiments.md):
 * - `gap` = training accuracy − validation accuracy at the end of training;
 * - `valLossRise` = (final validation loss − lowest validation loss) / lowest validation loss, when
 *   the history has a validation loss per epoch;
 * - **underfit** when the training accuracy is below `chanceAccuracy + minLift` (default lift 0.05;
 *   chance = the largest class share of the training rows): the model has not learned the training
 *   data, and any gap only reflects a class mix that differs between training and validation;
 * - **overfit** when `gap > maxGap` (default 0.10) or `valLossRise > maxValLossRise` (default 0.25):
 *   the model fits training data clearly better than unseen data, or validation loss turned up
 *   while training went on;
 * - **good-fit** otherwise; **unknown** when there is no training accuracy to compare.
 */
import type { Logs } from '../internal/progress.js';

/** Thresholds of {@link diagnoseFit}. */
export interface FitDiagnosisOptions {
  /** Largest accepted training − validation accuracy gap; default 0.10. */
  maxGap?: number;
  /** Largest accepted relative rise of validation loss above its minimum; default 0.25. */
  maxValLossRise?: number;
  /** Least training accuracy above chance for a model to count as having learned; default 0.05. */
  minLift?: number;
}

/** The verdict of {@link diagnoseFit}. */
export interface FitDiagnosis {
  /** `'good-fit'`, `'overfit'`, `'underfit'` (training accuracy near chance), or `'unknown'` (no training accuracy). */
  status: 'good-fit' | 'overfit' | 'underfit' | 'unknown';
  /** Training accuracy at the end of training (`NaN` when unknown). */
  trainAccuracy: number;
  /** Validation accuracy at the end of training (`NaN` when unknown). */
  validAccuracy: number;
  /** `trainAccuracy − validAccuracy`. */
  gap: number;
  /** Relative rise of the final validation loss above its minimum (`NaN` without a loss history). */
  valLossRise: number;
  /** Why, in words. */
  reason: string;
}

/** What {@link diagnoseFit} looks at: a per-epoch history and/or final accuracies. */
export interface FitEvidence {
  /** Per-epoch logs (`accuracy`/`acc`, `valAccuracy`/`val_acc`, `valLoss`/`val_loss`). */
  history?: readonly Logs[];
  /** Final training accuracy (overrides the history's). */
  trainAccuracy?: number;
  /** Final validation accuracy (overrides the history's). */
  validAccuracy?: number;
  /** Accuracy of always predicting the largest training class (its share of the training rows). */
  chanceAccuracy?: number;
}

/** Reads a metric from a log under its camelCase, Keras or snake_case name. */
export function readLog(log: Logs | undefined, name: 'accuracy' | 'loss' | 'valAccuracy' | 'valLoss'): number {
  if (!log) return Number.NaN;
  const aliases: Record<string, string[]> = {
    accuracy: ['accuracy', 'acc'],
    loss: ['loss'],
    valAccuracy: ['valAccuracy', 'val_accuracy', 'val_acc', 'valAcc'],
    valLoss: ['valLoss', 'val_loss'],
  };
  for (const key of aliases[name] as string[]) {
    const v = log[key];
    if (typeof v === 'number') return v;
  }
  return Number.NaN;
}

/**
 * Judges good fit vs overfit (see the module comment for the rule).
 *
 * @example
 * ```ts
 * diagnoseFit({ trainAccuracy: 0.99, validAccuracy: 0.82 }).status; // 'overfit'
 * ```
 */
export function diagnoseFit(evidence: FitEvidence, options: FitDiagnosisOptions = {}): FitDiagnosis {
  const maxGap = options.maxGap ?? 0.1;
  const maxRise = options.maxValLossRise ?? 0.25;
  const history = evidence.history ?? [];
  const last = history[history.length - 1];
  const trainAccuracy = evidence.trainAccuracy ?? readLog(last, 'accuracy');
  const validAccuracy = evidence.validAccuracy ?? readLog(last, 'valAccuracy');
  const gap = trainAccuracy - validAccuracy;
  const losses = history.map((h) => readLog(h, 'valLoss')).filter(Number.isFinite);
  let valLossRise = Number.NaN;
  if (losses.length >= 2) {
    const min = Math.min(...losses);
    valLossRise = min > 0 ? ((losses[losses.length - 1] as number) - min) / min : 0;
  }
  if (!Number.isFinite(gap)) {
    return { status: 'unknown', trainAccuracy, validAccuracy, gap, valLossRise, reason: 'no training accuracy' };
  }
  const chance = evidence.chanceAccuracy;
  const lift = options.minLift ?? 0.05;
  if (chance !== undefined && trainAccuracy < chance + lift) {
    return {
      status: 'underfit',
      trainAccuracy,
      validAccuracy,
      gap,
      valLossRise,
      reason: `training accuracy ${trainAccuracy.toFixed(3)} is within ${lift} of chance (${chance.toFixed(3)})`,
    };
  }
  const reasons: string[] = [];
  if (gap > maxGap) reasons.push(`train−valid accuracy gap ${gap.toFixed(3)} > ${maxGap}`);
  if (valLossRise > maxRise) {
    reasons.push(`validation loss rose ${(valLossRise * 100).toFixed(0)}% above its minimum (> ${maxRise * 100}%)`);
  }
  return {
    status: reasons.length > 0 ? 'overfit' : 'good-fit',
    trainAccuracy,
    validAccuracy,
    gap,
    valLossRise,
    reason: reasons.length > 0 ? reasons.join('; ') : `gap ${gap.toFixed(3)} ≤ ${maxGap}`,
  };
}
