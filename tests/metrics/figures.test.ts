/**
 * The figures: structure of the SVGs (cells, counts, percentages, axis titles, class names,
 * legend), PNG rendering through sharp, the MissingDependencyError path, and atomic file output.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UlasanError } from '../../src/internal/errors.js';
import { loadSharp } from '../../src/metrics/figures.js';
import {
  ConfusionMatrix,
  confusionMatrix,
  confusionMatrixSvg,
  svgToPng,
  trainingCurvesSvg,
  writeEvaluationFigures,
} from '../../src/metrics/index.js';

const yTrue = ['negative', 'negative', 'neutral', 'positive', 'positive', 'positive', 'neutral', 'negative'];
const yPred = ['negative', 'neutral', 'neutral', 'positive', 'negative', 'positive', 'neutral', 'negative'];

const all = (svg: string, re: RegExp) => [...svg.matchAll(re)].map((m) => m[1]!);

function pngSize(png: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(png);
  expect(b.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('confusionMatrixSvg', () => {
  const cm = confusionMatrix(yTrue, yPred);
  const svg = confusionMatrixSvg(cm, { title: 'Rule <baseline> & co' });

  it('has one cell per pair with its count and row percentage', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(all(svg, /<rect class="cell"[^>]*data-row="(\d)"/g)).toHaveLength(9);
    expect(all(svg, /class="count"[^>]*>([^<]*)</g)).toEqual(cm.matrix.flat().map(String));
    const shares = all(svg, /class="share"[^>]*>([^<]*)</g);
    // negative row: 2 of 3 right, 1 predicted neutral
    expect(shares.slice(0, 3)).toEqual(['66.7%', '33.3%', '0.0%']);
    expect(shares.slice(3, 6)).toEqual(['0.0%', '100.0%', '0.0%']);
  });

  it('labels both axes with titles and class names, escapes text, and has a colour legend', () => {
    expect(svg).toContain('>True label<');
    expect(svg).toContain('>Predicted label<');
    expect(all(svg, /class="row-label"[^>]*>([^<]*)</g)).toEqual(['negative', 'neutral', 'positive']);
    expect(all(svg, /class="col-label"[^>]*>([^<]*)</g)).toEqual(['negative', 'neutral', 'positive']);
    expect(svg).toContain('Rule &lt;baseline&gt; &amp; co');
    expect(svg).toContain('class="legend"');
    expect(all(svg, /class="legend-tick"[^>]*>([^<]*)</g)).toEqual(['0%', '25%', '50%', '75%', '100%']);
  });

  it('accepts a streaming ConfusionMatrix and other normalizations', () => {
    const stream = new ConfusionMatrix().update(yTrue, yPred);
    expect(confusionMatrixSvg(stream, { title: 'Rule <baseline> & co' })).toBe(svg);
    const pred = confusionMatrixSvg(cm, { normalize: 'pred' });
    // predicted negative column: 2 true negative, 1 true positive
    const shares = all(pred, /class="share"[^>]*>([^<]*)</g);
    expect([shares[0], shares[6]]).toEqual(['66.7%', '33.3%']);
    expect(pred).toContain('% of predicted label');
    expect(() => confusionMatrixSvg({ labels: ['a'], matrix: [[1, 2]] })).toThrow(/n×n matrix/);
  });

  it('renders to a PNG of twice the SVG size', async () => {
    const width = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)![1]);
    const png = await svgToPng(svg);
    const size = pngSize(png);
    expect(size.width).toBe(Math.round(width * 2));
    expect(size.height).toBeGreaterThan(300);
  });
});

describe('trainingCurvesSvg', () => {
  const logs = Array.from({ length: 8 }, (_, e) => ({
    loss: 1 / (e + 1),
    acc: 0.5 + e * 0.05,
    val_loss: 1.2 / (e + 1) + 0.1,
    val_acc: 0.45 + e * 0.04,
  }));

  it('draws loss and accuracy panels with train and validation series', () => {
    const svg = trainingCurvesSvg(logs, { title: 'GRU' });
    expect(all(svg, /data-panel="([a-z]+)"/g)).toEqual(['loss', 'accuracy']);
    expect(all(svg, /class="series" data-series="([a-z]+)"/g)).toEqual(['train', 'validation', 'train', 'validation']);
    expect(all(svg, /class="legend-entry"[^>]*>([^<]*)</g)).toEqual(['train', 'validation']);
    const points = /class="series"[^>]*points="([^"]*)"/.exec(svg)![1]!.split(' ');
    expect(points).toHaveLength(8);
    expect(all(svg, /class="x-tick"[^>]*>([^<]*)</g)[0]).toBe('1');
    expect(svg).toContain('>Epoch<');
  });

  it('accepts Keras-style histories, accuracy names and gaps', () => {
    const svg = trainingCurvesSvg({ loss: [0.9, 0.7, 0.6], val_loss: [1, Number.NaN, 0.8], accuracy: [0.5, 0.6, 0.7] });
    expect(all(svg, /data-panel="([a-z]+)"/g)).toEqual(['loss', 'accuracy']);
    expect(trainingCurvesSvg({ loss: [0.9, 0.7] })).toContain('data-panel="loss"');
    expect(() => trainingCurvesSvg({ f1: [0.1] })).toThrow(/no loss or accuracy values.*"f1"/);
  });

  it('renders to PNG', async () => {
    const size = pngSize(await svgToPng(trainingCurvesSvg(logs)));
    expect(size.width).toBeGreaterThan(1000);
  });
});

describe('sharp is optional', () => {
  it('a missing sharp becomes MissingDependencyError with the cause', async () => {
    const cause = new Error("Cannot find package 'sharp'");
    const error = await loadSharp(() => Promise.reject(cause)).catch((e) => e);
    expect(UlasanError.isInstance(error)).toBe(true);
    expect(error.code).toBe('MISSING_DEPENDENCY');
    expect(error.packageName).toBe('sharp');
    expect(error.message).toMatch(/npm install sharp/);
    expect(error.cause).toBe(cause);
  });
});

describe('writeEvaluationFigures', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('writes SVG and PNG for the matrix and the curves, and nothing else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ulasan-figures-'));
    dirs.push(dir);
    const out = join(dir, 'nested');
    const written = await writeEvaluationFigures(out, {
      cm: confusionMatrix(yTrue, yPred),
      history: { loss: [0.9, 0.5], val_loss: [1, 0.7] },
      title: 'Rule',
    });
    expect(written.map((p) => p.slice(out.length + 1))).toEqual([
      'confusion-matrix.svg',
      'confusion-matrix.png',
      'training-curves.svg',
      'training-curves.png',
    ]);
    expect((await readdir(out)).sort()).toEqual([
      'confusion-matrix.png',
      'confusion-matrix.svg',
      'training-curves.png',
      'training-curves.svg',
    ]);
    expect(await readFile(join(out, 'confusion-matrix.svg'), 'utf8')).toContain('Rule: confusion matrix');
  });

  it('skips the curves without a history', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ulasan-figures-'));
    dirs.push(dir);
    const written = await writeEvaluationFigures(dir, { cm: new ConfusionMatrix().update(yTrue, yPred), history: [] });
    expect(written.map((p) => p.slice(dir.length + 1))).toEqual(['confusion-matrix.svg', 'confusion-matrix.png']);
  });
});
