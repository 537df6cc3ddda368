/**
 * Loading optional peer packages (`@tensorflow/tfjs-node`, `webgpu`, ...) by dynamic import, with
 * one typed error for "not installed" and one for "installed but failed to load".
 *
 * The importer is replaceable so the tests can exercise the tfjs-node code paths with a mocked
 * module: tfjs-node cannot be installed on the machines we test on.
 */
import { MissingDependencyError, UlasanError } from '../internal/errors.js';

/** Loads a module by specifier (default: the platform's dynamic `import()`). */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

/**
 * tsup's CommonJS build rewrites `import()` into `require()`. Node before 20.19 / 22.12 cannot
 * `require()` an ES module, so an ESM-only peer (`webgpu`) would fail there with ERR_REQUIRE_ESM.
 * Then we resolve the file and import it by URL through a Function-created `import()`, which no
 * bundler rewrites.
 */
async function importEsmFallback(specifier: string): Promise<unknown> {
  const { createRequire } = await import('node:module');
  const { pathToFileURL } = await import('node:url');
  const resolved = createRequire(import.meta.url).resolve(specifier);
  const nativeImport = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;
  return nativeImport(pathToFileURL(resolved).href);
}

const defaultImporter: ModuleImporter = async (specifier) => {
  try {
    return await import(specifier);
  } catch (error) {
    if ((error as { code?: string } | null)?.code === 'ERR_REQUIRE_ESM') return importEsmFallback(specifier);
    throw error;
  }
};
let importer: ModuleImporter = defaultImporter;

/** Replaces the module importer (tests only); call with no argument to restore the default. */
export function setModuleImporter(fn?: ModuleImporter): void {
  importer = fn ?? defaultImporter;
}

/** True when `error` says the module itself (not one of its own imports) could not be found. */
function isNotFound(error: unknown, pkg: string): boolean {
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  // "Cannot find package 'x' imported from ..." (Node ESM), "Cannot find module 'x'" (CJS), or
  // "Could not resolve "x"" (bundlers and vitest). A missing dependency *of* the package names that
  // other package and counts as a broken install instead.
  const missing = /(?:Cannot find (?:package|module)|Could not resolve) ['"]([^'"]+)['"]/.exec(message)?.[1];
  if (missing === undefined) return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
  return missing === pkg || missing.startsWith(`${pkg}/`);
}

/**
 * Imports an optional peer package. Throws {@link MissingDependencyError} when it is not installed,
 * and a `BACKEND_UNAVAILABLE` {@link UlasanError} when it is installed but fails to load (for
 * example tfjs-node 4.22 on Node 23+, or a native binary built for another platform).
 */
export async function importOptional(pkg: string, purpose: string): Promise<unknown> {
  try {
    return await importer(pkg);
  } catch (error) {
    if (isNotFound(error, pkg)) throw new MissingDependencyError(pkg, purpose, error);
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UlasanError(
      'BACKEND_UNAVAILABLE',
      `${purpose} could not load "${pkg}" (it is installed but failed to load: ${message}).${nodeHint(pkg)} ` +
        'Reinstall it, or choose another backend with useBackend() or ULASAN_BACKEND.',
      { cause: error },
    );
  }
}

function nodeHint(pkg: string): string {
  const major = Number(process.versions.node.split('.')[0]);
  if (pkg.startsWith('@tensorflow/tfjs-node') && major >= 23) {
    return ` ${pkg} 4.22 is known not to work on Node ${major} (it calls util functions removed in Node 23); use Node 20 or 22, or the wasm backend.`;
  }
  return '';
}
