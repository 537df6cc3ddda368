/**
 * 2-D convolution (and `conv1d`, which tfjs runs as a conv2d of height 1) and its gradients for
 * NHWC (`channelsLast`) data, the layout tfjs-layers always uses internally, lowered to matrix
 * products (im2col): y = cols · W, dW = colsᵀ · dy, dx = col2im(dy · Wᵀ).
 *
 * The stock cpu `Conv2DBackpropFilter` reads every element through `TensorBuffer.get(b, r, c, d)`
 * with the batch loop innermost (a CNN-LSTM step took ~25 s); the stock cpu forward loop runs at
 * ~0.3 GFLOP/s; the wasm backend has no `Conv2DBackpropFilter` at all. The lowered buffers are
 * built per chunk of the batch so they stay around 16 MB.
 */

/** Geometry of one convolution, as computed by `backend_util.computeConv2DInfo`. */
export interface ConvGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * Lowered (im2col) form for batches [b0, b1): colsT[k, p] with k = (fh·FW + fw)·CI + ci and
 * p = ((b − b0)·OH + yR)·OW + yC; zero where the tap falls in the padding. Transposed so that
 * dW = colsT · dy is a plain (non-transposed) matrix product.
 */
export function im2colTransposed(x: ArrayLike<number>, g: ConvGeometry, b0: number, b1: number): Float32Array {
  const { inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW } = g;
  const P = (b1 - b0) * OH * OW;
  const K = g.filterHeight * g.filterWidth * CI;
  const cols = new Float32Array(K * P);
  for (let b = b0; b < b1; b++) {
    for (let yR = 0; yR < OH; yR++) {
      for (let yC = 0; yC < OW; yC++) {
        const p = ((b - b0) * OH + yR) * OW + yC;
        for (let fh = 0; fh < g.filterHeight; fh++) {
          const xR = yR * g.strideHeight + fh * g.dilationHeight - g.padTop;
          if (xR < 0 || xR >= H) continue;
          for (let fw = 0; fw < g.filterWidth; fw++) {
            const xC = yC * g.strideWidth + fw * g.dilationWidth - g.padLeft;
            if (xC < 0 || xC >= W) continue;
            const xOff = ((b * H + xR) * W + xC) * CI;
            const k0 = (fh * g.filterWidth + fw) * CI;
            for (let ci = 0; ci < CI; ci++) cols[(k0 + ci) * P + p] = x[xOff + ci];
          }
        }
      }
    }
  }
  return cols;
}

/**
 * Scatter-adds lowered input gradients dcols[p, k] (batches [b0, b1)) back into dx (all batches),
 * the inverse of {@link im2colTransposed}'s gather.
 */
export function col2imAdd(dcols: ArrayLike<number>, dx: Float32Array, g: ConvGeometry, b0: number, b1: number): void {
  const { inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW } = g;
  const K = g.filterHeight * g.filterWidth * CI;
  for (let b = b0; b < b1; b++) {
    for (let yR = 0; yR < OH; yR++) {
      for (let yC = 0; yC < OW; yC++) {
        const p = ((b - b0) * OH + yR) * OW + yC;
        for (let fh = 0; fh < g.filterHeight; fh++) {
          const xR = yR * g.strideHeight + fh * g.dilationHeight - g.padTop;
          if (xR < 0 || xR >= H) continue;
          for (let fw = 0; fw < g.filterWidth; fw++) {
            const xC = yC * g.strideWidth + fw * g.dilationWidth - g.padLeft;
            if (xC < 0 || xC >= W) continue;
            const xOff = ((b * H + xR) * W + xC) * CI;
            const src = p * K + (fh * g.filterWidth + fw) * CI;
            for (let ci = 0; ci < CI; ci++) dx[xOff + ci] += dcols[src + ci];
          }
        }
      }
    }
  }
}

let chunkFloats = 1 << 22;

/** Sets the lowered-chunk size in values (tests use a tiny one to exercise chunking). */
export function setLoweredChunkFloats(n?: number): void {
  chunkFloats = n ?? 1 << 22;
}

/** Batches per chunk so that one lowered chunk stays near `maxFloats` values (16 MB by default). */
export function batchChunk(g: ConvGeometry, maxFloats = chunkFloats): number {
  const perBatch = g.outHeight * g.outWidth * g.filterHeight * g.filterWidth * g.inChannels;
  return Math.max(1, Math.min(g.batchSize, Math.floor(maxFloats / Math.max(1, perBatch))));
}

/**
 * Lowered (im2col) form for batches [b0, b1) in row order: cols[p, k], so y = cols · W is the
 * convolution's forward pass.
 */
export function im2colRows(x: ArrayLike<number>, g: ConvGeometry, b0: number, b1: number): Float32Array {
  const { inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW } = g;
  const K = g.filterHeight * g.filterWidth * CI;
  const cols = new Float32Array((b1 - b0) * OH * OW * K);
  for (let b = b0; b < b1; b++) {
    for (let yR = 0; yR < OH; yR++) {
      for (let yC = 0; yC < OW; yC++) {
        const row = (((b - b0) * OH + yR) * OW + yC) * K;
        for (let fh = 0; fh < g.filterHeight; fh++) {
          const xR = yR * g.strideHeight + fh * g.dilationHeight - g.padTop;
          if (xR < 0 || xR >= H) continue;
          for (let fw = 0; fw < g.filterWidth; fw++) {
            const xC = yC * g.strideWidth + fw * g.dilationWidth - g.padLeft;
            if (xC < 0 || xC >= W) continue;
            const xOff = ((b * H + xR) * W + xC) * CI;
            const k0 = row + (fh * g.filterWidth + fw) * CI;
            for (let ci = 0; ci < CI; ci++) cols[k0 + ci] = x[xOff + ci];
          }
        }
      }
    }
  }
  return cols;
}

/** C[m, n] = A[m, k] · B[k, n] (or B given as [n, k] with `transposeB`). */
export type MatMul = (
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  transposeB?: boolean,
) => Float32Array;

/** y = conv2d(x, w) through im2col and `matmul`, chunked over the batch. */
export function conv2dForwardLowered(
  x: ArrayLike<number>,
  w: Float32Array,
  g: ConvGeometry,
  matmul: MatMul,
): Float32Array {
  const K = g.filterHeight * g.filterWidth * g.inChannels;
  const CO = g.outChannels;
  const perBatch = g.outHeight * g.outWidth;
  const y = new Float32Array(g.batchSize * perBatch * CO);
  const chunk = batchChunk(g);
  for (let b0 = 0; b0 < g.batchSize; b0 += chunk) {
    const b1 = Math.min(g.batchSize, b0 + chunk);
    y.set(matmul(im2colRows(x, g, b0, b1), w, (b1 - b0) * perBatch, K, CO), b0 * perBatch * CO);
  }
  return y;
}

/** dW = Σ over batch chunks of colsᵀ · dy, through `matmul`. */
export function conv2dFilterGradLowered(
  x: ArrayLike<number>,
  dy: Float32Array,
  g: ConvGeometry,
  matmul: MatMul,
): Float32Array {
  const K = g.filterHeight * g.filterWidth * g.inChannels;
  const CO = g.outChannels;
  const perBatch = g.outHeight * g.outWidth;
  const out = new Float32Array(K * CO);
  const chunk = batchChunk(g);
  for (let b0 = 0; b0 < g.batchSize; b0 += chunk) {
    const b1 = Math.min(g.batchSize, b0 + chunk);
    const p = (b1 - b0) * perBatch;
    const part = matmul(im2colTransposed(x, g, b0, b1), dy.subarray(b0 * perBatch * CO, b1 * perBatch * CO), K, p, CO);
    for (let i = 0; i < part.length; i++) out[i] += part[i];
  }
  return out;
}

/** dx = col2im(dy · Wᵀ), chunked over the batch, through `matmul`. */
export function conv2dInputGradLowered(
  dy: Float32Array,
  w: Float32Array,
  g: ConvGeometry,
  matmul: MatMul,
): Float32Array {
  const K = g.filterHeight * g.filterWidth * g.inChannels;
  const CO = g.outChannels;
  const perBatch = g.outHeight * g.outWidth;
  const dx = new Float32Array(g.batchSize * g.inHeight * g.inWidth * g.inChannels);
  const chunk = batchChunk(g);
  for (let b0 = 0; b0 < g.batchSize; b0 += chunk) {
    const b1 = Math.min(g.batchSize, b0 + chunk);
    const p = (b1 - b0) * perBatch;
    // w is [K, CO], i.e. Wᵀ given as [n, k] for the product dy[p, CO] · Wᵀ[CO, K].
    const dcols = matmul(dy.subarray(b0 * perBatch * CO, b1 * perBatch * CO), w, p, CO, K, true);
    col2imAdd(dcols, dx, g, b0, b1);
  }
  return dx;
}
