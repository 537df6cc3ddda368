/**
 * The one loader of ulasan's committed WebAssembly kernels (`kernels-wasm.ts`, `word2vec-wasm.ts`):
 * decodes and compiles each blob once per process, synchronously (they are small: 74 KB and 9 KB),
 * and exposes the few `WebAssembly` constructors the kernels need, typed here because the
 * `WebAssembly` global is not in the ES lib typings this project compiles against.
 */

/** A WebAssembly memory, as the kernels use it. */
export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The parts of the `WebAssembly` global the kernels use. */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/** The global `WebAssembly` namespace, typed. */
export const wasmApi = (): WasmApi => (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Size of a WebAssembly memory page in bytes. */
export const WASM_PAGE = 65536;

const compiled = new Map<string, object>();

/** The compiled module of a base64 blob, compiled on first use and cached for the process. */
export function compileWasm(base64: string): object {
  let module = compiled.get(base64);
  if (!module) {
    module = new (wasmApi().Module)(Buffer.from(base64, 'base64'));
    compiled.set(base64, module);
  }
  return module;
}

/** Instantiates a compiled kernel module on `memory` (imported as `env.memory`). */
export function instantiateWasm<Exports>(module: object, memory: WasmMemory): Exports {
  return new (wasmApi().Instance)(module, { env: { memory } }).exports as Exports;
}
