/**
 * `MaxPoolGrad` for the cpu backend (NHWC, the layout tfjs-layers uses): routes each output
 * gradient to the first maximum of its window, like the stock kernel, whose `TensorBuffer.get/set`
 * per element made it ~10% of a ResNet training step on cpu.
 */

/** Geometry of a 2-D pooling, from `backend_util.computePool2DInfo`. */
export interface PoolGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/** dx for y = maxPool(x): dx[argmax of each window] += dy[window]. */
export function maxPoolGradValues(x: ArrayLike<number>, dy: ArrayLike<number>, g: PoolGeometry): Float32Array {
  const { inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW } = g;
  const dx = new Float32Array(g.batchSize * H * W * C);
  const best = new Float64Array(C);
  const where = new Int32Array(C);
  for (let b = 0; b < g.batchSize; b++) {
    for (let yR = 0; yR < OH; yR++) {
      const r0 = yR * g.strideHeight - g.padTop;
      for (let yC = 0; yC < OW; yC++) {
        const c0 = yC * g.strideWidth - g.padLeft;
        best.fill(Number.NEGATIVE_INFINITY);
        where.fill(-1);
        // Scan the window in row-major order; strict > keeps the first maximum, as stock does.
        for (let wR = 0; wR < g.filterHeight; wR++) {
          const xR = r0 + wR;
          if (xR < 0 || xR >= H) continue;
          for (let wC = 0; wC < g.filterWidth; wC++) {
            const xC = c0 + wC;
            if (xC < 0 || xC >= W) continue;
            const off = ((b * H + xR) * W + xC) * C;
            for (let d = 0; d < C; d++) {
              const v = x[off + d];
              if (v > best[d]) {
                best[d] = v;
                where[d] = off + d;
              }
            }
          }
        }
        const dyOff = ((b * OH + yR) * OW + yC) * C;
        for (let d = 0; d < C; d++) if (where[d] >= 0) dx[where[d]] += dy[dyOff + d];
      }
    }
  }
  return dx;
}
