/**
 * `ulasan/metrics` loads neither TensorFlow.js nor sharp at import time, and its Python number
 * formatting matches Python's.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as m from '../../src/metrics/index.js';
import { formatFixed, pythonFloatRepr } from '../../src/metrics/py-format.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Static (value) imports of a TypeScript file: `import ... from 'x'` and `export ... from 'x'`, not `import type`. */
function staticImports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)) out.push(m[1]!);
  for (const m of src.matchAll(/^import\s+'([^']+)'/gm)) out.push(m[1]!);
  return out;
}

describe('import graph', () => {
  it('reaches no TensorFlow.js or sharp module statically', () => {
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of staticImports(file)) {
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
        else external.add(spec);
      }
    };
    visit(join(root, 'src/metrics/index.ts'));
    expect(seen.size).toBeGreaterThan(8);
    for (const spec of external) expect(spec).toMatch(/^node:/);
    // every metrics source file is part of the barrel's graph
    for (const f of readdirSync(join(root, 'src/metrics'))) expect(seen.has(join(root, 'src/metrics', f))).toBe(true);
  });

  it('imports in a fresh Node process without loading tfjs or sharp', () => {
    const script = `
      const mods = await import('./src/metrics/index.ts');
      const { createRequire } = await import('node:module');
      const req = createRequire(import.meta.url);
      const loaded = Object.keys(req.cache).filter((k) => /@tensorflow|[\\\\/]sharp[\\\\/]/.test(k));
      console.log(JSON.stringify({ n: Object.keys(mods).length, loaded, acc: mods.accuracyScore([1, 2], [1, 1]) }));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r.n).toBeGreaterThan(20);
    expect(r.loaded).toEqual([]);
    expect(r.acc).toBe(0.5);
  });
});

describe('Python number formatting', () => {
  it('rounds exact ties to even like Python, unlike toFixed', () => {
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect((0.125).toFixed(2)).toBe('0.13');
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(2.675, 2)).toBe('2.67'); // binary value is below the tie
    expect(formatFixed(0.5, 0)).toBe('0');
    expect(formatFixed(1.5, 0)).toBe('2');
    expect(formatFixed(1, 4)).toBe('1.0000');
    expect(formatFixed(Number.NaN, 2)).toBe('nan');
    expect(formatFixed(1e-7, 3)).toBe('0.000');
    expect(formatFixed(-0.004, 2)).toBe('-0.00');
  });
  it('prints floats like repr()', () => {
    expect(pythonFloatRepr(3)).toBe('3.0');
    expect(pythonFloatRepr(2.75)).toBe('2.75');
    expect(pythonFloatRepr(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(pythonFloatRepr(1e-5)).toBe('1e-05');
    expect(pythonFloatRepr(0.0001)).toBe('0.0001');
    expect(pythonFloatRepr(1e16)).toBe('1e+16');
    expect(pythonFloatRepr(123456789012345.6)).toBe('123456789012345.6');
    expect(pythonFloatRepr(1.5e-10)).toBe('1.5e-10');
  });
});

describe('TSDoc examples', () => {
  it('give the values they state (checked against scikit-learn)', () => {
    const quiet = { onWarning: () => {} };
    expect(m.cohenKappaScore(['neg', 'pos', 'pos', 'neu'], ['neg', 'pos', 'neu', 'neu'])).toBeCloseTo(
      0.6363636363636364,
      15,
    );
    expect(
      m.logLoss(
        ['neg', 'pos', 'pos'],
        [
          [0.9, 0.1],
          [0.2, 0.8],
          [0.3, 0.7],
        ],
      ),
    ).toBeCloseTo(0.22839300363692283, 15);
    expect(m.logLoss([0, 1, 1], [0.1, 0.8, 0.7])).toBeCloseTo(0.22839300363692283, 15);
    expect(m.fbetaScore([0, 1, 1, 0], [0, 1, 0, 0], 2)).toBeCloseTo(0.5555555555555556, 15);
    expect(m.f1Score(['a', 'b', 'c', 'a'], ['a', 'b', 'b', 'a'], { average: 'macro', ...quiet })).toBeCloseTo(
      0.5555555555555555,
      15,
    );
    expect(m.precisionScore([0, 1, 1], [1, 1, 1])).toBeCloseTo(2 / 3, 15);
    expect(m.recallScore([0, 1, 1], [1, 1, 0])).toBe(0.5);
    expect(m.matthewsCorrcoef([1, 1, 1, 0], [1, 0, 1, 1])).toBeCloseTo(-1 / 3, 15);
    expect(m.balancedAccuracyScore([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1])).toBe(0.625);
    const scores = [
      [0.5, 0.2, 0.2],
      [0.3, 0.4, 0.2],
      [0.2, 0.4, 0.3],
      [0.7, 0.2, 0.1],
    ];
    expect(m.topKAccuracyScore([0, 1, 2, 2], scores, { k: 2 })).toBe(0.75);
    expect(m.rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(
      m.hammingLoss(
        [
          [0, 1],
          [1, 1],
        ],
        [
          [0, 0],
          [1, 1],
        ],
      ),
    ).toBe(0.25);
    expect(m.accuracyScore([0, 1, 2, 3], [0, 2, 1, 3])).toBe(0.5);
    expect(
      m.accuracyScore(
        [
          [0, 1],
          [1, 1],
        ],
        [
          [1, 1],
          [1, 1],
        ],
      ),
    ).toBe(0.5);
    const r = m.precisionRecallFscoreSupport(['pos', 'neg', 'neg'], ['pos', 'pos', 'neg']);
    expect(r.precision).toEqual([1, 0.5]);
    expect(r.support).toEqual([2, 1]);
    expect(m.confusionMatrix(['cat', 'ant', 'cat'], ['ant', 'ant', 'cat'])).toEqual({
      labels: ['ant', 'cat'],
      matrix: [
        [1, 0],
        [1, 1],
      ],
    });
    expect(
      m.multilabelConfusionMatrix(
        [
          [1, 0, 1],
          [0, 1, 0],
        ],
        [
          [1, 0, 0],
          [0, 1, 1],
        ],
      ),
    ).toEqual([
      [
        [1, 0],
        [0, 1],
      ],
      [
        [1, 0],
        [0, 1],
      ],
      [
        [0, 1],
        [1, 0],
      ],
    ]);
  });
});
