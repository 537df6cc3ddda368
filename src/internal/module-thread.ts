/**
 * Worker threads that run one of ulasan's own modules (the grid's scenario threads, the parallel
 * predictor): the thread imports the file that holds the calling code, whose guard (`!isMainThread`
 * and a flag in `workerData`) then starts the thread's side. One place for the two things that make
 * this work from every build: which file that is, and loading TypeScript sources through tsx.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The URL of the file holding the caller's code: `import.meta.url`, except in the CommonJS build,
 * which computes `import.meta.url` in a shared chunk, so there the caller's own `__filename` (pass
 * `typeof __filename === 'string' ? __filename : undefined`) is the file that holds its guard.
 */
export function threadEntry(importMetaUrl: string, filename: string | undefined): string {
  return filename?.endsWith('.cjs') ? pathToFileURL(filename).href : importMetaUrl;
}

/**
 * Starts a worker thread that imports `entry` with `workerData`. Under a TypeScript loader (tests,
 * `tsx`), a `.ts` entry is loaded through tsx as well.
 */
export function startModuleThread(entry: string, workerData: Record<string, unknown>): Worker {
  const tsx = /\.[cm]?ts$/.test(new URL(entry).pathname)
    ? pathToFileURL(join(dirname(createRequire(entry).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href
    : undefined;
  const code = `const { workerData } = require('node:worker_threads');
const load = workerData.tsx
  ? import(workerData.tsx).then((m) => m.tsImport(workerData.entry, workerData.entry))
  : import(workerData.entry);
load.catch((e) => { throw e; });`;
  return new Worker(code, { eval: true, workerData: { ...workerData, entry, tsx } });
}
