/**
 * Making WebGPU available in Node for `@tensorflow/tfjs-backend-webgpu`: the `webgpu` package
 * (Dawn) provides `create()` and the WebGPU globals; we install `navigator.gpu` from it.
 *
 * We only install it after checking that a real adapter exists, because tfjs' webgpu backend
 * assumes `requestAdapter()` succeeds, and Dawn prints a warning on stderr when it cannot load the
 * Vulkan loader. On Linux we therefore look for `libvulkan.so.1` first and do not touch Dawn at all
 * without it, so `auto` stays silent on machines without a GPU.
 */
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { importOptional } from './optional-import.js';

/** The outcome of {@link probeWebGpu}. */
export type WebGpuProbe =
  | { ok: true; adapter: string }
  /** `absent`: nothing is wrong, there is just no usable GPU here (auto skips it silently). */
  | { ok: false; absent: boolean; reason: string };

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}
interface WebGpuModule {
  create(options: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/** What the one Dawn probe found, before deciding per mode. */
type RawProbe =
  | { found: false; reason: string }
  | { found: true; fallback: boolean; label: string; install: () => void };

let cached: Promise<RawProbe> | undefined;

/**
 * Checks (Dawn is probed once per process) that WebGPU with a usable adapter exists, and installs
 * `navigator.gpu` and the WebGPU globals when it does. `auto` also refuses software (fallback)
 * adapters; an explicit request accepts them. Throws `MissingDependencyError` when the `webgpu`
 * package is not installed.
 */
export async function probeWebGpu(mode: 'auto' | 'explicit'): Promise<WebGpuProbe> {
  cached ??= probe();
  const raw = await cached;
  if (!raw.found) return { ok: false, absent: true, reason: raw.reason };
  if (raw.fallback && mode === 'auto') {
    return {
      ok: false,
      absent: true,
      reason: `only a software (fallback) adapter is available${raw.label ? ` (${raw.label})` : ''}.`,
    };
  }
  raw.install();
  return { ok: true, adapter: raw.label || 'unknown adapter' };
}

async function probe(): Promise<RawProbe> {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  let gpu = nav?.gpu;
  let mod: WebGpuModule | undefined;
  if (!gpu) {
    mod = (await importOptional('webgpu', 'The webgpu backend')) as WebGpuModule;
    if (process.platform === 'linux' && !hasVulkanLoader()) {
      return {
        found: false,
        reason:
          'the Vulkan loader (libvulkan.so.1) was not found, so Dawn cannot reach a GPU. ' +
          'Install it (Debian/Ubuntu: apt-get install libvulkan1) together with the GPU driver.',
      };
    }
    gpu = mod.create([]);
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { found: false, reason: 'no GPU adapter (navigator.gpu.requestAdapter() returned null).' };
  const found = gpu;
  const webgpu = mod;
  return {
    found: true,
    fallback: adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
    label: [adapter.info?.vendor, adapter.info?.architecture, adapter.info?.description].filter(Boolean).join(' '),
    install: () => {
      if (webgpu) installGlobals(webgpu, found);
    },
  };
}

function installGlobals(mod: WebGpuModule, gpu: GpuLike): void {
  for (const [key, value] of Object.entries(mod.globals)) {
    if (!(key in globalThis)) (globalThis as Record<string, unknown>)[key] = value;
  }
  const g = globalThis as { navigator?: Record<string, unknown> };
  if (g.navigator) {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
}

/** Whether the dynamic linker can find libvulkan.so.1 (ld.so.cache, LD_LIBRARY_PATH, usual dirs). */
export function hasVulkanLoader(): boolean {
  const lib = 'libvulkan.so.1';
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean),
    '/lib/x86_64-linux-gnu',
    '/usr/lib/x86_64-linux-gnu',
    '/lib/aarch64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/lib64',
    '/usr/lib64',
    '/lib',
    '/usr/lib',
    '/usr/local/lib',
  ];
  if (dirs.some((d) => existsSync(join(d, lib)))) return true;
  try {
    return readFileSync('/etc/ld.so.cache').includes(lib);
  } catch {
    return false;
  }
}

/** Forgets the cached probe result (tests only). */
export function resetWebGpuProbe(): void {
  cached = undefined;
}
