/**
 * Random forest on sparse text features (kind `'random-forest'`): scikit-learn's
 * `RandomForestClassifier` recipe (bootstrap samples, √features candidates per node, Gini, fully
 * grown trees, probabilities averaged over trees) on histogram-binned splits.
 */
import { invalidArgument, throwIfAborted, UlasanError } from '../../../internal/errors.js';
import { Random } from '../../../internal/random.js';
import type { SparseMatrix } from '../../vectorize/sparse-matrix.js';
import { ClassicTextClassifier, type ClassicTextClassifierOptions } from '../classic/classic-text-classifier.js';
import type { TextTrainingData } from '../text-classifier.js';
import { binMatrix, type FlatTree, leafOf, TreeGrower, treeFromJSON, treeToJSON } from './hist-tree.js';

/** Options of {@link RandomForestClassifier}. */
export interface RandomForestOptions extends ClassicTextClassifierOptions {
  /** Number of trees (default 100). */
  nEstimators?: number;
  /** Maximum tree depth (default: unlimited, like scikit-learn). */
  maxDepth?: number;
  /** Minimum (bootstrap-weighted) samples in a leaf (default 1). */
  minSamplesLeaf?: number;
  /** Minimum samples in a node to split it (default 2). */
  minSamplesSplit?: number;
  /**
   * Candidate features per node: `'sqrt'` (default), `'log2'`, `'all'`, a fraction in (0, 1) or a
   * count ≥ 1. Constant features in a node are skipped when drawing, as in scikit-learn.
   */
  maxFeatures?: 'sqrt' | 'log2' | 'all' | number;
  /** Train each tree on a bootstrap sample (default true). */
  bootstrap?: boolean;
  /** Quantile bins per feature for split search (default 32). */
  maxBins?: number;
}

/**
 * Random forest text classifier (kind `'random-forest'`), seeded. Works with every classic feature
 * option, including `featureSelection`, which makes it much faster on large vocabularies.
 *
 * Threads: trees are grown one after another on the calling thread. Worker threads are not used
 * yet: they could only pay with idle cores to spare, which the shared 2-core build machine never
 * had, so the gain could not be measured; see `docs/survey-methods.md`.
 *
 * @example
 * ```ts
 * const rf = new RandomForestClassifier({ nEstimators: 100, seed: 1, featureSelection: { method: 'chi2', k: 5000 } });
 * await rf.fit(train.texts, train.labels);
 * const { accuracy } = await rf.evaluate(valid.texts, valid.labels);
 * ```
 */
export class RandomForestClassifier extends ClassicTextClassifier<RandomForestOptions> {
  /** `'random-forest'`. */
  readonly kind = 'random-forest';
  private trees?: FlatTree[];

  /** Stores the options; training happens in `fit`. */
  constructor(options: RandomForestOptions = {}) {
    super(options);
  }

  /** Number of fitted trees. */
  get treeCount(): number {
    this.checkFitted();
    return this.trees!.length;
  }

  protected async fitMatrix(X: SparseMatrix, data: TextTrainingData, weights: Float64Array): Promise<void> {
    const o = this.options;
    const nEstimators = o.nEstimators ?? 100;
    if (!(Number.isInteger(nEstimators) && nEstimators >= 1))
      throw invalidArgument(`RandomForestClassifier: nEstimators must be a positive integer, got ${nEstimators}.`);
    const k = data.classes.length;
    const binned = binMatrix(X, o.maxBins ?? 32);
    const grower = new TreeGrower(binned, k);
    const random = new Random(data.seed);
    const featuresPerNode = resolveMaxFeatures(o.maxFeatures ?? 'sqrt', X.cols);
    const n = X.rows;
    const stats = new Float64Array(n * k);
    const trees: FlatTree[] = [];
    for (let t = 0; t < nEstimators; t++) {
      throwIfAborted(data.signal, 'Training');
      stats.fill(0);
      const mult = new Float64Array(n);
      if (o.bootstrap === false) mult.fill(1);
      else for (let q = 0; q < n; q++) mult[random.int(n)]! += 1;
      const rows: number[] = [];
      for (let i = 0; i < n; i++) {
        const w = mult[i]! * weights[i]!;
        if (w > 0) {
          rows.push(i);
          stats[i * k + data.y[i]!] = w;
        }
      }
      const tree = grower.grow(
        Int32Array.from(rows),
        stats,
        {
          criterion: { kind: 'gini', classes: k },
          maxDepth: o.maxDepth ?? Number.POSITIVE_INFINITY,
          maxLeaves: Number.POSITIVE_INFINITY,
          minSamplesLeaf: o.minSamplesLeaf ?? 1,
          minSamplesSplit: o.minSamplesSplit ?? 2,
          minGain: 0,
          featuresPerNode,
          random,
        },
        k,
        (total, out) => {
          let sum = 0;
          for (let c = 0; c < k; c++) sum += total[c]!;
          for (let c = 0; c < k; c++) out[c] = sum > 0 ? total[c]! / sum : 1 / k;
        },
      );
      trees.push(tree);
      await data.callbacks?.onEpochEnd?.(t, { trees: t + 1, nodes: tree.feature.length });
      // Yield to the event loop now and then so abort signals and progress can be delivered.
      if (t % 8 === 7) await new Promise((r) => setImmediate(r));
    }
    this.trees = trees;
  }

  protected probaMatrix(X: SparseMatrix): number[][] {
    const trees = this.trees!;
    const k = trees[0]!.outputs;
    const out: number[][] = [];
    for (let i = 0; i < X.rows; i++) {
      const p = new Array<number>(k).fill(0);
      for (const t of trees) {
        const leaf = leafOf(t, X, i);
        for (let c = 0; c < k; c++) p[c]! += t.value[leaf * k + c]!;
      }
      for (let c = 0; c < k; c++) p[c]! /= trees.length;
      out.push(p);
    }
    return out;
  }

  protected modelState(): Record<string, unknown> {
    return { trees: this.trees!.map(treeToJSON) };
  }

  protected restoreModelState(state: Record<string, unknown>, features: number, classes: number): void {
    if (!Array.isArray(state.trees) || state.trees.length === 0)
      throw new UlasanError('FILE_FORMAT', 'RandomForestClassifier: saved model has no "trees".');
    this.trees = state.trees.map((t, i) => {
      const tree = treeFromJSON(t, features, `random forest tree ${i}`);
      if (tree.outputs !== classes)
        throw new UlasanError('FILE_FORMAT', `random forest tree ${i}: expected ${classes} outputs.`);
      return tree;
    });
  }
}

/** Resolves scikit-learn's `max_features` to a count. */
export function resolveMaxFeatures(value: 'sqrt' | 'log2' | 'all' | number, features: number): number {
  if (value === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(features)));
  if (value === 'log2') return Math.max(1, Math.floor(Math.log2(features)));
  if (value === 'all') return features;
  if (typeof value === 'number' && value > 0 && value < 1) return Math.max(1, Math.floor(value * features));
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return Math.min(value, features);
  throw invalidArgument(
    `maxFeatures must be 'sqrt', 'log2', 'all', a fraction in (0, 1) or a positive integer, got ${JSON.stringify(value)}.`,
  );
}
