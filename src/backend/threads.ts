/**
 * How many threads ulasan's own WebAssembly kernels (the fused LSTM/GRU layers) use: the setting
 * lives with the kernels (src/accel/kernel-pool.ts); the rest of the library reaches it here,
 * since only the backend may depend on the kernels.
 */
export { kernelThreads, MAX_DEFAULT_THREADS, setKernelThreads } from '../accel/kernel-pool.js';
