/**
 * Benchmark contract. Each `bench/<area>.bench.ts` default-exports a function returning rows;
 * `npm run bench` (bench/run.ts) runs them all (or those named on the command line), prints a
 * Markdown table and writes `bench/results/<timestamp>.json` and `.md`.
 *
 * Report medians of repeats, and same-run comparisons (ours vs reference measured in one run),
 * because this 2-core machine is noisy.
 */
import { readFileSync } from 'node:fs';

/** One measured number. */
export interface BenchRow {
  /** What was measured, e.g. `GRU(64) train [128,50] cpu`. */
  name: string;
  /** The metric, e.g. `samples/s`, `words/s`, `ms/step`, `share`, `peak RSS MiB`. */
  metric: string;
  value: number;
  /** Reference value measured in the same run (PyTorch, gensim, stock kernel...), when there is one. */
  reference?: number;
  /** What the reference is. */
  referenceName?: string;
  notes?: string;
}

/** Options every benchmark receives. */
export interface BenchOptions {
  /** Smaller sizes / fewer repeats (`npm run bench -- --quick`). */
  quick: boolean;
  /** Writes a progress line to stderr. */
  log: (line: string) => void;
}

/** A benchmark module's default export. */
export type Bench = (options: BenchOptions) => Promise<BenchRow[]>;

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Runs `fn` `repeats` times after `warmup` runs and returns each run's seconds. */
export async function timeRepeats(
  fn: () => unknown | Promise<unknown>,
  repeats: number,
  warmup = 1,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return times;
}

/** Peak resident set size of this process so far, in MiB (Linux: VmHWM). */
export function peakRssMiB(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss / 2 ** 20;
}
