/**
 * `MaxPoolGrad` for the cpu and wasm backends (NHWC, the layout tfjs-layers uses): routes each output
 * gradient to the first maximum of its window, like the stock kernel, whose `TensorBuffer.get/set`
 * per element made it ~10% of a ResNet training step on cpu (and the stock wasm kernel drops the
 * gradients of 1×2 windows, the CNN-LSTM's pooling).
 */
import { simdMaxPoolGrad } from '../../accel/wasm-kernels.js';

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

/**
 * dx for y = maxPool(x): dx[argmax of each window] += dy[window]. Runs the WebAssembly SIMD loop of
 * ulasan's accel kernels (the JavaScript loop took ~4 ms for a CNN-LSTM batch of 128 × 50 × 64).
 */
export function maxPoolGradValues(x: ArrayLike<number>, dy: ArrayLike<number>, g: PoolGeometry): Float32Array {
  return simdMaxPoolGrad(x, dy, g);
}
