import { fileURLToPath } from 'node:url';

/** tests/fixtures/vision */
export const FIXTURES = fileURLToPath(new URL('../fixtures/vision/', import.meta.url));
/** ../shared/data/faces (read-only shared data) */
export const SHARED_FACES = fileURLToPath(new URL('../../../shared/data/faces/', import.meta.url));

/** Picks the first `n` items of each label, keeping order. */
export function perClass(paths: string[], labels: string[], n: number): { paths: string[]; labels: string[] } {
  const count = new Map<string, number>();
  const out = { paths: [] as string[], labels: [] as string[] };
  paths.forEach((p, i) => {
    const l = labels[i] as string;
    const c = count.get(l) ?? 0;
    if (c < n) {
      out.paths.push(p);
      out.labels.push(l);
      count.set(l, c + 1);
    }
  });
  return out;
}

/** A fresh temporary folder, removed when the current test finishes. */
export async function tempDir(prefix: string): Promise<string> {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { onTestFinished } = await import('vitest');
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
