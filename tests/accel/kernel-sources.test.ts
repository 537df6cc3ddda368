/**
 * The committed WebAssembly blobs must be what their committed C sources compile to. Always: the
 * SHA-256 each generated module records equals the source's (so editing a .c file without
 * rebuilding fails here). Where clang + lld with the wasm32 target are installed (clang-14 and,
 * for the FMA build, clang-19; CI installs them), `build-kernels.sh` is rerun into a temp folder and must reproduce the committed modules
 * byte for byte.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kernelMath, setKernelMath } from '../../src/accel/kernel-math.js';
import { compileWasm } from '../../src/accel/wasm-loader.js';
import { hasProgram } from '../helpers/system.js';

const accel = join(import.meta.dirname, '../../src/accel');
const blobs = [
  { source: 'kernels.c', generated: 'kernels-wasm.ts', constant: 'KERNELS_WASM_BASE64' },
  { source: 'kernels.c', generated: 'kernels-fma-wasm.ts', constant: 'KERNELS_FMA_WASM_BASE64' },
  { source: 'word2vec.c', generated: 'word2vec-wasm.ts', constant: 'WORD2VEC_WASM_BASE64' },
  { source: 'adam.c', generated: 'adam-wasm.ts', constant: 'ADAM_WASM_BASE64' },
];

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('committed WebAssembly kernels', () => {
  for (const { source, generated, constant } of blobs) {
    it(`${generated} records the SHA-256 of ${source} and holds a valid module`, async () => {
      const text = readFileSync(join(accel, generated), 'utf8');
      const recorded = /^\/\/ source sha256: ([0-9a-f]{64})$/m.exec(text)?.[1];
      expect(
        recorded,
        `${generated} has no "// source sha256:" line: rerun sh src/accel/build-kernels.sh`,
      ).toBeDefined();
      expect(recorded, `${source} changed since ${generated} was built: rerun sh src/accel/build-kernels.sh`).toBe(
        sha256(join(accel, source)),
      );
      const mod = (await import(`../../src/accel/${generated.replace(/\.ts$/, '.js')}`)) as Record<string, string>;
      expect(typeof mod[constant]).toBe('string');
      if (constant === 'KERNELS_FMA_WASM_BASE64') setKernelMath('fma'); // turns on relaxed SIMD (Node 20)
      expect(() => compileWasm(mod[constant] as string)).not.toThrow();
    });
  }

  // clang-14 builds the exact kernels and Word2Vec; the FMA build needs clang >= 16 (clang-19).
  const canBuild =
    hasProgram('clang', 'clang') && hasProgram('wasm-ld', 'lld') && hasProgram('clang-19', 'clang-19 lld-19');
  const out = mkdtempSync(join(tmpdir(), 'ulasan-kernels-'));
  const mathAtStart = kernelMath();
  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
    setKernelMath(mathAtStart);
  });

  it.skipIf(!canBuild)('rebuilding from the C sources reproduces the committed modules byte for byte', () => {
    execFileSync('sh', [join(accel, 'build-kernels.sh'), out], { stdio: 'pipe' });
    for (const { generated } of blobs) {
      expect(readFileSync(join(out, generated), 'utf8'), `${generated} differs from a rebuild`).toBe(
        readFileSync(join(accel, generated), 'utf8'),
      );
    }
  });
});
