/**
 * Histogram-based decision trees on sparse, non-negative features (TF-IDF, counts), shared by the
 * random forest and gradient boosting.
 *
 * Binning follows LightGBM: every feature's non-zero training values are cut into at most
 * `maxBins` quantile bins; bin 0 is the value zero, which is implicit in a sparse row. A node's
 * histogram is accumulated over the non-zeros of its rows only, and the zero bin is the node total
 * minus the non-zero bins, so building a histogram costs O(non-zeros in the node), never
 * O(features × rows). Split thresholds are stored as real values (midpoints between bins), so a
 * fitted tree predicts on raw CSR rows without the bins.
 */
import { invalidArgument, UlasanError } from '../../../internal/errors.js';
import type { Random } from '../../../internal/random.js';
import type { SparseMatrix } from '../../vectorize/sparse-matrix.js';

/** A sparse matrix with every stored value mapped to its feature's bin. */
export interface BinnedMatrix {
  /** The raw matrix. */
  X: SparseMatrix;
  /** Bin (1..nbins[f]) of each stored value, aligned with `X.data`; 0 for an explicit zero. */
  bins: Uint16Array;
  /** Start of each feature's non-zero bins in a flat histogram. */
  offsets: Int32Array;
  /** Number of non-zero bins per feature. */
  nbins: Int32Array;
  /** Smallest and largest training value in each flat bin (for thresholds). */
  lower: Float64Array;
  /** Largest training value in each flat bin. */
  upper: Float64Array;
  /** Total number of flat bins. */
  totalBins: number;
}

/** Bins the non-zero values of every feature into at most `maxBins` quantile bins. */
export function binMatrix(X: SparseMatrix, maxBins: number): BinnedMatrix {
  if (!(Number.isInteger(maxBins) && maxBins >= 2 && maxBins <= 65535))
    throw invalidArgument(`maxBins must be an integer in 2..65535, got ${maxBins}.`);
  const d = X.cols;
  // Column-wise copy of the values.
  const colPtr = new Int32Array(d + 1);
  for (let p = 0; p < X.nnz; p++) {
    const v = X.data[p]!;
    if (!(v >= 0) || !Number.isFinite(v))
      throw invalidArgument(
        `Tree models need finite, non-negative features (counts or TF-IDF); found ${v}. Check the feature options.`,
      );
    colPtr[X.indices[p]! + 1]! += 1;
  }
  for (let j = 0; j < d; j++) colPtr[j + 1]! += colPtr[j]!;
  const fill = colPtr.slice(0, d);
  const colVals = new Float64Array(X.nnz);
  for (let p = 0; p < X.nnz; p++) colVals[fill[X.indices[p]!]!++] = X.data[p]!;
  const offsets = new Int32Array(d);
  const nbins = new Int32Array(d);
  const lower: number[] = [];
  const upper: number[] = [];
  // Per feature: sorted bin upper edges, for mapping values to bins.
  const edges: Float64Array[] = new Array(d);
  for (let j = 0; j < d; j++) {
    offsets[j] = lower.length;
    const vals = colVals.subarray(colPtr[j]!, colPtr[j + 1]!).filter((v) => v > 0);
    vals.sort();
    const m = vals.length;
    const ups: number[] = [];
    if (m > 0) {
      // Distinct values with counts.
      const uniq: number[] = [];
      const counts: number[] = [];
      for (let q = 0; q < m; q++) {
        if (q === 0 || vals[q] !== vals[q - 1]) {
          uniq.push(vals[q]!);
          counts.push(1);
        } else counts[counts.length - 1]! += 1;
      }
      if (uniq.length <= maxBins) {
        for (const u of uniq) {
          lower.push(u);
          upper.push(u);
          ups.push(u);
        }
      } else {
        // Equal-frequency bins over the non-zero values.
        let acc = 0;
        let start = uniq[0]!;
        for (let u = 0; u < uniq.length; u++) {
          acc += counts[u]!;
          const target = ((ups.length + 1) * m) / maxBins;
          // The last bin's target is m, so at most maxBins bins are closed.
          if (acc >= target || u === uniq.length - 1) {
            lower.push(start);
            upper.push(uniq[u]!);
            ups.push(uniq[u]!);
            if (u + 1 < uniq.length) start = uniq[u + 1]!;
          }
        }
      }
    }
    nbins[j] = ups.length;
    edges[j] = Float64Array.from(ups);
  }
  const bins = new Uint16Array(X.nnz);
  for (let p = 0; p < X.nnz; p++) {
    const v = X.data[p]!;
    bins[p] = v === 0 ? 0 : 1 + lowerBound(edges[X.indices[p]!]!, v);
  }
  return {
    X,
    bins,
    offsets,
    nbins,
    lower: Float64Array.from(lower),
    upper: Float64Array.from(upper),
    totalBins: lower.length,
  };
}

// First index with edges[i] >= v.
function lowerBound(edges: Float64Array, v: number): number {
  let lo = 0;
  let hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A fitted tree in flat arrays; `feature[n] < 0` marks a leaf whose output starts at `value[n]`. */
export interface FlatTree {
  /** Split feature per node (−1 for a leaf). */
  feature: Int32Array;
  /** Threshold per node: `x[feature] <= threshold` goes left. */
  threshold: Float64Array;
  /** Left child per node. */
  left: Int32Array;
  /** Right child per node. */
  right: Int32Array;
  /** Leaf outputs, `outputs` numbers per node (unused for inner nodes). */
  value: Float64Array;
  /** Numbers per leaf output. */
  outputs: number;
}

/** JSON form of a {@link FlatTree}. */
export interface FlatTreeJSON {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
  outputs: number;
}

/** Serializes a tree. */
export function treeToJSON(t: FlatTree): FlatTreeJSON {
  return {
    feature: Array.from(t.feature),
    threshold: Array.from(t.threshold),
    left: Array.from(t.left),
    right: Array.from(t.right),
    value: Array.from(t.value),
    outputs: t.outputs,
  };
}

/** Restores and validates a tree against the number of features. */
export function treeFromJSON(json: unknown, features: number, where: string): FlatTree {
  const j = json as Partial<FlatTreeJSON> | null;
  const bad = (what: string) =>
    new UlasanError('FILE_FORMAT', `${where}: saved tree ${what}; the model file is damaged.`);
  if (!j || typeof j !== 'object') throw bad('is not an object');
  const n = Array.isArray(j.feature) ? j.feature.length : -1;
  if (n < 1) throw bad('has no nodes');
  for (const key of ['threshold', 'left', 'right'] as const)
    if (!Array.isArray(j[key]) || j[key]!.length !== n) throw bad(`"${key}" does not have ${n} entries`);
  const outputs = j.outputs;
  if (!Number.isInteger(outputs) || outputs! < 1 || !Array.isArray(j.value) || j.value.length !== n * outputs!)
    throw bad('has malformed leaf values');
  const t: FlatTree = {
    feature: Int32Array.from(j.feature!),
    threshold: Float64Array.from(j.threshold!),
    left: Int32Array.from(j.left!),
    right: Int32Array.from(j.right!),
    value: Float64Array.from(j.value),
    outputs: outputs!,
  };
  for (let i = 0; i < n; i++) {
    const f = t.feature[i]!;
    if (f >= features) throw bad(`uses feature ${f} but the vectorizer has ${features}`);
    if (f >= 0 && (t.left[i]! <= i || t.right[i]! <= i || t.left[i]! >= n || t.right[i]! >= n))
      throw bad(`node ${i} has invalid children`);
  }
  return t;
}

/** Value of feature `f` in row `i` of a CSR matrix (binary search; 0 when absent). */
export function valueAt(X: SparseMatrix, i: number, f: number): number {
  let lo = X.indptr[i]!;
  let hi = X.indptr[i + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = X.indices[mid]!;
    if (c === f) return X.data[mid]!;
    if (c < f) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

/** Index of the leaf that row `i` of `X` falls into. */
export function leafOf(t: FlatTree, X: SparseMatrix, i: number): number {
  let n = 0;
  while (t.feature[n]! >= 0) n = valueAt(X, i, t.feature[n]!) <= t.threshold[n]! ? t.left[n]! : t.right[n]!;
  return n;
}

/** How a node's statistics are scored. */
export type SplitCriterion =
  | { kind: 'gini'; classes: number }
  | { kind: 'newton'; lambda: number; minChildWeight: number };

/** Options of {@link growTree}. */
export interface GrowOptions {
  /** Scoring: class counts with Gini (stats = k weighted counts) or gradient/hessian (stats = g, h, count). */
  criterion: SplitCriterion;
  /** Maximum depth (root = 0); `Infinity` for none. */
  maxDepth: number;
  /** Maximum number of leaves (best-first growth); `Infinity` for none. */
  maxLeaves: number;
  /** Minimum (weighted) samples in each child. */
  minSamplesLeaf: number;
  /** Minimum (weighted) samples in a node to try splitting it. */
  minSamplesSplit: number;
  /** Minimum gain to split. */
  minGain: number;
  /** Candidate features sampled per node among the non-constant ones (random forest's max_features). */
  featuresPerNode?: number;
  /** Features allowed in this tree (gradient boosting's feature fraction); all when absent. */
  featureMask?: Uint8Array;
  /** Random source for feature sampling. */
  random: Random;
}

interface Candidate {
  node: number;
  start: number;
  end: number;
  depth: number;
  total: Float64Array;
  gain: number;
  feature: number;
  bin: number;
  leftTotal?: Float64Array;
  /** The node's histogram while it is an open leaf (subtraction mode). */
  data?: HistData;
}

/** A node histogram: flat bins × stats, per-feature row weight, and the features it touched. */
interface HistData {
  hist: Float64Array;
  fw: Float64Array;
  touched: Int32Array;
  n: number;
}

/** Most node histograms kept at once when a tree has no leaf limit (memory bound). */
export const MAX_RETAINED_HISTOGRAMS = 16;

/** Reusable buffers for growing many trees on the same binned matrix. */
export class TreeGrower {
  private readonly stamp: Int32Array;
  private stampId = 0;
  private readonly scratch: Int32Array;
  private readonly pool: HistData[] = [];

  constructor(
    private readonly B: BinnedMatrix,
    private readonly S: number,
  ) {
    this.stamp = new Int32Array(B.X.cols).fill(-1);
    this.scratch = new Int32Array(B.X.rows);
  }

  private inUse = 0;

  private acquire(): HistData {
    this.inUse++;
    return (
      this.pool.pop() ?? {
        hist: new Float64Array(Math.max(1, this.B.totalBins) * this.S),
        fw: new Float64Array(this.B.X.cols),
        touched: new Int32Array(this.B.X.cols),
        n: 0,
      }
    );
  }

  private release(data: HistData | undefined): void {
    if (data) {
      this.inUse--;
      this.pool.push(data);
    }
  }

  /**
   * Grows one tree on the rows listed in `rows` (modified in place) with per-row statistics
   * `stats` (`S` numbers per row of the full matrix). `leafValue` turns a leaf's total into its outputs.
   *
   * LightGBM's histogram subtraction: only the smaller child's histogram is accumulated, the larger
   * one is parent − smaller, so peeling a few rows off a big node no longer re-reads the big node.
   * Open leaves keep their histogram; without a leaf limit (random forest) at most
   * {@link MAX_RETAINED_HISTOGRAMS} are kept and the others are rebuilt when split.
   */
  grow(
    rows: Int32Array,
    stats: Float64Array,
    options: GrowOptions,
    outputs: number,
    leafValue: (total: Float64Array, out: Float64Array) => void,
  ): FlatTree {
    this.criterionCache = options.criterion;
    const S = this.S;
    const cap = Number.isFinite(options.maxLeaves) ? Number.POSITIVE_INFINITY : MAX_RETAINED_HISTOGRAMS;
    const feature: number[] = [];
    const threshold: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const values: number[] = [];
    const newNode = (): number => {
      feature.push(-1);
      threshold.push(0);
      left.push(-1);
      right.push(-1);
      for (let o = 0; o < outputs; o++) values.push(0);
      return feature.length - 1;
    };
    const setLeaf = (c: Candidate) => {
      const out = new Float64Array(outputs);
      leafValue(c.total, out);
      for (let o = 0; o < outputs; o++) values[c.node * outputs + o] = out[o]!;
    };
    const candidate = (start: number, end: number, depth: number, total: Float64Array): Candidate => ({
      node: newNode(),
      start,
      end,
      depth,
      total,
      gain: -1,
      feature: -1,
      bin: -1,
    });
    const rootTotal = new Float64Array(S);
    for (let q = 0; q < rows.length; q++) {
      const i = rows[q]!;
      for (let s = 0; s < S; s++) rootTotal[s]! += stats[i * S + s]!;
    }
    const root = candidate(0, rows.length, 0, rootTotal);
    if (this.splittable(root, options)) {
      const data = this.acquire();
      this.build(root, rows, stats, options, data);
      this.scan(root, data, options);
      if (root.feature >= 0) root.data = data;
      else this.release(data);
    }
    const open: Candidate[] = [root];
    let leaves = 1;
    while (open.length > 0) {
      // Best-first: the open leaf with the largest gain (depth-first order is equivalent without a leaf limit).
      let bi = -1;
      for (let q = 0; q < open.length; q++)
        if (open[q]!.feature >= 0 && (bi < 0 || open[q]!.gain > open[bi]!.gain)) bi = q;
      if (bi < 0 || leaves >= options.maxLeaves) break;
      const c = open[bi]!;
      open.splice(bi, 1);
      const mid = this.partition(rows, c.start, c.end, c.feature, c.bin);
      const B = this.B;
      const slot = B.offsets[c.feature]!;
      const lo = c.bin === 0 ? 0 : B.upper[slot + c.bin - 1]!;
      const hi = B.lower[slot + c.bin]!;
      feature[c.node] = c.feature;
      threshold[c.node] = (lo + hi) / 2;
      const rightTotal = c.total.map((v, s) => v - c.leftTotal![s]!);
      const l = candidate(c.start, mid, c.depth + 1, c.leftTotal!);
      const r = candidate(mid, c.end, c.depth + 1, rightTotal);
      left[c.node] = l.node;
      right[c.node] = r.node;
      leaves++;
      const canL = this.splittable(l, options);
      const canR = this.splittable(r, options);
      if (c.data && (canL || canR)) {
        const [small, large] = l.end - l.start <= r.end - r.start ? [l, r] : [r, l];
        const sd = this.acquire();
        this.build(small, rows, stats, options, sd);
        this.subtract(c.data, sd);
        small.data = sd;
        large.data = c.data;
        c.data = undefined;
      } else {
        this.release(c.data);
        c.data = undefined;
      }
      for (const [child, can] of [
        [l, canL],
        [r, canR],
      ] as const) {
        if (can) {
          if (!child.data) {
            const d = this.acquire();
            this.build(child, rows, stats, options, d);
            this.scan(child, d, options);
            this.release(d);
          } else this.scan(child, child.data, options);
        }
        if (child.feature >= 0) {
          open.push(child);
          if (child.data && this.inUse > cap) {
            this.release(child.data);
            child.data = undefined;
          }
        } else {
          this.release(child.data);
          child.data = undefined;
          setLeaf(child);
        }
      }
    }
    for (const c of open) {
      this.release(c.data);
      c.data = undefined;
      setLeaf(c);
    }
    return {
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float64Array.from(values),
      outputs,
    };
  }

  private count(total: Float64Array): number {
    const crit = this.criterionCache!;
    if (crit.kind === 'gini') {
      let n = 0;
      for (let s = 0; s < crit.classes; s++) n += total[s]!;
      return n;
    }
    return total[2]!;
  }

  private criterionCache?: SplitCriterion;

  // Cheap checks before any histogram: depth, size, purity.
  private splittable(c: Candidate, o: GrowOptions): boolean {
    if (c.depth >= o.maxDepth) return false;
    const nNode = this.count(c.total);
    if (nNode < o.minSamplesSplit || nNode < 2 * o.minSamplesLeaf) return false;
    if (o.criterion.kind === 'gini') {
      let nonzero = 0;
      for (let s = 0; s < o.criterion.classes; s++) if (c.total[s]! > 1e-12) nonzero++;
      if (nonzero < 2) return false; // pure node
    }
    return true;
  }

  // Accumulates the node's histogram over the non-zeros of its rows.
  private build(c: Candidate, rows: Int32Array, stats: Float64Array, o: GrowOptions, data: HistData): void {
    const { X, bins, offsets, nbins } = this.B;
    const S = this.S;
    const { hist, fw, touched } = data;
    const stamp = this.stamp;
    const id = ++this.stampId;
    let nTouched = 0;
    const mask = o.featureMask;
    const gini = o.criterion.kind === 'gini';
    for (let q = c.start; q < c.end; q++) {
      const i = rows[q]!;
      const si = i * S;
      let rowWeight = 0;
      if (gini) for (let s = 0; s < S; s++) rowWeight += stats[si + s]!;
      else rowWeight = stats[si + 2]!;
      for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) {
        const b = bins[p]!;
        if (b === 0) continue;
        const f = X.indices[p]!;
        if (mask && mask[f] === 0) continue;
        if (stamp[f] !== id) {
          stamp[f] = id;
          touched[nTouched++] = f;
          hist.fill(0, offsets[f]! * S, (offsets[f]! + nbins[f]!) * S);
          fw[f] = 0;
        }
        fw[f]! += rowWeight;
        const h = (offsets[f]! + b - 1) * S;
        for (let s = 0; s < S; s++) hist[h + s]! += stats[si + s]!;
      }
    }
    data.n = nTouched;
  }

  // parent −= child over the child's features (a child touches a subset of its parent's features).
  private subtract(parent: HistData, child: HistData): void {
    const { offsets, nbins } = this.B;
    const S = this.S;
    for (let t = 0; t < child.n; t++) {
      const f = child.touched[t]!;
      parent.fw[f]! -= child.fw[f]!;
      const a = offsets[f]! * S;
      const b = (offsets[f]! + nbins[f]!) * S;
      for (let h = a; h < b; h++) parent.hist[h]! -= child.hist[h]!;
    }
  }

  private scan(c: Candidate, data: HistData, o: GrowOptions): void {
    c.feature = -1;
    c.gain = -1;
    const { offsets, nbins } = this.B;
    const S = this.S;
    const { hist, fw } = data;
    const nTouched = data.n;
    const touched = data.touched;
    const nNode = this.count(c.total);
    // Candidate features: the touched ones (untouched features are all zero, hence constant here).
    let candidates = touched.subarray(0, nTouched);
    if (o.featuresPerNode !== undefined && o.featuresPerNode < nTouched) {
      // scikit-learn's rule: draw features uniformly without replacement, skipping constant ones,
      // until featuresPerNode non-constant features are found (or none are left).
      const pool = Int32Array.from(touched.subarray(0, nTouched));
      const chosen: number[] = [];
      let remaining = nTouched;
      while (chosen.length < o.featuresPerNode && remaining > 0) {
        const r = o.random.int(remaining);
        const f = pool[r]!;
        pool[r] = pool[remaining - 1]!;
        remaining--;
        if (this.isNonConstant(f, c.total, data)) chosen.push(f);
      }
      candidates = Int32Array.from(chosen);
    }
    const leftAcc = new Float64Array(S);
    const parentScore = this.score(c.total, nNode);
    let bestGain = o.criterion.kind === 'gini' ? 1e-12 : Math.max(o.minGain, 0);
    let bestLeft: Float64Array | undefined;
    for (let t = 0; t < candidates.length; t++) {
      const f = candidates[t]!;
      // Every split sends only non-zero rows right: too few of them and no split can be valid.
      if (fw[f]! < o.minSamplesLeaf || fw[f]! < 1e-9) continue;
      const base = offsets[f]! * S;
      const nb = nbins[f]!;
      // zero bin = node total − non-zero bins
      leftAcc.set(c.total);
      for (let b = 0; b < nb; b++) for (let s = 0; s < S; s++) leftAcc[s]! -= hist[base + b * S + s]!;
      for (let b = 0; b < nb; b++) {
        if (b > 0) for (let s = 0; s < S; s++) leftAcc[s]! += hist[base + (b - 1) * S + s]!;
        const nl = this.count(leftAcc);
        const nr = nNode - nl;
        if (nl < o.minSamplesLeaf || nr < o.minSamplesLeaf || nl < 1e-9 || nr < 1e-9) continue;
        const gain = this.splitScore(leftAcc, c.total, nl, nr) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          c.feature = f;
          c.bin = b;
          bestLeft = Float64Array.from(leftAcc);
        }
      }
    }
    if (c.feature >= 0) {
      c.gain = bestGain;
      c.leftTotal = bestLeft;
    }
  }

  private isNonConstant(f: number, total: Float64Array, data: HistData): boolean {
    // Rows with the feature and rows without it: non-constant for sure.
    if (this.count(total) - data.fw[f]! > 1e-9) return true;
    const { offsets, nbins } = this.B;
    const S = this.S;
    let nonEmpty = 0;
    let nz = 0;
    for (let b = 0; b < nbins[f]!; b++) {
      let n = 0;
      const h = (offsets[f]! + b) * S;
      if (this.criterionCache!.kind === 'gini') for (let s = 0; s < S; s++) n += data.hist[h + s]!;
      else n = data.hist[h + 2]!;
      if (n > 1e-9) {
        nonEmpty++;
        nz += n;
      }
    }
    if (this.count(total) - nz > 1e-9) nonEmpty++;
    return nonEmpty >= 2;
  }

  private score(total: Float64Array, n: number): number {
    const crit = this.criterionCache!;
    if (crit.kind === 'gini') {
      let s = 0;
      for (let k = 0; k < crit.classes; k++) s += total[k]! * total[k]!;
      return s / n;
    }
    return (total[0]! * total[0]!) / (total[1]! + crit.lambda);
  }

  private splitScore(leftT: Float64Array, total: Float64Array, nl: number, nr: number): number {
    const crit = this.criterionCache!;
    if (crit.kind === 'gini') {
      let sl = 0;
      let sr = 0;
      for (let k = 0; k < crit.classes; k++) {
        const l = leftT[k]!;
        const r = total[k]! - l;
        sl += l * l;
        sr += r * r;
      }
      return sl / nl + sr / nr;
    }
    const gl = leftT[0]!;
    const hl = leftT[1]!;
    const gr = total[0]! - gl;
    const hr = total[1]! - hl;
    if (hl < crit.minChildWeight || hr < crit.minChildWeight) return Number.NEGATIVE_INFINITY;
    return (gl * gl) / (hl + crit.lambda) + (gr * gr) / (hr + crit.lambda);
  }

  // Moves rows with bin(feature) <= bin to the front of rows[start:end); returns the boundary.
  private partition(rows: Int32Array, start: number, end: number, f: number, bin: number): number {
    const { X, bins } = this.B;
    const tmp = this.scratch;
    let l = start;
    let r = 0;
    for (let q = start; q < end; q++) {
      const i = rows[q]!;
      let b = 0;
      let lo = X.indptr[i]!;
      let hi = X.indptr[i + 1]! - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const col = X.indices[mid]!;
        if (col === f) {
          b = bins[mid]!;
          break;
        }
        if (col < f) lo = mid + 1;
        else hi = mid - 1;
      }
      if (b <= bin) rows[l++] = i;
      else tmp[r++] = i;
    }
    rows.set(tmp.subarray(0, r), l);
    return l;
  }
}
