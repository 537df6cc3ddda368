/**
 * Compute backend selection: `cpu` (always), `wasm`, `tensorflow` (tfjs-node), `tensorflow-gpu`
 * (tfjs-node-gpu), `webgpu` (tfjs-backend-webgpu + the `webgpu` package providing navigator.gpu in
 * Node), and `auto` (best available). Heavy backends are optional peers loaded by dynamic import.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import { UlasanError } from '../internal/errors.js';
import { installCustomKernels } from './kernels/index.js';
import { importOptional } from './optional-import.js';
import { REQUIRED_KERNELS } from './required-kernels.js';
import { loadTf } from './tf.js';
import { probeWebGpu } from './webgpu.js';

/** Names accepted by {@link useBackend} and the `ULASAN_BACKEND` environment variable. */
export type BackendName = 'cpu' | 'wasm' | 'tensorflow' | 'tensorflow-gpu' | 'webgpu' | 'auto';

/** The concrete backends (`auto` resolves to one of these). */
export const BACKEND_NAMES: readonly Exclude<BackendName, 'auto'>[] = [
  'cpu',
  'wasm',
  'tensorflow',
  'tensorflow-gpu',
  'webgpu',
];

/** The order in which `auto` tries backends: GPU, then native, then wasm, then cpu. */
export const AUTO_ORDER: readonly Exclude<BackendName, 'auto'>[] = [
  'tensorflow-gpu',
  'webgpu',
  'tensorflow',
  'wasm',
  'cpu',
];

/** A backend `auto` did not pick, and why. */
export interface SkippedBackend {
  /** The backend name. */
  name: string;
  /** Why it was skipped (not installed, no GPU adapter, failed to initialise...). */
  reason: string;
}

/** What {@link backendInfo} reports. */
export interface BackendInfo {
  /** The backend that was asked for (`auto` included), or null before selection. */
  requested: BackendName | null;
  /** The tfjs backend actually active (`cpu`, `wasm`, `tensorflow`, `webgpu`), or null before selection. */
  active: string | null;
  /** Why this backend is active (auto choice, environment variable, explicit call). */
  reason: string;
  /** Backends `auto` tried before the active one and why each was skipped. */
  skipped: SkippedBackend[];
  /**
   * Fallbacks that deserve attention: a backend that is installed but failed to initialise, so
   * `auto` moved on. Each was also printed once on stderr.
   */
  warnings: string[];
  /** Kernels ulasan registered or replaced, as `backend/KernelName` (e.g. `cpu/UnsortedSegmentSum`). */
  customKernels: string[];
}

const state: BackendInfo = {
  requested: null,
  active: null,
  reason: 'no backend selected yet',
  skipped: [],
  warnings: [],
  customKernels: [],
};

const warnedOnce = new Set<string>();

function warnOnce(message: string): void {
  state.warnings.push(message);
  if (warnedOnce.has(message)) return;
  warnedOnce.add(message);
  console.warn(`ulasan: ${message}`);
}

/**
 * Selects the compute backend and registers ulasan's kernels on it. With no argument, uses the
 * `ULASAN_BACKEND` environment variable, or `auto`.
 *
 * `auto` tries, in order, `tensorflow-gpu`, `webgpu` (only when a GPU adapter exists),
 * `tensorflow`, `wasm` and `cpu`, and takes the first that is installed and initialises. A backend
 * that is installed but fails to initialise is reported once on stderr and in
 * {@link BackendInfo.warnings}. An explicitly named backend (argument or environment variable)
 * never falls back: it throws an `UlasanError` (exported by `ulasan`) with code `UNKNOWN_BACKEND`,
 * `MISSING_DEPENDENCY` or `BACKEND_UNAVAILABLE`.
 *
 * @param name - A {@link BackendName}; case-insensitive.
 * @returns The new {@link backendInfo}.
 *
 * @example
 * ```ts
 * import { useBackend, backendInfo } from 'ulasan/backend';
 * await useBackend('wasm');
 * console.log(backendInfo().active); // 'wasm'
 * ```
 */
export async function useBackend(name?: string): Promise<BackendInfo> {
  const fromEnv = name === undefined && process.env.ULASAN_BACKEND ? process.env.ULASAN_BACKEND : undefined;
  const requested = (name ?? fromEnv ?? 'auto').trim().toLowerCase();
  if (requested !== 'auto' && !(BACKEND_NAMES as readonly string[]).includes(requested)) {
    throw new UlasanError(
      'UNKNOWN_BACKEND',
      `Unknown backend "${name ?? fromEnv}"${fromEnv ? ' (from the ULASAN_BACKEND environment variable)' : ''}. ` +
        `Expected one of: ${[...BACKEND_NAMES, 'auto'].join(', ')}.`,
    );
  }
  const { tf } = await loadTf();
  state.warnings = [];
  if (requested !== 'auto') {
    const active = await activate(tf, requested as Exclude<BackendName, 'auto'>, 'explicit');
    setState(
      requested as BackendName,
      active,
      fromEnv ? 'ULASAN_BACKEND environment variable' : 'useBackend() call',
      [],
    );
    return backendInfo();
  }
  const skipped: SkippedBackend[] = [];
  for (const candidate of AUTO_ORDER) {
    try {
      const active = await activate(tf, candidate, 'auto');
      const why =
        candidate === 'cpu'
          ? 'auto: no faster backend is available, using the pure-JS cpu backend'
          : `auto: ${candidate} is the best available backend`;
      setState('auto', active, why, skipped);
      return backendInfo();
    } catch (error) {
      if (candidate === 'cpu') throw error;
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      skipped.push({ name: candidate, reason });
      // Not installed / no GPU is the normal case; installed-but-broken deserves a warning.
      const code = UlasanError.isInstance(error) ? error.code : undefined;
      if (code !== 'MISSING_DEPENDENCY' && !(error instanceof NotAvailable)) {
        warnOnce(`auto: skipping the ${candidate} backend, which is installed but failed: ${reason}`);
      }
    }
  }
  throw new UlasanError('BACKEND_UNAVAILABLE', 'No backend could be initialised, not even cpu.');
}

function setState(requested: BackendName, active: string, reason: string, skipped: SkippedBackend[]) {
  state.requested = requested;
  state.active = active;
  state.reason = reason;
  state.skipped = skipped;
}

/**
 * Reports which backend is active, why, what `auto` skipped and which kernels ulasan registered.
 *
 * @example
 * ```ts
 * import { ensureBackend, backendInfo } from 'ulasan/backend';
 * await ensureBackend();
 * const { active, reason, skipped } = backendInfo();
 * ```
 */
export function backendInfo(): BackendInfo {
  return {
    ...state,
    skipped: state.skipped.map((s) => ({ ...s })),
    warnings: [...state.warnings],
    customKernels: [...state.customKernels],
  };
}

/** Records a kernel ulasan registered, as `backend/KernelName` (reported by {@link backendInfo}). */
export function recordCustomKernel(name: string): void {
  if (!state.customKernels.includes(name)) state.customKernels.push(name);
}

let pending: Promise<unknown> | undefined;

/**
 * Ensures a backend is active, selecting the default (`ULASAN_BACKEND` or `auto`) if none was
 * chosen yet, and returns its name. Every ulasan function that uses tensors calls this first.
 * If code switched backends directly with `tf.setBackend()`, ulasan's kernels are registered
 * on that backend too.
 *
 * @example
 * ```ts
 * import { ensureBackend } from 'ulasan/backend';
 * const name = await ensureBackend(); // e.g. 'wasm'
 * ```
 */
export async function ensureBackend(): Promise<string> {
  if (state.active === null) {
    pending ??= useBackend().finally(() => {
      pending = undefined;
    });
    await pending;
    return state.active as unknown as string;
  }
  const { tf } = await loadTf();
  const current = tf.getBackend();
  if (current && current !== state.active) {
    for (const k of installCustomKernels(tf, current)) recordCustomKernel(`${current}/${k}`);
    state.active = current;
    state.requested = current as BackendName;
    state.reason = 'switched directly with tf.setBackend()';
    state.skipped = [];
  }
  return state.active;
}

/** A backend that is simply not present here (no GPU adapter): skipped by auto without a warning. */
class NotAvailable extends UlasanError {
  constructor(message: string) {
    super('BACKEND_UNAVAILABLE', message);
  }
}

type Tf = typeof TfCore;

async function activate(tf: Tf, name: Exclude<BackendName, 'auto'>, mode: 'auto' | 'explicit'): Promise<string> {
  const tfName = name === 'tensorflow-gpu' ? 'tensorflow' : name;
  switch (name) {
    case 'cpu':
      break;
    case 'wasm':
      await importOptional('@tensorflow/tfjs-backend-wasm', 'The wasm backend');
      break;
    case 'tensorflow':
      await importOptional('@tensorflow/tfjs-node', 'The tensorflow (native) backend');
      break;
    case 'tensorflow-gpu':
      await importOptional('@tensorflow/tfjs-node-gpu', 'The tensorflow-gpu backend');
      break;
    case 'webgpu': {
      const probe = await probeWebGpu(mode);
      if (!probe.ok) {
        const message = `The webgpu backend is not available: ${probe.reason}`;
        throw mode === 'auto' && probe.absent
          ? new NotAvailable(message)
          : new UlasanError('BACKEND_UNAVAILABLE', message);
      }
      await importOptional('@tensorflow/tfjs-backend-webgpu', 'The webgpu backend');
      break;
    }
  }
  if (!tf.findBackendFactory(tfName)) {
    throw new UlasanError(
      'BACKEND_UNAVAILABLE',
      `The ${name} backend's package loaded but registered no "${tfName}" backend with this copy of ` +
        `@tensorflow/tfjs-core ${tf.version_core}. Its @tensorflow/tfjs-core is probably a different version: ` +
        'install versions that match (npm ls @tensorflow/tfjs-core shows them).',
    );
  }
  const previous = tf.getBackend();
  await setBackendQuietly(tf, name, tfName, previous);
  if (tfName === 'wasm') {
    // Our kernels fill the gaps; anything still missing makes wasm unsound for our models.
    const custom = installCustomKernels(tf, tfName);
    const missing = REQUIRED_KERNELS.filter((k) => !tf.getKernel(k, tfName));
    if (missing.length > 0) {
      await restore(tf, previous);
      throw new UlasanError(
        'BACKEND_UNAVAILABLE',
        `The wasm backend lacks kernels ulasan's models need (${missing.join(', ')}); use cpu or update @tensorflow/tfjs-backend-wasm.`,
      );
    }
    for (const k of custom) recordCustomKernel(`${tfName}/${k}`);
  } else {
    for (const k of installCustomKernels(tf, tfName)) recordCustomKernel(`${tfName}/${k}`);
  }
  return tf.getBackend();
}

/**
 * `tf.setBackend` reports a failed initialisation as `false` plus two `console.warn` lines; we turn
 * that into one error that carries those lines, and put the previous backend back.
 */
async function setBackendQuietly(tf: Tf, name: string, tfName: string, previous: string | undefined) {
  const captured: string[] = [];
  const originalWarn = console.warn;
  console.warn = (...args: unknown[]) => {
    captured.push(args.map(String).join(' '));
  };
  let ok = false;
  let failure: unknown;
  try {
    ok = await tf.setBackend(tfName);
    if (ok) await tf.ready();
  } catch (error) {
    failure = error;
  } finally {
    console.warn = originalWarn;
  }
  if (ok && !failure && tf.getBackend() === tfName) return;
  await restore(tf, previous);
  const detail = (
    failure instanceof Error
      ? failure.message
      : (captured.find((l) => !l.startsWith('Initialization of backend')) ?? captured.join(' ')).split('\n')[0]
  ).replace(/^Error: /, '');
  throw new UlasanError(
    'BACKEND_UNAVAILABLE',
    `The ${name} backend failed to initialise${detail ? `: ${detail}` : ''}. ` +
      'Choose another backend with useBackend() or ULASAN_BACKEND (cpu always works).',
    { cause: failure ?? (captured.length > 0 ? new Error(captured.join('\n')) : undefined) },
  );
}

/** After a failed `setBackend`, tfjs points at the broken backend; go back to a working one. */
async function restore(tf: Tf, previous: string | undefined): Promise<void> {
  const target = previous && tf.findBackend(previous) ? previous : 'cpu';
  try {
    await tf.setBackend(target);
  } catch {
    // cpu is always registered; nothing else to try.
  }
}
