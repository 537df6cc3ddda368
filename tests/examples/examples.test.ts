/**
 * Runs every `examples/*.ts` script (except the shared helpers) in quick mode, as a user would:
 * `node --import tsx examples/x.ts --quick` from the repository root, so the scripts import the
 * BUILT package by its own name (`ulasan/text`, ...). Each must exit with code 0 and print a
 * Markdown results table on stdout. New examples are picked up automatically.
 *
 * Needs `npm run build` first (CI builds before `npm test`) and the shared data in ../shared/data
 * (or ULASAN_DATA). The scripts run one after another: they are CPU-heavy and CI has 2 cores.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const examplesDir = join(root, 'examples');
const HELPERS = new Set(['shared.ts']);
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !HELPERS.has(f))
  .sort();

/** Per-script limit: quick modes take 1–2 minutes on 2 free cores; this leaves room for a loaded machine. */
const TIMEOUT_MS = 420_000;

/** The entry points the examples import through the package's own name. */
const BUILT_ENTRIES = [
  'dist/index.js',
  'dist/text/index.js',
  'dist/metrics/index.js',
  'dist/experiments/index.js',
  'dist/ssl/index.js',
  'dist/vision/index.js',
  'dist/backend/index.js',
];

/** A Markdown table: a header row followed by a `| --- | --- |` separator row. */
const MARKDOWN_TABLE = /^\|.*\|[ \t]*\r?\n\|(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*$/m;

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

function runExample(file: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', join('examples', file), '--quick'], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    // Kill it ourselves a little before vitest's timeout, so the failure shows the script's output.
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS - 10_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
}

/** The last lines of an output, each cut to 400 characters (Node echoes the source line of an uncaught
 * error, and a minified dependency's line can be tens of kilobytes). */
const tail = (text: string, lines = 40) =>
  text
    .split('\n')
    .slice(-lines)
    .map((line) => (line.length > 400 ? `${line.slice(0, 400)} …[${line.length - 400} more characters]` : line))
    .join('\n');

describe('examples (quick mode)', () => {
  beforeAll(() => {
    const missing = BUILT_ENTRIES.filter((p) => !existsSync(join(root, p)));
    if (missing.length > 0) {
      throw new Error(
        `The examples import the built package, but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing. ` +
          'Run `npm run build` first (CI runs it before `npm test`).',
      );
    }
  });

  it('finds the example scripts', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  for (const file of examples) {
    it(
      `${file} --quick exits 0 and prints a Markdown table`,
      async () => {
        const r = await runExample(file);
        const context = `\n--- stdout (tail) ---\n${tail(r.stdout)}\n--- stderr (tail) ---\n${tail(r.stderr)}`;
        if (r.signal !== null || r.code !== 0) {
          throw new Error(
            `examples/${file} --quick ${r.signal ? `was killed (${r.signal}) after ${r.seconds.toFixed(0)} s` : `exited with code ${r.code}`}.${context}`,
          );
        }
        if (!MARKDOWN_TABLE.test(r.stdout)) {
          throw new Error(`examples/${file} --quick printed no Markdown table on stdout.${context}`);
        }
        console.error(`examples/${file} --quick: ${r.seconds.toFixed(1)} s`);
      },
      TIMEOUT_MS,
    );
  }
});
