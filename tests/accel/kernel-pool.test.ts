/**
 * The recurrent kernels in parts on several threads (src/accel/kernel-pool.ts): the same bits as
 * on one thread for every cell, output mode and an uneven batch split, helpers really used,
 * errors on a helper reported, and the thread setting validated.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { helperThreads, kernelThreads, runParts, setKernelThreads } from '../../src/accel/kernel-pool.js';
import { type FusedCellKind, RecurrentKernel } from '../../src/accel/wasm-kernels.js';
import { values } from '../helpers/float-values.js';

afterAll(() => setKernelThreads(kernelThreadsAtStart));
const kernelThreadsAtStart = kernelThreads();

/** Every array a forward + backward + input gradient produces, for one thread count. */
function run(kind: FusedCellKind, threads: number, returnSequences: boolean): Float32Array[] {
  setKernelThreads(threads);
  const shape = { batch: 37, steps: 9, inputDim: 12, units: 8 };
  const G = (kind === 'lstm' ? 4 : 3) * shape.units;
  const { batch: B, steps: T, inputDim: D, units: H } = shape;
  const kernel = new RecurrentKernel(kind);
  kernel.forward(shape, values(B * T * D, 1), values(D * G, 2), values(H * G, 3), values(G, 4), {
    activation: 1,
    recurrentActivation: 2,
  });
  const out = kernel.output(returnSequences);
  const grads = kernel.backward(values(returnSequences ? B * T * H : B * H, 5), returnSequences);
  return [out, grads.dKernel, grads.dRecurrentKernel, grads.dBias, kernel.inputGradient()];
}

const bits = (arrays: Float32Array[]) => arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));

describe('recurrent kernels on several threads', () => {
  for (const kind of ['lstm', 'gru'] as const) {
    for (const returnSequences of [false, true]) {
      it(`${kind}, returnSequences ${returnSequences}: 2 and 3 threads give one thread's bits`, () => {
        const one = bits(run(kind, 1, returnSequences));
        expect(one[0]?.length).toBeGreaterThan(0);
        for (const threads of [2, 3]) {
          const many = bits(run(kind, threads, returnSequences));
          expect(many.map((b, i) => b.equals(one[i] as Buffer))).toEqual(one.map(() => true));
        }
        // 37 sequences make 4 parts of at least 8 rows: 3 threads used 2 helpers.
        expect(helperThreads()).toBe(2);
      });
    }
  }

  it('reports a kernel that fails on a helper, and keeps working afterwards', () => {
    setKernelThreads(2);
    const kernel = new RecurrentKernel('lstm');
    const shape = { batch: 16, steps: 2, inputDim: 4, units: 4 };
    kernel.forward(shape, values(16 * 2 * 4, 1), values(4 * 16, 2), values(4 * 16, 3), null, {
      activation: 1,
      recurrentActivation: 2,
    });
    const instance = (kernel as unknown as { wasm: Parameters<typeof runParts>[0] }).wasm;
    // input_grad writing far past the end of memory traps on every part.
    const pastTheEnd = 2 ** 31;
    expect(() =>
      runParts(instance, 'input_grad', [64, 4, 16, pastTheEnd, pastTheEnd, pastTheEnd, 0, 0], 64, 2),
    ).toThrow(/out of bounds/);
    expect(run('lstm', 2, false)).toHaveLength(5);
  });

  it('never runs more parts than the layer laid out scratch for', () => {
    setKernelThreads(1);
    const kernel = new RecurrentKernel('gru');
    const shape = { batch: 40, steps: 3, inputDim: 8, units: 8 };
    const x = values(40 * 3 * 8, 1);
    const [w, u, b] = [values(8 * 24, 2), values(8 * 24, 3), values(24, 4)];
    const options = { activation: 1, recurrentActivation: 2 };
    kernel.forward(shape, x, w, u, b, options); // scratch for one part
    const one = kernel.output(true).slice();
    setKernelThreads(4); // raised between calls: the next backward still runs as one part
    const grads = kernel.backward(values(40 * 3 * 8, 5), true);
    expect(grads.dKernel.every(Number.isFinite)).toBe(true);
    kernel.forward(shape, x, w, u, b, options); // now laid out for 4 parts
    expect(Buffer.from(kernel.output(true).buffer).equals(Buffer.from(one.buffer))).toBe(true);
  });

  it('validates the thread count', () => {
    expect(() => setKernelThreads(0)).toThrow(/whole number from 1 to 256/);
    expect(() => setKernelThreads(1.5)).toThrow(/whole number/);
  });
});
