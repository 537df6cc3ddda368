/* biome-ignore-all lint/suspicious/noExplicitAny: fixture arguments are untyped JSON */
/**
 * ROC and precision–recall curves, AUC and average precision against scikit-learn: every case in
 * tests/fixtures/metrics/sklearn-curves.json (scripts/fixtures/metrics/generate_curves.py) must
 * come out identical: arrays of the same length, numbers to 1e-12, the same errors and warnings.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  auc,
  averagePrecisionScore,
  type MetricWarning,
  oneVsRestCurves,
  precisionRecallCurve,
  rocAucScore,
  rocCurve,
} from '../../src/metrics/index.js';

interface Case {
  fn: string;
  args: Record<string, any>;
  result?: unknown;
  error?: string;
  warnings: string[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/metrics/sklearn-curves.json', import.meta.url), 'utf8'),
) as { sklearn: string; cases: Case[] };

const decode = (v: unknown): unknown => {
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  return v;
};

let maxDiff = 0;
function close(actual: unknown, expected: unknown, path = ''): void {
  if (typeof expected === 'number') {
    expect(typeof actual, `type at ${path}`).toBe('number');
    const a = actual as number;
    if (Number.isNaN(expected)) return void expect(a, `NaN at ${path}`).toBeNaN();
    if (!Number.isFinite(expected)) return void expect(a, `at ${path}`).toBe(expected);
    maxDiff = Math.max(maxDiff, Math.abs(a - expected));
    if (!(Math.abs(a - expected) <= 1e-12 * Math.max(1, Math.abs(expected))))
      expect(a, `value at ${path}`).toBe(expected);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `array at ${path}`).toBe(true);
    expect((actual as unknown[]).length, `length at ${path}`).toBe(expected.length);
    expected.forEach((e, i) => {
      close((actual as unknown[])[i], e, `${path}[${i}]`);
    });
    return;
  }
  if (expected && typeof expected === 'object') {
    for (const [k, v] of Object.entries(expected)) close((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    return;
  }
  expect(actual, `at ${path}`).toEqual(expected);
}

function call(c: Case, onWarning: (w: MetricWarning) => void): unknown {
  const a = decode(c.args) as Record<string, any>;
  const common = { onWarning, sampleWeight: a.sample_weight, posLabel: a.pos_label };
  switch (c.fn) {
    case 'roc_curve':
      return rocCurve(a.y_true, a.y_score, { ...common, dropIntermediate: a.drop_intermediate });
    case 'precision_recall_curve':
      return precisionRecallCurve(a.y_true, a.y_score, { ...common, dropIntermediate: a.drop_intermediate });
    case 'average_precision_score':
      return averagePrecisionScore(a.y_true, a.y_score, { ...common, average: a.average });
    case 'auc_of_roc': {
      const r = rocCurve(a.y_true, a.y_score, common);
      return auc(r.fpr, r.tpr);
    }
    case 'auc':
      return auc(a.x, a.y);
    case 'ovr_curves':
      return oneVsRestCurves(a.y_true, a.y_score, { onWarning, sampleWeight: a.sample_weight }).map((k) => ({
        label: k.label,
        roc: k.roc,
        pr: k.pr,
        auc: k.rocAuc,
        ap: k.averagePrecision,
      }));
    default:
      throw new Error(`unknown fixture function ${c.fn}`);
  }
}

describe(`curves against scikit-learn ${fixture.sklearn} (+ ported current rules)`, () => {
  const byFn = new Map<string, Case[]>();
  for (const c of fixture.cases) byFn.set(c.fn, [...(byFn.get(c.fn) ?? []), c]);
  for (const [fn, cases] of byFn) {
    it(`${fn}: ${cases.length} cases`, () => {
      for (const [i, c] of cases.entries()) {
        const warnings = new Set<string>();
        const onWarning = (w: MetricWarning) => void warnings.add(w.name);
        if (c.error !== undefined) {
          expect(() => call(c, onWarning), `${fn} case ${i} should throw (${c.error})`).toThrow();
          continue;
        }
        const got = call(c, onWarning);
        close(got, decode(c.result), `${fn}#${i}`);
        if (fn !== 'ovr_curves') expect([...warnings].sort(), `${fn} case ${i} warnings`).toEqual(c.warnings);
      }
    });
  }
  it('agrees to 1e-12 overall', () => {
    expect(maxDiff).toBeLessThanOrEqual(1e-12);
  });
});

describe('curves: API behaviour', () => {
  it('rocCurve starts at +Infinity and (0, 0), and its AUC equals rocAucScore', () => {
    const y = [0, 0, 1, 1, 0, 1, 1, 0];
    const s = [0.1, 0.4, 0.35, 0.8, 0.8, 0.6, 0.9, 0.2];
    const r = rocCurve(y, s);
    expect(r.thresholds[0]).toBe(Number.POSITIVE_INFINITY);
    expect([r.fpr[0], r.tpr[0]]).toEqual([0, 0]);
    expect(auc(r.fpr, r.tpr)).toBeCloseTo(rocAucScore(y, s), 12);
  });

  it('defaults the positive label to the greater of two string labels', () => {
    const r = rocCurve(['neg', 'pos', 'pos', 'neg'], [0.2, 0.9, 0.6, 0.4]);
    expect(r.tpr.at(-1)).toBe(1);
    expect(auc(r.fpr, r.tpr)).toBe(1);
  });

  it('asks for posLabel when it cannot tell, and for oneVsRestCurves on multi-class input', () => {
    expect(() => rocCurve(['pos', 'pos'], [0.1, 0.2])).toThrow(/posLabel/);
    expect(() => rocCurve([0, 1, 2], [0.1, 0.2, 0.3])).toThrow(/oneVsRestCurves/);
    expect(() => precisionRecallCurve([0, 1], [[0.1, 0.9] as any, [0.2, 0.8] as any])).toThrow(/1-D/);
  });

  it('oneVsRestCurves gives one curve per class, matching the binary functions', () => {
    const y = ['a', 'b', 'c', 'a', 'b', 'c'];
    const p = [
      [0.7, 0.2, 0.1],
      [0.2, 0.5, 0.3],
      [0.1, 0.3, 0.6],
      [0.4, 0.4, 0.2],
      [0.3, 0.3, 0.4],
      [0.2, 0.2, 0.6],
    ];
    const curves = oneVsRestCurves(y, p);
    expect(curves.map((c) => c.label)).toEqual(['a', 'b', 'c']);
    expect(curves.map((c) => c.support)).toEqual([2, 2, 2]);
    const mean = curves.reduce((s, c) => s + c.rocAuc, 0) / 3;
    expect(mean).toBeCloseTo(rocAucScore(y, p), 12);
    const ap = averagePrecisionScore(y, p, { average: null }) as number[];
    expect(curves.map((c) => c.averagePrecision)).toEqual(ap);
  });
});
