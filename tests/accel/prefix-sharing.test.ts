/**
 * Shared prefixes and repeated inputs in the fused recurrent forward passes (kernels.c
 * `shared_prefix`, `distinct_rows`): rows that begin with the same inputs (a pre-padded batch)
 * compute those steps once, and bitwise-equal input rows (repeated tokens) their input projection
 * once. The outputs, the backward pass and the input gradient must be bit for bit what the full
 * computation gives, for both cells, both kernel arithmetics, one thread and several, and batches
 * that share nothing, everything, or more than their padding.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type KernelMath, kernelMath, setKernelMath } from '../../src/accel/kernel-math.js';
import { kernelThreads, setKernelThreads } from '../../src/accel/kernel-pool.js';
import { type FusedCellKind, RecurrentKernel } from '../../src/accel/wasm-kernels.js';
import { values } from '../helpers/float-values.js';

const threadsAtStart = kernelThreads();
const mathAtStart = kernelMath();
afterAll(() => {
  setKernelThreads(threadsAtStart);
  setKernelMath(mathAtStart);
});
afterEach(() => {
  delete process.env.ULASAN_PREFIX_SHARING;
  delete process.env.ULASAN_REPEATED_INPUTS;
});

/**
 * A pre-padded batch [B, T, D]: row b has pad[b] copies of one padding vector, then its own
 * "tokens" drawn from a small vocabulary (so rows may also share real tokens after the padding).
 */
function paddedBatch(B: number, T: number, D: number, pad: (b: number) => number, vocab: number): Float32Array {
  const table = values((vocab + 1) * D, 11);
  const x = new Float32Array(B * T * D);
  let state = 12345;
  const next = () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state >>> 8;
  };
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const token = t < pad(b) ? 0 : 1 + (next() % vocab);
      x.set(table.subarray(token * D, (token + 1) * D), (b * T + t) * D);
    }
  return x;
}

interface Case {
  kind: FusedCellKind;
  units: number;
  x: Float32Array;
  B: number;
  T: number;
  D: number;
}

/** Everything a forward + backward + input gradient produces, and how many steps were shared or repeated. */
function run(
  c: Case,
  threads: number,
  sharing: boolean,
  repeated = sharing,
): { arrays: Float32Array[]; shared: number; repeated: number } {
  setKernelThreads(threads);
  if (sharing) delete process.env.ULASAN_PREFIX_SHARING;
  else process.env.ULASAN_PREFIX_SHARING = '0';
  if (repeated) delete process.env.ULASAN_REPEATED_INPUTS;
  else process.env.ULASAN_REPEATED_INPUTS = '0';
  const { B, T, D, units: H } = c;
  const G = (c.kind === 'lstm' ? 4 : 3) * H;
  const kernel = new RecurrentKernel(c.kind);
  const arrays: Float32Array[] = [];
  // Two forwards on one kernel: the second must not see the first one's shared rows.
  for (const returnSequences of [true, false]) {
    kernel.forward(
      { batch: B, steps: T, inputDim: D, units: H },
      c.x,
      values(D * G, 2),
      values(H * G, 3),
      values(G, 4),
      {
        activation: 1,
        recurrentActivation: 2,
      },
    );
    arrays.push(kernel.output(returnSequences));
    const grads = kernel.backward(values(returnSequences ? B * T * H : B * H, 5), returnSequences);
    arrays.push(grads.dKernel, grads.dRecurrentKernel, grads.dBias, kernel.inputGradient());
  }
  return { arrays, shared: kernel.sharedSteps, repeated: kernel.repeatedSteps };
}

const bits = (arrays: Float32Array[]) => arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));

function expectSameBits(a: Float32Array[], b: Float32Array[]): void {
  const x = bits(a);
  const y = bits(b);
  expect(x.map((buf, i) => buf.equals(y[i] as Buffer))).toEqual(x.map(() => true));
}

const maths: KernelMath[] = ['exact', 'fma'];

describe('shared prefixes and repeated inputs in the recurrent forward pass', () => {
  for (const kind of ['lstm', 'gru'] as const) {
    // 12 units: the GRU's 36 gate columns take the product's 4-wide column remainder.
    for (const units of [8, 12]) {
      for (const math of maths) {
        it(`${kind}(${units}), ${math}: padded rows give the full computation's bits on 1 and 2 threads`, () => {
          setKernelMath(math);
          const B = 37;
          const T = 11;
          const D = 10;
          // Lengths 0..T, a fully padded row (empty text) and two identical rows (duplicates).
          const x = paddedBatch(B, T, D, (b) => (b * 7) % (T + 1), 3);
          x.copyWithin(5 * T * D, 4 * T * D, 5 * T * D);
          const c: Case = { kind, units, x, B, T, D };
          const full = run(c, 1, false);
          expect(full.shared).toBe(0);
          for (const threads of [1, 2]) {
            const shared = run(c, threads, true);
            // At least the padding was shared (each row's pad steps beyond the reference's own 0).
            expect(shared.shared).toBeGreaterThan(B * 3);
            expectSameBits(shared.arrays, full.arrays);
            // Repeated inputs alone (3 tokens: nearly every row repeats one before it).
            const repeated = run(c, threads, false, true);
            expect(repeated.repeated).toBeGreaterThan(B * T - 10);
            expectSameBits(repeated.arrays, full.arrays);
          }
        });
      }
    }
  }

  it('shares nothing when no two rows begin alike, and everything for identical rows', () => {
    setKernelMath('exact');
    const B = 16;
    const T = 6;
    const D = 8;
    const distinct: Case = { kind: 'lstm', units: 8, x: values(B * T * D, 21), B, T, D };
    const a = run(distinct, 2, true);
    expect(a.shared).toBe(0);
    expectSameBits(a.arrays, run(distinct, 1, false).arrays);

    const row = values(T * D, 22);
    const same = new Float32Array(B * T * D);
    for (let b = 0; b < B; b++) same.set(row, b * T * D);
    const identical: Case = { kind: 'gru', units: 8, x: same, B, T, D };
    const b = run(identical, 2, true);
    expect(b.shared).toBe((B - 1) * T);
    expectSameBits(b.arrays, run(identical, 1, false).arrays);
  });

  it('repeated inputs within a row only, as input dropout makes them, give the full bits', () => {
    setKernelMath('exact');
    const B = 12;
    const T = 9;
    const D = 8;
    // Each row: tokens from a 4-word vocabulary times the row's own mask (like Keras' input
    // dropout, the same mask at every step), so rows never share a step but repeat within.
    const x = paddedBatch(B, T, D, (b) => b % 4, 4);
    const masks = values(B * D, 31);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let d = 0; d < D; d++)
          x[(b * T + t) * D + d] = (x[(b * T + t) * D + d] as number) * ((masks[b * D + d] as number) + 1);
    for (const kind of ['lstm', 'gru'] as const) {
      const c: Case = { kind, units: 8, x, B, T, D };
      const full = run(c, 1, false);
      expect(full.repeated).toBe(0);
      for (const threads of [1, 2]) {
        const once = run(c, threads, true);
        expect(once.shared).toBe(0);
        // 9 steps from 4 tokens (and padding) per row: at least 4 repeats in every row.
        expect(once.repeated).toBeGreaterThanOrEqual(B * 4);
        expectSameBits(once.arrays, full.arrays);
      }
    }
  });

  it('treats -0 and 0 as different inputs (bitwise), so results never depend on the sign of zero', () => {
    setKernelMath('exact');
    const B = 8;
    const T = 4;
    const D = 4;
    const x = new Float32Array(B * T * D);
    for (let b = 0; b < B; b++) x[b * T * D] = b % 2 ? -0 : 0;
    const c: Case = { kind: 'lstm', units: 4, x, B, T, D };
    const shared = run(c, 1, true);
    // One sign wins the vote; its other 3 rows share all 4 steps with the reference, the other
    // sign's rows nothing (they begin differently).
    expect(shared.shared).toBe(3 * T);
    expectSameBits(shared.arrays, run(c, 1, false).arrays);
  });
});
