/**
 * Tests that need a system program or file from Debian's apt (redis-server, chromium, opencv-data,
 * h5py...) ask here. On a developer's machine a missing one skips the test with a printed reason;
 * under CI (`CI=true`, as `.ci/run` sets) it fails instead, so CI can never go green by skipping
 * (`.ci/run` installs every package listed in its SYSTEM_PACKAGES).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Resolves a program on PATH, or undefined. */
export function findProgram(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when `what` is available. When it is not: throws under CI, otherwise prints why the tests
 * that need it are skipped and returns false (use with `describe.skipIf(!requireSystem(...))`).
 */
export function requireSystem(available: boolean, what: string, debianPackage: string): boolean {
  if (available) return true;
  const message = `${what} is not installed (Debian package ${debianPackage}: apt-get install ${debianPackage})`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI must not skip these tests.`);
  console.warn(`skipping tests that need ${what}: ${message}`);
  return false;
}

/** Convenience: a program on PATH (e.g. `hasProgram('redis-server', 'redis-server')`). */
export function hasProgram(program: string, debianPackage: string): boolean {
  return requireSystem(findProgram(program) !== undefined, program, debianPackage);
}

/** Convenience: a file installed by a package (e.g. an OpenCV cascade). */
export function hasSystemFile(path: string, debianPackage: string): boolean {
  return requireSystem(existsSync(path), path, debianPackage);
}
