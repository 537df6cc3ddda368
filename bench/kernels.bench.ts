/**
 * Kernel benchmark (issue 2):
 * (a) Embedding(20000,100) + GRU(64) training step on a [128, 50] batch on `cpu`: the Embedding's
 *     share of the step, against the same model fed pre-embedded floats, measured in one run with
 *     the two steps interleaved (paired), plus the Embedding kernels alone, stock vs ours;
 * (b) the same step on `wasm`, against `cpu`;
 * (c) a Conv1D CNN-LSTM(64) step, stock vs ours convolution gradients.
 * Also the effect of the data-movement kernels on the GRU step itself (stock vs ours).
 *
 * Quick mode (~2 min) uses fewer repeats and replaces the slowest stock measurements (tens of
 * seconds each) by the stock kernels timed on a slice of the batch and scaled up, as noted.
 */

import { useBackend } from '../src/backend/backends.js';
import { installCustomKernels, restoreStockKernels } from '../src/backend/kernels/index.js';
import { loadTf } from '../src/backend/tf.js';
import { type Bench, type BenchRow, median, peakRssMiB } from './harness.js';

type Tf = Awaited<ReturnType<typeof loadTf>>['tf'];
type Layers = Awaited<ReturnType<typeof loadTf>>['layers'];
type Model = ReturnType<Layers['sequential']>;
type Tensor = ReturnType<Tf['tensor']>;

const VOCAB = 20000;
const DIM = 100;
const BATCH = 128;
const LEN = 50;
const UNITS = 64;

function gruModel(layers: Layers, embedded: boolean): Model {
  const L = layers.layers;
  const rnn = L.gru({
    units: UNITS,
    recurrentInitializer: 'glorotNormal',
    ...(embedded ? { inputShape: [LEN, DIM] } : {}),
  });
  const model = layers.sequential({
    layers: [
      ...(embedded ? [] : [L.embedding({ inputDim: VOCAB, outputDim: DIM, inputLength: LEN })]),
      rnn,
      L.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}

function cnnLstmModel(layers: Layers): Model {
  const L = layers.layers;
  const model = layers.sequential({
    layers: [
      L.embedding({ inputDim: VOCAB, outputDim: DIM, inputLength: LEN }),
      L.conv1d({ filters: 64, kernelSize: 5, padding: 'same', activation: 'relu' }),
      L.maxPooling1d({ poolSize: 2 }),
      L.lstm({ units: UNITS, recurrentInitializer: 'glorotNormal' }),
      L.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}

/**
 * Seconds of process CPU time (user + system) a training step takes. The development machine is
 * shared and heavily loaded, so wall time mostly measures the other jobs; tfjs' cpu backend and
 * the wasm backend in Node (SIMD, no threads) both compute on one thread, so CPU time is the cost
 * of the step. Wall time is kept too and reported in the notes.
 */
const wallTimes = new WeakMap<object, number[]>();
async function stepSeconds(model: Model, x: Tensor, y: Tensor): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await model.trainOnBatch(x, y);
  const c = process.cpuUsage(c0);
  const walls = wallTimes.get(model) ?? [];
  walls.push(Number(process.hrtime.bigint() - t0) / 1e9);
  wallTimes.set(model, walls);
  return (c.user + c.system) / 1e6;
}

function wallNote(model: Model): string {
  const walls = wallTimes.get(model) ?? [];
  return walls.length ? `wall median ${(median(walls) * 1000).toFixed(0)} ms` : '';
}

/** Interleaves steps of the two models `repeats` times after one warm-up each; returns seconds. */
async function paired(
  a: [Model, Tensor, Tensor],
  b: [Model, Tensor, Tensor],
  repeats: number,
): Promise<{ a: number[]; b: number[] }> {
  await stepSeconds(...a);
  await stepSeconds(...b);
  const out = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < repeats; i++) {
    out.a.push(await stepSeconds(...a));
    out.b.push(await stepSeconds(...b));
  }
  return out;
}

/** CPU seconds `fn` takes (see stepSeconds). */
function time(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

/** Times computing a tensor and reading it back, disposing it. */
function timeTensor(tf: Tf, make: () => Tensor): number {
  return time(() => {
    const t = make();
    t.dataSync();
    tf.dispose(t);
  });
}

const bench: Bench = async ({ quick, log }) => {
  const { tf, layers } = await loadTf();
  const rows: BenchRow[] = [];
  const repeats = quick ? 3 : 7;
  const ids = tf.randomUniform([BATCH, LEN], 0, VOCAB, 'int32', 1);
  const floats = tf.randomNormal([BATCH, LEN, DIM], 0, 1, 'float32', 2);
  const y = tf.oneHot(tf.randomUniform([BATCH], 0, 3, 'int32', 3), 3);
  const embStep: Record<string, number> = {};

  // (a) + (b): Embedding share on cpu and wasm.
  for (const backend of ['cpu', 'wasm'] as const) {
    await useBackend(backend);
    const withEmb = gruModel(layers, false);
    const preEmb = gruModel(layers, true);
    log(`${backend}: Embedding+GRU vs pre-embedded GRU, ${repeats} paired steps`);
    const t = await paired([withEmb, ids, y], [preEmb, floats, y], repeats);
    const shares = t.a.map((s, i) => 1 - t.b[i] / s);
    embStep[backend] = median(t.a);
    rows.push(
      {
        name: `Embedding(${VOCAB},${DIM})+GRU(${UNITS}) train step [${BATCH},${LEN}] ${backend}`,
        metric: 'CPU ms/step',
        value: median(t.a) * 1000,
        ...(backend === 'wasm' ? { reference: embStep.cpu * 1000, referenceName: 'cpu' } : {}),
        notes: `CPU time, median of ${repeats}; Adam; ${wallNote(withEmb)}`,
      },
      {
        name: `GRU(${UNITS}) train step fed pre-embedded floats ${backend}`,
        metric: 'CPU ms/step',
        value: median(t.b) * 1000,
        notes: `same run, interleaved with the Embedding model; ${wallNote(preEmb)}`,
      },
      {
        name: `Embedding share of the step ${backend}`,
        metric: '%',
        value: median(shares) * 100,
        notes: `median of paired (1 − pre/with); target < 10% on cpu; per-pair: ${shares.map((s) => (s * 100).toFixed(1)).join(', ')}`,
      },
    );
    withEmb.dispose();
    preEmb.dispose();
  }

  // The Embedding kernels alone, stock vs ours, on the gradient the step produces.
  await useBackend('cpu');
  const dy = tf.randomNormal([BATCH * LEN, DIM], 0, 1, 'float32', 4);
  const flatIds = tf.reshape(ids, [BATCH * LEN]) as Tensor;
  const table = tf.randomNormal([VOCAB, DIM], 0, 1, 'float32', 5);
  const segSum = (n: number) => () => tf.unsortedSegmentSum(dy, flatIds as never, n) as Tensor;
  const gather = () => tf.gather(table, flatIds) as Tensor;
  const oursSeg = median([0, 1, 2, 3, 4].map(() => timeTensor(tf, segSum(VOCAB))));
  const oursGather = median([0, 1, 2, 3, 4].map(() => timeTensor(tf, gather)));
  restoreStockKernels(tf, 'cpu', ['UnsortedSegmentSum', 'GatherV2']);
  const segments = quick ? 25 : 500;
  const stockSegPart = timeTensor(tf, segSum(segments));
  const stockGather = median([0, 1, 2].map(() => timeTensor(tf, gather)));
  installCustomKernels(tf, 'cpu');
  rows.push(
    {
      name: `UnsortedSegmentSum [${BATCH * LEN},${DIM}] → ${VOCAB} segments (Embedding gradient) cpu`,
      metric: 'CPU ms',
      value: oursSeg * 1000,
      reference: (stockSegPart * VOCAB * 1000) / segments,
      referenceName: 'stock, extrapolated',
      notes: `stock is O(segments × size): timed with ${segments} segments (${(stockSegPart * 1000).toFixed(0)} ms) and scaled ×${VOCAB / segments}`,
    },
    {
      name: `GatherV2 [${VOCAB},${DIM}] by ${BATCH * LEN} ids (Embedding forward) cpu`,
      metric: 'CPU ms',
      value: oursGather * 1000,
      reference: stockGather * 1000,
      referenceName: 'stock',
    },
  );

  // GRU step with stock data-movement/elementwise kernels vs ours (no Embedding: feasible stock).
  {
    const pre = gruModel(layers, true);
    await stepSeconds(pre, floats, y);
    const ours = await stepSeconds(pre, floats, y);
    restoreStockKernels(tf, 'cpu');
    await stepSeconds(pre, floats, y);
    const stock: number[] = [];
    for (let i = 0; i < (quick ? 1 : 3); i++) stock.push(await stepSeconds(pre, floats, y));
    installCustomKernels(tf, 'cpu');
    const oursAgain = await stepSeconds(pre, floats, y);
    rows.push({
      name: `GRU(${UNITS}) train step pre-embedded [${BATCH},${LEN}] cpu, all kernels stock vs ours`,
      metric: 'CPU ms/step',
      value: median([ours, oursAgain]) * 1000,
      reference: median(stock) * 1000,
      referenceName: 'stock cpu kernels',
      notes: 'ours: Transpose, Slice, SplitV, Add/Sub/Multiply/RealDiv fast paths',
    });
    pre.dispose();
  }

  // (c) CNN-LSTM: stock vs ours convolution gradients (everything else ours in both).
  const cnnSteps: Record<string, number> = {};
  for (const backend of ['cpu', 'wasm'] as const) {
    await useBackend(backend);
    const model = cnnLstmModel(layers);
    await stepSeconds(model, ids, y);
    const t: number[] = [];
    for (let i = 0; i < (quick ? 2 : 5); i++) t.push(await stepSeconds(model, ids, y));
    cnnSteps[backend] = median(t);
    log(`${backend}: CNN-LSTM step ${(median(t) * 1000).toFixed(0)} ms`);
    if (backend === 'cpu') {
      const convKernels = ['Conv2DBackpropFilter', 'Conv2DBackpropInput'];
      let stock: number;
      let note: string;
      if (quick) {
        // Time the stock gradient kernels on 1/8 of the batch, scale up, and add to our step
        // minus our own kernels on the same slice.
        const slice = 16;
        const x = tf.randomNormal([BATCH / slice, 1, LEN, DIM], 0, 1, 'float32', 6);
        const w = tf.randomNormal([1, 5, DIM, 64], 0, 1, 'float32', 7);
        const grads = tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.conv2d(a as never, b as never, 1, 'same')));
        const run = () => tf.dispose(grads([x, w]).map((g) => g.dataSync()));
        const oursPart = time(run);
        restoreStockKernels(tf, 'cpu', convKernels);
        const stockPart = time(run);
        installCustomKernels(tf, 'cpu');
        stock = median(t) + (stockPart - oursPart) * slice;
        note = `quick: stock conv gradients timed on ${BATCH / slice} of ${BATCH} rows (${(stockPart * 1000).toFixed(0)} ms) and scaled ×${slice}`;
        tf.dispose([x, w]);
      } else {
        restoreStockKernels(tf, 'cpu', convKernels);
        stock = await stepSeconds(model, ids, y);
        installCustomKernels(tf, 'cpu');
        note = 'one full stock step';
      }
      rows.push({
        name: `Embedding+Conv1D(64,k5)+MaxPool+LSTM(${UNITS}) train step [${BATCH},${LEN}] cpu`,
        metric: 'CPU ms/step',
        value: cnnSteps.cpu * 1000,
        reference: stock * 1000,
        referenceName: 'stock conv gradients',
        notes: note,
      });
    } else {
      rows.push({
        name: `Embedding+Conv1D(64,k5)+MaxPool+LSTM(${UNITS}) train step [${BATCH},${LEN}] wasm`,
        metric: 'CPU ms/step',
        value: cnnSteps.wasm * 1000,
        reference: cnnSteps.cpu * 1000,
        referenceName: 'cpu (ours)',
        notes: 'stock wasm cannot train it: no Conv2DBackpropFilter or UnsortedSegmentSum kernel',
      });
    }
    model.dispose();
  }
  rows.push({ name: 'kernels bench peak RSS', metric: 'MiB', value: peakRssMiB() });
  tf.dispose([ids, floats, y, dy, flatIds, table]);
  return rows;
};

export default bench;
