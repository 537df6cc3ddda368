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
  const yy: number[] = []; // yᵀy of each stored pair (for the initial Hessian scaling)
  const d = new Float64Array(n);
  const alphaHist = new Float64Array(m);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  let iter = 0;
  if (maxAbs(g) <= options.gtol) return { x, value: fx, iterations: 0, converged: true, gradientMax: maxAbs(g) };
  while (iter < options.maxIter) {
    throwIfAborted(options.signal, 'Training');
    // Two-loop recursion d = −H·g, with each update fused with the next dot product (half the
    // passes over the parameter vector, which dominate for large sparse problems).
    d.set(g);
    const L = S.length;
    if (L > 0) {
      let sd = dot(S[L - 1]!, d);
      for (let k = L - 1; k >= 0; k--) {
        const a = rho[k]! * sd;
        alphaHist[k] = a;
        const yk = Y[k]!;
        const sPrev = k > 0 ? S[k - 1]! : undefined;
        if (sPrev) {
          sd = 0;
          for (let i = 0; i < n; i++) {
            const v = d[i]! - a * yk[i]!;
            d[i] = v;
            sd += sPrev[i]! * v;
          }
        } else {
          for (let i = 0; i < n; i++) d[i]! -= a * yk[i]!;
        }
      }
      const gamma = 1 / (rho[L - 1]! * yy[L - 1]!); // sᵀy / yᵀy of the newest pair
      const y0 = Y[0]!;
      let yd = 0;
      for (let i = 0; i < n; i++) {
        const v = d[i]! * gamma;
        d[i] = v;
        yd += y0[i]! * v;
      }
      for (let k = 0; k < L; k++) {
        const c = alphaHist[k]! - rho[k]! * yd;
        const sk = S[k]!;
        const yNext = k + 1 < L ? Y[k + 1]! : undefined;
        if (yNext) {
          yd = 0;
          for (let i = 0; i < n; i++) {
            const v = d[i]! + c * sk[i]!;
            d[i] = v;
            yd += yNext[i]! * v;
          }
        } else {
          for (let i = 0; i < n; i++) d[i]! += c * sk[i]!;
        }
      }
    }
    scale(d, -1);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      yy.length = 0;
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
    if (recycled) {
      rho.shift();
      yy.shift();
    }
    const s = recycled ? recycled[0] : new Float64Array(n);
    const y = recycled ? recycled[1] : new Float64Array(n);
    let sy = 0;
    let yty = 0;
    for (let i = 0; i < n; i++) {
      const si = xNew[i]! - x[i]!;
      const yi = gNew[i]! - g[i]!;
      s[i] = si;
      y[i] = yi;
      sy += si * yi;
      yty += yi * yi;
    }
    if (sy > 1e-12) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      yy.push(yty);
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
