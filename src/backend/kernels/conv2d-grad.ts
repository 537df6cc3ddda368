/**
 * Gradients of a 2-D convolution (and of `conv1d`, which tfjs runs as a conv2d of height 1), for
 * NHWC (`channelsLast`) data, the layout tfjs-layers always uses internally.
 *
 * The stock cpu `Conv2DBackpropFilter` reads every element through `TensorBuffer.get(b, r, c, d)`
 * with the batch loop innermost: a CNN-LSTM step took ~25 s. The wasm backend has no
 * `Conv2DBackpropFilter` at all. These loops walk the output positions once and keep the innermost
 * loop over contiguous output channels, accumulating in float64.
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
 * dW[fh, fw, ci, co] = Σ_{b, yR, yC} x[b, yR·sh + fh·dh − padTop, yC·sw + fw·dw − padLeft, ci] · dy[b, yR, yC, co].
 */
export function conv2dFilterGradValues(x: ArrayLike<number>, dy: ArrayLike<number>, g: ConvGeometry): Float32Array {
  const { inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW, outChannels: CO } = g;
  const acc = new Float64Array(g.filterHeight * g.filterWidth * CI * CO);
  for (let b = 0; b < g.batchSize; b++) {
    for (let yR = 0; yR < OH; yR++) {
      for (let yC = 0; yC < OW; yC++) {
        const dyOff = ((b * OH + yR) * OW + yC) * CO;
        for (let fh = 0; fh < g.filterHeight; fh++) {
          const xR = yR * g.strideHeight + fh * g.dilationHeight - g.padTop;
          if (xR < 0 || xR >= H) continue;
          for (let fw = 0; fw < g.filterWidth; fw++) {
            const xC = yC * g.strideWidth + fw * g.dilationWidth - g.padLeft;
            if (xC < 0 || xC >= W) continue;
            const xOff = ((b * H + xR) * W + xC) * CI;
            const wOff = (fh * g.filterWidth + fw) * CI * CO;
            for (let ci = 0; ci < CI; ci++) {
              const xv = x[xOff + ci];
              // Inputs after ReLU are often exactly zero; skipping them is free and exact.
              if (xv === 0) continue;
              const o = wOff + ci * CO;
              for (let co = 0; co < CO; co++) acc[o + co] += xv * dy[dyOff + co];
            }
          }
        }
      }
    }
  }
  return Float32Array.from(acc);
}

/**
 * dx[b, xR, xC, ci] = Σ over output positions and filter taps that read (xR, xC) of
 * w[fh, fw, ci, co] · dy[b, yR, yC, co].
 */
export function conv2dInputGradValues(dy: ArrayLike<number>, w: ArrayLike<number>, g: ConvGeometry): Float32Array {
  const { inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW, outChannels: CO } = g;
  const acc = new Float64Array(g.batchSize * H * W * CI);
  for (let b = 0; b < g.batchSize; b++) {
    for (let yR = 0; yR < OH; yR++) {
      for (let yC = 0; yC < OW; yC++) {
        const dyOff = ((b * OH + yR) * OW + yC) * CO;
        for (let fh = 0; fh < g.filterHeight; fh++) {
          const xR = yR * g.strideHeight + fh * g.dilationHeight - g.padTop;
          if (xR < 0 || xR >= H) continue;
          for (let fw = 0; fw < g.filterWidth; fw++) {
            const xC = yC * g.strideWidth + fw * g.dilationWidth - g.padLeft;
            if (xC < 0 || xC >= W) continue;
            const xOff = ((b * H + xR) * W + xC) * CI;
            const wOff = (fh * g.filterWidth + fw) * CI * CO;
            for (let ci = 0; ci < CI; ci++) {
              const o = wOff + ci * CO;
              let s = 0;
              for (let co = 0; co < CO; co++) s += w[o + co] * dy[dyOff + co];
              acc[xOff + ci] += s;
            }
          }
        }
      }
    }
  }
  return Float32Array.from(acc);
}
