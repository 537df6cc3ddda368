/**
 * Compute backend selection: `cpu` (always), `wasm`, `tensorflow` (tfjs-node), `tensorflow-gpu`
 * (tfjs-node-gpu), `webgpu` (tfjs-backend-webgpu + the `webgpu` package providing navigator.gpu in
 * Node), and `auto` (best available). Heavy backends are optional peers loaded by dynamic import.
 */
import { MissingDependencyError, UlasanError } from '../internal/errors.js';
import { loadTf } from './tf.js';

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

/** What {@link backendInfo} reports. */
export interface BackendInfo {
  /** The backend that was asked for (`auto` included). */
  requested: BackendName | null;
  /** The tfjs backend actually active (`cpu`, `wasm`, `tensorflow`, `webgpu`), or null before selection. */
  active: string | null;
  /** Why this backend is active (auto choice, environment variable, explicit call). */
  reason: string;
  /** Backends `auto` tried and why each was skipped. */
  skipped: { name: string; reason: string }[];
  /** Kernels ulasan registered or replaced on the active backend. */
  customKernels: string[];
}

const state: BackendInfo = {
  requested: null,
  active: null,
  reason: 'no backend selected yet',
  skipped: [],
  customKernels: [],
};

/**
 * Selects the compute backend. With no argument, uses `ULASAN_BACKEND` or `auto`.
 * `auto` picks the best available: GPU (tensorflow-gpu, webgpu), then native (tensorflow), then
 * wasm, then cpu, and records (and warns on stderr about) what it skipped.
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
      `Unknown backend "${requested}"${fromEnv ? ' (from ULASAN_BACKEND)' : ''}. Expected one of: ${[...BACKEND_NAMES, 'auto'].join(', ')}.`,
    );
  }
  const { tf } = await loadTf();
  const skipped: { name: string; reason: string }[] = [];
  if (requested === 'auto') {
    for (const candidate of ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm'] as const) {
      try {
        const active = await activate(candidate);
        setState('auto', active, `auto: best available backend`, skipped);
        return backendInfo();
      } catch (error) {
        skipped.push({
          name: candidate,
          reason: error instanceof Error ? error.message.split('\n')[0] : String(error),
        });
      }
    }
    await activate('cpu');
    setState('auto', tf.getBackend(), 'auto: no faster backend is installed, using the pure-JS cpu backend', skipped);
    return backendInfo();
  }
  const active = await activate(requested as Exclude<BackendName, 'auto'>);
  setState(
    requested as BackendName,
    active,
    fromEnv ? 'ULASAN_BACKEND environment variable' : 'useBackend() call',
    skipped,
  );
  return backendInfo();
}

function setState(requested: BackendName, active: string, reason: string, skipped: { name: string; reason: string }[]) {
  state.requested = requested;
  state.active = active;
  state.reason = reason;
  state.skipped = skipped;
}

/** Reports which backend is active and why. */
export function backendInfo(): BackendInfo {
  return { ...state, skipped: [...state.skipped], customKernels: [...state.customKernels] };
}

/** Records kernels ulasan registered on a backend (reported by {@link backendInfo}). */
export function recordCustomKernel(name: string): void {
  if (!state.customKernels.includes(name)) state.customKernels.push(name);
}

/** Ensures a backend is active, selecting the default (`ULASAN_BACKEND` or auto) if none was chosen. */
export async function ensureBackend(): Promise<string> {
  if (state.active === null) await useBackend();
  return state.active as string;
}

async function activate(name: Exclude<BackendName, 'auto'>): Promise<string> {
  const { tf } = await loadTf();
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
      const webgpu = (await importOptional('webgpu', 'The webgpu backend')) as {
        create?: (opts: string[]) => unknown;
        globals?: Record<string, unknown>;
      };
      const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
      if (!nav?.gpu) {
        if (webgpu.globals) Object.assign(globalThis, webgpu.globals);
        const gpu = webgpu.create?.([]);
        if (!gpu) throw new UlasanError('BACKEND_UNAVAILABLE', 'The "webgpu" package did not provide a GPU object.');
        Object.defineProperty(globalThis, 'navigator', {
          value: { ...(nav ?? {}), gpu },
          configurable: true,
          writable: true,
        });
      }
      await importOptional('@tensorflow/tfjs-backend-webgpu', 'The webgpu backend');
      break;
    }
  }
  const tfName = name === 'tensorflow-gpu' ? 'tensorflow' : name;
  let ok = false;
  try {
    ok = await tf.setBackend(tfName);
    if (ok) await tf.ready();
  } catch (error) {
    throw new UlasanError(
      'BACKEND_UNAVAILABLE',
      `The ${name} backend failed to initialise: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (!ok || tf.getBackend() !== tfName) {
    throw new UlasanError(
      'BACKEND_UNAVAILABLE',
      `The ${name} backend failed to initialise (tf.setBackend returned false). Run with another backend, e.g. ULASAN_BACKEND=cpu.`,
    );
  }
  return tf.getBackend();
}

async function importOptional(pkg: string, purpose: string): Promise<unknown> {
  try {
    return await import(pkg);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')
      throw new MissingDependencyError(pkg, purpose, error);
    throw new UlasanError(
      'BACKEND_UNAVAILABLE',
      `${purpose} could not load "${pkg}": ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
