import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The installed ulasan version, read from its package.json (works from src/, dist/ and dist/cli/). */
export function ulasanVersion(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ulasan' && pkg.version) {
        cached = pkg.version;
        return cached;
      }
    } catch {
      // not here: keep walking up
    }
    dir = dirname(dir);
  }
  cached = '0.0.0';
  return cached;
}
