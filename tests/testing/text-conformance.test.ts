/**
 * Every sparse text classifier kind (classic, trees, lexicon, ensemble) and the three multi-label
 * transformations through the exported conformance suite of `ulasan/testing`, on real SmSA and
 * CASA rows; and the suite itself fails on classifiers that break the contract.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { cloneClassifier } from '../../src/core/classifier.js';
import { readDataset } from '../../src/data/index.js';
import {
  ClassifierConformanceError,
  checkClassifierConformance,
  runClassifierConformance,
  runMultiLabelConformance,
} from '../../src/testing/index.js';
import { TEXT_GRID_OPTIONS, textGridDefaults } from '../../src/text/grid.js';
import type { LinearSvmOptions } from '../../src/text/models/classic/linear-svm.js';
import type { LogisticRegressionOptions } from '../../src/text/models/classic/logistic-regression.js';
import type { NaiveBayesOptions } from '../../src/text/models/classic/naive-bayes.js';
import { NaiveBayesClassifier } from '../../src/text/models/classic/naive-bayes.js';
import type { DeepTextClassifierOptions } from '../../src/text/models/deep/deep-text-classifier.js';
import type { EnsembleOptions } from '../../src/text/models/ensemble/ensemble-classifier.js';
import type { LexiconSentimentOptions } from '../../src/text/models/lexicon/lexicon-classifier.js';
import type { TEXT_CLASSIFIER_PARAMS } from '../../src/text/models/params.js';
import { createTextClassifier, loadTextClassifier } from '../../src/text/models/registry.js';
import type { GradientBoostingOptions } from '../../src/text/models/trees/gradient-boosting.js';
import type { RandomForestOptions } from '../../src/text/models/trees/random-forest.js';
import {
  BinaryRelevance,
  ClassifierChain,
  LabelPowerset,
  loadMultiLabelClassifier,
} from '../../src/text/multilabel/index.js';
import type { FaceExpressionClassifierOptions } from '../../src/vision/expression-classifier.js';
import type { VISION_CLASSIFIER_PARAMS } from '../../src/vision/index.js';
import { readSmsaFixture } from '../conformance/classifier-conformance.js';

const train = readSmsaFixture('smsa-sample.tsv');
const CASA = new URL('../fixtures/data/casa-sample.csv', import.meta.url).pathname;
const ASPECTS = readFileSync(CASA, 'utf8').split('\n')[0]!.split(',').slice(1);

const KINDS: [string, Record<string, unknown>][] = [
  ['nb', {}],
  ['logreg', {}],
  ['svm', {}],
  ['random-forest', { nEstimators: 8, maxBins: 16 }],
  ['gbdt', { nEstimators: 8, minChildSamples: 5 }],
  ['lexicon', {}],
  ['ensemble', {}],
];

describe('ulasan/testing: every sparse text kind follows the classifier contract', () => {
  for (const [model, options] of KINDS) {
    it(`${model}`, async () => {
      const report = await runClassifierConformance({
        name: model,
        create: () => createTextClassifier({ model, seed: 7, ...options }),
        inputs: train.texts,
        labels: train.labels,
        load: loadTextClassifier,
      });
      expect(report.checks.filter((c) => c.status === 'passed').map((c) => c.name)).toEqual([
        'unfitted',
        'params',
        'clone',
        'errors',
        'fit',
        'predictProba',
        'predict',
        'clone-fitted',
        'persistence',
        'dispose',
      ]);
    }, 30_000);
  }

  it('getParams fills in the defaults and clones keep the given options', async () => {
    const nb = await createTextClassifier({ model: 'nb', alpha: 0.5 });
    expect(nb.getParams()).toMatchObject({ alpha: 0.5, fitPrior: true, seed: 42, features: { kind: 'count' } });
    const gru = await createTextClassifier({ model: 'gru', units: 8 });
    expect(gru.getParams()).toMatchObject({
      units: 8,
      recurrentLayers: 2,
      dropout: 0.2,
      epochs: 10,
      optimizer: 'adam',
    });
    expect(gru.paramNames).not.toContain('filters');
    expect((await createTextClassifier({ model: 'cnn-lstm' })).getParams()).toMatchObject({
      dropout: 0.3,
      filters: 64,
    });
    const twin = cloneClassifier(gru);
    expect(twin).not.toBe(gru);
    expect(twin.getParams()).toEqual(gru.getParams());
  });
});

describe('ulasan/testing: the multi-label transformations follow the contract output by output', () => {
  const makers = {
    BinaryRelevance: () => new BinaryRelevance({ base: { model: 'nb' }, outputs: ASPECTS }),
    ClassifierChain: () => new ClassifierChain({ base: { model: 'nb' }, outputs: ASPECTS, seed: 3 }),
    LabelPowerset: () => new LabelPowerset({ base: { model: 'nb' }, outputs: ASPECTS }),
  };
  for (const [name, create] of Object.entries(makers)) {
    it(name, async () => {
      const casa = await readDataset(CASA, { labelColumn: ASPECTS });
      const report = await runMultiLabelConformance({
        name,
        create,
        inputs: casa.texts,
        labels: casa.labels as string[][],
        load: loadMultiLabelClassifier,
      });
      expect(report.checks.every((c) => c.status === 'passed')).toBe(true);
    }, 30_000);
  }
});

describe('multi-label progress uses the library progress event', () => {
  it('reports { task, done, total } per base classifier, and still calls a two-parameter callback the old way', async () => {
    const casa = await readDataset(CASA, { labelColumn: ASPECTS });
    const events: unknown[] = [];
    await new BinaryRelevance({ base: { model: 'nb' }, outputs: ASPECTS }).fit(casa.texts, casa.labels as string[][], {
      onProgress: (e) => events.push(e),
    });
    expect(events).toHaveLength(ASPECTS.length);
    expect(events.at(-1)).toEqual({ task: 'multilabel', done: ASPECTS.length, total: ASPECTS.length });
    const legacy: [number, number][] = [];
    const old = ((done: number, total: number) => legacy.push([done, total])) as unknown as (e: unknown) => void;
    await new LabelPowerset({ base: { model: 'nb' }, outputs: ASPECTS }).fit(casa.texts, casa.labels as string[][], {
      onProgress: old,
    });
    expect(legacy).toEqual([[1, 1]]);
  });
});

describe('ulasan/testing: the suite fails classifiers that break the contract', () => {
  const small = { inputs: train.texts.slice(0, 60), labels: train.labels.slice(0, 60) };

  it('names the check and the problem: rows that do not sum to 1, undeclared params, a sync dispose', async () => {
    class Unnormalized extends NaiveBayesClassifier {
      override async predictProba(texts: string[]): Promise<number[][]> {
        return (await super.predictProba(texts)).map((row) => row.map((p) => p * 2));
      }
      override getParams(): Record<string, unknown> {
        return { ...super.getParams(), secret: 1 };
      }
    }
    const report = await checkClassifierConformance({ create: () => new Unnormalized(), ...small });
    expect(report.passed).toBe(false);
    const failed = Object.fromEntries(
      report.checks.filter((c) => c.status === 'failed').map((c) => [c.name, c.message]),
    );
    expect(failed.predictProba).toMatch(/row 0 (holds|sums to)/);
    expect(failed.params).toMatch(/undeclared name\(s\) secret/);
    expect(report.checks.find((c) => c.name === 'persistence')?.status).toBe('skipped');
    await expect(runClassifierConformance({ create: () => new Unnormalized(), ...small })).rejects.toThrow(
      ClassifierConformanceError,
    );
  });

  it('catches unsorted classes, a wrong error code and fitted state kept by clones', async () => {
    class Reversed extends NaiveBayesClassifier {
      override get classes() {
        return [...super.classes].reverse();
      }
    }
    class LenientNb extends NaiveBayesClassifier {
      override async fit(texts: string[], labels: (string | number)[]): Promise<this> {
        if (new Set(labels).size < 2) throw new Error('one class');
        return super.fit(texts, labels);
      }
    }
    const reversed = await checkClassifierConformance({ create: () => new Reversed(), ...small });
    expect(reversed.checks.find((c) => c.name === 'fit')?.message).toMatch(/compareLabels order/);
    const lenient = await checkClassifierConformance({ create: () => new LenientNb(), ...small });
    expect(lenient.checks.find((c) => c.name === 'errors')?.message).toMatch(/not a UlasanError/);
  });
});

type Table = typeof TEXT_CLASSIFIER_PARAMS;
/** Option names of `O` the table of kind `K` does not declare, and declared names `O` does not have. */
type Drift<O, K extends keyof Table> = {
  missing: Exclude<keyof O, keyof Table[K]>;
  extra: Exclude<keyof Table[K], keyof O>;
};
type NoDrift = { missing: never; extra: never };

describe('the option lists are derived from the declared parameters', () => {
  it('declares exactly the options of each kind (checked by tsc: a new option must enter the table)', () => {
    expectTypeOf<Drift<NaiveBayesOptions, 'nb'>>().toEqualTypeOf<NoDrift>();
    expectTypeOf<Drift<LogisticRegressionOptions, 'logreg'>>().toEqualTypeOf<NoDrift>();
    expectTypeOf<Drift<LinearSvmOptions, 'svm'>>().toEqualTypeOf<NoDrift>();
    expectTypeOf<Drift<DeepTextClassifierOptions, 'cnn-lstm'>>().toEqualTypeOf<NoDrift>();
    // The recurrent kinds leave out the convolution's filters, kernelSize and poolSize.
    expectTypeOf<Drift<DeepTextClassifierOptions, 'lstm'>['missing']>().toEqualTypeOf<
      'filters' | 'kernelSize' | 'poolSize'
    >();
    expectTypeOf<Drift<RandomForestOptions, 'random-forest'>>().toEqualTypeOf<NoDrift>();
    expectTypeOf<Drift<GradientBoostingOptions, 'gbdt'>>().toEqualTypeOf<NoDrift>();
    expectTypeOf<Drift<LexiconSentimentOptions, 'lexicon'>>().toEqualTypeOf<NoDrift>();
    expectTypeOf<Drift<EnsembleOptions, 'ensemble'>>().toEqualTypeOf<NoDrift>();
    expectTypeOf<
      Exclude<keyof typeof VISION_CLASSIFIER_PARAMS, keyof FaceExpressionClassifierOptions>
    >().toEqualTypeOf<never>();
  });

  it('TEXT_GRID_OPTIONS and the grid defaults still hold every name of the old hand-kept list, and the tree options too', () => {
    const old =
      'model seed pipeline embeddings units recurrentLayers dropout recurrentDropout l2 embeddingDim filters kernelSize poolSize maxLen minCount maxVocabulary trainableEmbeddings epochs batchSize optimizer learningRate classWeight earlyStopping checkpointDir resume inferenceBatchSize features alpha fitPrior C maxIter tol fitIntercept interceptScaling'.split(
        ' ',
      );
    for (const name of old) expect(TEXT_GRID_OPTIONS).toContain(name);
    for (const name of ['nEstimators', 'numLeaves', 'members', 'tuneThresholds'])
      expect(TEXT_GRID_OPTIONS).toContain(name);
    expect([...textGridDefaults.optionNames].sort()).toEqual([...TEXT_GRID_OPTIONS].sort());
  });

  it('ulasan train accepts a flag for every kind that declares its parameter (--lr for gbdt) and refuses it elsewhere', async () => {
    const work = mkdtempSync(join(tmpdir(), 'ulasan-train-flags-'));
    try {
      const data = new URL('../fixtures/data/smsa-sample.tsv', import.meta.url).pathname;
      const err: string[] = [];
      const io = { out: () => {}, err: (s: string) => void err.push(s), interactive: false };
      const run = (args: string[]) => runCli(args, io);
      const out = join(work, 'gbdt');
      expect(await run(['train', '--data', data, '--model', 'gbdt', '--out', out, '--lr', '0.3'])).toBe(0);
      expect(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).options.learningRate).toBe(0.3);
      expect(await run(['train', '--data', data, '--model', 'nb', '--out', work, '--lr', '0.3'])).toBe(2);
      expect(err.join('')).toMatch(/--lr applies to lstm, gru, bilstm, cnn-lstm, gbdt only, not nb/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 30_000);
});
