import { describe, expect, it } from 'vitest';
import { confidenceScores } from '../../src/ssl/confidence.js';
import { type Candidate, largestRemainderQuotas, selectCandidates } from '../../src/ssl/selection.js';

const cands = (rows: [number, string, number][]): Candidate[] =>
  rows.map(([index, label, confidence]) => ({ index, label, confidence }));

describe('confidenceScores', () => {
  it('reproduces the worked example of seed 001 (eq. 2.1)', () => {
    expect(confidenceScores([[0.2, 0.5, 0.3]])).toEqual([0.5]);
  });

  it('computes margin and normalised entropy', () => {
    expect(confidenceScores([[0.2, 0.5, 0.3]], 'margin')[0]).toBeCloseTo(0.2, 12);
    expect(confidenceScores([[1, 0]], 'entropy')[0]).toBeCloseTo(1, 12);
    expect(confidenceScores([[0.5, 0.5]], 'entropy')[0]).toBeCloseTo(0, 12);
  });

  it('rejects NaN, negative and non-normalised rows, naming the row', () => {
    expect(() =>
      confidenceScores([
        [0.5, 0.5],
        [Number.NaN, 1],
      ]),
    ).toThrow(/row 1 contains NaN/);
    expect(() => confidenceScores([[-0.1, 1.1]])).toThrow(/finite and >= 0/);
    expect(() => confidenceScores([[0.3, 0.3]])).toThrow(/sums to 0.6/);
  });
});

describe('selectCandidates', () => {
  const pool = cands([
    [0, 'pos', 0.95],
    [1, 'pos', 0.91],
    [2, 'neg', 0.92],
    [3, 'pos', 0.99],
    [4, 'neg', 0.5],
    [5, 'pos', 0.9],
    [6, 'pos', 0.93],
  ]);

  it('global threshold keeps confidence >= threshold, most confident first, ties by index', () => {
    const chosen = selectCandidates(pool, { threshold: 0.91 });
    expect(chosen.map((c) => c.index)).toEqual([3, 0, 6, 2, 1]);
  });

  it('per-class thresholds override the global one', () => {
    const chosen = selectCandidates(pool, { threshold: 0.9, perClassThreshold: { pos: 0.94, neg: 0.4 } });
    expect(chosen.map((c) => c.index).sort()).toEqual([0, 2, 3, 4]);
  });

  it('top-k limits the number taken', () => {
    expect(selectCandidates(pool, { threshold: 0.6, topK: 2 }).map((c) => c.index)).toEqual([3, 0]);
  });

  const prior = new Map([
    ['pos', 10],
    ['neg', 10],
  ]);
  const byLabel = (chosen: Candidate[]) =>
    chosen.reduce<Record<string, number>>((m, c) => ({ ...m, [c.label]: (m[c.label as string] ?? 0) + 1 }), {});

  it("'cap' (the default) caps the majority by what the minority supplies, keeping the prior", () => {
    // prior 1:1; above 0.5: 5 pos, 2 neg → 2 and 2, the most confident of each.
    const chosen = selectCandidates(pool, { threshold: 0.5, classPrior: prior });
    expect(byLabel(chosen)).toEqual({ pos: 2, neg: 2 });
    expect(chosen.map((c) => c.index)).toEqual([3, 0, 2, 4]);
    // Prior 2:1 (pos:neg): two negatives allow four positives.
    const twoToOne = selectCandidates(pool, {
      threshold: 0.5,
      classPrior: new Map([
        ['pos', 2],
        ['neg', 1],
      ]),
    });
    expect(byLabel(twoToOne)).toEqual({ pos: 4, neg: 2 });
    // A class with nothing above the threshold stops the iteration rather than letting the others in.
    expect(selectCandidates(pool, { threshold: 0.93, classPrior: prior })).toEqual([]);
    // top-k caps the budget further: quotas 1 and 1.
    expect(selectCandidates(pool, { threshold: 0.5, classPrior: prior, topK: 2 }).map((c) => c.index)).toEqual([3, 2]);
  });

  it("'fill' is per-class top-k that hands what a class cannot fill to the others", () => {
    const chosen = selectCandidates(pool, { threshold: 0.5, classPrior: prior, topK: 6, balancePolicy: 'fill' });
    expect(byLabel(chosen)).toEqual({ pos: 4, neg: 2 });
    expect(chosen.map((c) => c.index)).toEqual([3, 0, 6, 2, 1, 4]);
  });

  it("'proportional' keeps the old shares-of-what-passes quotas", () => {
    // Budget 7 passing → quotas 4/3 (largest remainder), neg has only 2: the prior is not kept.
    const chosen = selectCandidates(pool, { threshold: 0.5, classPrior: prior, balancePolicy: 'proportional' });
    expect(byLabel(chosen)).toEqual({ pos: 4, neg: 2 });
    const four = selectCandidates(pool, { threshold: 0.5, classPrior: prior, topK: 4, balancePolicy: 'proportional' });
    expect(four.map((c) => c.index)).toEqual([3, 0, 2, 4]);
    expect(() => selectCandidates(pool, { threshold: 0.5, classPrior: prior, balancePolicy: 'even' as 'cap' })).toThrow(
      /balancePolicy must be/,
    );
  });

  it('validates thresholds and top-k', () => {
    expect(() => selectCandidates(pool, { threshold: 0 })).toThrow(/threshold must be in \(0, 1\]/);
    expect(() => selectCandidates(pool, { threshold: 1.2 })).toThrow(/threshold must be in \(0, 1\]/);
    expect(() => selectCandidates(pool, { threshold: 0.9, perClassThreshold: { pos: 2 } })).toThrow(
      /perClassThreshold\[pos\]/,
    );
    expect(() => selectCandidates(pool, { threshold: 0.9, topK: 0 })).toThrow(/topK/);
  });
});

describe('largestRemainderQuotas', () => {
  it('splits a budget exactly by the prior', () => {
    const q = largestRemainderQuotas(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
      10,
    );
    expect([q.get('a'), q.get('b')]).toEqual([7, 3]);
    const sum = [
      ...largestRemainderQuotas(
        new Map([
          ['a', 1],
          ['b', 1],
          ['c', 1],
        ]),
        10,
      ).values(),
    ].reduce((s, v) => s + v, 0);
    expect(sum).toBe(10);
  });
});
