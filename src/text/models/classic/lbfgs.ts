/**
 * Limited-memory BFGS for smooth unconstrained problems (the logistic-regression solver), with a
 * backtracking line search under the Armijo condition and scipy's stopping rules as scikit-learn
 * uses them: max |gradient| ≤ `gtol`, or relative objective decrease ≤ `ftol`.
 */
import { throwIfAborted } from '../../../internal/errors.js';

/** Objective: writes the gradient into `grad` and returns the value. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Result of {@link minimizeLbfgs}. */
export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
  /** Largest gradient component at `x`. */
  gradientMax: number;
}

/** Minimizes `f` from `x0` (not modified). */
export function minimizeLbfgs(
  f: Objective,
  x0: Float64Array,
  options: { maxIter: number; gtol: number; ftol?: number; memory?: number; signal?: AbortSignal },
): LbfgsResult {
  const n = x0.length;
  const m = options.memory ?? 10;
  const ftol = options.ftol ?? 64 * Number.EPSILON;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const alphaHist = new Float64Array(m);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  let iter = 0;
  if (maxAbs(g) <= options.gtol) return { x, value: fx, iterations: 0, converged: true, gradientMax: maxAbs(g) };
  while (iter < options.maxIter) {
    throwIfAborted(options.signal, 'Training');
    // Two-loop recursion: d = -H g.
    d.set(g);
    for (let k = S.length - 1; k >= 0; k--) {
      const a = rho[k]! * dot(S[k]!, d);
      alphaHist[k] = a;
      axpy(-a, Y[k]!, d);
    }
    if (S.length > 0) {
      const last = S.length - 1;
      scale(d, dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!));
    }
    for (let k = 0; k < S.length; k++) {
      const b = rho[k]! * dot(Y[k]!, d);
      axpy(alphaHist[k]! - b, S[k]!, d);
    }
    scale(d, -1);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      d.set(g);
      scale(d, -1);
      slope = dot(g, d);
    }
    let step = S.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1;
    let fNew = 0;
    let accepted = false;
    for (let ls = 0; ls < 50; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * d[i]!;
      fNew = f(xNew, gNew);
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    iter++;
    if (!accepted) break;
    // Reuse the oldest pair's buffers once the memory is full (no per-iteration allocation).
    const recycled = S.length === m ? [S.shift()!, Y.shift()!] : undefined;
    if (recycled) rho.shift();
    const s = recycled ? recycled[0] : new Float64Array(n);
    const y = recycled ? recycled[1] : new Float64Array(n);
    let sy = 0;
    for (let i = 0; i < n; i++) {
      const si = xNew[i]! - x[i]!;
      const yi = gNew[i]! - g[i]!;
      s[i] = si;
      y[i] = yi;
      sy += si * yi;
    }
    if (sy > 1e-12) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const fOld = fx;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
    if (maxAbs(g) <= options.gtol) return { x, value: fx, iterations: iter, converged: true, gradientMax: maxAbs(g) };
    if ((fOld - fx) / Math.max(Math.abs(fOld), Math.abs(fx), 1) <= ftol) {
      return { x, value: fx, iterations: iter, converged: true, gradientMax: maxAbs(g) };
    }
  }
  return { x, value: fx, iterations: iter, converged: maxAbs(g) <= options.gtol, gradientMax: maxAbs(g) };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i]! += a * x[i]!;
}

function scale(x: Float64Array, a: number): void {
  for (let i = 0; i < x.length; i++) x[i]! *= a;
}

function maxAbs(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]!);
    if (v > m) m = v;
  }
  return m;
}
