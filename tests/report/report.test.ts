/**
 * `ulasan report DIR` on real small runs made here (a logreg trained on an SmSA sample, a four-
 * scenario grid, three self-training iterations) and on recorded outputs of `video analyze` and
 * `vision train` (tests/fixtures/report). Each page is opened in headless Chromium (Debian's
 * `chromium`): no console message (a blocked load or a script error would log one), the expected
 * headings and figures in the rendered DOM.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { detectRunType, renderRunReport, writeRunReport } from '../../src/report/index.js';
import { findProgram, hasProgram } from '../helpers/system.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const trainFile = join(fixtures, 'data/smsa-sample.tsv');
const validFile = join(fixtures, 'data/smsa-valid-sample.tsv');
const work = mkdtempSync(join(tmpdir(), 'ulasan-report-'));
const dirs = {
  training: join(work, 'logreg'),
  grid: join(work, 'grid'),
  ssl: join(work, 'ssl'),
  vision: join(work, 'vision'),
  video: join(work, 'video-analysis.json'),
};

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (s: string) => void out.push(String(s)), err: (s: string) => void err.push(s), interactive: false },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

async function cli(args: string[]): Promise<string> {
  const c = io();
  const code = await runCli(args, c.io as never);
  if (code !== 0) throw new Error(`ulasan ${args.join(' ')} failed (${code}): ${c.err()}`);
  return c.out();
}

beforeAll(async () => {
  await cli(['train', '--data', trainFile, '--valid', validFile, '--model', 'logreg', '--out', dirs.training]);
  const config = join(work, 'grid.yaml');
  writeFileSync(
    config,
    `name: report-grid
seed: 7
data:
  train: ${join(fixtures, 'experiments/smsa-train-240.tsv')}
  test: ${join(fixtures, 'experiments/smsa-valid-90.tsv')}
split:
  validSize: 0.25
grid:
  model: [nb, logreg]
  alpha: [0.1, 1]
`,
  );
  await cli(['grid', '--config', config, '--out', dirs.grid]);
  await cli([
    'ssl',
    '--labeled',
    join(fixtures, 'experiments/smsa-train-240.tsv'),
    '--unlabeled',
    trainFile,
    '--valid',
    join(fixtures, 'experiments/smsa-valid-90.tsv'),
    '--model',
    'logreg',
    '--threshold',
    '0.6',
    '--max-iterations',
    '3',
    '--out',
    dirs.ssl,
  ]);
  cpSync(join(fixtures, 'report/video-analysis.json'), dirs.video);
  cpSync(join(fixtures, 'report/vision'), dirs.vision, { recursive: true });
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const EXPECTED: Record<keyof typeof dirs, { sections: string[]; figures: string[] }> = {
  training: {
    sections: ['Model', 'Data', 'Evaluation'],
    figures: ['class-distribution', 'word-clouds', 'confusion-matrix', 'roc-curve', 'precision-recall-curve'],
  },
  grid: {
    sections: ['Grid', 'Data', 'Scenarios'],
    figures: ['class-distribution', 'grid-comparison', 'grid-comparison-accuracy', 'best-confusion-matrix'],
  },
  ssl: {
    sections: ['Self-training', 'Iterations', 'Pseudo-labels against the hidden labels', 'Data', 'Evaluation'],
    figures: ['self-training', 'pseudo-label-confusion-matrix', 'roc-curve', 'precision-recall-curve'],
  },
  vision: {
    sections: ['Vision model', 'Evaluation', 'Training curves'],
    figures: ['valid-confusion-matrix', 'validBaseline-confusion-matrix', 'training-curves'],
  },
  video: { sections: ['Video', 'Timeline'], figures: ['video-timeline'] },
};

describe('ulasan report', () => {
  it('detects each run type', async () => {
    for (const [type, dir] of Object.entries(dirs)) expect(await detectRunType(dir), dir).toBe(type);
    const empty = mkdtempSync(join(work, 'empty-'));
    writeFileSync(join(empty, 'notes.json'), '{"timeline": "not a video"}');
    expect(await detectRunType(empty)).toBeUndefined();
    await expect(renderRunReport(empty)).rejects.toThrow(/does not look like a ulasan run/);
    await expect(renderRunReport(join(work, 'missing'))).rejects.toThrow(/does not exist/);
  });

  it('writes one self-contained page per run, with every section and figure', async () => {
    for (const [type, dir] of Object.entries(dirs) as [keyof typeof dirs, string][]) {
      const data = type === 'training' || type === 'ssl' ? ['--data', validFile] : [];
      const out = JSON.parse(await cli(['report', dir, ...data, '--json']));
      expect(out.type).toBe(type);
      expect(existsSync(out.path)).toBe(true);
      for (const s of EXPECTED[type].sections) expect(out.sections, `${type} sections`).toContain(s);
      for (const f of EXPECTED[type].figures) expect(out.figures, `${type} figures`).toContain(f);
      const html = readFileSync(out.path, 'utf8');
      // Self-contained: no scripts, no external references; only in-page links and SVG namespaces.
      expect(html).not.toMatch(/<script|<link |<img |<iframe|@import/i);
      const refs = [...html.matchAll(/(?:href|src)="([^"]*)"/g)].map((m) => m[1]!);
      for (const r of refs) expect(r.startsWith('#'), `reference ${r} in the ${type} report`).toBe(true);
      const urls = [...html.matchAll(/url\(([^)]*)\)/g)].map((m) => m[1]!);
      for (const u of urls) expect(u.startsWith('#'), `url(${u}) in the ${type} report`).toBe(true);
      // Every id is unique (figures' gradients and patterns are renamed per figure).
      const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]!);
      expect(new Set(ids).size).toBe(ids.length);
    }
  }, 60_000);
});

const chromium = findProgram('chromium');

function openInChromium(file: string): Promise<{ dom: string; console: string[] }> {
  return new Promise((resolve, reject) => {
    execFile(
      chromium as string,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--enable-logging=stderr',
        '--v=0',
        `--user-data-dir=${join(work, 'chromium-profile')}`,
        '--dump-dom',
        pathToFileURL(file).href,
      ],
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(error);
        else resolve({ dom: stdout, console: stderr.split('\n').filter((l) => /:CONSOLE[:(]/.test(l)) });
      },
    );
  });
}

describe.skipIf(!hasProgram('chromium', 'chromium'))('the reports in headless Chromium', () => {
  for (const type of Object.keys(dirs) as (keyof typeof dirs)[]) {
    it(`${type}: renders with no console message, its headings and its figures`, async () => {
      const data = type === 'training' || type === 'ssl' ? validFile : undefined;
      const { path } = await writeRunReport(dirs[type], { data, out: join(work, `${type}-chromium.html`) });
      const { dom, console } = await openInChromium(path);
      expect(console).toEqual([]);
      expect(dom).toMatch(/<h1>[^<]+<\/h1>/);
      for (const s of EXPECTED[type].sections) expect(dom).toContain(`<h2>${s}</h2>`);
      for (const f of EXPECTED[type].figures) expect(dom).toMatch(new RegExp(`data-figure="${f}"><svg `));
    }, 60_000);
  }
});
