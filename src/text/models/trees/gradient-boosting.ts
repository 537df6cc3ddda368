/**
 * Gradient-boosted trees on sparse text features (kind `'gbdt'`), after LightGBM: softmax
 * multi-class objective (one tree per class per round, Newton leaf values), histogram-binned
 * splits, leaf-wise growth bounded by `numLeaves` and `maxDepth`, `minChildSamples`, feature
 * subsampling per tree, row bagging, and early stopping on validation loss.
 */
import { invalidArgument, throwIfAborted, UlasanError } from '../../../internal/errors.js';
import type { Logs } from '../../../internal/progress.js';
import { Random } from '../../../internal/random.js';
import type { SparseMatrix } from '../../vectorize/sparse-matrix.js';
import { ClassicTextClassifier, type ClassicTextClassifierOptions } from '../classic/classic-text-classifier.js';
import { readVector } from '../classic/features.js';
import type { TextTrainingData } from '../text-classifier.js';
import { binMatrix, type FlatTree, leafOf, TreeGrower, treeFromJSON, treeToJSON } from './hist-tree.js';

/** Options of {@link GradientBoostingClassifier} (LightGBM's names in camelCase where they exist). */
export interface GradientBoostingOptions extends ClassicTextClassifierOptions {
  /** Boosting rounds (default 100); with early stopping, the most. */
  nEstimators?: number;
  /** Shrinkage of each tree (default 0.1). */
  learningRate?: number;
  /** Maximum leaves per tree (default 31). */
  numLeaves?: number;
  /** Maximum depth (default: unlimited, the leaf count bounds the tree). */
  maxDepth?: number;
  /** Minimum rows in a leaf (default 20). */
  minChildSamples?: number;
  /** Minimum hessian sum in a leaf (default 1e-3). */
  minChildWeight?: number;
  /** L2 regularization of leaf values (default 0). */
  lambda?: number;
  /** Minimum gain to split (default 0). */
  minSplitGain?: number;
  /** Fraction of features each tree may use (default 1). */
  featureFraction?: number;
  /** Fraction of rows each round trains on, drawn without replacement (default 1). */
  baggingFraction?: number;
  /** Quantile bins per feature (default 32). */
  maxBins?: number;
  /**
   * Stop when the validation loss has not improved for this many rounds, keeping the best round.
   * Uses `fit`'s `validation` data when given, otherwise holds out `validationFraction` of training.
   */
  earlyStoppingRounds?: number;
  /** Training share held out for early stopping when no validation data is given (default 0.1). */
  validationFraction?: number;
}

/**
 * Gradient-boosted decision trees for text (kind `'gbdt'`), seeded.
 *
 * @example
 * ```ts
 * const gbdt = new GradientBoostingClassifier({ nEstimators: 300, learningRate: 0.1, earlyStoppingRounds: 20 });
 * await gbdt.fit(train.texts, train.labels, { validation: { inputs: valid.texts, labels: valid.labels } });
 * gbdt.bestIteration; // rounds kept
 * ```
 */
export class GradientBoostingClassifier extends ClassicTextClassifier<GradientBoostingOptions> {
  /** `'gbdt'`. */
  readonly kind = 'gbdt';
  private init?: Float64Array;
  private rounds?: FlatTree[][];

  /** Stores the options; training happens in `fit`. */
  constructor(options: GradientBoostingOptions = {}) {
    super(options);
  }

  /** Number of boosting rounds kept (the best round with early stopping). */
  get bestIteration(): number {
    this.checkFitted();
    return this.rounds!.length;
  }

  protected async fitMatrix(X: SparseMatrix, data: TextTrainingData, weights: Float64Array): Promise<void> {
    const o = this.options;
    const nEstimators = o.nEstimators ?? 100;
    const lr = o.learningRate ?? 0.1;
    check(Number.isInteger(nEstimators) && nEstimators >= 1, 'nEstimators must be a positive integer', nEstimators);
    check(lr > 0 && Number.isFinite(lr), 'learningRate must be > 0', lr);
    const featureFraction = o.featureFraction ?? 1;
    const baggingFraction = o.baggingFraction ?? 1;
    check(featureFraction > 0 && featureFraction <= 1, 'featureFraction must be in (0, 1]', featureFraction);
    check(baggingFraction > 0 && baggingFraction <= 1, 'baggingFraction must be in (0, 1]', baggingFraction);
    const k = data.classes.length;
    const random = new Random(data.seed);
    const n = X.rows;

    // Early-stopping data: the validation set, or a held-out share of training.
    let trainRows = Int32Array.from({ length: n }, (_, i) => i);
    let valX: SparseMatrix | undefined;
    let valY: Int32Array | undefined;
    if (o.earlyStoppingRounds !== undefined) {
      check(
        Number.isInteger(o.earlyStoppingRounds) && o.earlyStoppingRounds >= 1,
        'earlyStoppingRounds must be ≥ 1',
        o.earlyStoppingRounds,
      );
      if (data.validation && data.validation.y.length > 0) {
        valX = this.transformTokens(data.validation.tokens);
        valY = data.validation.y;
      } else {
        const frac = o.validationFraction ?? 0.1;
        check(frac > 0 && frac < 1, 'validationFraction must be in (0, 1)', frac);
        const perm = random.permutation(n);
        const nVal = Math.max(1, Math.round(frac * n));
        const held = Int32Array.from(perm.slice(0, nVal)).sort();
        valX = X.selectRows(Array.from(held));
        valY = Int32Array.from(held, (i) => data.y[i]!);
        trainRows = Int32Array.from(perm.slice(nVal)).sort();
      }
    }

    // Initial scores: log class priors (scikit-learn's HistGradientBoosting; LightGBM starts at 0).
    const prior = new Float64Array(k);
    let wSum = 0;
    for (const i of trainRows) {
      prior[data.y[i]!]! += weights[i]!;
      wSum += weights[i]!;
    }
    const init = prior.map((p) => Math.log(Math.max(p / wSum, 1e-15)));
    const F = new Float64Array(n * k);
    for (let i = 0; i < n; i++) F.set(init, i * k);
    const valF = valX ? new Float64Array(valX.rows * k) : undefined;
    if (valF) for (let i = 0; i < valX!.rows; i++) valF.set(init, i * k);

    const binned = binMatrix(X, o.maxBins ?? 32);
    const grower = new TreeGrower(binned, 3);
    const stats = new Float64Array(n * 3);
    const prob = new Float64Array(k);
    const factor = k / (k - 1); // LightGBM's multiclass hessian factor
    const rounds: FlatTree[][] = [];
    let best = { loss: Number.POSITIVE_INFINITY, round: 0 };
    const history: Logs[] = [];
    const mask = featureFraction < 1 ? new Uint8Array(X.cols) : undefined;
    const nBag = Math.max(1, Math.round(baggingFraction * trainRows.length));
    for (let round = 0; round < nEstimators; round++) {
      throwIfAborted(data.signal, 'Training');
      const rows = baggingFraction < 1 ? sampleRows(trainRows, nBag, random) : trainRows;
      const trees: FlatTree[] = [];
      // Gradients for all classes from the scores before this round (LightGBM's multiclass update).
      const grad = new Float64Array(n * k);
      const hess = new Float64Array(n * k);
      for (const i of rows) {
        softmaxInto(F, i * k, k, prob);
        const w = weights[i]!;
        for (let c = 0; c < k; c++) {
          const p = prob[c]!;
          grad[i * k + c] = (p - (data.y[i] === c ? 1 : 0)) * w;
          hess[i * k + c] = Math.max(factor * p * (1 - p), 1e-16) * w;
        }
      }
      for (let c = 0; c < k; c++) {
        if (mask) {
          mask.fill(0);
          const m = Math.max(1, Math.round(featureFraction * X.cols));
          for (const j of random.permutation(X.cols).slice(0, m)) mask[j] = 1;
        }
        for (const i of rows) {
          stats[i * 3] = grad[i * k + c]!;
          stats[i * 3 + 1] = hess[i * k + c]!;
          stats[i * 3 + 2] = 1;
        }
        const lambda = o.lambda ?? 0;
        const tree = grower.grow(
          Int32Array.from(rows),
          stats,
          {
            criterion: { kind: 'newton', lambda, minChildWeight: o.minChildWeight ?? 1e-3 },
            maxDepth: o.maxDepth ?? Number.POSITIVE_INFINITY,
            maxLeaves: o.numLeaves ?? 31,
            minSamplesLeaf: o.minChildSamples ?? 20,
            minSamplesSplit: 2 * (o.minChildSamples ?? 20),
            minGain: o.minSplitGain ?? 0,
            ...(mask ? { featureMask: mask } : {}),
            random,
          },
          1,
          (total, out) => {
            out[0] = (-lr * total[0]!) / (total[1]! + lambda);
          },
        );
        trees.push(tree);
        for (let i = 0; i < n; i++) F[i * k + c]! += tree.value[leafOf(tree, X, i)]!;
        if (valF) for (let i = 0; i < valX!.rows; i++) valF[i * k + c]! += tree.value[leafOf(tree, valX!, i)]!;
      }
      rounds.push(trees);
      const logs: Logs = { loss: logLoss(F, data.y, k, trainRows) };
      if (valF) {
        const valLoss = logLoss(valF, valY!, k);
        logs.valLoss = valLoss;
        if (valLoss < best.loss - 1e-12) best = { loss: valLoss, round: round + 1 };
      }
      history.push(logs);
      await data.callbacks?.onEpochEnd?.(round, logs);
      if (valF && round + 1 - best.round >= o.earlyStoppingRounds!) break;
      if (round % 4 === 3) await new Promise((r) => setImmediate(r));
    }
    this.init = init;
    this.rounds = valF ? rounds.slice(0, Math.max(1, best.round)) : rounds;
    this.history = history;
  }

  protected probaMatrix(X: SparseMatrix): number[][] {
    const k = this.init!.length;
    const out: number[][] = [];
    const F = new Float64Array(k);
    const p = new Float64Array(k);
    for (let i = 0; i < X.rows; i++) {
      F.set(this.init!);
      for (const trees of this.rounds!) for (let c = 0; c < k; c++) F[c]! += trees[c]!.value[leafOf(trees[c]!, X, i)]!;
      softmaxInto(F, 0, k, p);
      out.push(Array.from(p));
    }
    return out;
  }

  protected modelState(): Record<string, unknown> {
    return { init: Array.from(this.init!), rounds: this.rounds!.map((r) => r.map(treeToJSON)) };
  }

  protected restoreModelState(state: Record<string, unknown>, features: number, classes: number): void {
    this.init = readVector(state.init, classes, 'init');
    if (!Array.isArray(state.rounds) || state.rounds.length === 0)
      throw new UlasanError('FILE_FORMAT', 'GradientBoostingClassifier: saved model has no "rounds".');
    this.rounds = state.rounds.map((r, i) => {
      if (!Array.isArray(r) || r.length !== classes)
        throw new UlasanError(
          'FILE_FORMAT',
          `GradientBoostingClassifier: saved round ${i} must hold ${classes} trees.`,
        );
      return r.map((t, c) => treeFromJSON(t, features, `gbdt round ${i} class ${c}`));
    });
  }
}

function check(ok: boolean, what: string, value: unknown): void {
  if (!ok) throw invalidArgument(`GradientBoostingClassifier: ${what}, got ${JSON.stringify(value)}.`);
}

function softmaxInto(F: Float64Array, at: number, k: number, out: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < k; c++) if (F[at + c]! > max) max = F[at + c]!;
  let sum = 0;
  for (let c = 0; c < k; c++) {
    out[c] = Math.exp(F[at + c]! - max);
    sum += out[c]!;
  }
  for (let c = 0; c < k; c++) out[c]! /= sum;
}

function logLoss(F: Float64Array, y: ArrayLike<number>, k: number, rows?: Int32Array): number {
  const p = new Float64Array(k);
  let s = 0;
  const n = rows ? rows.length : y.length;
  for (let q = 0; q < n; q++) {
    const i = rows ? rows[q]! : q;
    softmaxInto(F, i * k, k, p);
    s -= Math.log(Math.max(p[y[i]!]!, 1e-15));
  }
  return s / n;
}

function sampleRows(rows: Int32Array, m: number, random: Random): Int32Array {
  const perm = random.permutation(rows.length).slice(0, m);
  return Int32Array.from(perm, (q) => rows[q]!).sort();
}
