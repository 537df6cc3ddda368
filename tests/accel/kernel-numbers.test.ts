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
  'lstm tanh/hardSigmoid': '98fae6543f7db810370b382c450a3da3186a900dd4a7c8ce2441e590d8ee9f76',
  'lstm tanh/sigmoid': 'f3965da58707837cc2ca065dc3849fcfe715aa69470786989eddcd255e61e3c7',
  'lstm relu/sigmoid': 'e23ed1989fc8b7aa85943da3d77d0ac81eb9a83f1b26255c066cb36f1daf94f8',
  'lstm linear/hardSigmoid': '33fa77350db7648ff94965a638bd1a8ca03eb083f18c6dceb20df8c5b99a4a3e',
  'gru tanh/hardSigmoid': '53fab259b0b3e9e66b6a5e5c8ba1f9cf8c1aa8319a33e4a39b8feb72cac67ecd',
  'gru tanh/sigmoid': '14c36eb4f9cac83216e31decad70f46dde3ec7cdb9080edd5a9b6ac83aacf9f0',
  'gru relu/sigmoid': 'bd4c6bf110f6f7eba12c245806b4aab513235283d747dc314eb379e42419abc2',
  'gru linear/hardSigmoid': '93ae5895ed0b32845d45d1d92c4d966f6e265846390697298c7105f15332bfd2',
};

const PAIRS: [string, string][] = [
  ['tanh', 'hardSigmoid'], // tfjs-layers' defaults, what ulasan's builders use
  ['tanh', 'sigmoid'], // Keras 2.3+ defaults
  ['relu', 'sigmoid'],
  ['linear', 'hardSigmoid'],
];

function digest(kind: FusedCellKind, activation: string, recurrentActivation: string, threads: number): string {
  setKernelThreads(threads);
  const B = 6;
  const T = 9;
  const D = 10;
  const H = 8;
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
    for (const [activation, recurrentActivation] of PAIRS) {
      const name = `${kind} ${activation}/${recurrentActivation}`;
      it(`${name}: outputs and gradients are bit for bit the recorded ones, on 1 and 2 threads`, () => {
        setKernelMath('exact');
        const one = digest(kind, activation, recurrentActivation, 1);
        if (process.env.ULASAN_PRINT_KERNEL_DIGESTS) console.log(`  '${name}': '${one}',`);
        expect(one).toBe(EXPECTED[name]);
        expect(digest(kind, activation, recurrentActivation, 2)).toBe(one);
      });
    }
});
