/**
 * Runs once before the suite. Several tests run what users run — the built `ulasan` bin, the
 * examples against the built package — so `npm test` on a fresh clone builds `dist/` first, and
 * rebuilds it when a source file is newer than the build (a stale bin would test old code).
 * CI builds just before, so this finds the build current and does nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

export default function setup(): void {
  const built = ['dist/cli/main.js', 'dist/index.js', 'dist/index.cjs'].map((p) => join(root, p));
  const missing = built.some((p) => !existsSync(p));
  const stale =
    !missing &&
    Math.max(newestMtime(join(root, 'src')), newestMtime(join(root, 'resources'))) >
      Math.min(...built.map((p) => statSync(p).mtimeMs));
  if (!missing && !stale) return;
  console.log(`tests: ${missing ? 'dist/ is missing' : 'src/ is newer than dist/'}: running npm run build first`);
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
