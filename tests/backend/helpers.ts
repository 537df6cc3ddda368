/** Shared helpers for the backend tests: comparing arrays and running code with stock kernels. */
import type * as TfCore from '@tensorflow/tfjs-core';
import { installCustomKernels, restoreStockKernels } from '../../src/backend/kernels/index.js';

type Tf = typeof TfCore;

/** Largest |a − b| relative to max(1, |b|), element-wise. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(d <= m)) m = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return m;
}

/** Runs `fn` on the cpu backend with the stock tfjs kernels, then puts ours back. */
export async function withStockCpu<T>(tf: Tf, fn: () => T | Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  await tf.setBackend('cpu');
  restoreStockKernels(tf, 'cpu');
  try {
    return await fn();
  } finally {
    installCustomKernels(tf, 'cpu');
    if (previous) await tf.setBackend(previous);
  }
}

/** Reads tensors into plain arrays and disposes them. */
export function take(tensors: TfCore.Tensor[]): number[][] {
  const out = tensors.map((t) => Array.from(t.dataSync()));
  for (const t of tensors) t.dispose();
  return out;
}
