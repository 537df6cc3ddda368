/**
 * Recurrent models (issue 11): training (forward + backward + Adam) and inference samples/s of
 * LSTM, GRU and CNN-LSTM text models on [128, 50] batches of 100-d inputs (pre-embedded floats, or
 * token ids through an Embedding(20000, 100)), for the stock tfjs layers on `cpu` and `wasm`, our
 * fused layers on `cpu` and `wasm`, and PyTorch CPU on one thread measured in the same run (when
 * `python3 -c 'import torch'` works, e.g. Debian's `python3-torch`). Peak RSS per implementation.
 *
 * Quick mode (~2-3 min on an idle 2-core machine): hidden 64 only, the Embedding variant only for
 * the LSTM, the stock `cpu` layers only for the LSTM (they take seconds per step), 3 repeats.
 * `BENCH_RECURRENT_UNITS=128` (comma-separated) picks other hidden sizes, `BENCH_RECURRENT_KINDS=cnn-lstm`
 * (comma-separated: lstm, gru, cnn-lstm) other models, `BENCH_RECURRENT_REPEATS=9` more repeats.
 *
 * Each row's notes also give samples/s by CPU time (ours and PyTorch's): on a shared machine the
 * wall-clock numbers swing with other jobs, the CPU-time ratio much less.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { useBackend } from '../src/backend/backends.js';
import { installCustomKernels, restoreStockKernels } from '../src/backend/kernels/index.js';
import { loadTf } from '../src/backend/tf.js';
import { fusedConvLayers } from '../src/text/models/deep/fused/fused-conv.js';
import { fusedRecurrentLayers } from '../src/text/models/deep/fused/fused-recurrent.js';
import { type Bench, type BenchRow, median } from './harness.js';

type Tf = Awaited<ReturnType<typeof loadTf>>['tf'];
type Layers = Awaited<ReturnType<typeof loadTf>>['layers'];
type Model = ReturnType<Layers['sequential']>;
type Tensor = ReturnType<Tf['tensor']>;

const VOCAB = 20000;
const DIM = 100;
const BATCH = 128;
const LEN = 50;
const CLASSES = 3;

type Kind = 'lstm' | 'gru' | 'cnn-lstm';
interface Config {
  kind: Kind;
  units: number;
  embedding: boolean;
}
type Impl = 'stock cpu' | 'stock wasm' | 'fused cpu' | 'fused-rnn wasm' | 'fused wasm';

/**
 * `fused-rnn wasm` (CNN-LSTM only) is the state before the fused Conv1D: fused LSTM, stock Conv1D,
 * and the stock wasm kernels that the Conv1D work replaced (measured in the same run as the rest).
 */
const PRE_CONV_STOCK_KERNELS = ['MaxPoolGrad', 'Slice'];

const label = (c: Config) =>
  `${c.kind === 'cnn-lstm' ? `CNN-LSTM(${c.units})` : `${c.kind.toUpperCase()}(${c.units})`}${c.embedding ? ' +Embedding' : ''}`;

async function buildModel(layers: Layers, c: Config, fusedLayers: boolean, fusedConv = fusedLayers): Promise<Model> {
  const L = layers.layers;
  const R = fusedLayers ? await fusedRecurrentLayers() : L;
  const C = fusedConv ? await fusedConvLayers() : L;
  const model = layers.sequential();
  if (c.embedding) model.add(L.embedding({ inputDim: VOCAB, outputDim: DIM, inputLength: LEN, inputShape: [LEN] }));
  const shape = c.embedding ? {} : { inputShape: [LEN, DIM] };
  if (c.kind === 'cnn-lstm') {
    model.add(C.conv1d({ filters: 64, kernelSize: 5, padding: 'same', activation: 'relu', ...shape }));
    model.add(L.maxPooling1d({ poolSize: 2 }));
  }
  const rnnShape = c.kind === 'cnn-lstm' ? {} : shape;
  const rnnArgs = { units: c.units, recurrentInitializer: 'glorotNormal' as const, ...rnnShape };
  model.add(c.kind === 'gru' ? R.gru(rnnArgs) : R.lstm(rnnArgs));
  model.add(L.dense({ units: CLASSES, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}

/** Resets the kernel's peak-RSS counter (Linux), so VmHWM measures one implementation. */
function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux: peak RSS then covers the whole run
  }
}

function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss / 2 ** 20;
}

/** Wall-clock and CPU (user + system) seconds of one call. */
async function seconds(fn: () => unknown): Promise<[number, number]> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await fn();
  const c = process.cpuUsage(c0);
  return [Number(process.hrtime.bigint() - t0) / 1e9, (c.user + c.system) / 1e6];
}

interface Measured {
  train: number;
  infer: number;
  /** samples/s by CPU time: less sensitive than wall time to other jobs on a shared machine. */
  trainCpu: number;
  inferCpu: number;
  rss: number;
}

async function measure(
  tf: Tf,
  layers: Layers,
  c: Config,
  fused: boolean,
  repeats: number,
  fusedConv = fused,
): Promise<Measured> {
  resetPeakRss();
  const x = c.embedding
    ? tf.randomUniform([BATCH, LEN], 0, VOCAB, 'int32', 1)
    : tf.randomNormal([BATCH, LEN, DIM], 0, 1, 'float32', 2);
  const y = tf.oneHot(tf.randomUniform([BATCH], 0, CLASSES, 'int32', 3), CLASSES);
  const model = await buildModel(layers, c, fused, fusedConv);
  const predict = () => tf.tidy(() => (model.predict(x) as Tensor).dataSync());
  const train: [number, number][] = [];
  const infer: [number, number][] = [];
  await model.trainOnBatch(x, y);
  predict();
  for (let i = 0; i < repeats; i++) {
    train.push(await seconds(() => model.trainOnBatch(x, y)));
    infer.push(await seconds(predict));
  }
  const rss = peakRss();
  model.dispose();
  tf.dispose([x, y]);
  const rate = (times: [number, number][], which: 0 | 1) => BATCH / median(times.map((t) => t[which]));
  return { train: rate(train, 0), infer: rate(infer, 0), trainCpu: rate(train, 1), inferCpu: rate(infer, 1), rss };
}

const TORCH_SCRIPT = `
import json, resource, sys, time
import torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1)
torch.manual_seed(0)
cfg = json.loads(sys.argv[1])
class M(nn.Module):
    def __init__(s, kind, units, embedding):
        super().__init__()
        s.emb = nn.Embedding(${VOCAB}, ${DIM}) if embedding else None
        s.conv = nn.Conv1d(${DIM}, 64, 5, padding=2) if kind == 'cnn-lstm' else None
        inp = 64 if s.conv is not None else ${DIM}
        s.rnn = (nn.GRU if kind == 'gru' else nn.LSTM)(inp, units, batch_first=True)
        s.out = nn.Linear(units, ${CLASSES})
    def forward(s, x):
        if s.emb is not None: x = s.emb(x)
        if s.conv is not None: x = F.max_pool1d(torch.relu(s.conv(x.transpose(1, 2))), 2).transpose(1, 2)
        y, _ = s.rnn(x)
        return s.out(y[:, -1])
for c in cfg['configs']:
    m = M(c['kind'], c['units'], c['embedding'])
    opt = torch.optim.Adam(m.parameters())
    x = torch.randint(0, ${VOCAB}, (${BATCH}, ${LEN})) if c['embedding'] else torch.randn(${BATCH}, ${LEN}, ${DIM})
    y = torch.randint(0, ${CLASSES}, (${BATCH},))
    def step():
        opt.zero_grad(); loss = F.cross_entropy(m(x), y); loss.backward(); opt.step()
    def infer():
        with torch.no_grad(): m(x)
    tr, inf, trc, infc = [], [], [], []
    step(); infer()
    for _ in range(cfg['repeats']):
        t = time.perf_counter(); p = time.process_time(); step()
        tr.append(time.perf_counter() - t); trc.append(time.process_time() - p)
        t = time.perf_counter(); p = time.process_time(); infer()
        inf.append(time.perf_counter() - t); infc.append(time.process_time() - p)
    med = lambda v: sorted(v)[len(v) // 2]
    print(json.dumps({'key': c['key'], 'train': ${BATCH} / med(tr), 'infer': ${BATCH} / med(inf),
                      'trainCpu': ${BATCH} / med(trc), 'inferCpu': ${BATCH} / med(infc),
                      'rss': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'version': torch.__version__}))
    sys.stdout.flush()
`;

interface TorchResult {
  train: number;
  infer: number;
  trainCpu: number;
  inferCpu: number;
  rss: number;
  version: string;
}

function runTorch(configs: Config[], repeats: number): { results: Map<string, TorchResult>; note: string } {
  const results = new Map<string, TorchResult>();
  // `python3` first, then the system interpreter (Debian's python3-torch, when a pyenv shim shadows it).
  const python = ['python3', '/usr/bin/python3'].find(
    (p) => spawnSync(p, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0,
  );
  if (!python) {
    return { results, note: 'PyTorch skipped: python3 cannot import torch (apt-get install python3-torch)' };
  }
  const payload = JSON.stringify({ repeats, configs: configs.map((c) => ({ ...c, key: label(c) })) });
  const run = spawnSync(python, ['-c', TORCH_SCRIPT, payload], { encoding: 'utf8', timeout: 1_200_000 });
  for (const line of run.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const r = JSON.parse(line) as TorchResult & { key: string };
    results.set(r.key, r);
  }
  const note = run.status === 0 ? '' : `PyTorch run failed: ${run.stderr.trim().split('\n').at(-1) ?? ''}`;
  return { results, note };
}

/** Hidden sizes: 64 (quick) or 64 and 128, or the comma-separated `BENCH_RECURRENT_UNITS`. */
function unitList(quick: boolean): number[] {
  const env = process.env.BENCH_RECURRENT_UNITS;
  if (env) return env.split(',').map((u) => Number(u.trim()));
  return quick ? [64] : [64, 128];
}

const bench: Bench = async ({ quick, log }) => {
  const { tf, layers } = await loadTf();
  const repeats = Number(process.env.BENCH_RECURRENT_REPEATS) || (quick ? 3 : 7);
  const configs: Config[] = [];
  const kinds = process.env.BENCH_RECURRENT_KINDS?.split(',').map((k) => k.trim());
  for (const embedding of [false, true]) {
    for (const units of unitList(quick)) {
      for (const kind of ['lstm', 'gru', 'cnn-lstm'] as const) {
        if (quick && embedding && kind !== 'lstm') continue;
        if (kinds && !kinds.includes(kind)) continue;
        configs.push({ kind, units, embedding });
      }
    }
  }

  log(`PyTorch CPU (1 thread), ${configs.length} models`);
  const torch = runTorch(configs, repeats);
  if (torch.note) log(torch.note);

  const rows: BenchRow[] = [];
  const impls: Impl[] = ['stock cpu', 'stock wasm', 'fused cpu', 'fused-rnn wasm', 'fused wasm'];
  for (const impl of impls) {
    const [kind, backend] = impl.split(' ') as ['stock' | 'fused' | 'fused-rnn', 'cpu' | 'wasm'];
    await useBackend(backend);
    for (const c of configs) {
      // The stock cpu layers take seconds per step: in quick mode only the headline LSTM.
      if (impl === 'stock cpu' && quick && !(c.kind === 'lstm' && !c.embedding)) continue;
      if (kind === 'fused-rnn' && c.kind !== 'cnn-lstm') continue;
      const reps = impl === 'stock cpu' ? Math.min(repeats, quick ? 1 : 3) : repeats;
      log(`${label(c)} ${impl}: ${reps} steps`);
      if (kind === 'fused-rnn') restoreStockKernels(tf, backend, PRE_CONV_STOCK_KERNELS);
      let m: Measured;
      try {
        m = await measure(tf, layers, c, kind !== 'stock', reps, kind === 'fused');
      } finally {
        if (kind === 'fused-rnn') installCustomKernels(tf, backend);
      }
      const ref = torch.results.get(label(c));
      const shape = `[${BATCH},${LEN}${c.embedding ? '' : `,${DIM}`}]`;
      const cpuNote = (ours: number, theirs: number | undefined) =>
        `; by CPU time ${ours.toFixed(0)} samples/s${theirs ? ` vs PyTorch ${theirs.toFixed(0)} (ratio ${(ours / theirs).toFixed(2)})` : ''}`;
      const note = `median of ${reps}${ref ? '' : `; ${torch.note || 'no PyTorch result'}`}`;
      const refName = ref ? { referenceName: `PyTorch ${ref.version} CPU 1 thread` } : {};
      rows.push(
        {
          name: `${label(c)} train ${shape} ${impl}`,
          metric: 'samples/s',
          value: m.train,
          ...(ref ? { reference: ref.train } : {}),
          ...refName,
          notes: note + cpuNote(m.trainCpu, ref?.trainCpu),
        },
        {
          name: `${label(c)} infer ${shape} ${impl}`,
          metric: 'samples/s',
          value: m.infer,
          ...(ref ? { reference: ref.infer } : {}),
          ...refName,
          notes: note + cpuNote(m.inferCpu, ref?.inferCpu),
        },
        {
          name: `${label(c)} peak RSS ${impl}`,
          metric: 'MiB',
          value: m.rss,
          ...(ref ? { reference: ref.rss } : {}),
          ...(ref ? { referenceName: 'PyTorch process (cumulative)' } : {}),
        },
      );
    }
  }
  return rows;
};

export default bench;
