/**
 * The in-place Adam step of `adam.c`, instantiated on a memory it is given: the wasm backend's
 * heap, so the step runs on the variables, moments and gradients where tfjs keeps them.
 */
import { ADAM_WASM_BASE64 } from './adam-wasm.js';
import { compileWasm, instantiateWasm, type WasmMemory } from './wasm-loader.js';

/** Adam's per-step constants, each already rounded to float32 as tfjs' scalar tensors are. */
export interface AdamConstants {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  /** 1 - β1^t */
  biasCorrection1: number;
  /** 1 - β2^t */
  biasCorrection2: number;
  epsilon: number;
  /** -learningRate */
  negativeLearningRate: number;
}

/**
 * One Adam step over `n` floats at byte offsets: weights `x` (read) to `xo` (written), moments `m`
 * and `v` (updated in place), gradient `g`.
 */
export type HeapAdamStep = (
  n: number,
  x: number,
  xo: number,
  m: number,
  v: number,
  g: number,
  c: AdamConstants,
) => void;

type AdamExports = {
  adam_step(n: number, x: number, xo: number, m: number, v: number, g: number, ...constants: number[]): void;
};

const byMemory = new WeakMap<WasmMemory, HeapAdamStep>();

/** The Adam step bound to `memory` (one instance per memory). */
export function heapAdam(memory: WasmMemory): HeapAdamStep {
  let step = byMemory.get(memory);
  if (!step) {
    const exports = instantiateWasm<AdamExports>(compileWasm(ADAM_WASM_BASE64), memory);
    step = (n, x, xo, m, v, g, c) =>
      exports.adam_step(
        n,
        x,
        xo,
        m,
        v,
        g,
        c.beta1,
        c.oneMinusBeta1,
        c.beta2,
        c.oneMinusBeta2,
        c.biasCorrection1,
        c.biasCorrection2,
        c.epsilon,
        c.negativeLearningRate,
      );
    byMemory.set(memory, step);
  }
  return step;
}
