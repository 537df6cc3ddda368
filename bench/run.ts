/**
 * `npm run bench [-- --quick] [name...]`: runs every `bench/*.bench.ts` (or the named ones),
 * prints a Markdown table on stdout and writes JSON + Markdown to `bench/results/`.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bench, BenchRow } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

const all: (BenchRow & { bench: string })[] = [];
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  process.stderr.write(`\n## ${name}\n`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: Bench };
  try {
    const rows = await mod.default({ quick, log: (l) => process.stderr.write(`  ${l}\n`) });
    for (const r of rows) all.push({ bench: name, ...r });
  } catch (error) {
    process.stderr.write(`  FAILED: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}

const fmt = (v: number | undefined) =>
  v === undefined ? '' : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
const lines = [
  '| bench | name | metric | value | reference | ratio | notes |',
  '| --- | --- | --- | ---: | ---: | ---: | --- |',
  ...all.map(
    (r) =>
      `| ${r.bench} | ${r.name} | ${r.metric} | ${fmt(r.value)} | ${r.reference === undefined ? '' : `${fmt(r.reference)} (${r.referenceName ?? 'ref'})`} | ${r.reference ? (r.value / r.reference).toFixed(2) : ''} | ${r.notes ?? ''} |`,
  ),
];
const md = `${lines.join('\n')}\n`;
process.stdout.write(`\n${md}`);
const outDir = join(here, 'results');
mkdirSync(outDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const meta = {
  date: new Date().toISOString(),
  node: process.version,
  quick,
  cpus: (await import('node:os')).cpus().length,
};
writeFileSync(join(outDir, `${stamp}.json`), `${JSON.stringify({ meta, rows: all }, null, 2)}\n`);
writeFileSync(join(outDir, `${stamp}.md`), md);
