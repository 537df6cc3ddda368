/**
 * The fused kernels' numbers, pinned. The default (exact) build promises that a result never
 * changes with the thread count, and that speed work on the kernels leaves single-thread results
 * bit for bit what they were (issue 18). This test records a SHA-256 of everything a forward +
 * backward + input gradient produces for LSTM and GRU layers under every activation pair the
 * kernels special-case, with inputs large enough to reach the activations' clamps and small
 * enough for tanh's series branch. A change that moves one bit anywhere fails here; if a change
 * is meant to alter the numbers, that is a decision to write down (docs/performance.md), and only
 * then are these hashes updated.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { kernelMath, setKernelMath } from '../../src/accel/kernel-math.js';
import { kernelThreads, setKernelThreads } from '../../src/accel/kernel-pool.js';
import { ACTIVATION_CODES, type FusedCellKind, RecurrentKernel } from '../../src/accel/wasm-kernels.js';
import { values } from '../helpers/float-values.js';

const threadsAtStart = kernelThreads();
const mathAtStart = kernelMath();
afterAll(() => {
  setKernelThreads(threadsAtStart);
  setKernelMath(mathAtStart);
});

/** Recorded with the kernels of commit 639b9de (before the issue-18 kernel work of 3 Dec 2026). */
const EXPECTED: Record<string, string> = {
  'lstm(8) tanh/hardSigmoid': '362e7e308f9c8d603c6b7a9633350cd16b7bebab8f9a7d9b8580722cc7f579bf',
  'lstm(8) tanh/sigmoid': '0d8d3c9317966d1d8536ad76c6a3bdeec4ba2bf02c68c26803e004d75fc4c4ca',
  'lstm(8) relu/sigmoid': '4f381919b365292a6a1011da663fc68b12b2c39a2d9f2f699aa3bdb497b91a69',
  'lstm(8) linear/hardSigmoid': '9ba622fcb6c4c58ac40759a674e5e6c91f88ac386da7e56c829cf5040de24d81',
  'lstm(12) tanh/hardSigmoid': 'a8a980d397bc3c2e902f892e386cffe5806d508b7cea89d688d2a42e80914aa2',
  'lstm(12) tanh/sigmoid': 'a33d13a8623e5e01045e0751b570b6dc0c170dcffc9d293a52253d64a2b09898',
  'lstm(12) relu/sigmoid': '0074a508a2b5b66cf688fd839ee8d0a18c84c489743888a0572c76ef282bd44e',
  'lstm(12) linear/hardSigmoid': '31b0b55bc64de34d45326ec10b941d7c01fd2f08defb28e5be483b8a32c5a567',
  'gru(8) tanh/hardSigmoid': 'fb73d2b73a46f9a87087bdb12c7371b0107c069a2c3ecd85d13399e2a9935290',
  'gru(8) tanh/sigmoid': '04c174d59ffc0773412de12b0ca3f7011ab90d36e2a3522140b8eb579a704108',
  'gru(8) relu/sigmoid': '2816d147b38aaf0b7708210b7e40afbd8ce408f51b60806a2e7d2781102add5f',
  'gru(8) linear/hardSigmoid': '8526fc6eb5f5c851d3740d2f44b5e7f876e266644a99b70149c3c94ffd27e8d3',
  'gru(12) tanh/hardSigmoid': '935536b8d559f2296c2cd832147bc3b553176b1b75a386aa9aedbcc5f17afd38',
  'gru(12) tanh/sigmoid': '3f575a0fc5532650c9524d39f410cadcbb611e4151ab362e208fa74d6dac7661',
  'gru(12) relu/sigmoid': '023fc88e9fe327c3d5132cd15c2acf9395896d32be06519ab2e13d0faaefbd8c',
  'gru(12) linear/hardSigmoid': '420bd65fbb3fd7f7a5e10b48aa0df4bcd89593b9351c818cd0a92f8a10d7be64',
};

const PAIRS: [string, string][] = [
  ['tanh', 'hardSigmoid'], // tfjs-layers' defaults, what ulasan's builders use
  ['tanh', 'sigmoid'], // Keras 2.3+ defaults
  ['relu', 'sigmoid'],
  ['linear', 'hardSigmoid'],
];

function digest(
  kind: FusedCellKind,
  H: number,
  activation: string,
  recurrentActivation: string,
  threads: number,
): string {
  setKernelThreads(threads);
  // 20 rows: on 2 threads each part has ≥ 8, enough for the packed product paths; 12 units give
  // the GRU's 36 gate columns the product's remainder columns.
  const B = 20;
  const T = 9;
  const D = 10;
  const G = (kind === 'lstm' ? 4 : 3) * H;
  // Inputs in [-6, 6): with weights in [-1.5, 1.5) the pre-activations span well past ±10 and
  // through 0; the last row's are 20× that, past exp's clamps (±88); row 0 is zeros up to step 4.
  const x = values(B * T * D, 7).map((v, i) => v * (i >= (B - 1) * T * D ? 240 : 12));
  x.fill(0, 0, 4 * D);
  const W = values(D * G, 8).map((v) => v * 3);
  const U = values(H * G, 9).map((v) => v * 3);
  const bias = values(G, 10);
  const hash = createHash('sha256');
  const add = (a: Float32Array) => hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  for (const seq of [true, false]) {
    const kernel = new RecurrentKernel(kind);
    kernel.forward({ batch: B, steps: T, inputDim: D, units: H }, x, W, U, bias, {
      activation: ACTIVATION_CODES[activation] as number,
      recurrentActivation: ACTIVATION_CODES[recurrentActivation] as number,
    });
    add(kernel.output(true));
    const grads = kernel.backward(values(seq ? B * T * H : B * H, seq ? 11 : 12), seq);
    add(grads.dKernel);
    add(grads.dRecurrentKernel);
    add(grads.dBias);
    add(kernel.inputGradient());
  }
  return hash.digest('hex');
}

describe('fused kernel numbers (exact build)', () => {
  for (const kind of ['lstm', 'gru'] as const)
    for (const units of [8, 12])
      for (const [activation, recurrentActivation] of PAIRS) {
        const name = `${kind}(${units}) ${activation}/${recurrentActivation}`;
        it(`${name}: outputs and gradients are bit for bit the recorded ones, on 1 and 2 threads`, () => {
          setKernelMath('exact');
          const one = digest(kind, units, activation, recurrentActivation, 1);
          if (process.env.ULASAN_PRINT_KERNEL_DIGESTS) console.log(`  '${name}': '${one}',`);
          expect(one).toBe(EXPECTED[name]);
          expect(digest(kind, units, activation, recurrentActivation, 2)).toBe(one);
        });
      }
});
