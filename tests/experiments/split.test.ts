import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Label } from '../../src/core/classifier.js';
import { kFold, stratifiedKFold, trainTestSplit, trainValidTestSplit } from '../../src/experiments/index.js';

const fixtures = new URL('../fixtures/experiments/', import.meta.url);
const smsaLabels = (): string[] =>
  readFileSync(new URL('../../../shared/data/smsa/train_preprocess.tsv', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.slice(l.lastIndexOf('\t') + 1));

function shares(labels: readonly Label[], idx: number[]): Map<Label, number> {
  const m = new Map<Label, number>();
  for (const i of idx) m.set(labels[i]!, (m.get(labels[i]!) ?? 0) + 1);
  for (const [k, v] of m) m.set(k, v / idx.length);
  return m;
}

function expectPartition(parts: number[][], n: number) {
  const all = parts.flat().sort((a, b) => a - b);
  expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
}

describe('trainTestSplit', () => {
  it('keeps class ratios within one row per class when stratified (SmSA, 11,000 rows)', () => {
    const labels = smsaLabels();
    const { train, test } = trainTestSplit(labels, { testSize: 0.2, stratify: true, seed: 3 });
    expect(test.length).toBe(2200);
    expectPartition([train, test], labels.length);
    const whole = shares(
      labels,
      labels.map((_, i) => i),
    );
    for (const part of [train, test]) {
      for (const [label, share] of shares(labels, part)) {
        expect(Math.abs(share - whole.get(label)!)).toBeLessThan(1 / part.length + 1e-12);
      }
    }
  });

  it('is reproducible with a seed and differs across seeds', () => {
    const a = trainTestSplit(100, { testSize: 0.3, seed: 1 });
    const b = trainTestSplit(100, { testSize: 0.3, seed: 1 });
    const c = trainTestSplit(100, { testSize: 0.3, seed: 2 });
    expect(a).toEqual(b);
    expect(a.test).not.toEqual(c.test);
    expect(a.test.length).toBe(30);
  });

  it('takes the test part from the end without shuffling, and accepts counts', () => {
    expect(trainTestSplit(10, { testSize: 3, shuffle: false })).toEqual({
      train: [0, 1, 2, 3, 4, 5, 6],
      test: [7, 8, 9],
    });
  });

  it('holds out a fixed number per class (seed 003: 386 per class)', () => {
    const labels = smsaLabels().filter((l) => l !== 'neutral');
    const { train, test } = trainTestSplit(labels, { testPerClass: 386, seed: 42 });
    expect(test.length).toBe(772);
    expect(test.filter((i) => labels[i] === 'positive').length).toBe(386);
    expectPartition([train, test], labels.length);
    const perClass = trainTestSplit(['a', 'a', 'a', 'b', 'b'], { testPerClass: { a: 2, b: 1 }, seed: 1 });
    expect(perClass.test.map((i) => ['a', 'a', 'a', 'b', 'b'][i]).sort()).toEqual(['a', 'a', 'b']);
  });

  it('rejects impossible requests with messages that say what to do', () => {
    expect(() => trainTestSplit(['a', 'a', 'b'], { testPerClass: 1 })).toThrow(/class "b", which has only 1/);
    expect(() => trainTestSplit(['a', 'a', 'b'], { stratify: true, testSize: 1 })).toThrow(/at least 2/);
    expect(() => trainTestSplit(10, { stratify: true })).toThrow(/need the labels/);
    expect(() => trainTestSplit(10, { testSize: 1.5 })).toThrow(/fraction in \(0, 1\) or a whole/);
    expect(() => trainTestSplit(10, { testSize: 10 })).toThrow(/not less than the 10 rows/);
    expect(() => trainTestSplit(['a', 1, 'b'] as Label[])).toThrow(/mix strings and numbers/);
    expect(() => trainTestSplit(['a', 'a', 'c'], { testPerClass: { a: 1, b: 1 } })).toThrow(/no count for class "c"/);
  });
});

describe('trainValidTestSplit', () => {
  it('makes three disjoint stratified parts, valid as a share of the rest', () => {
    const labels = smsaLabels().slice(0, 3000);
    const s = trainValidTestSplit(labels, { testPerClass: 50, validSize: 0.2, stratify: true, seed: 9 });
    expectPartition([s.train, s.valid, s.test], labels.length);
    expect(s.test.length).toBe(150);
    expect(s.valid.length).toBe(Math.ceil(0.2 * (3000 - 150)));
    const whole = shares(labels, s.train.concat(s.valid));
    for (const [label, share] of shares(labels, s.valid)) {
      expect(Math.abs(share - whole.get(label)!)).toBeLessThan(2 / s.valid.length);
    }
  });

  it('reads validSize as a share of all rows with validFrom "all" (80/10/10)', () => {
    const s = trainValidTestSplit(1000, { testSize: 0.1, validSize: 0.1, validFrom: 'all', seed: 1 });
    expect([s.train.length, s.valid.length, s.test.length]).toEqual([800, 100, 100]);
  });
});

describe('kFold and stratifiedKFold', () => {
  const { cases } = JSON.parse(readFileSync(new URL('kfold-sklearn.json', fixtures), 'utf8')) as {
    cases: { labels: Label[]; k: number; stratified: number[][]; kfold: number[][] }[];
  };

  it('match scikit-learn KFold and StratifiedKFold fold for fold (shuffle=false)', () => {
    expect(cases.length).toBeGreaterThan(20);
    for (const c of cases) {
      const strat = stratifiedKFold(c.labels, { k: c.k });
      expect(strat.map((f) => f.test)).toEqual(c.stratified);
      expect(kFold(c.labels.length, { k: c.k }).map((f) => f.test)).toEqual(c.kfold);
      for (const f of strat) expectPartition([f.train, f.test], c.labels.length);
    }
  });

  it('keeps class ratios in every shuffled stratified fold and covers each row once', () => {
    const labels = smsaLabels().slice(0, 2000);
    const folds = stratifiedKFold(labels, { k: 10, shuffle: true, seed: 5 });
    expectPartition(
      folds.map((f) => f.test),
      labels.length,
    );
    const whole = shares(
      labels,
      labels.map((_, i) => i),
    );
    for (const f of folds) {
      for (const [label, share] of shares(labels, f.test)) {
        expect(Math.abs(share - whole.get(label)!)).toBeLessThan(1.01 / f.test.length);
      }
    }
    expect(stratifiedKFold(labels, { k: 10, shuffle: true, seed: 5 })).toEqual(folds);
  });

  it('validates k', () => {
    expect(() => kFold(5, { k: 6 })).toThrow(/k=6 folds need at least 6 rows/);
    expect(() => kFold(5, { k: 1 })).toThrow(/k must be a whole number ≥ 2/);
    expect(() => stratifiedKFold(['a', 'a', 'b', 'b'], { k: 3 })).toThrow(
      /more than the number of rows in every class/,
    );
  });
});
