import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDataset } from '../../../src/data/index.js';
import { NotFittedError, UlasanError } from '../../../src/internal/errors.js';
import { NaiveBayesClassifier } from '../../../src/text/models/classic/naive-bayes.js';
import {
  BinaryRelevance,
  ClassifierChain,
  chainToken,
  LabelPowerset,
  loadMultiLabelClassifier,
  multiLabelReport,
} from '../../../src/text/multilabel/index.js';

const fx = JSON.parse(
  readFileSync(new URL('../../fixtures/text/survey/sklearn-fixtures.json', import.meta.url), 'utf8'),
);
const CASA = new URL('../../../../shared/data/casa/', import.meta.url).pathname;
const ASPECTS = ['fuel', 'machine', 'others', 'part', 'price', 'service'];

describe('multiLabelReport matches scikit-learn on CASA valid labels', () => {
  for (const absent of [undefined, 'neutral'] as const) {
    it(`absent = ${absent ?? 'none'}`, () => {
      const want = fx.multilabel.cases[absent ?? 'all'];
      const r = multiLabelReport(fx.multilabel.true, fx.multilabel.pred, {
        outputs: ASPECTS,
        ...(absent ? { absent } : {}),
      });
      expect(r.perLabel.map((p) => p.label)).toEqual(want.columns);
      for (const avg of ['micro', 'macro', 'weighted', 'samples'] as const) {
        expect(r[avg].precision).toBeCloseTo(want[avg][0], 12);
        expect(r[avg].recall).toBeCloseTo(want[avg][1], 12);
        expect(r[avg].f1).toBeCloseTo(want[avg][2], 12);
      }
      r.perLabel.forEach((p, i) => {
        expect(p.precision).toBeCloseTo(want.perLabel[0][i], 12);
        expect(p.recall).toBeCloseTo(want.perLabel[1][i], 12);
        expect(p.f1).toBeCloseTo(want.perLabel[2][i], 12);
        expect(p.support).toBe(want.perLabel[3][i]);
      });
      expect(r.hammingLoss).toBeCloseTo(want.hamming, 12);
      expect(r.subsetAccuracy).toBeCloseTo(want.subset, 12);
      expect(r.report).toContain('samples avg');
    });
  }

  it('rejects ragged rows', () => {
    expect(() => multiLabelReport([['a', 'b']], [['a']])).toThrow(/expected 2/);
  });
});

describe('BR / CC / LP on real CASA reviews', () => {
  let train: { texts: string[]; labels: string[][] };
  let valid: { texts: string[]; labels: string[][] };
  const base = () => new NaiveBayesClassifier();
  beforeAll(async () => {
    const t = await readDataset(join(CASA, 'train_preprocess.csv'), { labelColumn: ASPECTS });
    const v = await readDataset(join(CASA, 'valid_preprocess.csv'), { labelColumn: ASPECTS });
    train = { texts: t.texts, labels: t.labels };
    valid = { texts: v.texts, labels: v.labels };
  });

  it.each([
    ['BinaryRelevance', () => new BinaryRelevance({ base, outputs: ASPECTS })],
    ['ClassifierChain', () => new ClassifierChain({ base, outputs: ASPECTS, seed: 3 })],
    ['LabelPowerset', () => new LabelPowerset({ base: { model: 'nb' }, outputs: ASPECTS })],
  ] as const)(
    '%s fits, beats the all-neutral baseline, and saves/loads identically',
    async (_name, make) => {
      const model = make();
      await expect(model.predict(['irit'])).rejects.toBeInstanceOf(NotFittedError);
      await model.fit(train.texts, train.labels);
      const pred = await model.predict(valid.texts);
      expect(pred).toHaveLength(valid.texts.length);
      expect(pred.every((r) => r.length === ASPECTS.length)).toBe(true);
      const proba = await model.predictProba(valid.texts.slice(0, 5));
      expect(proba).toHaveLength(ASPECTS.length);
      for (const out of proba) for (const row of out) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
      const report = await model.evaluate(valid.texts, valid.labels, { absent: 'neutral' });
      const allNeutral = multiLabelReport(
        valid.labels,
        valid.labels.map((r) => r.map(() => 'neutral')),
        {
          absent: 'neutral',
        },
      );
      expect(report.micro.f1).toBeGreaterThan(allNeutral.micro.f1 + 0.2);
      expect(report.hammingLoss).toBeLessThan(0.2);
      const dir = mkdtempSync(join(tmpdir(), 'ulasan-multilabel-'));
      try {
        await model.save(dir);
        const loaded = await loadMultiLabelClassifier(dir);
        expect(loaded.kind).toBe(model.kind);
        expect(await loaded.predict(valid.texts)).toEqual(pred);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    30_000,
  );

  it('chains in the given order, feeding earlier labels as tokens', async () => {
    const cc = new ClassifierChain({ base, outputs: ASPECTS, order: [5, 4, 3, 2, 1, 0] });
    await cc.fit(train.texts.slice(0, 200), train.labels.slice(0, 200));
    expect(cc.order).toEqual([5, 4, 3, 2, 1, 0]);
    expect(chainToken(2, 'positive')).toBe('ccl2positive');
    await expect(
      new ClassifierChain({ base, order: [0, 0, 1, 2, 3, 4] }).fit(train.texts, train.labels),
    ).rejects.toThrow(/permutation/);
  });

  it('validates inputs and saved directories', async () => {
    await expect(new BinaryRelevance({ base }).fit(['a'], [['x'], ['y']])).rejects.toThrow(/aligned/);
    await expect(new BinaryRelevance({ base }).fit(['a', 'b'], [['x'], ['y', 'z']])).rejects.toThrow(/expected 1/);
    await expect(new LabelPowerset({ base }).fit(['a', 'b'], [['x'], ['x']])).rejects.toThrow(/same label combination/);
    await expect(loadMultiLabelClassifier(join(tmpdir(), 'no-such-ulasan-model'))).rejects.toThrow(UlasanError);
  });
});
