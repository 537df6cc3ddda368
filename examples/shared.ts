/** Helpers shared by the example scripts: where the data lives, and a Markdown table printer. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Path of a file under the shared data folder: `ULASAN_DATA` if set, else `../shared/data` beside
 * the repository (where CI puts it).
 */
export function dataPath(relative: string): string {
  const root = process.env.ULASAN_DATA ?? resolve(here, '../../shared/data');
  const path = join(root, relative);
  if (!existsSync(path)) {
    throw new Error(
      `Data file ${path} not found. Put the shared data beside the repo (../shared/data) or set ULASAN_DATA.`,
    );
  }
  return path;
}

/** Prints a Markdown table on stdout; numbers are shown with 4 decimals. */
export function printTable(header: string[], rows: (string | number)[][]): void {
  const cell = (v: string | number) => (typeof v === 'number' ? (Number.isNaN(v) ? '-' : v.toFixed(4)) : v);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const r of rows) console.log(`| ${r.map(cell).join(' | ')} |`);
}
