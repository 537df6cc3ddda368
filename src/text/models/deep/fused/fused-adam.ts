/**
 * Adam in one pass per variable on the wasm backend (issue 18).
 *
 * tfjs' `AdamOptimizer.applyGradients` runs ~10 whole-tensor operations per variable and step, each
 * with a fresh output in the heap: for the 30,000 × 100 embedding of a review model that is ~8 ms a
 * step, ~1.4 s of a two-epoch LSTM job. `fuseAdam` replaces it, on one optimizer, with `adam.c`
 * run on the tensors in the wasm heap (moments in place, new weights into one fresh tensor each),
 * with the same float32 arithmetic in the same order: weights and moments are bit for bit tfjs'
 * (tests/text/deep/fused-adam.test.ts). The moments stay tfjs variables in the optimizer's own
 * slots, so checkpoints (optimizers.ts) see no difference. Anywhere else (another backend, a
 * threaded wasm build with a shared heap, moments whose data another tensor shares,
 * `ULASAN_FUSED_ADAM=0`) the stock method runs.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import { type AdamConstants, heapAdam } from '../../../../accel/heap-adam.js';
import type { WasmMemory } from '../../../../accel/wasm-loader.js';

type Tf = typeof TfCore;
type Tensor = TfCore.Tensor;
type Variable = TfCore.Variable;

interface Slot {
  originalName: string;
  variable: Variable;
}

/** The AdamOptimizer fields tfjs 4.x keeps (read by optimizers.ts too). */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: (Slot | undefined)[];
  accumulatedSecondMoment: (Slot | undefined)[];
  applyGradients(variableGradients: TfCore.NamedTensorMap | { name: string; tensor: Tensor }[]): void;
  incrementIterations(): void;
}

/** The BackendWasm internals the in-place step needs. */
interface WasmBackendInternals {
  wasm?: { asm?: { memory?: unknown } };
  dataIdMap: { get(dataId: object): { memoryOffset: number; refCount: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TfCore.TensorInfo;
}

/** Makes `optimizer` (a tfjs Adam) apply its steps with the fused in-place kernel where it can. */
export function fuseAdam(tf: Tf, optimizer: TfCore.Optimizer): void {
  const adam = optimizer as unknown as AdamInternals;
  const stock = adam.applyGradients.bind(adam);
  adam.applyGradients = (variableGradients) => {
    // minimize() passes a list of {name, tensor}; applyGradients also takes a name → tensor map.
    const list = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
    if (!applyFused(tf, adam, list)) stock(variableGradients);
  };
}

/** One step in place; false (nothing changed) when this step cannot run fused. */
function applyFused(tf: Tf, adam: AdamInternals, list: { name: string; tensor: Tensor | undefined }[]): boolean {
  if (process.env.ULASAN_FUSED_ADAM === '0' || tf.getBackend() !== 'wasm') return false;
  const backend = tf.backend() as unknown as WasmBackendInternals;
  const memory = backend.wasm?.asm?.memory as WasmMemory | undefined;
  if (typeof memory?.grow !== 'function' || !(memory.buffer instanceof ArrayBuffer)) return false;
  const names = list.map((entry) => entry.name);
  const variables = names.map((name) => tf.engine().registeredVariables[name] as Variable | undefined);
  for (const [i, { tensor: gradient }] of list.entries()) {
    const value = variables[i];
    if (value?.dtype !== 'float32') return false;
    if (gradient && (gradient.dtype !== 'float32' || gradient.size !== value.size)) return false;
  }
  // Moments are created as tfjs does (zeros, non-trainable variables named <variable>/m and /v).
  names.forEach((name, i) => {
    const value = variables[i] as Variable;
    for (const [slots, suffix] of [
      [adam.accumulatedFirstMoment, 'm'],
      [adam.accumulatedSecondMoment, 'v'],
    ] as const) {
      slots[i] ??= { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
    }
  });
  // The moments change in place, which is only safe on data no other tensor shares (else this step
  // runs stock, which leaves them with fresh data); the weights go to new tensors (see adam.c: tfjs-wasm caches operators
  // with packed weights per tensor).
  const dataOf = (t: Tensor, exclusive: boolean): number | undefined => {
    const data = backend.dataIdMap.get(t.dataId);
    return data && (!exclusive || data.refCount === 1) ? data.memoryOffset : undefined;
  };
  const plan: { i: number; n: number; x: number; m: number; v: number; g: number }[] = [];
  for (const [i, { tensor: gradient }] of list.entries()) {
    if (!gradient) continue;
    const x = dataOf(variables[i] as Variable, false);
    const m = dataOf((adam.accumulatedFirstMoment[i] as Slot).variable, true);
    const v = dataOf((adam.accumulatedSecondMoment[i] as Slot).variable, true);
    const g = dataOf(gradient, false);
    if (x === undefined || m === undefined || v === undefined || g === undefined) return false;
    plan.push({ i, n: gradient.size, x, m, v, g });
  }
  // tfjs computes these as float32 scalar tensors: 1 - accBeta, and the JS numbers it multiplies by.
  const f = Math.fround;
  const constants: AdamConstants = {
    beta1: f(adam.beta1),
    oneMinusBeta1: f(1 - adam.beta1),
    beta2: f(adam.beta2),
    oneMinusBeta2: f(1 - adam.beta2),
    biasCorrection1: f(1 - ((adam.accBeta1.dataSync() as Float32Array)[0] as number)),
    biasCorrection2: f(1 - ((adam.accBeta2.dataSync() as Float32Array)[0] as number)),
    epsilon: f(adam.epsilon),
    negativeLearningRate: f(-adam.learningRate),
  };
  const step = heapAdam(memory);
  const engine = tf.engine() as unknown as { makeTensorFromTensorInfo(info: TfCore.TensorInfo): Tensor };
  tf.tidy(() => {
    for (const p of plan) {
      const value = variables[p.i] as Variable;
      // Allocating may grow the heap; the offsets stay valid (the memory object is the same).
      const next = engine.makeTensorFromTensorInfo(backend.makeOutput([...value.shape], 'float32'));
      step(p.n, p.x, dataOf(next, false) as number, p.m, p.v, p.g, constants);
      value.assign(next);
    }
    adam.accBeta1.assign(tf.mul(adam.accBeta1, adam.beta1));
    adam.accBeta2.assign(tf.mul(adam.accBeta2, adam.beta2));
  });
  adam.incrementIterations();
  return true;
}
