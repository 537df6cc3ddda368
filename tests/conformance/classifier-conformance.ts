/**
 * The shared classifier conformance suite (scikit-learn's `check_estimator`, in camelCase): every
 * text classifier in ulasan runs it on a small real SmSA sample. Call it from a test file:
 *
 * ```ts
 * import { runClassifierConformance } from '../../conformance/classifier-conformance.js';
 * runClassifierConformance('LogisticRegressionClassifier', (seed) => new LogisticRegressionClassifier({ seed }));
 * ```
 *
 * It checks: NotFittedError before fit; fit resolves to the same object; classes sorted like
 * scikit-learn; predictProba rows are probabilities with one column per class; predict is the
 * argmax of predictProba; evaluate agrees with predict; save → load gives identical predictions;
 * the same seed gives the same model; bad input (non-string texts, misaligned labels, one class,
 * bad sample weights, unknown labels at evaluate, an aborted signal) fails with the documented
 * error codes; texts that preprocess to nothing still get a probability row; held-out accuracy on
 * real SmSA text reaches a floor.
 *
 * The contract itself (declared parameters, cloning, dispose, the error vocabulary, label order)
 * is checked for every kind by the exported, runner-agnostic suite of `ulasan/testing`
 * (`src/testing/`, run in `tests/testing/`); this file adds the text-specific behaviour above.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FitOptions, Label, PersistableClassifier } from '../../src/core/classifier.js';
import { UlasanError } from '../../src/internal/errors.js';
import { loadTextClassifier } from '../../src/text/models/registry.js';

/** A classifier under test: the shared contract plus `evaluate` (every text classifier has it). */
export type ConformingClassifier = PersistableClassifier<string> & {
  evaluate?(texts: string[], labels: Label[]): Promise<{ accuracy: number; macroF1: number }>;
};

/** Options of {@link runClassifierConformance}. */
export interface ConformanceOptions {
  /** Seconds one `fit` on the ~300-row sample may take (the vitest timeout of each fitting test; default 30). */
  fitSeconds?: number;
  /** Loads a saved directory (default `loadTextClassifier`). */
  load?: (dir: string) => Promise<PersistableClassifier<string>>;
  /** Extra options for every `fit` (e.g. `{ epochs: 2 }` is a constructor matter; this is FitOptions). */
  fitOptions?: FitOptions<string>;
  /** Held-out accuracy floor on the SmSA valid sample (default 0.5 = the majority-class share). */
  minAccuracy?: number;
  /** Tolerance for "identical" probabilities after save → load and across same-seed fits (default 1e-6). */
  tolerance?: number;
  /** Live-object counter checked flat across repeated predictions (e.g. `() => tf.memory().numTensors`). */
  liveObjects?: () => number | Promise<number>;
}

/** The SmSA fixture rows (text, label), real data cut from ../shared/data/smsa. */
export function readSmsaFixture(name: 'smsa-sample.tsv' | 'smsa-valid-sample.tsv'): {
  texts: string[];
  labels: string[];
} {
  const rows = readFileSync(new URL(`../fixtures/data/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  return {
    texts: rows.map((l) => l.slice(0, l.lastIndexOf('\t'))),
    labels: rows.map((l) => l.slice(l.lastIndexOf('\t') + 1)),
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (UlasanError.isInstance(e)) return e.code;
    throw e;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

function argmax(row: number[]): number {
  let best = 0;
  for (let j = 1; j < row.length; j++) if (row[j]! > row[best]!) best = j;
  return best;
}

/**
 * Registers a vitest `describe` block that checks `makeClassifier` against the shared contract.
 *
 * @param name shown in the test report
 * @param makeClassifier a new unfitted classifier for a seed
 */
export function runClassifierConformance(
  name: string,
  makeClassifier: (seed: number) => ConformingClassifier,
  options: ConformanceOptions = {},
): void {
  const fitMs = (options.fitSeconds ?? 30) * 1000;
  const tol = options.tolerance ?? 1e-6;
  const load = options.load ?? loadTextClassifier;
  const train = readSmsaFixture('smsa-sample.tsv');
  const valid = readSmsaFixture('smsa-valid-sample.tsv');
  const probe = [...valid.texts.slice(0, 20), 'pelayanan nya ramah dan makanan nya enak', 'tidak enak'];

  describe(`${name}: classifier conformance`, () => {
    let model: ConformingClassifier;
    let fitResult: unknown;
    let proba: number[][];
    const dir = mkdtempSync(join(tmpdir(), 'ulasan-conformance-'));

    beforeAll(async () => {
      model = makeClassifier(7);
      fitResult = await model.fit(train.texts, train.labels, options.fitOptions);
      proba = await model.predictProba(probe);
    }, fitMs * 1.5);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('throws NotFittedError before fit', async () => {
      const fresh = makeClassifier(7);
      expect(await codeOf(fresh.predictProba(['enak']))).toBe('NOT_FITTED');
      expect(await codeOf(fresh.predict(['enak']))).toBe('NOT_FITTED');
      await expect(fresh.predict(['enak'])).rejects.toMatchObject({ name: 'NotFittedError' });
    });

    it('fit resolves to the classifier itself and sets sorted classes', () => {
      expect(fitResult).toBe(model);
      expect([...model.classes]).toEqual(['negative', 'neutral', 'positive']);
    });

    it('predictProba gives one probability row per text, columns in classes order', () => {
      expect(proba).toHaveLength(probe.length);
      for (const row of proba) {
        expect(row).toHaveLength(model.classes.length);
        for (const p of row) {
          expect(Number.isFinite(p)).toBe(true);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
        expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
      }
    });

    it('predict is the argmax of predictProba', async () => {
      const labels = await model.predict(probe);
      expect(labels).toEqual(proba.map((row) => model.classes[argmax(row)]));
      expect(await model.predict([])).toEqual([]);
    });

    it('reaches the accuracy floor on held-out real SmSA text, and evaluate agrees with predict', async () => {
      const predicted = await model.predict(valid.texts);
      const accuracy = predicted.filter((p, i) => p === valid.labels[i]).length / valid.texts.length;
      expect(accuracy).toBeGreaterThanOrEqual(options.minAccuracy ?? 0.5);
      if (model.evaluate) {
        const report = await model.evaluate(valid.texts, valid.labels);
        expect(report.accuracy).toBeCloseTo(accuracy, 10);
        expect(report.macroF1).toBeGreaterThan(0);
        expect(await codeOf(model.evaluate(['enak'], ['sangat positif']))).toBe('INVALID_ARGUMENT');
      }
    });

    it('gives every text a probability row, even texts that preprocess to nothing', async () => {
      const rows = await model.predictProba(['', '   ', '!!!']);
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    });

    it('save → load predicts identically', async () => {
      await model.save(dir);
      const loaded = await load(dir);
      expect([...loaded.classes]).toEqual([...model.classes]);
      const again = await loaded.predictProba(probe);
      again.forEach((row, i) => {
        row.forEach((p, j) => {
          expect(Math.abs(p - proba[i]![j]!)).toBeLessThanOrEqual(tol);
        });
      });
      expect(await loaded.predict(probe)).toEqual(await model.predict(probe));
    });

    it(
      'is deterministic for a given seed',
      async () => {
        const twin = await makeClassifier(7).fit(train.texts, train.labels, options.fitOptions);
        const twinProba = await twin.predictProba(probe);
        twinProba.forEach((row, i) => {
          row.forEach((p, j) => {
            expect(Math.abs(p - proba[i]![j]!)).toBeLessThanOrEqual(tol);
          });
        });
      },
      fitMs * 1.5,
    );

    it('rejects bad input with clear error codes', async () => {
      const fresh = () => makeClassifier(7);
      const texts = train.texts.slice(0, 30);
      const labels = train.labels.slice(0, 30);
      expect(await codeOf(fresh().fit([...texts.slice(0, 29), null as unknown as string], labels))).toBe(
        'INVALID_ARGUMENT',
      );
      expect(await codeOf(fresh().fit(texts, labels.slice(1)))).toBe('INVALID_ARGUMENT');
      expect(
        await codeOf(
          fresh().fit(
            texts,
            texts.map(() => 'positive'),
          ),
        ),
      ).toBe('INVALID_DATA');
      expect(await codeOf(fresh().fit(texts, labels, { sampleWeights: [1, 2] }))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(fresh().fit(texts, labels, { sampleWeights: texts.map(() => Number.NaN) }))).toBe(
        'INVALID_ARGUMENT',
      );
      expect(await codeOf(model.predictProba([42 as unknown as string]))).toBe('INVALID_ARGUMENT');
      const controller = new AbortController();
      controller.abort();
      expect(await codeOf(fresh().fit(texts, labels, { ...options.fitOptions, signal: controller.signal }))).toBe(
        'ABORTED',
      );
    });

    if (options.liveObjects) {
      const count = options.liveObjects;
      it('keeps live objects flat across repeated predictions', async () => {
        await model.predictProba(probe);
        const before = await count();
        for (let i = 0; i < 3; i++) await model.predictProba(probe);
        expect(await count()).toBe(before);
      });
    }
  });
}
