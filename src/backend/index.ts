/**
 * `ulasan/backend`: the compute backend, plugged in at runtime.
 *
 * @packageDocumentation
 */
export { useBackend, backendInfo, ensureBackend, BACKEND_NAMES } from './backends.js';
export type { BackendName, BackendInfo } from './backends.js';
export { loadTf } from './tf.js';
export type { TfModules } from './tf.js';
