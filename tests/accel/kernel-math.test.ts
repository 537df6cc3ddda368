/**
 * The two builds of the fused kernels (src/accel/kernel-math.ts): `exact` by default, `fma` on
 * request; fma results are close to exact ones, differ in the last bits where the CPU fuses, and
 * are still the same on one thread and several.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { kernelMath, setKernelMath } from '../../src/accel/kernel-math.js';
import { kernelThreads, setKernelThreads } from '../../src/accel/kernel-pool.js';
import { RecurrentKernel } from '../../src/accel/wasm-kernels.js';
import { values } from '../helpers/float-values.js';

const threadsAtStart = kernelThreads();
const mathAtStart = kernelMath();
afterAll(() => {
  setKernelThreads(threadsAtStart);
  setKernelMath(mathAtStart);
});

/** Forward, backward and input gradient of an LSTM the size of the deep models' layers. */
function lstm(threads: number): Float32Array[] {
  setKernelThreads(threads);
  const shape = { batch: 32, steps: 12, inputDim: 100, units: 64 };
  const { batch: B, steps: T, inputDim: D, units: H } = shape;
  const G = 4 * H;
  const kernel = new RecurrentKernel('lstm');
  kernel.forward(shape, values(B * T * D, 1), values(D * G, 2), values(H * G, 3), values(G, 4), {
    activation: 1,
    recurrentActivation: 2,
  });
  const out = kernel.output(true);
  const grads = kernel.backward(values(B * T * H, 5), true);
  return [out, grads.dKernel, grads.dRecurrentKernel, grads.dBias, kernel.inputGradient()];
}

const bits = (arrays: Float32Array[]) => arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
const cpuFuses = (() => {
  try {
    return /^flags\s*:.*\bfma\b/m.test(readFileSync('/proc/cpuinfo', 'utf8')) || process.arch === 'arm64';
  } catch {
    return process.arch === 'arm64';
  }
})();

describe('kernel math', () => {
  it('is exact unless asked, and refuses unknown names', () => {
    if (process.env.ULASAN_KERNEL_MATH === undefined) expect(kernelMath()).toBe('exact');
    expect(() => setKernelMath('fast' as never)).toThrow(/kernel math must be one of exact, fma, got "fast"/);
    const saved = process.env.ULASAN_KERNEL_MATH;
    process.env.ULASAN_KERNEL_MATH = 'FMA';
    try {
      setKernelMath(mathAtStart);
      // the explicit setting wins over the environment; without it the bad value is reported
      expect(kernelMath()).toBe(mathAtStart);
    } finally {
      if (saved === undefined) delete process.env.ULASAN_KERNEL_MATH;
      else process.env.ULASAN_KERNEL_MATH = saved;
    }
  });

  it('fma: close to exact, different in the last bits, and the same bits on 1 and 2 threads', () => {
    setKernelMath('exact');
    const exact = lstm(1);
    setKernelMath('fma');
    expect(kernelMath()).toBe('fma');
    const fma1 = lstm(1);
    const fma2 = lstm(2);
    expect(bits(fma2).map((b, i) => b.equals(bits(fma1)[i] as Buffer))).toEqual(fma1.map(() => true));
    let differing = 0;
    for (const [i, e] of exact.entries()) {
      const f = fma1[i] as Float32Array;
      let scale = 0;
      for (const v of e) scale = Math.max(scale, Math.abs(v));
      for (let j = 0; j < e.length; j++) {
        expect(Math.abs((f[j] as number) - (e[j] as number))).toBeLessThanOrEqual(1e-5 * scale);
        if (f[j] !== e[j]) differing++;
      }
    }
    if (cpuFuses) expect(differing, 'the fma build ran as exact: is relaxed SIMD fused here?').toBeGreaterThan(0);
  });
});
