import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkLeakage,
  classCounts,
  randomOverSample,
  randomUnderSample,
  resampleTrainOnly,
  stratifiedKFold,
  trainTestSplit,
  trainValidTestSplit,
} from '../../src/experiments/index.js';

const rows = readFileSync(new URL('../fixtures/experiments/smsa-train-240.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => l.split('\t') as [string, string]);
// An imbalanced slice: 80 positive, 40 negative, 10 neutral.
const picked = [
  ...rows.filter((r) => r[1] === 'positive'),
  ...rows.filter((r) => r[1] === 'negative').slice(0, 40),
  ...rows.filter((r) => r[1] === 'neutral').slice(0, 10),
];
const texts = picked.map((r) => r[0]);
const labels = picked.map((r) => r[1]);

const countOf = (idx: number[]) => Object.fromEntries(classCounts(idx.map((i) => labels[i]!)));

describe('randomOverSample', () => {
  it("'auto' grows every class to the majority size and keeps all originals", () => {
    const idx = randomOverSample(labels, { seed: 1 });
    expect(countOf(idx)).toEqual({ positive: 80, negative: 80, neutral: 80 });
    expect(idx.slice(0, labels.length)).toEqual(labels.map((_, i) => i));
    for (const i of idx.slice(labels.length)) expect(labels[i]).not.toBe('positive');
    expect(randomOverSample(labels, { seed: 1 })).toEqual(idx);
  });

  it('supports minority, per-class counts and (binary) ratios', () => {
    expect(countOf(randomOverSample(labels, { samplingStrategy: 'minority' }))).toEqual({
      positive: 80,
      negative: 40,
      neutral: 80,
    });
    expect(countOf(randomOverSample(labels, { samplingStrategy: { neutral: 25 } }))).toEqual({
      positive: 80,
      negative: 40,
      neutral: 25,
    });
    const binary = labels.filter((l) => l !== 'neutral');
    const idx = randomOverSample(binary, { samplingStrategy: 0.75 });
    expect(idx.filter((i) => binary[i] === 'negative').length).toBe(60);
  });

  it('rejects strategies that would remove rows or do not fit', () => {
    expect(() => randomOverSample(labels, { samplingStrategy: 'majority' })).toThrow(/not valid here/);
    expect(() => randomOverSample(labels, { samplingStrategy: { neutral: 5 } })).toThrow(/cannot remove rows/);
    expect(() => randomOverSample(labels, { samplingStrategy: { joy: 5 } })).toThrow(
      /"joy", which is not in the labels/,
    );
    expect(() => randomOverSample(labels, { samplingStrategy: 0.5 })).toThrow(/only works with two classes/);
  });
});

describe('randomUnderSample', () => {
  it("'auto' shrinks every class but the minority to the minority size, without repeats", () => {
    const idx = randomUnderSample(labels, { seed: 2 });
    expect(countOf(idx)).toEqual({ positive: 10, negative: 10, neutral: 10 });
    expect(new Set(idx).size).toBe(idx.length);
    expect([...idx].sort((a, b) => a - b)).toEqual(idx);
  });

  it('supports majority only and per-class counts', () => {
    expect(countOf(randomUnderSample(labels, { samplingStrategy: 'majority' }))).toEqual({
      positive: 10,
      negative: 40,
      neutral: 10,
    });
    expect(countOf(randomUnderSample(labels, { samplingStrategy: { positive: 50 } }))).toEqual({
      positive: 50,
      negative: 40,
      neutral: 10,
    });
    expect(() => randomUnderSample(labels, { samplingStrategy: { neutral: 50 } })).toThrow(/cannot add rows/);
    expect(() => randomUnderSample(labels, { samplingStrategy: 'minority' })).toThrow(/not valid here/);
  });
});

describe('resampling inside splits never touches held-out rows', () => {
  it('resampleTrainOnly only duplicates training rows', () => {
    const split = trainTestSplit(labels, { testSize: 0.25, stratify: true, seed: 4 });
    const over = resampleTrainOnly(split, labels, { method: 'over', seed: 4 });
    expect(over.test).toEqual(split.test);
    const test = new Set(split.test);
    for (const i of over.train) expect(test.has(i)).toBe(false);
    expect(new Set(over.train)).toEqual(new Set(split.train));
    const c = countOf(over.train);
    expect(c.positive).toBe(c.neutral);
    // No test text leaks into training (the texts of this fixture are distinct).
    const report = checkLeakage(
      over.train.map((i) => texts[i]!),
      over.test.map((i) => texts[i]!),
      { warn: false },
    );
    expect(report.leaked).toBe(false);
  });

  it('the resample option of trainValidTestSplit and stratifiedKFold leaves valid/test/held-out folds as they are', () => {
    const plain = trainValidTestSplit(labels, { testSize: 0.2, validSize: 0.2, stratify: true, seed: 8 });
    const over = trainValidTestSplit(labels, {
      testSize: 0.2,
      validSize: 0.2,
      stratify: true,
      seed: 8,
      resample: { method: 'over', seed: 8 },
    });
    expect(over.valid).toEqual(plain.valid);
    expect(over.test).toEqual(plain.test);
    const heldOut = new Set([...over.valid, ...over.test]);
    expect(over.train.some((i) => heldOut.has(i))).toBe(false);
    expect(over.train.length).toBeGreaterThan(plain.train.length);

    const folds = stratifiedKFold(labels, { k: 5, shuffle: true, seed: 3, resample: { method: 'under', seed: 3 } });
    const plainFolds = stratifiedKFold(labels, { k: 5, shuffle: true, seed: 3 });
    folds.forEach((f, j) => {
      expect(f.test).toEqual(plainFolds[j]!.test);
      const t = new Set(f.test);
      expect(f.train.some((i) => t.has(i))).toBe(false);
      const c = countOf(f.train);
      expect(c.positive).toBe(8);
    });
  });

  it('oversampling BEFORE splitting leaks, and checkLeakage says so loudly', () => {
    const wrong = randomOverSample(labels, { seed: 5 });
    const split = trainTestSplit(wrong.length, { testSize: 0.2, seed: 5 });
    const warnings: string[] = [];
    const listener = (w: Error) => warnings.push(w.message);
    process.on('warning', listener);
    const report = checkLeakage(
      split.train.map((j) => texts[wrong[j]!]!),
      split.test.map((j) => texts[wrong[j]!]!),
    );
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        process.off('warning', listener);
        expect(report.leaked).toBe(true);
        expect(report.exactDuplicates).toBeGreaterThan(5);
        expect(report.message).toMatch(/DATA LEAKAGE: \d+ of \d+ test texts/);
        expect(warnings.some((m) => m.includes('DATA LEAKAGE'))).toBe(true);
        resolve();
      }),
    );
  });

  it('checkLeakage matches after normalising case and punctuation', () => {
    const r = checkLeakage(['Aplikasinya BAGUS!!', 'jelek'], ['aplikasinya bagus', 'lain', 'jelek'], { warn: false });
    expect(r).toMatchObject({ exactDuplicates: 1, normalizedDuplicates: 2, testIndices: [0, 2] });
    expect(checkLeakage(['Aplikasinya BAGUS!!'], ['aplikasinya bagus'], { normalize: false, warn: false }).leaked).toBe(
      false,
    );
  });
});
