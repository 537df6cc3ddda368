/**
 * Which build of the fused kernels does the matrix products of the LSTM, GRU and Conv1D layers.
 *
 * - `exact` (the default): multiply, then add, two roundings per term. The same numbers on every
 *   machine, every thread count, and as in earlier releases.
 * - `fma`: relaxed SIMD's fused multiply-add, one rounding per term. About 1.5× the product
 *   throughput where the CPU has FMA (x86 since 2013, every ARM64), ~10% off a whole LSTM training
 *   job. The numbers differ from `exact` in the last bits (the training curve is the same to 1e-8);
 *   they are still equal across thread counts and runs on one machine, and on a CPU without FMA
 *   V8 computes them as `exact` does.
 *
 * Opt-in because it changes results: a seed no longer reproduces an `exact` run bit for bit.
 */
import { setFlagsFromString } from 'node:v8';
import { KERNELS_FMA_WASM_BASE64 } from './kernels-fma-wasm.js';
import { KERNELS_WASM_BASE64 } from './kernels-wasm.js';

/** The arithmetic of the fused kernels' matrix products. */
export type KernelMath = 'exact' | 'fma';

const KERNEL_MATHS: readonly KernelMath[] = ['exact', 'fma'];

let configured: KernelMath | undefined;
let relaxedSimd: boolean | undefined;

function mathFromEnvironment(): KernelMath | undefined {
  const raw = process.env.ULASAN_KERNEL_MATH;
  if (raw === undefined || raw === '') return undefined;
  if (!(KERNEL_MATHS as readonly string[]).includes(raw)) {
    throw new RangeError(
      `ULASAN_KERNEL_MATH must be one of ${KERNEL_MATHS.join(', ')}, got "${raw}". Unset it for the exact kernels.`,
    );
  }
  return raw as KernelMath;
}

/** The kernels' arithmetic: `setKernelMath`, else `ULASAN_KERNEL_MATH`, else `exact`. */
export function kernelMath(): KernelMath {
  return configured ?? mathFromEnvironment() ?? 'exact';
}

/**
 * Sets the arithmetic of the fused kernels created from now on (a layer keeps the build it started
 * with). `fma` needs WebAssembly relaxed SIMD: Node 22+, or Node 20, where ulasan turns on V8's
 * `--experimental-wasm-relaxed-simd` for it.
 *
 * @throws RangeError for another name; Error when this Node cannot run relaxed SIMD (the kernels
 *   depend on nothing else in ulasan, so these are plain errors, like `setKernelThreads`').
 */
export function setKernelMath(math: KernelMath): void {
  if (!KERNEL_MATHS.includes(math)) {
    throw new RangeError(`kernel math must be one of ${KERNEL_MATHS.join(', ')}, got "${String(math)}".`);
  }
  if (math === 'fma') requireRelaxedSimd();
  configured = math;
}

/** The base64 kernel module for the current {@link kernelMath}. */
export function kernelModuleBase64(): string {
  if (kernelMath() === 'exact') return KERNELS_WASM_BASE64;
  requireRelaxedSimd();
  return KERNELS_FMA_WASM_BASE64;
}

function requireRelaxedSimd(): void {
  if (relaxedSimd === undefined) {
    const validate = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly
      .validate;
    const bytes = Buffer.from(KERNELS_FMA_WASM_BASE64, 'base64');
    // Node 20's V8 (11.3) has relaxed SIMD behind a flag; set before the first compile it applies
    // to every later one, worker threads included. V8 11.4+ (Node 22) ships it.
    relaxedSimd = validate(bytes);
    if (!relaxedSimd) {
      setFlagsFromString('--experimental-wasm-relaxed-simd');
      relaxedSimd = validate(bytes);
    }
  }
  if (!relaxedSimd) {
    throw new Error(
      `The fma kernels need WebAssembly relaxed SIMD, which Node ${process.version} does not run. Use Node 20 or later, or unset ULASAN_KERNEL_MATH for the exact kernels.`,
    );
  }
}
