/**
 * Using a GPU (or any faster) backend when one is installed, and falling back clearly when not.
 *
 * ulasan picks the TensorFlow.js backend at run time: `useBackend('auto')` takes the best one that
 * is installed AND works (tensorflow-gpu → webgpu → tensorflow → wasm → cpu), and `backendInfo()`
 * says which one is active and why every better one was skipped. A backend named explicitly
 * (`useBackend('webgpu')`, or `ULASAN_BACKEND=webgpu`) never falls back silently: it works or throws
 * an error with a code (`MISSING_DEPENDENCY`, `BACKEND_UNAVAILABLE`) and the command that fixes it.
 *
 * To use a GPU, install one of the optional peers next to ulasan:
 *   npm install @tensorflow/tfjs-backend-webgpu webgpu      # WebGPU through Dawn (Vulkan on Linux)
 *   npm install @tensorflow/tfjs-node-gpu                   # native libtensorflow with CUDA
 *
 * Quick mode only reports (which backends exist, which is active, a tiny sanity product on each).
 * Full mode also trains the same GRU for one epoch on `cpu` and on the chosen backend and compares
 * seconds per epoch and predictions.
 *
 * Run:  npx tsx examples/gpu-backend.ts [--quick] [--backend auto|webgpu|tensorflow-gpu|wasm|cpu] [--rows 2000]
 */
import { parseArgs } from 'node:util';
import { UlasanError } from 'ulasan';
import { AUTO_ORDER, BACKEND_NAMES, backendInfo, loadTf, useBackend } from 'ulasan/backend';
import { GruClassifier, type Label, readDataset } from 'ulasan/text';
import { dataPath, printTable } from './shared.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    backend: { type: 'string', default: process.env.ULASAN_BACKEND ?? 'auto' },
    rows: { type: 'string', default: '2000' },
  },
});

// --- 1. What is installed and what works ------------------------------------------------------
// Try every backend by name. An explicit name never falls back, so each attempt either works or
// tells us exactly what is missing. (Switching back and forth like this is for the report only;
// an application calls useBackend once.)
const { tf } = await loadTf();
const status: (string | number)[][] = [];
const working: string[] = [];
for (const name of BACKEND_NAMES) {
  try {
    await useBackend(name);
    // A tiny sanity check that the backend computes: a 256×256 product, checked against its sum.
    const t0 = performance.now();
    const sum = tf.tidy(() => tf.sum(tf.matMul(tf.ones([256, 256]), tf.ones([256, 256]))));
    const value = (await sum.data())[0];
    sum.dispose();
    if (value !== 256 ** 3) throw new Error(`matMul sanity check returned ${value}, expected ${256 ** 3}`);
    status.push([name, 'works', `256×256 matMul in ${(performance.now() - t0).toFixed(1)} ms`]);
    working.push(name);
  } catch (error) {
    const code = UlasanError.isInstance(error) ? error.code : 'ERROR';
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    status.push([name, code, message.replaceAll('|', '\\|')]);
  }
}
printTable(['backend', 'status', 'detail'], status);

// --- 2. Choose: what the user asked for, or auto; fall back loudly ------------------------------
try {
  await useBackend(values.backend);
} catch (error) {
  console.error(`\nThe ${values.backend} backend is not usable here:\n  ${(error as Error).message}`);
  console.error('Falling back to auto.');
  await useBackend('auto');
}
const info = backendInfo();
// Which backend NAME was selected: tfjs-node and tfjs-node-gpu both register as "tensorflow", so
// for auto it is the first in AUTO_ORDER that was not skipped.
const chosen = (
  info.requested === 'auto' ? AUTO_ORDER.find((n) => !info.skipped.some((s) => s.name === n)) : info.requested
) as string;
console.log(`\nActive backend: **${chosen}** (tfjs backend "${info.active}"; ${info.reason}).`);
for (const s of info.skipped) console.log(`- skipped ${s.name}: ${s.reason}`);
for (const w of info.warnings) console.log(`- warning: ${w}`);
console.log(
  chosen === 'webgpu' || chosen === 'tensorflow-gpu'
    ? 'A GPU backend is active: every ulasan model will use it.'
    : 'No GPU backend is available: training runs on the CPU (install one of the peers above to use a GPU).',
);

// --- 3. Full mode: the same model, one epoch, cpu vs the chosen backend ---------------------------
if (!values.quick) {
  const data = await readDataset(dataPath('smsa/train_preprocess.tsv'));
  const valid = await readDataset(dataPath('smsa/valid_preprocess.tsv'));
  const n = Number(values.rows);
  const texts = data.texts.slice(0, n);
  const labels: Label[] = data.labels.slice(0, n);
  const rows: (string | number)[][] = [];
  const predictions: Label[][] = [];
  for (const backend of [...new Set(['cpu', chosen])]) {
    await useBackend(backend);
    const model = new GruClassifier({ units: 64, maxLen: 50, epochs: 1, batchSize: 64, earlyStopping: false, seed: 1 });
    const t0 = performance.now();
    await model.fit(texts, labels);
    const seconds = (performance.now() - t0) / 1000;
    const scores = await model.evaluate(valid.texts, valid.labels);
    predictions.push(await model.predict(valid.texts));
    rows.push([backend, seconds.toFixed(1), scores.accuracy, scores.macroF1]);
  }
  printTable(
    [`backend (GRU, 1 epoch on ${texts.length} reviews)`, 'seconds', 'valid accuracy', 'valid macro-F1'],
    rows,
  );
  if (predictions.length === 2) {
    const [a, b] = predictions as [Label[], Label[]];
    const agree = a.filter((label, i) => label === b[i]).length / a.length;
    console.log(
      `\nThe two backends agree on ${(100 * agree).toFixed(1)}% of validation predictions (float rounding differs).`,
    );
  }
}
