/**
 * ulasan's custom kernels against the stock tfjs cpu kernels (the reference implementation), on
 * small random inputs: forward values and gradients, on cpu and on wasm.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { backendInfo, useBackend } from '../../src/backend/backends.js';
import { setLoweredChunkFloats } from '../../src/backend/kernels/conv2d.js';
import { CUSTOM_KERNELS } from '../../src/backend/kernels/index.js';
import { loadTf } from '../../src/backend/tf.js';
import { maxRelDiff, take, withStockCpu } from './helpers.js';

let tf: typeof TfCore;
beforeAll(async () => {
  tf = (await loadTf()).tf;
});

const BACKENDS = ['cpu', 'wasm'] as const;

/** Computes `fn` with stock cpu kernels and with ours on `backend`; returns both. */
async function compare(
  backend: (typeof BACKENDS)[number],
  fn: () => TfCore.Tensor[],
): Promise<{ ours: number[][]; stock: number[][] }> {
  const stock = await withStockCpu(tf, () => take(tf.tidy(fn)));
  await useBackend(backend);
  const ours = take(tf.tidy(fn));
  return { ours, stock };
}

function expectClose(ours: number[][], stock: number[][], tol = 1e-5) {
  expect(ours.length).toBe(stock.length);
  for (let i = 0; i < ours.length; i++) expect(maxRelDiff(ours[i], stock[i])).toBeLessThan(tol);
}

describe.each(BACKENDS)('custom kernels on %s', (backend) => {
  it('registers its kernels and lists them in backendInfo()', async () => {
    await useBackend(backend);
    const expected = CUSTOM_KERNELS.filter((k) => k.backends.includes(backend)).map(
      (k) => `${backend}/${k.kernelName}`,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(backendInfo().customKernels).toEqual(expect.arrayContaining(expected));
  });

  it('UnsortedSegmentSum matches stock: float and int, ids out of range dropped', async () => {
    const { ours, stock } = await compare(backend, () => {
      const x = tf.randomNormal([7, 5], 0, 1, 'float32', 11);
      const ids = tf.tensor1d([3, 0, 3, 9, -1, 2, 0], 'int32');
      const xi = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2], 'int32');
      const ids2 = tf.tensor1d([1, 1, 0, 1], 'int32');
      const scalarRows = tf.tensor1d([0.5, 1.5, 2.5, -1], 'float32');
      return [
        tf.unsortedSegmentSum(x, ids, 6),
        tf.unsortedSegmentSum(xi, ids2, 3),
        tf.unsortedSegmentSum(scalarRows, tf.tensor1d([2, 2, 0, 1], 'int32'), 4),
      ];
    });
    expectClose(ours, stock, 1e-6);
    expect(ours[1]).toEqual([5, 6, 1 + 3 + 7, 2 + 4 + 8, 0, 0]);
  });

  it('UnsortedSegmentSum handles 2-D segment ids (the stock cpu kernel throws on them)', async () => {
    await useBackend(backend);
    const [out] = take([
      tf.tidy(() =>
        tf.unsortedSegmentSum(
          tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]),
          tf.tensor2d([0, 2, 2, 1, 0, 5], [2, 3], 'int32') as unknown as TfCore.Tensor1D,
          3,
        ),
      ),
    ]);
    // rows: [1,2]→0 [3,4]→2 [5,6]→2 [7,8]→1 [9,10]→0 [11,12]→dropped (5 ≥ 3)
    expect(out).toEqual([10, 12, 7, 8, 8, 10]);
  });

  it('Embedding gradient (Gather → UnsortedSegmentSum) matches stock, values and gradients', async () => {
    const { ours, stock } = await compare(backend, () => {
      const table = tf.randomNormal([50, 8], 0, 1, 'float32', 1);
      const ids = tf.tensor2d([1, 4, 4, 49, 0, 7, 1, 1, 30, 2, 4, 0], [3, 4], 'int32');
      const w = tf.randomNormal([8], 0, 1, 'float32', 2);
      const f = (t: TfCore.Tensor) => tf.sum(tf.mul(tf.tanh(tf.gather(t, ids)), w));
      const { value, grad } = tf.valueAndGrad(f)(table);
      return [value, grad, tf.gather(table, ids), tf.gather(table, tf.tensor1d([2, 0], 'int32'), 1)];
    });
    expectClose(ours, stock);
    // Rows never looked up get exactly zero gradient.
    expect(ours[1].slice(3 * 8, 4 * 8).every((v) => v === 0)).toBe(true);
  });

  it('leaks no tensors or bytes over repeated gradient steps (shared-data transposes included)', async () => {
    await useBackend(backend);
    const table = tf.variable(tf.randomNormal([30, 4], 0, 1, 'float32', 51));
    const w = tf.variable(tf.randomNormal([3, 4, 5], 0, 1, 'float32', 52));
    const ids = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [2, 4], 'int32');
    const run = () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const e = tf.gather(table, ids) as TfCore.Tensor3D;
          const c = tf.conv1d(e, w as TfCore.Variable<TfCore.Rank.R3>, 1, 'same');
          const [p, q] = tf.split(tf.transpose(tf.transpose(c, [1, 0, 2]), [1, 0, 2]), [2, 3], 2);
          return tf.add(tf.sum(tf.mul(p, 0.5)), tf.sum(tf.div(q, 2))) as TfCore.Scalar;
        });
        return Object.values(grads).map((g) => g.dataSync());
      });
    run();
    const before = tf.memory();
    const dataIds = tf.engine().backend.numDataIds();
    for (let i = 0; i < 3; i++) run();
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    tf.dispose([table, w, ids]);
  });

  it('GatherV2 rejects out-of-range indices like the stock kernel', async () => {
    await useBackend(backend);
    const table = tf.ones([4, 2]);
    const bad = tf.tensor1d([1, 4], 'int32');
    if (backend === 'cpu') expect(() => tf.gather(table, bad).dataSync()).toThrow(/index value 4/);
    table.dispose();
    bad.dispose();
  });

  it.each([
    ['same padding, stride 1', [2, 5, 6, 3], [3, 3, 3, 4], 1, 'same'],
    ['valid padding, stride 2', [2, 7, 9, 2], [3, 2, 2, 5], 2, 'valid'],
    ['same padding, stride [2,1], odd sizes', [1, 9, 11, 3], [3, 2, 3, 4], [2, 1], 'same'],
    [
      'explicit padding',
      [2, 4, 5, 2],
      [2, 2, 2, 3],
      1,
      [
        [0, 0],
        [1, 0],
        [2, 1],
        [0, 0],
      ],
    ],
  ] as const)('conv2d gradients match stock: %s', async (_label, xShape, wShape, strides, pad) => {
    const { ours, stock } = await compare(backend, () => {
      const x = tf.randomNormal(
        xShape as unknown as [number, number, number, number],
        0,
        1,
        'float32',
        3,
      ) as TfCore.Tensor4D;
      const w = tf.randomNormal(
        wShape as unknown as [number, number, number, number],
        0,
        1,
        'float32',
        4,
      ) as TfCore.Tensor4D;
      const f = (a: TfCore.Tensor, b: TfCore.Tensor) =>
        tf.sum(
          tf.square(tf.conv2d(a as TfCore.Tensor4D, b as TfCore.Tensor4D, strides as [number, number], pad as 'same')),
        );
      const [dx, dw] = tf.grads(f)([x, w]);
      return [f(x, w), dx, dw];
    });
    expectClose(ours, stock, 1e-4);
  });

  it('conv2d gradients match stock when the lowered form is split into batch chunks', async () => {
    setLoweredChunkFloats(50);
    try {
      const { ours, stock } = await compare(backend, () => {
        const x = tf.randomNormal([5, 4, 6, 2], 0, 1, 'float32', 41) as TfCore.Tensor4D;
        const w = tf.randomNormal([2, 3, 2, 3], 0, 1, 'float32', 42) as TfCore.Tensor4D;
        const f = (a: TfCore.Tensor, b: TfCore.Tensor) =>
          tf.sum(tf.square(tf.conv2d(a as TfCore.Tensor4D, b as TfCore.Tensor4D, 1, 'same')));
        return tf.grads(f)([x, w]);
      });
      expectClose(ours, stock, 1e-4);
    } finally {
      setLoweredChunkFloats();
    }
  });

  it('conv2d forward, dilated and fused (bias + relu/relu6/elu/linear) match stock', async () => {
    const { ours, stock } = await compare(backend, () => {
      const x = tf.randomNormal([2, 9, 8, 3], 0, 1, 'float32', 91) as TfCore.Tensor4D;
      const w = tf.randomNormal([3, 3, 3, 5], 0, 1, 'float32', 92) as TfCore.Tensor4D;
      const bias = tf.randomNormal([5], 0, 1, 'float32', 93) as TfCore.Tensor1D;
      const out: TfCore.Tensor[] = [tf.conv2d(x, w, 1, 'same', 'NHWC', 2), tf.conv2d(x, w, 1, 'valid', 'NHWC', [1, 2])];
      for (const activation of ['linear', 'relu', 'relu6', 'elu'] as const) {
        out.push(tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', bias, activation }));
        out.push(tf.fused.conv2d({ x, filter: w, strides: 2, pad: 'valid', activation }));
      }
      return out;
    });
    expectClose(ours, stock, 1e-4);
  });

  it('conv1d (the Conv1D layer) gradients match stock, with ReLU zeros in the input', async () => {
    const { ours, stock } = await compare(backend, () => {
      const x = tf.relu(tf.randomNormal([3, 10, 6], 0, 1, 'float32', 5)) as TfCore.Tensor3D;
      const w = tf.randomNormal([3, 6, 4], 0, 1, 'float32', 6) as TfCore.Tensor3D;
      const f = (a: TfCore.Tensor, b: TfCore.Tensor) =>
        tf.sum(tf.tanh(tf.conv1d(a as TfCore.Tensor3D, b as TfCore.Tensor3D, 1, 'same')));
      const [dx, dw] = tf.grads(f)([x, w]);
      return [dx, dw];
    });
    expectClose(ours, stock, 1e-4);
  });
});

describe('cpu data-movement and elementwise kernels match stock exactly', () => {
  it('Transpose: ranks 1–5, size-1 axes, identity and mixed permutations, int32', async () => {
    const cases: [number[], number[]][] = [
      [[7], [0]],
      [
        [20, 9],
        [0, 1],
      ],
      [
        [20, 9],
        [1, 0],
      ],
      [
        [4, 5, 6],
        [1, 0, 2],
      ],
      [
        [4, 5, 6],
        [2, 1, 0],
      ],
      [
        [4, 5, 6],
        [0, 2, 1],
      ],
      [
        [3, 1, 4, 2],
        [2, 0, 3, 1],
      ],
      [
        [2, 3, 1, 4, 2],
        [4, 1, 3, 0, 2],
      ],
      [
        [1, 1, 3],
        [2, 0, 1],
      ],
      [
        [0, 3],
        [1, 0],
      ],
    ];
    const fn = () =>
      cases.flatMap(([shape, perm], i) => [
        tf.transpose(tf.randomNormal(shape, 0, 1, 'float32', i + 1), perm),
        tf.transpose(tf.cast(tf.randomUniform(shape, -50, 50, 'float32', i + 1), 'int32'), perm),
      ]);
    const { ours, stock } = await compare('cpu', fn);
    expect(ours).toEqual(stock);
  });

  it('MaxPoolGrad: valid/same padding, overlapping windows, ties go to the first maximum', async () => {
    const { ours, stock } = await compare('cpu', () => {
      // Rounded values make ties common, so the tie-breaking rule is exercised.
      const x = tf.round(tf.mul(tf.randomNormal([2, 9, 7, 3], 0, 1, 'float32', 81), 2)) as TfCore.Tensor4D;
      const out: TfCore.Tensor[] = [];
      for (const [size, stride, pad] of [
        [2, 2, 'valid'],
        [3, 2, 'same'],
        [3, 1, 'same'],
        [[3, 2], [2, 1], 'valid'],
      ] as const) {
        const pool = (a: TfCore.Tensor) =>
          tf.maxPool(a as TfCore.Tensor4D, size as [number, number], stride as [number, number], pad);
        const weights = tf.randomNormal(pool(x).shape, 0, 1, 'float32', 82);
        out.push(tf.grad((a: TfCore.Tensor) => tf.sum(tf.mul(pool(a), weights)))(x));
      }
      return out;
    });
    expectClose(ours, stock, 1e-6);
  });

  it('Tile: ranks 0–4, size-1 axes, int32', async () => {
    const cases: [number[], number[]][] = [
      [[], []],
      [[5], [3]],
      [
        [2, 3],
        [1, 1],
      ],
      [
        [2, 3],
        [3, 2],
      ],
      [
        [1, 4],
        [5, 1],
      ],
      [
        [3, 1],
        [2, 6],
      ],
      [
        [2, 1, 3],
        [2, 3, 1],
      ],
      [
        [2, 2, 1, 3],
        [1, 2, 4, 2],
      ],
    ];
    const { ours, stock } = await compare('cpu', () =>
      cases.flatMap(([shape, reps], i) => [
        tf.tile(tf.randomNormal(shape, 0, 1, 'float32', i + 60), reps),
        tf.tile(tf.cast(tf.randomUniform(shape, -9, 9, 'float32', i + 70), 'int32'), reps),
      ]),
    );
    expect(ours).toEqual(stock);
  });

  it('Slice and SplitV: non-contiguous slices along every axis', async () => {
    const { ours, stock } = await compare('cpu', () => {
      const x = tf.randomNormal([6, 7, 40], 0, 1, 'float32', 21);
      const gates = tf.randomNormal([5, 12], 0, 1, 'float32', 22);
      return [
        tf.slice(x, [1, 2, 3], [4, 3, 35]),
        tf.slice(x, [0, 0, 10], [6, 7, 5]),
        tf.slice(x, [2, 1, 0], [1, 5, 40]),
        tf.slice(tf.cast(x, 'int32'), [0, 3, 0], [6, 2, 40]),
        ...tf.split(gates, 3, 1),
        ...tf.split(gates, [2, 7, 3], 1),
        ...tf.split(x, [10, 30], 2),
        ...tf.split(x, [1, 5], 0),
      ];
    });
    expect(ours).toEqual(stock);
  });

  it('Add/Sub/Multiply/RealDiv: same shape, scalars, bias rows, and general broadcasts (stock path)', async () => {
    const { ours, stock } = await compare('cpu', () => {
      const a = tf.randomNormal([4, 6], 0, 1, 'float32', 31);
      const b = tf.randomNormal([4, 6], 0, 1, 'float32', 32);
      const row = tf.randomNormal([6], 0, 1, 'float32', 33);
      const col = tf.randomNormal([4, 1], 0, 1, 'float32', 34);
      const _img = tf.randomNormal([2, 3, 4, 6], 0, 1, 'float32', 35);
      const _channel = tf.randomNormal([1, 1, 1, 6], 0, 1, 'float32', 36);
      const s = tf.scalar(0.37);
      const s11 = tf.tensor2d([[1.5]]);
      const ia = tf.tensor1d([7, -3, 9], 'int32');
      const out: TfCore.Tensor[] = [];
      for (const op of [tf.add, tf.sub, tf.mul, tf.div] as const) {
        out.push(
          op(a, b),
          op(a, s),
          op(s, a),
          op(a, row),
          op(row, a),
          op(a, col),
          op(col, row),
          op(a, s11),
          op(s11, a),
        );
      }
      out.push(tf.add(ia, tf.scalar(2, 'int32')), tf.div(ia, tf.scalar(2, 'int32')), tf.div(a, tf.zerosLike(a)));
      return out;
    });
    expect(ours.map((o) => o.map((v) => (Number.isNaN(v) ? 'NaN' : v)))).toEqual(
      stock.map((o) => o.map((v) => (Number.isNaN(v) ? 'NaN' : v))),
    );
    await useBackend('cpu');
    const shape = tf.tidy(() => tf.add(tf.ones([2, 3]), tf.ones([1, 1])).shape);
    expect(shape).toEqual([2, 3]);
  });
});
