/**
 * The WebAssembly side of the fused recurrent and Conv1D layers: compiles the committed kernel
 * module once (synchronously, it is 74 KB), and gives each fused layer its own instance and memory,
 * so the state a forward pass keeps for its backward pass (gate pre-activations, cell and hidden
 * states, the padded convolution input) stays in place between the two, with no copies, even when
 * several layers run in between.
 */

import { kernelModuleBase64 } from './kernel-math.js';
import { kernelThreads, type PartInstance, runParts, trackInstance } from './kernel-pool.js';
import { compileWasm, instantiateWasm, WASM_PAGE, type WasmMemory, wasmApi } from './wasm-loader.js';

/** Activation codes understood by the kernels (see `kernels.c`). */
export const ACTIVATION_CODES: Readonly<Record<string, number>> = {
  linear: 0,
  tanh: 1,
  sigmoid: 2,
  hardSigmoid: 3,
  relu: 4,
};

/** The recurrent cells the kernels implement. */
export type FusedCellKind = 'lstm' | 'gru';

/** Problem size of one fused call. */
export interface RecurrentShape {
  /** Batch size B. */
  batch: number;
  /** Time steps T. */
  steps: number;
  /** Input features D. */
  inputDim: number;
  /** Units H (a multiple of 4). */
  units: number;
}

/** Weight gradients returned by {@link RecurrentKernel.backward}, all row-major. */
export interface RecurrentGradients {
  /** `[D, gates·H]` */
  dKernel: Float32Array;
  /** `[H, gates·H]` */
  dRecurrentKernel: Float32Array;
  /** `[gates·H]` */
  dBias: Float32Array;
}

interface KernelExports {
  __heap_base: { value: number };
  matmul(m: number, n: number, k: number, a: number, b: number, c: number): void;
  lstm_forward(...args: number[]): void;
  lstm_backward(...args: number[]): void;
  lstm_weight_grads(...args: number[]): void;
  gru_forward(...args: number[]): void;
  gru_backward(...args: number[]): void;
  gru_weight_grads(...args: number[]): void;
  input_grad(...args: number[]): void;
  transpose_ex(src: number, rows: number, cols: number, lds: number, dst: number): void;
  conv1d_pad(b: number, t: number, c: number, before: number, after: number, x: number, xp: number): void;
  conv1d_forward(...args: number[]): void;
  conv1d_backward(...args: number[]): void;
  conv1d_input_grad(...args: number[]): void;
  conv1d_forward_winograd(...args: number[]): void;
  max_pool_grad(...args: number[]): void;
  conv1d_backward_winograd(...args: number[]): void;
  set_scratch(offset: number): void;
  shared_prefix(b: number, t: number, d: number, x: number, start: number, alive: number): number;
  gemm_ex(
    m: number,
    n: number,
    k: number,
    a: number,
    transA: number,
    b: number,
    transB: number,
    c: number,
    accumulate: number,
    bt: number,
  ): void;
}

/** Rows of B per packed panel in the kernels' matrix product (`KC` in kernels.c). */
const PACK_ROWS = 256;

const PAGE = WASM_PAGE;

/** Largest memory a kernel instance may grow to, in pages (4 GiB: all of wasm32). */
const MAX_PAGES = 65536;

let nextInstanceId = 1;

/**
 * One instance of the kernel module with its own growable memory and a bump layout per call. The
 * memory is shared (the module is built for it) so that the thread pool's helpers can run parts
 * of the recurrent kernels on it.
 */
class KernelInstance implements PartInstance {
  readonly id = nextInstanceId++;
  /** The exact or the FMA build (kernel-math.ts), fixed for this layer's lifetime. */
  readonly module = compileWasm(kernelModuleBase64());
  readonly memory: WasmMemory = new (wasmApi().Memory)({ initial: 32, maximum: MAX_PAGES, shared: true });
  readonly exports: KernelExports;
  private readonly base: number;

  constructor() {
    this.exports = instantiateWasm<KernelExports>(this.module, this.memory);
    this.base = align(Number(this.exports.__heap_base.value));
    trackInstance(this);
  }

  /** Lays out float buffers of the given lengths and grows memory to fit; returns byte offsets. */
  layout(lengths: number[]): number[] {
    let at = this.base;
    const offsets = lengths.map((n) => {
      const o = at;
      at = align(at + n * 4);
      return o;
    });
    const needed = Math.ceil(at / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (needed > 0) this.memory.grow(needed);
    return offsets;
  }

  view(offset: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, length);
  }

  write(offset: number, values: ArrayLike<number>): void {
    this.view(offset, values.length).set(values);
  }
}

/**
 * Whether the forward passes compute a prefix shared by several rows once (default; exact, see
 * `shared_prefix` in kernels.c). `ULASAN_PREFIX_SHARING=0` turns it off, to compare.
 */
export function prefixSharing(): boolean {
  return process.env.ULASAN_PREFIX_SHARING !== '0';
}

/**
 * Whether the forward passes compute the input projection once per distinct input row (default;
 * exact, see `distinct_rows` in kernels.c). `ULASAN_REPEATED_INPUTS=0` turns it off, to compare.
 */
export function repeatedInputsOnce(): boolean {
  return process.env.ULASAN_REPEATED_INPUTS !== '0';
}

function align(n: number): number {
  return (n + 63) & ~63;
}

/** Options of one forward pass. */
export interface ForwardOptions {
  /** Cell activation code ({@link ACTIVATION_CODES}). */
  activation: number;
  /** Gate activation code. */
  recurrentActivation: number;
}

/**
 * Runs a whole LSTM or GRU layer (all time steps) forward and backward in WebAssembly. One
 * instance per layer: {@link forward} keeps what {@link backward} needs; each forward returns a
 * generation number, and a backward for an older generation recomputes its forward first.
 */
export class RecurrentKernel {
  private readonly wasm = new KernelInstance();
  private generation = 0;
  private offsets: Record<string, number> = {};
  private shape: RecurrentShape | undefined;
  private options: ForwardOptions | undefined;
  private hasBias = false;
  private scratchStride = 0;
  /** Parts the scratch was laid out for (the thread setting may change between calls). */
  private scratchParts = 1;
  private shared = 0;
  private repeated = 0;

  /** @param kind - `lstm` (gates i, f, c, o) or `gru` (tfjs-layers GRU: z, r, h; reset_after false). */
  constructor(readonly kind: FusedCellKind) {}

  /** Gates per unit: 4 for LSTM, 3 for GRU. */
  get gates(): number {
    return this.kind === 'lstm' ? 4 : 3;
  }

  /**
   * Runs the forward pass over all steps and returns its generation. `bias` may be null
   * (`useBias: false`).
   */
  forward(
    shape: RecurrentShape,
    x: ArrayLike<number>,
    kernel: ArrayLike<number>,
    recurrentKernel: ArrayLike<number>,
    bias: ArrayLike<number> | null,
    options: ForwardOptions,
  ): number {
    const { batch: B, steps: T, inputDim: D, units: H } = shape;
    if (H % 4 !== 0) throw new Error(`fused recurrent kernels need units divisible by 4, got ${H}`);
    const G = this.gates * H;
    const n = B * T;
    // Packing scratch for each part the pool may run (one per thread).
    this.scratchStride = PACK_ROWS * Math.max(G, D);
    this.scratchParts = kernelThreads();
    // Float32 buffers except the int32 ones for shared prefixes and distinct rows; this order is the layout.
    const sizes: Record<string, number> = {
      ox: n * D,
      ow: D * G,
      ou: H * G,
      ob: G,
      oz: n * G,
      oc: n * H,
      oh: n * H,
      otc: this.kind === 'lstm' ? n * H : 0, // the LSTM's tanh(c), kept for the backward pass
      ody: n * H,
      odx: n * D,
      odw: D * G,
      odu: H * G,
      odb: G,
      odz: n * G,
      ohp: n * H,
      out: G * H,
      owt: G * D,
      odh: B * H,
      odc: B * H,
      ostart: B, // shared prefix length per row
      oorder: B, // rows by prefix length
      osteps: n, // (row, step) pairs to compute
      odistinct: 5 * n + B, // distinct input rows: first rows, copy pairs, hash table, counts
      scratch: this.scratchStride * this.scratchParts,
    };
    const names = Object.keys(sizes);
    const at = this.wasm.layout(Object.values(sizes));
    this.offsets = Object.fromEntries(names.map((name, i) => [name, at[i] as number]));
    const o = (name: string) => this.at(name);
    const ox = o('ox');
    const ow = o('ow');
    const ou = o('ou');
    const ob = o('ob');
    this.wasm.write(ox, x);
    this.wasm.write(ow, kernel);
    this.wasm.write(ou, recurrentKernel);
    if (bias) this.wasm.write(ob, bias);
    this.hasBias = bias !== null;
    // oc holds the cell states (LSTM) or r ⊙ h_{t-1} (GRU); otc the LSTM's cell activations.
    const lstm = this.kind === 'lstm';
    const kernelName = lstm ? 'lstm_forward' : 'gru_forward';
    const states = (offset: (name: string, width: number) => number) => [
      offset('oz', G),
      offset('oc', H),
      ...(lstm ? [offset('otc', H)] : []),
      offset('oh', H),
    ];
    const e = this.wasm.exports;
    const weightArgs = [ow, ou, bias ? ob : 0, options.activation, options.recurrentActivation];
    // Rows that begin with the same inputs (padding) share their first states: the reference row
    // runs first, alone, and the parts copy its prefix instead of recomputing it (kernels.c).
    const ref = prefixSharing() ? e.shared_prefix(B, T, D, ox, o('ostart'), o('oorder')) : -1;
    const distinct = repeatedInputsOnce() ? o('odistinct') : 0;
    const copied = new Int32Array(this.wasm.memory.buffer, o('odistinct') + 5 * n * 4, B);
    copied.fill(0);
    this.shared = 0;
    if (ref >= 0) {
      const start = new Int32Array(this.wasm.memory.buffer, o('ostart'), B);
      for (let b = 0; b < B; b++) if (b !== ref) this.shared += start[b] as number;
      const row = (name: string, width: number) => o(name) + ref * T * width * 4;
      e[kernelName](
        1,
        T,
        D,
        H,
        row('ox', D),
        ...weightArgs,
        ...states(row),
        0,
        -1,
        0,
        0,
        distinct,
        ...this.scratchArgs(),
        0,
        1,
      );
    }
    const args = [
      B,
      T,
      D,
      H,
      ox,
      ...weightArgs,
      ...states(o),
      o('ostart'),
      ref,
      o('oorder'),
      o('osteps'),
      distinct,
      ...this.scratchArgs(),
    ];
    runParts(this.wasm, kernelName, args, B, this.scratchParts);
    // (not counting those within the reference row, computed before the parts)
    this.repeated = distinct ? copied.reduce((sum, k) => sum + k, 0) : 0;
    this.shape = { ...shape };
    this.options = { ...options };
    return ++this.generation;
  }

  /**
   * The outputs of the last forward: `[B, T, H]` (sequences) or `[B, H]` (last step), copied; with
   * `copy` false the sequences are a view of this kernel's memory, valid until its next call.
   */
  output(returnSequences: boolean, copy = true): Float32Array {
    const { batch: B, steps: T, units: H } = this.requireShape();
    const h = this.wasm.view(this.at('oh'), B * T * H);
    if (returnSequences) return copy ? h.slice() : h;
    const out = new Float32Array(B * H);
    for (let b = 0; b < B; b++) out.set(h.subarray((b * T + T - 1) * H, (b * T + T) * H), b * H);
    return out;
  }

  /**
   * Steps (row × time step) the last forward copied from a shared prefix instead of computing, out
   * of batch × steps.
   */
  get sharedSteps(): number {
    return this.shared;
  }

  /**
   * Steps of the last forward whose input projection was copied from an earlier, bitwise-equal
   * input row instead of computed (beyond the shared prefixes, which {@link sharedSteps} counts).
   */
  get repeatedSteps(): number {
    return this.repeated;
  }

  /** True when the last forward is generation `generation` (its saved state is still here). */
  holds(generation: number): boolean {
    return generation === this.generation;
  }

  /**
   * Backpropagates `dy` (`[B, T, H]` when `returnSequences`, else `[B, H]`) through the last
   * forward pass and returns copies of the weight gradients; {@link inputGradient} then gives the
   * input gradient.
   */
  backward(dy: ArrayLike<number>, returnSequences: boolean): RecurrentGradients {
    const { batch: B, steps: T, inputDim: D, units: H } = this.requireShape();
    const options = this.options as ForwardOptions;
    const G = this.gates * H;
    const o = (k: string) => this.at(k);
    const e = this.wasm.exports;
    this.wasm.write(o('ody'), dy);
    // Uᵀ once, before the parts (they all read it); the GRU's in two blocks: [U_z U_r]ᵀ and U_hᵀ.
    if (this.kind === 'lstm') {
      e.transpose_ex(o('ou'), H, G, G, o('out'));
    } else {
      e.transpose_ex(o('ou'), H, 2 * H, G, o('out'));
      e.transpose_ex(o('ou') + 2 * H * 4, H, H, G, o('out') + 2 * H * H * 4);
    }
    const seq = returnSequences ? 1 : 0;
    const scratch = this.scratchArgs();
    if (this.kind === 'lstm') {
      const states = [o('oz'), o('oc'), o('otc'), o('oh')];
      const args = [B, T, H, o('out'), options.activation, options.recurrentActivation, ...states];
      runParts(
        this.wasm,
        'lstm_backward',
        [...args, o('ody'), seq, o('odz'), o('ohp'), o('odh'), o('odc'), ...scratch],
        B,
        this.scratchParts,
      );
    } else {
      const args = [B, T, H, o('out'), options.activation, options.recurrentActivation, o('oz'), o('oh')];
      runParts(
        this.wasm,
        'gru_backward',
        [...args, o('ody'), seq, o('odz'), o('ohp'), o('odh'), o('odc'), ...scratch],
        B,
        this.scratchParts,
      );
    }
    const db = this.hasBias ? o('odb') : 0;
    const grads = [o('odz'), o('odw'), o('odu'), db, ...scratch];
    // Parts split the G columns of dW [D, G] and dU [H, G] (at multiples of 8).
    if (this.kind === 'lstm')
      runParts(this.wasm, 'lstm_weight_grads', [B * T, D, H, o('ox'), o('ohp'), ...grads], G, this.scratchParts);
    else
      runParts(
        this.wasm,
        'gru_weight_grads',
        [B * T, D, H, o('ox'), o('ohp'), o('oc'), ...grads],
        G,
        this.scratchParts,
      );
    return {
      dKernel: this.wasm.view(o('odw'), D * G).slice(),
      dRecurrentKernel: this.wasm.view(o('odu'), H * G).slice(),
      dBias: this.hasBias ? this.wasm.view(o('odb'), G).slice() : new Float32Array(G),
    };
  }

  /**
   * The input gradient `[B, T, D]` of the last {@link backward} (computed on demand), copied; with
   * `copy` false a view of this kernel's memory, valid until its next call.
   */
  inputGradient(copy = true): Float32Array {
    const { batch: B, steps: T, inputDim: D, units: H } = this.requireShape();
    const G = this.gates * H;
    const o = (k: string) => this.at(k);
    this.wasm.exports.transpose_ex(o('ow'), D, G, G, o('owt'));
    runParts(
      this.wasm,
      'input_grad',
      [B * T, D, G, o('odz'), o('owt'), o('odx'), ...this.scratchArgs()],
      B * T,
      this.scratchParts,
    );
    const dx = this.wasm.view(o('odx'), B * T * D);
    return copy ? dx.slice() : dx;
  }

  /** The per-part packing scratch: base offset and stride in floats. */
  private scratchArgs(): [number, number] {
    return [this.at('scratch'), this.scratchStride];
  }

  private requireShape(): RecurrentShape {
    if (!this.shape) throw new Error('RecurrentKernel: backward or output before forward');
    return this.shape;
  }

  private at(key: string): number {
    return this.offsets[key] as number;
  }
}

/** Options of {@link simdMatMul}. */
export interface SimdMatMulOptions {
  /** A is given as `[k, m]` (its transpose is used). */
  transposeA?: boolean;
  /** B is given as `[n, k]` (its transpose is used). */
  transposeB?: boolean;
}

let shared: KernelInstance | undefined;

/**
 * C = op(A) · op(B) as a new row-major `Float32Array` of `m × n`, computed by the kernels'
 * blocked WebAssembly SIMD product (~25-30 GFLOP/s on one x64 core, against ~1-2 for JavaScript
 * loops): a building block for other kernels that have to run on the `cpu` backend (convolutions
 * lowered to products, for example). One shared kernel memory, grown to the largest call.
 *
 * @param a - `[m, k]` (or `[k, m]` with `transposeA`), row-major.
 * @param b - `[k, n]` (or `[n, k]` with `transposeB`), row-major.
 *
 * @example
 * ```ts
 * const c = simdMatMul(a, b, 128, 500, 64); // [128, 500] × [500, 64]
 * ```
 */
export function simdMatMul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  options: SimdMatMulOptions = {},
): Float32Array {
  if (a.length !== m * k || b.length !== k * n) {
    throw new Error(`simdMatMul: expected ${m}×${k} and ${k}×${n} values, got ${a.length} and ${b.length}`);
  }
  shared ??= new KernelInstance();
  const wasm = shared;
  const [oa, ob, oc, obt, scratch] = wasm.layout([
    m * k,
    k * n,
    m * n,
    options.transposeB ? k * n : 0,
    PACK_ROWS * n,
  ]) as [number, number, number, number, number];
  wasm.exports.set_scratch(scratch);
  wasm.write(oa, a);
  wasm.write(ob, b);
  wasm.exports.gemm_ex(m, n, k, oa, options.transposeA ? 1 : 0, ob, options.transposeB ? 1 : 0, oc, 0, obt);
  return wasm.view(oc, m * n).slice();
}

/** Problem size of one fused Conv1D call (stride 1, dilation 1, channels last). */
export interface Conv1dShape {
  /** Batch size B. */
  batch: number;
  /** Input steps T. */
  steps: number;
  /** Input channels CI. */
  inChannels: number;
  /** Filters CO. */
  outChannels: number;
  /** Kernel size FW. */
  kernelSize: number;
  /** Zero steps before each sequence (`same`: ⌊(FW − 1)/2⌋, `valid`: 0). */
  padBefore: number;
  /** Zero steps after each sequence (`same`: FW − 1 − padBefore, `valid`: 0). */
  padAfter: number;
}

/** Filter and bias gradients returned by {@link Conv1dKernel.backward}, row-major. */
export interface Conv1dGradients {
  /** `[FW, CI, CO]` */
  dKernel: Float32Array;
  /** `[CO]` */
  dBias: Float32Array;
}

/** Transformed points of the Winograd forward (`WN` in kernels.c). */
const WINOGRAD_POINTS = 8;

/**
 * Whether the forward pass runs as Winograd F(9 − FW, FW): kernel sizes 3–5 (beyond, the 8 points
 * give too few outputs per tile, and more points cost accuracy), unless `ULASAN_WINOGRAD=0`.
 */
function useWinograd(shape: Conv1dShape): boolean {
  return shape.kernelSize >= 3 && shape.kernelSize <= 5 && process.env.ULASAN_WINOGRAD !== '0';
}

/**
 * Toom-Cook matrices of Winograd F(m, r) for correlation with 8 points (0, ±1, ±2, ±1/2 and ∞),
 * m = 9 − r, computed in double precision: y = AT · ((G · g) ⊙ (BT · x)) for a tile x of 8 inputs,
 * filter taps g (r) and m outputs. (The convolution s = P · ((E_g g) ⊙ (E_d d)) transposed: AT = E_dᵀ,
 * BT = Pᵀ, with the interpolation polynomials' normalisation moved into G.)
 */
export function winogradMatrices(r: number): WinogradMatrices {
  let cached = winogradCache.get(r);
  if (!cached) {
    cached = toomCook(r);
    winogradCache.set(r, cached);
  }
  return cached;
}

/** Winograd transform matrices (row-major float32) and the outputs per tile `m`. */
export interface WinogradMatrices {
  /** Outputs per tile. */
  m: number;
  /** Output transform `[m, 8]`. */
  AT: Float32Array;
  /** Filter transform `[8, r]`. */
  G: Float32Array;
  /** Input transform `[8, 8]`. */
  BT: Float32Array;
}

const winogradCache = new Map<number, WinogradMatrices>();

function toomCook(r: number): WinogradMatrices {
  const n = WINOGRAD_POINTS;
  const m = n + 1 - r;
  const a = [0, 1, -1, 2, -2, 0.5, -0.5];
  const AT = new Float32Array(m * n);
  const G = new Float32Array(n * r);
  const BT = new Float32Array(n * n);
  /** Coefficients (ascending) of Π (x − root) over `roots`. */
  const poly = (roots: number[]) => {
    let c = [1];
    for (const root of roots) {
      const next = new Array<number>(c.length + 1).fill(0);
      c.forEach((v, i) => {
        next[i + 1] = (next[i + 1] as number) + v;
        next[i] = (next[i] as number) - root * v;
      });
      c = next;
    }
    return c;
  };
  a.forEach((aj, j) => {
    const others = a.filter((_, l) => l !== j);
    const norm = others.reduce((acc, al) => acc * (aj - al), 1);
    for (let i = 0; i < m; i++) AT[i * n + j] = aj ** i;
    for (let k = 0; k < r; k++) G[j * r + k] = aj ** k / norm;
    poly(others).forEach((c, t) => {
      BT[j * n + t] = c;
    });
  });
  AT[(m - 1) * n + n - 1] = 1;
  G[(n - 1) * r + r - 1] = 1;
  poly(a).forEach((c, t) => {
    BT[(n - 1) * n + t] = c;
  });
  return { m, AT, G, BT };
}

/**
 * Runs a Conv1D layer (convolution + bias + activation, stride 1) forward and backward in
 * WebAssembly as single matrix products on the padded input, with no im2col copy (see
 * `kernels.c`). One instance per layer: {@link forward} keeps the padded input and the
 * pre-activations for {@link backward}; generations work as in {@link RecurrentKernel}.
 */
export class Conv1dKernel {
  private readonly wasm = new KernelInstance();
  private generation = 0;
  private offsets: Record<string, number> = {};
  private shape: Conv1dShape | undefined;
  private activation = 0;
  private hasBias = false;
  /** Offsets of AT, G, BT, U, V, M when the last forward ran as Winograd (the input gradient does too). */
  private winograd: number[] | null = null;

  /** Output steps of `shape`: T + padBefore + padAfter − FW + 1. */
  static outputSteps(shape: Conv1dShape): number {
    return shape.steps + shape.padBefore + shape.padAfter - shape.kernelSize + 1;
  }

  /**
   * Runs the forward pass and returns its generation. `x` is `[B, T, CI]`, `kernel`
   * `[FW, CI, CO]`, `bias` `[CO]` or null; `activation` an {@link ACTIVATION_CODES} value.
   */
  forward(
    shape: Conv1dShape,
    x: ArrayLike<number>,
    kernel: ArrayLike<number>,
    bias: ArrayLike<number> | null,
    activation: number,
  ): number {
    const { batch: B, steps: T, inChannels: CI, outChannels: CO, kernelSize: FW } = shape;
    const L = T + shape.padBefore + shape.padAfter;
    const Tout = Conv1dKernel.outputSteps(shape);
    if (Tout < 1) throw new Error(`Conv1dKernel: ${T} steps are fewer than the kernel size ${FW}`);
    const L2 = T + FW - 1;
    const R = B * L - FW + 1;
    const wino = useWinograd(shape) ? winogradMatrices(FW) : null;
    // V and M also serve the input gradient's Winograd product (CI and CO swapped, T outputs).
    const P = wino ? B * Math.ceil(Tout / wino.m) : 0;
    const P2 = wino ? B * Math.ceil(T / wino.m) : 0;
    const n = WINOGRAD_POINTS;
    const [
      ox,
      oxp,
      ow,
      ob,
      oz,
      oy,
      ody,
      odzp,
      odw,
      odb,
      owf,
      odq,
      odxp,
      odx,
      scratch,
      oat,
      og,
      obt,
      ou,
      ov,
      om,
      oat2,
      og2,
    ] = this.wasm.layout([
      B * T * CI,
      B * L * CI,
      FW * CI * CO,
      CO,
      R * CO,
      B * Tout * CO,
      B * Tout * CO,
      R * CO,
      FW * CI * CO,
      CO,
      FW * CO * CI,
      B * L2 * CO,
      (B * L2 - FW + 1) * CI,
      B * T * CI,
      PACK_ROWS * Math.max(CI, CO),
      ...(wino
        ? [
            wino.AT.length,
            wino.G.length,
            wino.BT.length,
            n * CI * CO,
            n * Math.max(P * CI, P2 * CO),
            n * Math.max(P * CO, P2 * CI),
            FW * n,
            n * wino.m,
          ]
        : []),
    ]) as [number, ...number[]];
    this.offsets = { ox, oxp, ow, ob, oz, oy, ody, odzp, odw, odb, owf, odq, odxp, odx } as Record<string, number>;
    this.winograd = wino ? ([oat, og, obt, ou, ov, om, oat2, og2] as number[]) : null;
    if (wino) {
      // the filter gradient's F(FW, m) on the same points (its input transform is the forward's V)
      const grad = winogradMatrices(wino.m);
      this.wasm.write(oat2 as number, grad.AT);
      this.wasm.write(og2 as number, grad.G);
    }
    const e = this.wasm.exports;
    e.set_scratch(scratch as number);
    this.wasm.write(ox, x);
    this.wasm.write(ow as number, kernel);
    if (bias) this.wasm.write(ob, bias);
    e.conv1d_pad(B, T, CI, shape.padBefore, shape.padAfter, ox, oxp as number);
    if (wino) {
      this.wasm.write(oat as number, wino.AT);
      this.wasm.write(og as number, wino.G);
      this.wasm.write(obt as number, wino.BT);
      e.conv1d_forward_winograd(
        B,
        L,
        CI,
        CO,
        FW,
        oxp as number,
        ow as number,
        bias ? (ob as number) : 0,
        activation,
        oat as number,
        og as number,
        obt as number,
        ou as number,
        ov as number,
        om as number,
        oz as number,
        oy as number,
      );
    } else {
      e.conv1d_forward(
        B,
        L,
        CI,
        CO,
        FW,
        oxp as number,
        ow as number,
        bias ? (ob as number) : 0,
        activation,
        oz as number,
        oy as number,
      );
    }
    this.shape = { ...shape };
    this.activation = activation;
    this.hasBias = bias !== null;
    return ++this.generation;
  }

  /**
   * The output `[B, Tout, CO]` of the last forward: a view into kernel memory, valid until the
   * next call of this kernel (copy it, or hand it to something that copies).
   */
  outputView(): Float32Array {
    const { batch: B, outChannels: CO } = this.requireShape();
    return this.wasm.view(this.at('oy'), B * Conv1dKernel.outputSteps(this.requireShape()) * CO);
  }

  /** True when the last forward is generation `generation` (its saved state is still here). */
  holds(generation: number): boolean {
    return generation === this.generation;
  }

  /** Backpropagates `dy` (`[B, Tout, CO]`) through the last forward; returns copies of the weight gradients. */
  backward(dy: ArrayLike<number>): Conv1dGradients {
    const shape = this.requireShape();
    const { batch: B, steps: T, inChannels: CI, outChannels: CO, kernelSize: FW } = shape;
    const L = T + shape.padBefore + shape.padAfter;
    const o = (k: string) => this.at(k);
    this.wasm.write(o('ody'), dy);
    const db = this.hasBias ? o('odb') : 0;
    if (this.winograd) {
      const [, , , ou, ov, om, oat2, og2] = this.winograd as number[];
      this.wasm.exports.conv1d_backward_winograd(
        B,
        L,
        CI,
        CO,
        FW,
        o('oz'),
        o('oy'),
        o('ody'),
        this.activation,
        o('odzp'),
        o('odw'),
        db,
        oat2,
        og2,
        ov,
        om,
        ou,
      );
    } else {
      this.wasm.exports.conv1d_backward(
        B,
        L,
        CI,
        CO,
        FW,
        o('oxp'),
        o('oz'),
        o('oy'),
        o('ody'),
        this.activation,
        o('odzp'),
        o('odw'),
        db,
      );
    }
    return {
      dKernel: this.wasm.view(o('odw'), FW * CI * CO).slice(),
      dBias: this.hasBias ? this.wasm.view(o('odb'), CO).slice() : new Float32Array(CO),
    };
  }

  /** The input gradient `[B, T, CI]` of the last {@link backward}, as a view valid until the next call. */
  inputGradientView(): Float32Array {
    const shape = this.requireShape();
    const { batch: B, steps: T, inChannels: CI, outChannels: CO, kernelSize: FW } = shape;
    const L = T + shape.padBefore + shape.padAfter;
    const o = (k: string) => this.at(k);
    this.wasm.exports.conv1d_input_grad(
      B,
      T,
      L,
      CI,
      CO,
      FW,
      shape.padBefore,
      o('odzp'),
      o('ow'),
      o('owf'),
      o('odq'),
      o('odxp'),
      o('odx'),
      ...(this.winograd?.slice(0, 6) ?? [0, 0, 0, 0, 0, 0]),
    );
    return this.wasm.view(o('odx'), B * T * CI);
  }

  private requireShape(): Conv1dShape {
    if (!this.shape) throw new Error('Conv1dKernel: backward or output before forward');
    return this.shape;
  }

  private at(key: string): number {
    return this.offsets[key] as number;
  }
}

/** Geometry of a 2-D max pooling (NHWC), as `backend_util.computePool2DInfo` gives it. */
export interface MaxPoolGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * The gradient of `y = maxPool(x)` (NHWC): `dx` with each window's output gradient added at the
 * window's first maximum (row-major scan, strict `>`, like tfjs' stock cpu kernel), computed by
 * the kernels' SIMD loop in the shared kernel memory.
 *
 * @example
 * ```ts
 * const dx = simdMaxPoolGrad(x, dy, geometry); // geometry from backend_util.computePool2DInfo
 * ```
 */
export function simdMaxPoolGrad(x: ArrayLike<number>, dy: ArrayLike<number>, g: MaxPoolGeometry): Float32Array {
  const inSize = g.batchSize * g.inHeight * g.inWidth * g.channels;
  const outSize = g.batchSize * g.outHeight * g.outWidth * g.channels;
  if (x.length !== inSize || dy.length !== outSize) {
    throw new Error(`simdMaxPoolGrad: expected ${inSize} and ${outSize} values, got ${x.length} and ${dy.length}`);
  }
  shared ??= new KernelInstance();
  const wasm = shared;
  const [ox, ody, odx, ogeo, otaps] = wasm.layout([inSize, outSize, inSize, 6, g.filterHeight * g.filterWidth]) as [
    number,
    number,
    number,
    number,
    number,
  ];
  wasm.write(ox, x);
  wasm.write(ody, dy);
  new Int32Array(wasm.memory.buffer, ogeo, 6).set([
    g.filterHeight,
    g.filterWidth,
    g.strideHeight,
    g.strideWidth,
    g.padTop,
    g.padLeft,
  ]);
  wasm.exports.max_pool_grad(
    g.batchSize,
    g.inHeight,
    g.inWidth,
    g.channels,
    g.outHeight,
    g.outWidth,
    ogeo,
    ox,
    ody,
    odx,
    otaps,
  );
  return wasm.view(odx, inSize).slice();
}
