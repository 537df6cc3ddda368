/**
 * The pseudo-labeling loop of seeds 001 and 003: train on the labeled part, let the model label
 * the unlabeled pool where it is confident, add those labels, repeat. Works with any
 * {@link Classifier} (deep, classic, or user-made).
 *
 * Compared with scikit-learn's SelfTrainingClassifier it adds per-class thresholds, class-balanced
 * quotas, a termination policy that can run until the pool is exhausted, pseudo-label weights,
 * validation tracking with best-iteration restore, per-iteration checkpoints, and (when the pool
 * carries hidden labels) an honest measurement of how accurate the pseudo-labels were.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Classifier, Label } from '../core/classifier.js';
import { compareLabels } from '../core/labels.js';
import { argmax } from '../internal/argmax.js';
import { writeJsonAtomic } from '../internal/atomic-fs.js';
import { invalidArgument, throwIfAborted, UlasanError } from '../internal/errors.js';
import { stableHash } from '../internal/hash.js';
import { confusionMatrix, evaluationSummary } from '../metrics/index.js';
import { type ConfidenceMeasure, confidenceScores } from './confidence.js';
import { type BalancePolicy, type Candidate, selectCandidates, validateThreshold } from './selection.js';

/** What to do when no sample passes the threshold. */
export type TerminationPolicy =
  /** Stop (scikit-learn's behaviour; the rest stays unlabeled). */
  | 'stop'
  /** Lower the threshold by `decayFactor` down to `minThreshold`, then stop. */
  | 'decay'
  /**
   * Decay, and once at `minThreshold` take the `fallbackTopK` most confident per iteration until the
   * pool is empty; the iteration that reaches `maxIterations` labels whatever is left, so the pool
   * always ends empty (`stoppedBecause: 'exhausted'`, with `stopDetail` saying how).
   */
  | 'exhaust';

/**
 * A machine annotator that labels the pool before the first iteration (seed 001: a lexicon such as
 * `LexiconSentimentAnalyzer`). Its labels at or above `threshold` join the training set as
 * pseudo-labels of iteration 0; the loop then labels the rest.
 */
export interface InitialLabeler<X> {
  /**
   * Any classifier with `predictProba`, already fitted (its `classes` are the label set). When it
   * is not fitted yet (`classes` empty) it is fitted on `labeled` first.
   */
  classifier: Classifier<X>;
  /** Minimum confidence of an initial label, in (0, 1]. Default: the loop's `threshold`. */
  threshold?: number;
  /** A short name for logs and reports, e.g. `'lexicon'`. */
  name?: string;
}

/** Options of {@link selfTrain}. */
/** Scores the unlabeled pool with the iteration's fitted classifier (see `SelfTrainingOptions.scorePool`). */
export type PoolScorer<X> = (classifier: Classifier<X>, inputs: X[], signal?: AbortSignal) => Promise<number[][]>;

export interface SelfTrainingOptions<X> {
  /** The classifier to train. Refitted each iteration. */
  classifier: Classifier<X>;
  /** Makes a fresh classifier for each fit when `retrain: 'scratch'` (otherwise `classifier` is refitted). */
  createClassifier?: () => Classifier<X>;
  /**
   * Human-labeled data. Must contain every class, unless `initialLabeler` supplies the first
   * labels (then it may be empty or omitted).
   */
  labeled?: { inputs: X[]; labels: Label[] };
  /** The pool. `labels`, when present, are hidden from training and used only to score pseudo-labels. */
  unlabeled: { inputs: X[]; labels?: Label[] };
  /** Held-out labeled data: never trained on; tracked each iteration and used to pick the best iteration. */
  validation?: { inputs: X[]; labels: Label[] };
  /** Global confidence threshold in (0, 1]. Default 0.9. */
  threshold?: number;
  /** Per-class thresholds (by label) overriding `threshold`. */
  perClassThreshold?: Partial<Record<string, number>>;
  /** Confidence measure. Default `'max'` (seed 001). */
  confidence?: ConfidenceMeasure;
  /** At most this many pseudo-labels per iteration. */
  topK?: number;
  /**
   * Class-balanced selection: each iteration's pseudo-labels keep the labeled class prior. `true`
   * means `'cap'` (the majority is capped by what the minority supplies above the threshold); see
   * {@link BalancePolicy}. The prior is the labeled class distribution, or with no labeled data
   * the initial labeler's label distribution over the whole pool. Default false.
   */
  balance?: boolean | BalancePolicy;
  /** An annotator that labels the pool before the first iteration (seed 001's lexicon). */
  initialLabeler?: InitialLabeler<X>;
  /** What to do when nothing passes. Default `'stop'`. */
  termination?: TerminationPolicy;
  /** Threshold multiplier for `decay`/`exhaust`. Default 0.9. */
  decayFactor?: number;
  /** Lowest threshold for `decay`/`exhaust`. Default 0.5. */
  minThreshold?: number;
  /** Samples taken per iteration once `exhaust` is at its floor. Default 10% of the initial pool. */
  fallbackTopK?: number;
  /**
   * `decay`/`exhaust`: an iteration that selects fewer than this lowers the threshold for the next
   * one (a trickle of a few samples per iteration would otherwise use up `maxIterations`). Default
   * 2% of the initial pool (at least 1); `stop` ignores it.
   */
  minSelected?: number;
  /** Maximum number of labeling iterations. Default 10. */
  maxIterations?: number;
  /** `'scratch'` (default) re-initialises each fit; `'warm'` continues from the current weights where supported. */
  retrain?: 'scratch' | 'warm';
  /** Weight of pseudo-labeled samples relative to human labels (1 = equal). Default 1. */
  pseudoLabelWeight?: number;
  /** With `validation`: refit the final model on the pseudo-label set of the best validation macro-F1. Default true. */
  restoreBest?: boolean;
  /** Directory for `ssl-state.json`, written atomically after each iteration. */
  checkpointDir?: string;
  /** Continue from `checkpointDir`'s state when it matches this configuration. Default true. */
  resume?: boolean;
  /** Predict the pool in chunks of this size. Default 1024. */
  batchSize?: number;
  /**
   * Scores the pool each iteration (the largest prediction of the loop) somewhere else, e.g. on
   * queue workers (`queuePoolScorer` in `ulasan/experiments`): resolves to one probability row per
   * input, columns in `classifier.classes` order. Default: `classifier.predictProba` in chunks of
   * `batchSize`, here. It must give the same probabilities: the loop's results do not change.
   */
  scorePool?: PoolScorer<X>;
  /** Cancels between fits and iterations (the last checkpoint stays valid). */
  signal?: AbortSignal;
  /** Called after each iteration with its log entry. */
  onIteration?: (entry: IterationLog) => void | Promise<void>;
}

/** One pseudo-label. */
export interface PseudoLabel {
  /** Index into `unlabeled.inputs`. */
  index: number;
  label: Label;
  confidence: number;
  /** The iteration that assigned it (1-based; 0 for the initial labeler's labels). */
  iteration: number;
}

/** Accuracy of the pseudo-labels assigned as one class (its precision against the hidden labels). */
export interface ClassLabeling {
  /** Pseudo-labels assigned as this class. */
  assigned: number;
  /** Of those, how many carry this class as hidden label. */
  correct: number;
  /** `correct / assigned` (null when none were assigned). */
  accuracy: number | null;
}

/** Scores of a model on the validation set. */
export interface ValidationScores {
  accuracy: number;
  macroF1: number;
  weightedF1: number;
}

/** The log of one iteration. */
export interface IterationLog {
  iteration: number;
  /** Threshold in force for this iteration's selection. */
  threshold: number;
  /** Training-set size of the fit done in this iteration (labeled + pseudo-labeled). */
  trainingSize: number;
  poolBefore: number;
  selected: number;
  poolAfter: number;
  /** Whether selection fell back to top-k (exhaust policy at its floor, or the final sweep). */
  fallback: boolean;
  /** Counts of the labels assigned in this iteration. */
  labelDistribution: Record<string, number>;
  /** Pool samples per predicted class that passed the threshold, before balancing and top-k. */
  passing?: Record<string, number>;
  /** What the loop decided after this iteration, in words (threshold lowered, fallback, stop). */
  note?: string;
  /** Histogram (10 equal bins over [0, 1]) of the confidence of the whole pool before selection. */
  confidenceHistogram: number[];
  meanSelectedConfidence: number | null;
  /** Validation scores of the model fitted in this iteration. */
  validation?: ValidationScores;
  /** With hidden pool labels: accuracy of this iteration's pseudo-labels, of all so far, and their confusion matrix. */
  labeling?: {
    accuracy: number | null;
    cumulativeAccuracy: number | null;
    /** Per assigned class, this iteration's pseudo-labels. */
    byClass?: Record<string, ClassLabeling>;
    /** Per assigned class, all pseudo-labels so far. */
    cumulativeByClass?: Record<string, ClassLabeling>;
    labels: Label[];
    /** Of all pseudo-labels so far: rows are hidden labels, columns assigned labels. */
    confusionMatrix: number[][];
  };
  seconds: number;
}

/** Why the loop ended. */
export type StopReason =
  /** The pool is empty. */
  | 'exhausted'
  /** Nothing passed the threshold (`stop`), or nothing at `minThreshold` (`decay`). */
  | 'nothing-passed'
  /** `decay`: fewer than `minSelected` passed at `minThreshold`; those were taken. */
  | 'floor-reached'
  /** `maxIterations` ran out (`stop`/`decay`; `exhaust` labels the rest in its last iteration instead). */
  | 'max-iterations';

/** What {@link selfTrain} returns. */
export interface SelfTrainingResult<X> {
  /** The final classifier, fitted on labeled + the chosen pseudo-labels. */
  classifier: Classifier<X>;
  /** Every pseudo-label assigned, in order. */
  pseudoLabels: PseudoLabel[];
  /** Pool indices left unlabeled. */
  remaining: number[];
  log: IterationLog[];
  stoppedBecause: StopReason;
  /** Why the loop stopped, in words (which threshold, how many left, what to change). */
  stopDetail: string;
  /** The balance policy used (`'none'` without `balance`). */
  balancePolicy: BalancePolicy | 'none';
  /** The class prior the balance policy kept (shares summing to 1). */
  classPrior: Record<string, number>;
  /** Number of pseudo-labels the final model was trained on (fewer than assigned when `restoreBest` rolled back). */
  usedPseudoLabels: number;
  /** Final model's validation scores. */
  validation?: ValidationScores;
  /** With hidden pool labels: accuracy of all assigned pseudo-labels. */
  labelingAccuracy?: number;
  /** With hidden pool labels: accuracy of the pseudo-labels per assigned class. */
  labelingByClass?: Record<string, ClassLabeling>;
  /** With `initialLabeler`: how many pool samples it labeled and (with hidden labels) how accurately. */
  initialLabels?: { name: string; assigned: number; accuracy: number | null };
}

interface State {
  format: 'ulasan-ssl-state';
  version: 1;
  configHash: string;
  iteration: number;
  threshold: number;
  pseudo: PseudoLabel[];
  log: IterationLog[];
  stoppedBecause: StopReason | null;
  stopDetail?: string;
  /** The initial labeler's labels are in `pseudo` (iteration 0). */
  initialDone?: boolean;
  /** With an initial labeler and no labeled data: the prior it estimated. */
  prior?: [Label, number][];
}

/**
 * Runs self-training (pseudo-labeling).
 *
 * @example
 * ```ts
 * import { selfTrain } from 'ulasan/ssl';
 * import { createTextClassifier } from 'ulasan/text';
 * const result = await selfTrain({
 *   classifier: createTextClassifier({ model: 'logreg' }),
 *   labeled: { inputs: labeledTexts, labels },
 *   unlabeled: { inputs: poolTexts },
 *   threshold: 0.9, balance: true, termination: 'exhaust',
 * });
 * console.log(result.pseudoLabels.length, result.stoppedBecause);
 * ```
 */
export async function selfTrain<X>(options: SelfTrainingOptions<X>): Promise<SelfTrainingResult<X>> {
  const o = normalizeOptions(options);
  const labeled = options.labeled ?? { inputs: [], labels: [] };
  const { unlabeled, validation } = options;
  const initial = options.initialLabeler;
  if (initial && initial.classifier.classes.length === 0) {
    if (labeled.inputs.length === 0) {
      throw invalidArgument(
        'initialLabeler.classifier is not fitted and there is no labeled data to fit it on. Fit it first; a LexiconSentimentAnalyzer only records the label set: await lexicon.fit(["negative", "positive"], ["negative", "positive"]).',
      );
    }
    await initial.classifier.fit(labeled.inputs, labeled.labels, { signal: o.signal });
  }
  const classes = checkClasses(options, labeled);
  const prior = new Map<Label, number>(classes.map((c) => [c, 0]));
  for (const l of labeled.labels) prior.set(l, (prior.get(l) ?? 0) + 1);

  const configHash = stableHash({
    o: { ...o, signal: undefined, onIteration: undefined },
    labeled: fingerprint(labeled.inputs, labeled.labels),
    unlabeled: fingerprint(unlabeled.inputs, undefined),
  });
  const statePath = o.checkpointDir ? join(o.checkpointDir, 'ssl-state.json') : undefined;
  let state: State = {
    format: 'ulasan-ssl-state',
    version: 1,
    configHash,
    iteration: 0,
    threshold: o.threshold,
    pseudo: [],
    log: [],
    stoppedBecause: null,
  };
  if (statePath && o.resume) {
    const saved = await readState(statePath);
    if (saved && saved.configHash === configHash) state = saved;
    else if (saved) {
      throw new UlasanError(
        'CONFIG',
        `${statePath} belongs to a different self-training run (other data or options). Use another checkpointDir, delete the file, or pass resume: false.`,
      );
    }
  }
  if (state.prior) for (const [label, n] of state.prior) prior.set(label, n);

  let current: Classifier<X> = options.classifier;
  const fitOn = async (pseudo: readonly PseudoLabel[], warm: boolean): Promise<Classifier<X>> => {
    throwIfAborted(o.signal, 'Self-training');
    const clf = o.retrain === 'scratch' && options.createClassifier ? options.createClassifier() : current;
    const inputs = [...labeled.inputs, ...pseudo.map((p) => unlabeled.inputs[p.index] as X)];
    const labels = [...labeled.labels, ...pseudo.map((p) => p.label)];
    const sampleWeights =
      o.pseudoLabelWeight === 1
        ? undefined
        : [...labeled.labels.map(() => 1), ...pseudo.map(() => o.pseudoLabelWeight)];
    await clf.fit(inputs, labels, {
      validation,
      sampleWeights,
      signal: o.signal,
      warmStart: warm && o.retrain === 'warm',
    });
    if (typeof clf.predictProba !== 'function') {
      throw invalidArgument(
        'The classifier has no predictProba(): self-training needs class probabilities to measure confidence.',
      );
    }
    current = clf;
    return clf;
  };
  const hidden = unlabeled.labels;
  const balancing = o.balance === 'none' ? undefined : o.balance;
  const priorShares = () => {
    const mass = [...prior.values()].reduce((a, b) => a + b, 0);
    return Object.fromEntries([...prior].map(([label, n]) => [String(label), mass > 0 ? n / mass : 0]));
  };

  // Iteration 0: the initial labeler (seed 001's lexicon) labels the pool where it is confident.
  if (initial && !state.initialDone) {
    const started = Date.now();
    const inputs = unlabeled.inputs;
    const proba = await predictInChunks(initial.classifier, inputs, o.batchSize, o.signal);
    const confidences = confidenceScores(proba, o.confidence);
    const labelerClasses = initial.classifier.classes;
    const candidates: Candidate[] = inputs.map((_, index) => ({
      index,
      label: labelerClasses[argmax(proba[index] as number[])] as Label,
      confidence: confidences[index] as number,
    }));
    if (labeled.inputs.length === 0) {
      // No human labels: the labeler's labels of the whole pool estimate the class prior.
      for (const c of candidates) prior.set(c.label, (prior.get(c.label) ?? 0) + 1);
      state.prior = [...prior];
    }
    const chosen = selectCandidates(candidates, {
      threshold: o.initialThreshold,
      classPrior: balancing ? prior : undefined,
      balancePolicy: balancing,
    });
    const assigned = chosen.map((c) => ({ index: c.index, label: c.label, confidence: c.confidence, iteration: 0 }));
    const present = new Set([...labeled.labels, ...assigned.map((p) => p.label)]);
    if (present.size < 2) {
      throw invalidArgument(
        `The initial labeler (${o.initialName}) labeled ${assigned.length} pool sample(s) at confidence >= ${o.initialThreshold}${present.size ? `, all as ${String([...present][0])}` : ''}: the first model needs two classes. Lower initialLabeler.threshold (--initial-threshold) or add labeled data.`,
      );
    }
    state.pseudo.push(...assigned);
    state.initialDone = true;
    state.log.push({
      iteration: 0,
      threshold: o.initialThreshold,
      trainingSize: labeled.inputs.length,
      poolBefore: inputs.length,
      selected: assigned.length,
      poolAfter: inputs.length - assigned.length,
      fallback: false,
      labelDistribution: countLabels(assigned.map((p) => p.label)),
      passing: countPassing(candidates, o.initialThreshold, undefined),
      note: `initial labels by ${o.initialName} at confidence >= ${o.initialThreshold}`,
      confidenceHistogram: histogram(confidences),
      meanSelectedConfidence: meanConfidence(assigned),
      labeling: hidden ? labelingReport(assigned, state.pseudo, hidden, classes) : undefined,
      seconds: (Date.now() - started) / 1000,
    });
    if (statePath) await writeJsonAtomic(statePath, state);
    await o.onIteration?.(state.log[state.log.length - 1]!);
  }

  const inPseudo = new Set(state.pseudo.map((p) => p.index));
  let pool = unlabeled.inputs.map((_, i) => i).filter((i) => !inPseudo.has(i));
  const initialPool = unlabeled.inputs.length;
  const fallbackTopK = o.fallbackTopK ?? Math.max(1, Math.ceil(initialPool / 10));
  const minSelected = o.minSelected ?? Math.max(1, Math.ceil(initialPool * 0.02));
  let fittedOn = -1; // number of pseudo-labels the current model was fitted on (-1: not fitted by us)

  while (state.stoppedBecause === null) {
    if (pool.length === 0) {
      state.stoppedBecause = 'exhausted';
      state.stopDetail ??= `the pool is empty after ${state.iteration} iteration(s)`;
      break;
    }
    if (state.iteration >= o.maxIterations) {
      state.stoppedBecause = 'max-iterations';
      state.stopDetail = `maxIterations (${o.maxIterations}) reached with ${pool.length} of ${initialPool} left unlabeled (threshold ${round(state.threshold)}); raise maxIterations or use termination 'exhaust' (--until-exhausted)`;
      break;
    }
    const started = Date.now();
    const iteration = state.iteration + 1;
    const clf = fittedOn === state.pseudo.length ? current : await fitOn(state.pseudo, state.iteration > 0);
    fittedOn = state.pseudo.length;
    const val = validation ? await scoreValidation(clf, validation) : undefined;

    const poolInputs = pool.map((i) => unlabeled.inputs[i] as X);
    const proba = options.scorePool
      ? checkedRows(await options.scorePool(clf, poolInputs, o.signal), poolInputs.length, clf.classes.length)
      : await predictInChunks(clf, poolInputs, o.batchSize, o.signal);
    const confidences = confidenceScores(proba, o.confidence);
    const clfClasses = clf.classes;
    const candidates: Candidate[] = pool.map((index, j) => ({
      index,
      label: clfClasses[argmax(proba[j] as number[])] as Label,
      confidence: confidences[j] as number,
    }));
    const thresholdUsed = state.threshold;
    const rule = {
      threshold: thresholdUsed,
      perClassThreshold: o.perClassThreshold,
      topK: o.topK,
      classPrior: balancing ? prior : undefined,
      balancePolicy: balancing,
    };
    const passing = countPassing(candidates, thresholdUsed, o.perClassThreshold);
    let chosen = selectCandidates(candidates, rule);
    let fallback = false;
    let note: string | undefined;
    const short = (n: number) =>
      `${n} passed confidence >= ${round(thresholdUsed)}${balancing && n < sum(passing) ? ` after '${balancing}' balancing (${describeCounts(passing)} passed)` : ''}`;
    if (o.termination === 'exhaust' && iteration >= o.maxIterations) {
      // The last allowed iteration: label everything left so that "exhaust" means exhausted.
      chosen = [...candidates].sort((a, b) => b.confidence - a.confidence || a.index - b.index);
      fallback = true;
      note = `maxIterations (${o.maxIterations}) reached: the remaining ${chosen.length} labeled in one sweep by this iteration's model (lowest confidence ${round(Math.min(...chosen.map((c) => c.confidence)))})`;
      state.stopDetail = `the pool is empty after ${iteration} iteration(s); ${note}`;
    } else if (o.termination === 'stop') {
      if (chosen.length === 0) {
        state.stoppedBecause = 'nothing-passed';
        state.stopDetail = `iteration ${iteration}: nothing ${short(0).slice(2)}; ${pool.length} left unlabeled. Lower the threshold or use termination 'exhaust' (--until-exhausted)`;
      }
    } else if (chosen.length < minSelected) {
      const atFloor = thresholdUsed <= o.minThreshold;
      if (!atFloor) {
        state.threshold = Math.max(o.minThreshold, thresholdUsed * o.decayFactor);
        note = `only ${short(chosen.length)} (< minSelected ${minSelected}): threshold lowered to ${round(state.threshold)}`;
      } else if (o.termination === 'decay') {
        // At the floor a trickle would only use up the iterations: take it and stop.
        state.stoppedBecause = chosen.length === 0 ? 'nothing-passed' : 'floor-reached';
        state.stopDetail = `iteration ${iteration}: only ${short(chosen.length)} at the floor minThreshold ${round(o.minThreshold)} (< minSelected ${minSelected}); ${pool.length - chosen.length} left unlabeled. Lower minThreshold or use termination 'exhaust'`;
      } else {
        const passed = chosen.length;
        const fallbackRule = {
          ...rule,
          threshold: Number.MIN_VALUE,
          perClassThreshold: undefined,
          topK: fallbackTopK,
          balancePolicy: 'fill' as const,
        };
        chosen = selectCandidates(candidates, fallbackRule);
        fallback = true;
        note = `only ${short(passed)} at the floor minThreshold: took the ${chosen.length} most confident (fallbackTopK ${fallbackTopK}${balancing ? ', prior shares, what a class cannot fill to the others' : ''})`;
      }
    }

    const assigned: PseudoLabel[] = chosen.map((c) => ({
      index: c.index,
      label: c.label,
      confidence: c.confidence,
      iteration,
    }));
    const poolBefore = pool.length;
    if (assigned.length > 0) {
      const taken = new Set(assigned.map((p) => p.index));
      pool = pool.filter((i) => !taken.has(i));
      state.pseudo.push(...assigned);
    }
    const entry: IterationLog = {
      iteration,
      threshold: thresholdUsed,
      trainingSize: labeled.inputs.length + fittedOn,
      poolBefore,
      selected: assigned.length,
      poolAfter: pool.length,
      fallback,
      labelDistribution: countLabels(assigned.map((p) => p.label)),
      passing,
      ...(note || state.stopDetail ? { note: note ?? state.stopDetail } : {}),
      confidenceHistogram: histogram(confidences),
      meanSelectedConfidence: meanConfidence(assigned),
      validation: val,
      labeling: hidden ? labelingReport(assigned, state.pseudo, hidden, classes) : undefined,
      seconds: (Date.now() - started) / 1000,
    };
    state.iteration = iteration;
    state.log.push(entry);
    if (statePath) await writeJsonAtomic(statePath, state);
    await o.onIteration?.(entry);
  }

  // Final model: on everything assigned, or on the best iteration's set when validation says so.
  let used = state.pseudo.length;
  let finalClf = fittedOn === used ? current : await fitOn(state.pseudo, true);
  let finalVal = validation ? await scoreValidation(finalClf, validation) : undefined;
  if (validation && o.restoreBest && finalVal) {
    let best = { macroF1: finalVal.macroF1, used };
    for (const e of state.log) {
      if (e.validation && e.validation.macroF1 > best.macroF1 + 1e-12) {
        best = { macroF1: e.validation.macroF1, used: e.trainingSize - labeled.inputs.length };
      }
    }
    if (best.used !== used) {
      used = best.used;
      finalClf = await fitOn(state.pseudo.slice(0, used), false);
      finalVal = await scoreValidation(finalClf, validation);
    }
  }
  if (statePath) await writeJsonAtomic(statePath, state);

  const result: SelfTrainingResult<X> = {
    classifier: finalClf,
    pseudoLabels: state.pseudo,
    remaining: pool,
    log: state.log,
    stoppedBecause: state.stoppedBecause ?? 'max-iterations',
    stopDetail: state.stopDetail ?? '',
    balancePolicy: o.balance,
    classPrior: priorShares(),
    usedPseudoLabels: used,
    validation: finalVal,
  };
  if (hidden && state.pseudo.length > 0) {
    result.labelingAccuracy = state.pseudo.filter((p) => hidden[p.index] === p.label).length / state.pseudo.length;
    result.labelingByClass = perClassLabeling(state.pseudo, hidden, classes);
  }
  if (initial) {
    const first = state.pseudo.filter((p) => p.iteration === 0);
    result.initialLabels = {
      name: o.initialName,
      assigned: first.length,
      accuracy: hidden && first.length ? first.filter((p) => hidden[p.index] === p.label).length / first.length : null,
    };
  }
  return result;
}

function normalizeOptions<X>(options: SelfTrainingOptions<X>) {
  const { unlabeled, validation, classifier, initialLabeler } = options;
  const labeled = options.labeled ?? { inputs: [], labels: [] };
  if (!classifier || typeof classifier.fit !== 'function')
    throw invalidArgument('selfTrain needs a classifier with fit().');
  if (typeof classifier.predictProba !== 'function') {
    throw invalidArgument(
      'The classifier has no predictProba(): self-training needs class probabilities to measure confidence.',
    );
  }
  if (initialLabeler && typeof initialLabeler.classifier?.predictProba !== 'function') {
    throw invalidArgument(
      'initialLabeler.classifier has no predictProba(): the initial labels need a confidence. Pass e.g. a LexiconSentimentAnalyzer.',
    );
  }
  if (labeled.inputs.length === 0 && !initialLabeler)
    throw invalidArgument(
      'labeled data is empty: self-training needs some labeled samples, or an initialLabeler (e.g. a LexiconSentimentAnalyzer) to label the first ones.',
    );
  if (labeled.inputs.length !== labeled.labels.length) {
    throw new UlasanError(
      'SHAPE_MISMATCH',
      `labeled.inputs has ${labeled.inputs.length} items but labeled.labels has ${labeled.labels.length}.`,
    );
  }
  if (!unlabeled || unlabeled.inputs.length === 0) {
    throw invalidArgument(
      'The unlabeled pool is empty: there is nothing to pseudo-label. Train a supervised model instead.',
    );
  }
  if (unlabeled.labels && unlabeled.labels.length !== unlabeled.inputs.length) {
    throw new UlasanError(
      'SHAPE_MISMATCH',
      `unlabeled.inputs has ${unlabeled.inputs.length} items but unlabeled.labels has ${unlabeled.labels.length}.`,
    );
  }
  if (validation && validation.inputs.length !== validation.labels.length) {
    throw new UlasanError(
      'SHAPE_MISMATCH',
      `validation.inputs has ${validation.inputs.length} items but validation.labels has ${validation.labels.length}.`,
    );
  }
  if (labeled.inputs.length > 0 && new Set(labeled.labels).size < 2 && !initialLabeler)
    throw invalidArgument(`labeled data has only one class (${String(labeled.labels[0])}): at least two are needed.`);
  const threshold = validateThreshold(options.threshold ?? 0.9);
  const minThreshold = validateThreshold(options.minThreshold ?? Math.min(0.5, threshold), 'minThreshold');
  const initialThreshold = validateThreshold(initialLabeler?.threshold ?? threshold, 'initialLabeler.threshold');
  const decayFactor = options.decayFactor ?? 0.9;
  if (!(decayFactor > 0 && decayFactor < 1))
    throw invalidArgument(`decayFactor must be in (0, 1), got ${decayFactor}.`);
  const maxIterations = options.maxIterations ?? 10;
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1))
    throw invalidArgument(`maxIterations must be a positive integer, got ${maxIterations}.`);
  for (const [name, v] of [
    ['minSelected', options.minSelected],
    ['fallbackTopK', options.fallbackTopK],
  ] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1))
      throw invalidArgument(`${name} must be a positive integer, got ${v}.`);
  }
  const pseudoLabelWeight = options.pseudoLabelWeight ?? 1;
  if (!(pseudoLabelWeight > 0)) throw invalidArgument(`pseudoLabelWeight must be > 0, got ${pseudoLabelWeight}.`);
  const termination = options.termination ?? 'stop';
  if (!['stop', 'decay', 'exhaust'].includes(termination)) {
    throw invalidArgument(`termination must be 'stop', 'decay' or 'exhaust', got "${termination}".`);
  }
  const b = options.balance ?? false;
  const balance: BalancePolicy | 'none' = b === true ? 'cap' : b === false ? 'none' : b;
  if (!['none', 'cap', 'fill', 'proportional'].includes(balance)) {
    throw invalidArgument(`balance must be true, false, 'cap', 'fill' or 'proportional', got "${String(b)}".`);
  }
  return {
    threshold,
    perClassThreshold: options.perClassThreshold,
    confidence: options.confidence ?? ('max' as ConfidenceMeasure),
    topK: options.topK,
    balance,
    termination,
    decayFactor,
    minThreshold,
    fallbackTopK: options.fallbackTopK,
    minSelected: options.minSelected,
    maxIterations,
    retrain: options.retrain ?? 'scratch',
    pseudoLabelWeight,
    restoreBest: options.restoreBest ?? true,
    checkpointDir: options.checkpointDir,
    resume: options.resume ?? true,
    batchSize: options.batchSize ?? 1024,
    initialThreshold,
    initialLabeler: initialLabeler
      ? { name: initialLabeler.name ?? 'the initial labeler', threshold: initialThreshold }
      : null,
    initialName: initialLabeler?.name ?? 'the initial labeler',
    signal: options.signal,
    onIteration: options.onIteration,
  };
}

/** The sorted label set, after checking that validation and hidden labels use only known classes. */
function checkClasses<X>(options: SelfTrainingOptions<X>, labeled: { labels: Label[] }): Label[] {
  const fromLabeled = new Set(labeled.labels);
  const labeler = options.initialLabeler?.classifier.classes ?? [];
  if (fromLabeled.size > 0 && labeler.length > 0) {
    const extra = labeler.filter((c) => !fromLabeled.has(c));
    if (extra.length > 0) {
      throw invalidArgument(
        `The initial labeler predicts class(es) the labeled data lacks: ${extra.map(String).join(', ')}. Fit it on the labeled data, or map its labels (LexiconSentimentAnalyzer: options.labels).`,
      );
    }
  }
  const known = fromLabeled.size > 0 ? fromLabeled : new Set(labeler);
  if (known.size < 2) {
    throw invalidArgument(`labeled data has only one class (${String([...known][0])}): at least two are needed.`);
  }
  for (const [name, labels] of [
    ['validation', options.validation?.labels],
    ['unlabeled (hidden)', options.unlabeled.labels],
  ] as const) {
    const missing = [...new Set(labels ?? [])].filter((l) => !known.has(l));
    if (missing.length > 0) {
      throw invalidArgument(
        `The ${name} labels contain class(es) missing from the labeled data: ${missing.map(String).join(', ')}. Label some samples of each class first.`,
      );
    }
  }
  return [...known].sort(compareLabels);
}

async function predictInChunks<X>(
  clf: Classifier<X>,
  inputs: X[],
  size: number,
  signal?: AbortSignal,
): Promise<number[][]> {
  const out: number[][] = [];
  for (let i = 0; i < inputs.length; i += size) {
    throwIfAborted(signal, 'Self-training');
    out.push(...(await clf.predictProba(inputs.slice(i, i + size))));
  }
  if (out.length !== inputs.length) {
    throw new UlasanError('SHAPE_MISMATCH', `predictProba returned ${out.length} rows for ${inputs.length} inputs.`);
  }
  return out;
}

/** A pool scorer's answer, checked: one row per input, one column per class. */
function checkedRows(rows: number[][], inputs: number, classes: number): number[][] {
  if (rows.length !== inputs) {
    throw new UlasanError('SHAPE_MISMATCH', `scorePool returned ${rows.length} rows for ${inputs} pool inputs.`);
  }
  const bad = rows.findIndex((r) => r.length !== classes);
  if (bad >= 0) {
    throw new UlasanError(
      'SHAPE_MISMATCH',
      `scorePool row ${bad} has ${rows[bad]?.length} columns; the classifier has ${classes} classes.`,
    );
  }
  return rows;
}

async function scoreValidation<X>(
  clf: Classifier<X>,
  validation: { inputs: X[]; labels: Label[] },
): Promise<ValidationScores> {
  const predicted = await clf.predict(validation.inputs);
  const s = evaluationSummary(validation.labels, predicted);
  return { accuracy: s.accuracy, macroF1: s.macroF1, weightedF1: s.weightedF1 };
}

function labelingReport(assigned: PseudoLabel[], all: PseudoLabel[], hidden: Label[], classes: Label[]) {
  const acc = (ps: PseudoLabel[]) =>
    ps.length ? ps.filter((p) => hidden[p.index] === p.label).length / ps.length : null;
  const cm = confusionMatrix(
    all.map((p) => hidden[p.index] as Label),
    all.map((p) => p.label),
    { labels: classes },
  );
  return {
    accuracy: acc(assigned),
    cumulativeAccuracy: acc(all),
    byClass: perClassLabeling(assigned, hidden, classes),
    cumulativeByClass: perClassLabeling(all, hidden, classes),
    labels: classes,
    confusionMatrix: cm.matrix.map((r) => [...r]),
  };
}

function perClassLabeling(ps: PseudoLabel[], hidden: Label[], classes: Label[]): Record<string, ClassLabeling> {
  const out: Record<string, ClassLabeling> = {};
  for (const c of classes) out[String(c)] = { assigned: 0, correct: 0, accuracy: null };
  for (const p of ps) {
    const e = out[String(p.label)];
    if (!e) continue;
    e.assigned++;
    if (hidden[p.index] === p.label) e.correct++;
  }
  for (const e of Object.values(out)) e.accuracy = e.assigned ? e.correct / e.assigned : null;
  return out;
}

function countPassing(
  candidates: readonly Candidate[],
  threshold: number,
  perClass: Partial<Record<string, number>> | undefined,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of candidates) {
    if (c.confidence >= (perClass?.[String(c.label)] ?? threshold))
      out[String(c.label)] = (out[String(c.label)] ?? 0) + 1;
  }
  return out;
}

function describeCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length ? entries.map(([k, v]) => `${k} ${v}`).join(', ') : 'none';
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function meanConfidence(ps: PseudoLabel[]): number | null {
  return ps.length ? ps.reduce((s, p) => s + p.confidence, 0) / ps.length : null;
}

function countLabels(labels: Label[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of labels) out[String(l)] = (out[String(l)] ?? 0) + 1;
  return out;
}

function histogram(values: number[]): number[] {
  const bins = new Array<number>(10).fill(0);
  for (const v of values) bins[Math.min(9, Math.floor(v * 10))]! += 1;
  return bins;
}

function fingerprint(inputs: unknown[], labels: Label[] | undefined): string {
  const sample = inputs.every((x) => typeof x === 'string') ? inputs : inputs.length;
  return stableHash({ sample, labels: labels ?? null });
}

async function readState(path: string): Promise<State | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  let parsed: Partial<State>;
  try {
    parsed = JSON.parse(text) as Partial<State>;
  } catch (error) {
    throw new UlasanError('FILE_FORMAT', `${path} is not valid JSON; delete it to start over.`, { cause: error });
  }
  if (parsed.format !== 'ulasan-ssl-state')
    throw new UlasanError('FILE_FORMAT', `${path} is not a ulasan self-training state file.`);
  if (parsed.version !== 1) {
    throw new UlasanError(
      'UNSUPPORTED_VERSION',
      `${path} has state version ${parsed.version}; this ulasan reads version 1. Upgrade ulasan.`,
    );
  }
  return parsed as State;
}
