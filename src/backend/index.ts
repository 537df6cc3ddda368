/**
 * `ulasan/backend`: the compute backend, plugged in at runtime.
 *
 * `cpu` always works; `wasm`, `webgpu`, `tensorflow` and `tensorflow-gpu` are optional peers.
 * {@link useBackend} (or the `ULASAN_BACKEND` environment variable) selects one, `auto` picks the
 * best available, and {@link backendInfo} says what is active and why. Selecting a backend also
 * registers ulasan's fast kernels (the Embedding gradient, convolution gradients) on it.
 *
 * @example
 * ```ts
 * import { useBackend, backendInfo } from 'ulasan/backend';
 * await useBackend(); // ULASAN_BACKEND, or auto
 * console.log(backendInfo());
 * ```
 *
 * @packageDocumentation
 */

export type { BackendInfo, BackendName, SkippedBackend } from './backends.js';
export { AUTO_ORDER, BACKEND_NAMES, backendInfo, ensureBackend, useBackend } from './backends.js';
export type { TfModules } from './tf.js';
export { loadTf } from './tf.js';
export {
  type KernelMath,
  kernelMath,
  kernelThreads,
  MAX_DEFAULT_THREADS,
  setKernelMath,
  setKernelThreads,
} from './threads.js';
