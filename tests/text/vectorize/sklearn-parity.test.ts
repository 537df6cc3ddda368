import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TfidfVectorizerOptions } from '../../../src/text/index.js';
import { CountVectorizer, type SparseMatrix, TfidfVectorizer, WhitespacePipeline } from '../../../src/text/index.js';

// Reference outputs written by tests/fixtures/data/sklearn/make-sklearn-fixtures.py (scikit-learn 1.2.1)
// from the real SmSA sample; the tokens are the same (lower-case, split on whitespace).
const fixtureDir = new URL('../../fixtures/data/', import.meta.url);
const fixture = JSON.parse(readFileSync(new URL('sklearn/sklearn-vectorizers.json', fixtureDir), 'utf8')) as {
  fit: [number, number];
  test: [number, number];
  configs: {
    name: string;
    kind: 'tfidf' | 'count';
    options: TfidfVectorizerOptions;
    featureCount: number;
    featureHash: string;
    sample: number[];
    featureSample: string[];
    idfSample?: number[];
    idfSum?: number;
    fit: Csr;
    transform: Csr;
  }[];
};
interface Csr {
  indptr: number[];
  indices: number[];
  data: number[];
  rows: number;
  cols: number;
}

const rows = readFileSync(fileURLToPath(new URL('smsa-sample.tsv', fixtureDir)), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => l.slice(0, l.lastIndexOf('\t')));
const pipeline = new WhitespacePipeline();
const tokens = rows.map((t) => pipeline.process(t));
const fitDocs = tokens.slice(...fixture.fit);
const testDocs = tokens.slice(fixture.test[0]);

function expectSameCsr(actual: SparseMatrix, expected: Csr, firstRows: number): void {
  const m = actual.selectRows(Array.from({ length: firstRows }, (_, i) => i));
  expect(m.cols).toBe(expected.cols);
  expect([...m.indptr]).toEqual(expected.indptr);
  expect([...m.indices]).toEqual(expected.indices);
  m.data.forEach((v, k) => {
    expect(v).toBeCloseTo(expected.data[k]!, 12);
  });
}

describe('vectorizers match scikit-learn on real SmSA text', () => {
  for (const config of fixture.configs) {
    it(config.name, () => {
      const v = config.kind === 'tfidf' ? new TfidfVectorizer(config.options) : new CountVectorizer(config.options);
      const X = v.fitTransform(fitDocs);
      const names = v.featureNames();
      expect(names.length).toBe(config.featureCount);
      expect(createHash('sha256').update(names.join('\n')).digest('hex')).toBe(config.featureHash);
      expect(config.sample.map((i) => names[i])).toEqual(config.featureSample);
      if (v instanceof TfidfVectorizer) {
        const idf = v.idf;
        config.sample.forEach((i, k) => {
          expect(idf[i]).toBeCloseTo(config.idfSample![k]!, 12);
        });
        // Relative check: numpy sums pairwise, we sum left to right.
        const sum = idf.reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - config.idfSum!) / config.idfSum!).toBeLessThan(1e-12);
      }
      expectSameCsr(X, config.fit, config.fit.rows);
      expectSameCsr(v.transform(testDocs), config.transform, config.transform.rows);
      // fit then transform equals fitTransform
      const again = (
        config.kind === 'tfidf' ? new TfidfVectorizer(config.options) : new CountVectorizer(config.options)
      )
        .fit(fitDocs)
        .transform(fitDocs.slice(0, 5));
      expect([...again.data]).toEqual([...X.selectRows([0, 1, 2, 3, 4]).data]);
    });
  }

  it('round-trips through toJSON/fromJSON with identical output', () => {
    const v = new TfidfVectorizer({ ngramRange: [1, 2], sublinearTf: true, minDf: 2 }).fit(fitDocs);
    const restored = TfidfVectorizer.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
    const a = v.transform(testDocs);
    const b = restored.transform(testDocs);
    expect([...b.indices]).toEqual([...a.indices]);
    expect([...b.data]).toEqual([...a.data]);
    const c = new CountVectorizer({ binary: true }).fit(fitDocs);
    expect([...CountVectorizer.fromJSON(c.toJSON()).transform(testDocs).data]).toEqual([...c.transform(testDocs).data]);
  });
});
