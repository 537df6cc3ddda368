/**
 * Backend selection: explicit names, ULASAN_BACKEND, auto's order and fallbacks, one clear error
 * per failure, and the tfjs-node code paths exercised through a mocked module (tfjs-node cannot be
 * installed on the machines we test on).
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { backendInfo, ensureBackend, useBackend } from '../../src/backend/backends.js';
import { setModuleImporter } from '../../src/backend/optional-import.js';
import { loadTf } from '../../src/backend/tf.js';
import { hasVulkanLoader, probeWebGpu, resetWebGpuProbe } from '../../src/backend/webgpu.js';
import { UlasanError } from '../../src/internal/errors.js';

let tf: typeof TfCore;
beforeAll(async () => {
  tf = (await loadTf()).tf;
});

const savedEnv = process.env.ULASAN_BACKEND;
afterEach(() => {
  setModuleImporter();
  vi.restoreAllMocks();
  if (savedEnv === undefined) delete process.env.ULASAN_BACKEND;
  else process.env.ULASAN_BACKEND = savedEnv;
});

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    expect(UlasanError.isInstance(error)).toBe(true);
    return { code: (error as UlasanError).code, message: (error as Error).message };
  }
  throw new Error('expected a rejection');
}

function notFound(pkg: string): Error {
  return Object.assign(new Error(`Cannot find package '${pkg}' imported from /x/y.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

/**
 * A stand-in for @tensorflow/tfjs-node: importing it registers a `tensorflow` backend. Here that
 * backend is the cpu implementation registered under the other name, so ops really run on it.
 */
async function fakeTfjsNode(backendName = 'tensorflow', factory?: () => unknown): Promise<unknown> {
  const cpu = (await import('@tensorflow/tfjs-backend-cpu')) as unknown as {
    MathBackendCPU: new () => TfCore.KernelBackend & { firstUse: boolean };
  };
  if (!tf.findBackendFactory(backendName)) {
    tf.registerBackend(
      backendName,
      (factory as () => TfCore.KernelBackend) ??
        (() => {
          const b = new cpu.MathBackendCPU();
          b.firstUse = false;
          return b;
        }),
    );
    for (const k of tf.getKernelsForBackend('cpu')) {
      if (!tf.getKernel(k.kernelName, backendName)) tf.registerKernel({ ...k, backendName });
    }
  }
  return { version: { 'tfjs-node': '4.22.0-mock' } };
}

describe('the cpu banner', () => {
  it('is silenced: no "Hi, looks like you are running TensorFlow.js in Node.js"', async () => {
    const warn = vi.spyOn(console, 'warn');
    await useBackend('cpu');
    tf.tidy(() => tf.add(tf.ones([2]), tf.ones([2])).dataSync());
    expect(warn.mock.calls.flat().join(' ')).not.toMatch(/looks like you are running/);
  });
});

describe('explicit selection', () => {
  it('selects cpu and wasm and says why', async () => {
    expect((await useBackend('wasm')).active).toBe('wasm');
    const info = await useBackend(' CPU ');
    expect(info).toMatchObject({ requested: 'cpu', active: 'cpu', reason: 'useBackend() call' });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('rejects an unknown name with the list of valid ones', async () => {
    const { code, message } = await codeOf(useBackend('gpu'));
    expect(code).toBe('UNKNOWN_BACKEND');
    expect(message).toMatch(/"gpu".*cpu, wasm, tensorflow, tensorflow-gpu, webgpu, auto/);
  });

  it('reads ULASAN_BACKEND, and names it in errors', async () => {
    process.env.ULASAN_BACKEND = 'wasm';
    expect(await useBackend()).toMatchObject({ active: 'wasm', reason: 'ULASAN_BACKEND environment variable' });
    process.env.ULASAN_BACKEND = 'tpu';
    const { code, message } = await codeOf(useBackend());
    expect(code).toBe('UNKNOWN_BACKEND');
    expect(message).toMatch(/ULASAN_BACKEND/);
  });

  it('a missing optional package: MISSING_DEPENDENCY naming the install command, no fallback', async () => {
    setModuleImporter(async (s) => {
      throw notFound(s);
    });
    await useBackend('cpu');
    const { code, message } = await codeOf(useBackend('tensorflow'));
    expect(code).toBe('MISSING_DEPENDENCY');
    expect(message).toMatch(/npm install @tensorflow\/tfjs-node$/);
    expect((await codeOf(useBackend('tensorflow-gpu'))).message).toMatch(/npm install @tensorflow\/tfjs-node-gpu/);
    expect((await codeOf(useBackend('wasm'))).message).toMatch(/npm install @tensorflow\/tfjs-backend-wasm/);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('a package that is installed but broken: BACKEND_UNAVAILABLE with the cause', async () => {
    const broken = new TypeError('util.isNullOrUndefined is not a function');
    setModuleImporter(async () => {
      throw broken;
    });
    const { code, message } = await codeOf(useBackend('tensorflow'));
    expect(code).toBe('BACKEND_UNAVAILABLE');
    expect(message).toMatch(/installed but failed to load: util.isNullOrUndefined is not a function/);
  });

  it('a missing dependency of an installed package is a broken install, not a missing package', async () => {
    setModuleImporter(async () => {
      throw notFound('@mapbox/node-pre-gyp');
    });
    expect((await codeOf(useBackend('tensorflow'))).code).toBe('BACKEND_UNAVAILABLE');
  });

  it('tensorflow / tensorflow-gpu (mocked tfjs-node): selected, ops run, kernels untouched', async () => {
    const imported: string[] = [];
    setModuleImporter(async (s) => {
      imported.push(s);
      return fakeTfjsNode();
    });
    const info = await useBackend('tensorflow');
    expect(info).toMatchObject({ requested: 'tensorflow', active: 'tensorflow' });
    expect(Array.from(tf.tidy(() => tf.add(tf.ones([2]), 1).dataSync()))).toEqual([2, 2]);
    expect(info.customKernels.filter((k) => k.startsWith('tensorflow/'))).toEqual([]);
    expect((await useBackend('tensorflow-gpu')).active).toBe('tensorflow');
    expect(imported).toEqual(['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']);
    await useBackend('cpu');
  });

  it('a package that registers no backend with our tfjs-core: explains the version mismatch', async () => {
    await useBackend('cpu');
    if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
    setModuleImporter(async () => ({}));
    const { code, message } = await codeOf(useBackend('tensorflow-gpu'));
    expect(code).toBe('BACKEND_UNAVAILABLE');
    expect(message).toMatch(/registered no "tensorflow" backend.*npm ls @tensorflow\/tfjs-core/);
  });

  it('a backend that fails to initialise: one error carrying the reason, tfjs warnings swallowed, previous backend kept', async () => {
    await useBackend('cpu');
    if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
    setModuleImporter(async () =>
      fakeTfjsNode('tensorflow', () => {
        throw new Error('libtensorflow.so.2: cannot open shared object file');
      }),
    );
    const warn = vi.spyOn(console, 'warn');
    const { code, message } = await codeOf(useBackend('tensorflow'));
    expect(code).toBe('BACKEND_UNAVAILABLE');
    expect(message).toMatch(/tensorflow backend failed to initialise: libtensorflow.so.2: cannot open/);
    expect(warn).not.toHaveBeenCalled();
    expect(tf.getBackend()).toBe('cpu');
    expect(Array.from(tf.tidy(() => tf.add(tf.ones([1]), 1).dataSync()))).toEqual([2]);
  });

  it('webgpu with only a software adapter: auto skips it silently, an explicit request may use it', async () => {
    resetWebGpuProbe();
    const hadNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    const requestAdapter = vi.fn(async () => ({
      info: { vendor: 'google', description: 'SwiftShader', isFallbackAdapter: true },
    }));
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu: { requestAdapter } },
      configurable: true,
      writable: true,
    });
    try {
      expect(await probeWebGpu('auto')).toMatchObject({
        ok: false,
        absent: true,
        reason: expect.stringMatching(/software \(fallback\) adapter.*SwiftShader/),
      });
      expect(await probeWebGpu('explicit')).toEqual({ ok: true, adapter: 'google SwiftShader' });
      expect(requestAdapter).toHaveBeenCalledTimes(1);
    } finally {
      if (hadNavigator) Object.defineProperty(globalThis, 'navigator', hadNavigator);
      else delete (globalThis as { navigator?: unknown }).navigator;
      resetWebGpuProbe();
    }
  });

  it('webgpu without an adapter: a clear error (requestAdapter returned null)', async () => {
    resetWebGpuProbe();
    const g = globalThis as { navigator?: unknown };
    const hadNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu: { requestAdapter: async () => null } },
      configurable: true,
      writable: true,
    });
    try {
      const { code, message } = await codeOf(useBackend('webgpu'));
      expect(code).toBe('BACKEND_UNAVAILABLE');
      expect(message).toMatch(/requestAdapter\(\) returned null/);
    } finally {
      if (hadNavigator) Object.defineProperty(globalThis, 'navigator', hadNavigator);
      else delete g.navigator;
      resetWebGpuProbe();
    }
  });
});

describe('auto', () => {
  it('tries GPU, native, wasm, cpu in order and records why each was skipped, silently', async () => {
    const warn = vi.spyOn(console, 'warn');
    const info = await useBackend('auto');
    expect(info.requested).toBe('auto');
    expect(info.skipped.map((s) => s.name).slice(0, 1)).toEqual(['tensorflow-gpu']);
    if (!hasVulkanLoader()) {
      expect(info.active).toBe('wasm');
      expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow']);
      expect(info.skipped[1].reason).toMatch(/libvulkan/);
    }
    expect(info.warnings).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('falls back past an installed-but-broken backend: warns once on stderr and records it', async () => {
    setModuleImporter(async (s) => {
      if (s === '@tensorflow/tfjs-node-gpu') throw new Error('CUDA driver version is insufficient');
      if (s.startsWith('@tensorflow/tfjs-node') || s === 'webgpu') throw notFound(s);
      return import(s);
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const first = await useBackend('auto');
    expect(first.active).toBe('wasm');
    expect(first.warnings).toEqual([expect.stringMatching(/tensorflow-gpu.*installed but failed.*CUDA driver/)]);
    await useBackend('auto');
    expect(backendInfo().warnings).toHaveLength(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/^ulasan: auto: skipping the tensorflow-gpu backend/);
  });

  it('skips wasm, saying which kernel is missing, when it lacks one our models need', async () => {
    await useBackend('wasm');
    const tanh = tf.getKernel('Tanh', 'wasm');
    expect(tanh).toBeDefined();
    tf.unregisterKernel('Tanh', 'wasm');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const info = await useBackend('auto');
      expect(info.active).toBe('cpu');
      const wasm = info.skipped.find((s) => s.name === 'wasm');
      expect(wasm?.reason).toMatch(/lacks kernels ulasan's models need \(Tanh\)/);
      expect(info.warnings).toEqual([expect.stringMatching(/skipping the wasm backend/)]);
      const { code } = await codeOf(useBackend('wasm'));
      expect(code).toBe('BACKEND_UNAVAILABLE');
      expect(tf.getBackend()).toBe('cpu');
    } finally {
      if (tanh) tf.registerKernel(tanh);
      warn.mockRestore();
    }
    expect((await useBackend('auto')).active).toBe('wasm');
  });

  it('falls back to cpu when wasm is not installed', async () => {
    setModuleImporter(async (s) => {
      throw notFound(s);
    });
    const info = await useBackend('auto');
    expect(info.active).toBe('cpu');
    expect(info.skipped.map((s) => s.name)).toContain('wasm');
    expect(info.reason).toMatch(/pure-JS cpu/);
  });
});

describe('ensureBackend', () => {
  it('registers our kernels on a backend switched to directly with tf.setBackend()', async () => {
    await useBackend('wasm');
    await tf.setBackend('cpu');
    expect(await ensureBackend()).toBe('cpu');
    expect(backendInfo()).toMatchObject({ active: 'cpu', reason: 'switched directly with tf.setBackend()' });
    expect(backendInfo().customKernels).toContain('cpu/UnsortedSegmentSum');
  });
});
