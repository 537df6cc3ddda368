/* biome-ignore-all lint/suspicious/noExplicitAny: fixture arguments are untyped JSON */
/**
 * Every case scikit-learn computed in tests/fixtures/metrics/sklearn-cases.json
 * (scripts/fixtures/metrics/generate.py) must come out identical here: numbers to 1e-12, text
 * reports character for character, errors where scikit-learn raises, and the same warning classes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MetricWarning } from '../../src/metrics/index.js';
import * as metrics from '../../src/metrics/index.js';

interface Case {
  fn: string;
  args: Record<string, unknown> & { problem?: number };
  result?: unknown;
  error?: string;
  warnings: string[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/metrics/sklearn-cases.json', import.meta.url), 'utf8'),
) as { sklearn: string; problems: { y_true: unknown[]; y_pred: unknown[] }[]; cases: Case[] };

const decode = (v: unknown): unknown => {
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  return v;
};

function close(actual: unknown, expected: unknown, path = ''): void {
  if (typeof expected === 'number') {
    expect(typeof actual, `type at ${path}`).toBe('number');
    const a = actual as number;
    if (Number.isNaN(expected)) {
      expect(a, `NaN at ${path}`).toBeNaN();
      return;
    }
    const tol = 1e-12 * Math.max(1, Math.abs(expected));
    if (!(Math.abs(a - expected) <= tol)) expect(a, `value at ${path}`).toBe(expected);
    return;
  }
  if (expected === null) {
    expect(actual, `null at ${path}`).toBeNull();
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `array at ${path}`).toBe(true);
    expect((actual as unknown[]).length, `length at ${path}`).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) close((actual as unknown[])[i], expected[i], `${path}[${i}]`);
    return;
  }
  if (typeof expected === 'object') {
    const a = actual as Record<string, unknown>;
    expect(Object.keys(a).sort(), `keys at ${path}`).toEqual(Object.keys(expected as object).sort());
    for (const [k, v] of Object.entries(expected as object)) close(a[k], v, `${path}.${k}`);
    return;
  }
  expect(actual, `at ${path}`).toEqual(expected);
}

function call(c: Case, onWarning: (w: MetricWarning) => void): unknown {
  const a = decode(c.args) as Record<string, any>;
  const p = c.args.problem === undefined ? undefined : fixture.problems[c.args.problem]!;
  const yTrue = (p ? decode(p.y_true) : a.y_true) as any;
  const yPred = (p ? decode(p.y_pred) : a.y_pred) as any;
  const sampleWeight = a.sample_weight;
  switch (c.fn) {
    case 'confusion_matrix':
      return metrics.confusionMatrix(yTrue, yPred, { labels: a.labels, normalize: a.normalize, sampleWeight }).matrix;
    case 'prfs': {
      const r = metrics.precisionRecallFscoreSupport(yTrue, yPred, {
        labels: a.labels,
        average: a.average ?? null,
        beta: a.beta,
        posLabel: a.pos_label,
        zeroDivision: a.zero_division,
        sampleWeight,
        onWarning,
      });
      return [r.precision, r.recall, r.fscore, r.support];
    }
    case 'accuracy_score':
      return metrics.accuracyScore(yTrue, yPred, { normalize: a.normalize, sampleWeight, onWarning });
    case 'cohen_kappa_score':
      return metrics.cohenKappaScore(yTrue, yPred, { labels: a.labels, weights: a.weights, sampleWeight, onWarning });
    case 'matthews_corrcoef':
      return metrics.matthewsCorrcoef(yTrue, yPred, { sampleWeight });
    case 'balanced_accuracy_score':
      return metrics.balancedAccuracyScore(yTrue, yPred, { adjusted: a.adjusted, sampleWeight, onWarning });
    case 'classification_report':
      return metrics.classificationReport(yTrue, yPred, {
        labels: a.labels,
        targetNames: a.target_names,
        digits: a.digits,
        zeroDivision: a.zero_division,
        sampleWeight,
        outputDict: a.output_dict,
        onWarning,
      });
    case 'multilabel_confusion_matrix':
      return metrics.multilabelConfusionMatrix(yTrue, yPred, {
        labels: a.labels,
        sampleWeight,
        samplewise: a.samplewise,
      });
    case 'hamming_loss':
      return metrics.hammingLoss(yTrue, yPred, { sampleWeight });
    case 'log_loss':
      return metrics.logLoss(a.y_true, a.y_prob, { labels: a.labels, normalize: a.normalize, sampleWeight, onWarning });
    case 'roc_auc_score':
      return metrics.rocAucScore(a.y_true, a.y_score, {
        labels: a.labels,
        average: a.average,
        sampleWeight,
        onWarning,
      });
    case 'top_k_accuracy_score':
      return metrics.topKAccuracyScore(a.y_true, a.y_score, {
        k: a.k,
        labels: a.labels,
        normalize: a.normalize,
        sampleWeight,
        onWarning,
      });
    default:
      throw new Error(`unknown fixture function ${c.fn}`);
  }
}

/** scikit-learn's message, in our vocabulary: the part our error must contain. */
function expectedMessage(error: string): string {
  const msg = error.slice(error.indexOf(': ') + 2);
  return msg
    .replace(/y_true/g, 'yTrue')
    .replace(/pos_label/g, 'posLabel')
    .replace(/target_names/g, 'targetNames')
    .split(/\. |\.$| Please| It should/)[0]!;
}

const byFn = new Map<string, Case[]>();
for (const c of fixture.cases) byFn.set(c.fn, [...(byFn.get(c.fn) ?? []), c]);

describe(`scikit-learn ${fixture.sklearn} fixtures`, () => {
  it('has many cases of every kind', () => {
    expect(fixture.cases.length).toBeGreaterThan(1500);
    expect(byFn.size).toBeGreaterThanOrEqual(12);
  });
  for (const [fn, cases] of byFn) {
    it(`${fn}: ${cases.length} cases`, () => {
      let i = 0;
      for (const c of cases) {
        const warnings: MetricWarning[] = [];
        const label = `${fn} case ${i++}: ${JSON.stringify(c.args).slice(0, 300)}`;
        if (c.error !== undefined) {
          expect(() => call(c, (w) => warnings.push(w)), label).toThrow(expectedMessage(c.error));
          continue;
        }
        let actual: unknown;
        try {
          actual = call(c, (w) => warnings.push(w));
        } catch (e) {
          throw new Error(`${label}\nthrew ${(e as Error).message}\nexpected ${JSON.stringify(c.result)}`);
        }
        const expected = decode(c.result);
        if (typeof expected === 'string') expect(actual, label).toBe(expected);
        else {
          try {
            close(actual, expected);
          } catch (e) {
            throw new Error(
              `${label}\n${(e as Error).message}\nactual ${JSON.stringify(actual)}\nexpected ${JSON.stringify(c.result)}`,
            );
          }
        }
        if (fn !== 'cohen_kappa_score') {
          const names = [...new Set(warnings.map((w) => w.name).filter((n) => n !== 'RuntimeWarning'))].sort();
          expect(names, `warnings of ${label}`).toEqual(c.warnings);
        }
      }
    });
  }
});
