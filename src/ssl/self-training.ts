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
import { writeJsonAtomic } from '../internal/atomic-fs.js';
import { invalidArgument, throwIfAborted, UlasanError } from '../internal/errors.js';
import { stableHash } from '../internal/hash.js';
import { confusionMatrix, evaluationSummary } from '../metrics/index.js';
import { argmax, type ConfidenceMeasure, confidenceScores } from './confidence.js';
import { type Candidate, selectCandidates, validateThreshold } from './selection.js';

/** What to do when no sample passes the threshold. */
export type TerminationPolicy =
  /** Stop (scikit-learn's behaviour; the rest stays unlabeled). */
  | 'stop'
  /** Lower the threshold by `decayFactor` down to `minThreshold`, then stop. */
  | 'decay'
  /** Decay, and once at `minThreshold` take the `fallbackTopK` most confident until the pool is empty. */
  | 'exhaust';

/** Options of {@link selfTrain}. */
export interface SelfTrainingOptions<X> {
  /** The classifier to train. Refitted each iteration. */
  classifier: Classifier<X>;
  /** Makes a fresh classifier for each fit when `retrain: 'scratch'` (otherwise `classifier` is refitted). */
  createClassifier?: () => Classifier<X>;
  /** Human-labeled data. Must contain every class. */
  labeled: { inputs: X[]; labels: Label[] };
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
  /** Class-balanced quotas in proportion to the labeled class prior. Default false. */
  balance?: boolean;
  /** What to do when nothing passes. Default `'stop'`. */
  termination?: TerminationPolicy;
  /** Threshold multiplier for `decay`/`exhaust`. Default 0.9. */
  decayFactor?: number;
  /** Lowest threshold for `decay`/`exhaust`. Default 0.5. */
  minThreshold?: number;
  /** Samples taken per iteration once `exhaust` is at its floor. Default 10% of the initial pool. */
  fallbackTopK?: number;
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
  /** The iteration that assigned it (1-based). */
  iteration: number;
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
  /** Whether selection fell back to top-k (exhaust policy at its floor). */
  fallback: boolean;
  /** Counts of the labels assigned in this iteration. */
  labelDistribution: Record<string, number>;
  /** Histogram (10 equal bins over [0, 1]) of the confidence of the whole pool before selection. */
  confidenceHistogram: number[];
  meanSelectedConfidence: number | null;
  /** Validation scores of the model fitted in this iteration. */
  validation?: ValidationScores;
  /** With hidden pool labels: accuracy of this iteration's pseudo-labels, of all so far, and their confusion matrix. */
  labeling?: {
    accuracy: number | null;
    cumulativeAccuracy: number | null;
    labels: Label[];
    confusionMatrix: number[][];
  };
  seconds: number;
}

/** Why the loop ended. */
export type StopReason = 'exhausted' | 'nothing-passed' | 'max-iterations';

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
  /** Number of pseudo-labels the final model was trained on (fewer than assigned when `restoreBest` rolled back). */
  usedPseudoLabels: number;
  /** Final model's validation scores. */
  validation?: ValidationScores;
  /** With hidden pool labels: accuracy of all assigned pseudo-labels. */
  labelingAccuracy?: number;
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
  const { labeled, unlabeled, validation } = options;
  const classes = [...new Set(labeled.labels)].sort(compareLabels);
  const prior = new Map<Label, number>(classes.map((c) => [c, 0]));
  for (const l of labeled.labels) prior.set(l, (prior.get(l) ?? 0) + 1);

  const configHash = stableHash({
    o: { ...o, classifier: undefined, createClassifier: undefined, signal: undefined, onIteration: undefined },
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

  const inPseudo = new Set(state.pseudo.map((p) => p.index));
  let pool = unlabeled.inputs.map((_, i) => i).filter((i) => !inPseudo.has(i));
  const fallbackTopK = o.fallbackTopK ?? Math.max(1, Math.ceil(unlabeled.inputs.length / 10));
  let fittedOn = -1; // number of pseudo-labels the current model was fitted on (-1: not fitted by us)

  while (state.stoppedBecause === null) {
    if (pool.length === 0) {
      state.stoppedBecause = 'exhausted';
      break;
    }
    if (state.iteration >= o.maxIterations) {
      state.stoppedBecause = 'max-iterations';
      break;
    }
    const started = Date.now();
    const iteration = state.iteration + 1;
    const clf = fittedOn === state.pseudo.length ? current : await fitOn(state.pseudo, state.iteration > 0);
    fittedOn = state.pseudo.length;
    const val = validation ? await scoreValidation(clf, validation) : undefined;

    const proba = await predictInChunks(
      clf,
      pool.map((i) => unlabeled.inputs[i] as X),
      o.batchSize,
      o.signal,
    );
    const confidences = confidenceScores(proba, o.confidence);
    const clfClasses = clf.classes;
    const candidates: Candidate[] = pool.map((index, j) => ({
      index,
      label: clfClasses[argmax(proba[j] as number[])] as Label,
      confidence: confidences[j] as number,
    }));
    const rule = {
      threshold: state.threshold,
      perClassThreshold: o.perClassThreshold,
      topK: o.topK,
      classPrior: o.balance ? prior : undefined,
    };
    let chosen = selectCandidates(candidates, rule);
    let fallback = false;
    const thresholdUsed = state.threshold;
    if (chosen.length === 0) {
      const atFloor = state.threshold <= o.minThreshold;
      if (o.termination === 'stop' || (o.termination === 'decay' && atFloor)) {
        state.stoppedBecause = 'nothing-passed';
      } else if (!atFloor) {
        state.threshold = Math.max(o.minThreshold, state.threshold * o.decayFactor);
      } else {
        const fallbackRule = { ...rule, threshold: Number.MIN_VALUE, perClassThreshold: undefined, topK: fallbackTopK };
        chosen = selectCandidates(candidates, fallbackRule);
        // Quotas can leave the last few samples unassignable (all predicted as a class whose quota
        // rounds to zero); the pool must still empty, so take the most confident regardless.
        if (chosen.length === 0) chosen = selectCandidates(candidates, { ...fallbackRule, classPrior: undefined });
        fallback = true;
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
      confidenceHistogram: histogram(confidences),
      meanSelectedConfidence: assigned.length ? assigned.reduce((s, p) => s + p.confidence, 0) / assigned.length : null,
      validation: val,
      labeling: unlabeled.labels ? labelingReport(assigned, state.pseudo, unlabeled.labels, classes) : undefined,
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
    usedPseudoLabels: used,
    validation: finalVal,
  };
  if (unlabeled.labels && state.pseudo.length > 0) {
    const hidden = unlabeled.labels;
    result.labelingAccuracy = state.pseudo.filter((p) => hidden[p.index] === p.label).length / state.pseudo.length;
  }
  return result;
}

function normalizeOptions<X>(options: SelfTrainingOptions<X>) {
  const { labeled, unlabeled, validation, classifier } = options;
  if (!classifier || typeof classifier.fit !== 'function')
    throw invalidArgument('selfTrain needs a classifier with fit().');
  if (typeof classifier.predictProba !== 'function') {
    throw invalidArgument(
      'The classifier has no predictProba(): self-training needs class probabilities to measure confidence.',
    );
  }
  if (!labeled || labeled.inputs.length === 0)
    throw invalidArgument('labeled data is empty: self-training needs some labeled samples.');
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
  const known = new Set(labeled.labels);
  if (known.size < 2)
    throw invalidArgument(`labeled data has only one class (${String(labeled.labels[0])}): at least two are needed.`);
  for (const [name, labels] of [
    ['validation', validation?.labels],
    ['unlabeled (hidden)', unlabeled.labels],
  ] as const) {
    const missing = [...new Set(labels ?? [])].filter((l) => !known.has(l));
    if (missing.length > 0) {
      throw invalidArgument(
        `The ${name} labels contain class(es) missing from the labeled data: ${missing.map(String).join(', ')}. Label some samples of each class first.`,
      );
    }
  }
  const threshold = validateThreshold(options.threshold ?? 0.9);
  const minThreshold = validateThreshold(options.minThreshold ?? Math.min(0.5, threshold), 'minThreshold');
  const decayFactor = options.decayFactor ?? 0.9;
  if (!(decayFactor > 0 && decayFactor < 1))
    throw invalidArgument(`decayFactor must be in (0, 1), got ${decayFactor}.`);
  const maxIterations = options.maxIterations ?? 10;
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1))
    throw invalidArgument(`maxIterations must be a positive integer, got ${maxIterations}.`);
  const pseudoLabelWeight = options.pseudoLabelWeight ?? 1;
  if (!(pseudoLabelWeight > 0)) throw invalidArgument(`pseudoLabelWeight must be > 0, got ${pseudoLabelWeight}.`);
  const termination = options.termination ?? 'stop';
  if (!['stop', 'decay', 'exhaust'].includes(termination)) {
    throw invalidArgument(`termination must be 'stop', 'decay' or 'exhaust', got "${termination}".`);
  }
  return {
    threshold,
    perClassThreshold: options.perClassThreshold,
    confidence: options.confidence ?? ('max' as ConfidenceMeasure),
    topK: options.topK,
    balance: options.balance ?? false,
    termination,
    decayFactor,
    minThreshold,
    fallbackTopK: options.fallbackTopK,
    maxIterations,
    retrain: options.retrain ?? 'scratch',
    pseudoLabelWeight,
    restoreBest: options.restoreBest ?? true,
    checkpointDir: options.checkpointDir,
    resume: options.resume ?? true,
    batchSize: options.batchSize ?? 1024,
    signal: options.signal,
    onIteration: options.onIteration,
  };
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
    labels: classes,
    confusionMatrix: cm.matrix.map((r) => [...r]),
  };
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

function compareLabels(a: Label, b: Label): number {
  return typeof a === 'number' && typeof b === 'number'
    ? a - b
    : String(a) < String(b)
      ? -1
      : String(a) > String(b)
        ? 1
        : 0;
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
