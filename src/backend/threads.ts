/**
 * How many threads ulasan's own WebAssembly kernels (the fused LSTM/GRU layers) use, and their
 * arithmetic (exact, or fused multiply-add): the settings live with the kernels (src/accel/), and
 * the rest of the library reaches them here, since only the backend may depend on the kernels.
 */
export { type KernelMath, kernelMath, setKernelMath } from '../accel/kernel-math.js';
export { kernelThreads, MAX_DEFAULT_THREADS, setKernelThreads } from '../accel/kernel-pool.js';
