import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UlasanError } from '../../../src/index.js';
import {
  createTextClassifier,
  LogisticRegressionClassifier,
  loadTextClassifier,
  NaiveBayesClassifier,
  readArtifact,
  resolveArtifactPath,
  TextClassifier,
  textClassifierKinds,
  WhitespacePipeline,
} from '../../../src/text/index.js';
import { createTextClassifier as createFromRoot } from '../../../src/text/models/registry.js';
import { readSmsaFixture } from '../../conformance/classifier-conformance.js';

const train = readSmsaFixture('smsa-sample.tsv');
const root = mkdtempSync(join(tmpdir(), 'ulasan-artifact-'));
let saved: string;
let whitespaceDir: string;

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (UlasanError.isInstance(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error('expected an error');
}

function tamper(dir: string, edit: (m: Record<string, unknown>) => void): void {
  const path = join(dir, 'model.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(manifest);
  writeFileSync(path, JSON.stringify(manifest));
}

async function copyModel(name: string): Promise<string> {
  const dir = join(root, name);
  const model = await loadTextClassifier(saved);
  await model.save(dir);
  return dir;
}

beforeAll(async () => {
  saved = join(root, 'nb');
  const nb = await new NaiveBayesClassifier({ alpha: 0.3, seed: 3 }).fit(train.texts, train.labels);
  whitespaceDir = join(root, 'nb-whitespace');
  await new NaiveBayesClassifier({ pipeline: new WhitespacePipeline() })
    .fit(train.texts, train.labels)
    .then((m) => m.save(whitespaceDir));
  await nb.save(saved);
});

describe('saved model directory', () => {
  it('writes a validated manifest with kind, classes, pipeline, options and metadata', async () => {
    const artifact = await readArtifact(saved);
    const m = artifact.manifest;
    expect(m.format).toBe('ulasan-text-classifier');
    expect(m.version).toBe(1);
    expect(m.kind).toBe('nb');
    expect(m.classes).toEqual(['negative', 'neutral', 'positive']);
    // the default pipeline is the sentiment preset, saved complete so the model needs nothing else
    expect((m.pipeline as { format: string }).format).toBe('ulasan-text-pipeline');
    expect(m.options).toEqual({ alpha: 0.3, seed: 3 });
    expect(m.metadata.trainingSize).toBe(298);
    expect(m.metadata.seed).toBe(3);
    expect(m.metadata.dataHash).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof m.metadata.ulasanVersion).toBe('string');
    expect(Number.isNaN(Date.parse(m.metadata.createdAt))).toBe(false);
    expect(m.files).toEqual({ vectorizer: 'vectorizer.json', weights: 'weights.json' });
    const loaded = await loadTextClassifier(saved);
    expect(loaded).toBeInstanceOf(NaiveBayesClassifier);
    expect(loaded.metadata?.dataHash).toBe(m.metadata.dataHash);
    expect(await loaded.predict(['makanan nya enak sekali'])).toEqual(['positive']);
    // the pipeline comes back from the manifest: same tokens as the original default
    expect(loaded.pipeline.process('Gak enak BANGET!!')).toEqual(
      new NaiveBayesClassifier().pipeline.process('Gak enak BANGET!!'),
    );
    const ws = await loadTextClassifier(whitespaceDir);
    expect(ws.pipeline).toBeInstanceOf(WhitespacePipeline);
    expect((await readArtifact(whitespaceDir)).manifest.options).toEqual({});
  });

  it('rejects a newer format version with an upgrade hint', async () => {
    const dir = await copyModel('newer');
    tamper(dir, (m) => {
      m.version = 2;
    });
    expect(await codeOf(loadTextClassifier(dir))).toMatch(/^UNSUPPORTED_VERSION: .*version 2.*Upgrade ulasan/);
  });

  it('rejects unknown kinds, listing the known ones', async () => {
    const dir = await copyModel('unknown-kind');
    tamper(dir, (m) => {
      m.kind = 'transformer';
    });
    expect(await codeOf(loadTextClassifier(dir))).toMatch(/^FILE_FORMAT: .*unknown model kind "transformer".*nb.*svm/);
  });

  it('refuses manifest paths that leave the model directory', async () => {
    for (const bad of ['../nb/weights.json', '/etc/passwd', 'sub/../../x.json']) {
      const dir = await copyModel(`traversal-${bad.length}`);
      tamper(dir, (m) => {
        (m.files as Record<string, string>).weights = bad;
      });
      expect(await codeOf(loadTextClassifier(dir))).toMatch(/^FILE_FORMAT: Refusing model file path/);
    }
    expect(() => resolveArtifactPath(root, '../x')).toThrow(/outside the model directory/);
    expect(resolveArtifactPath(root, 'a/b.json')).toBe(join(root, 'a/b.json'));
  });

  it('refuses a symlinked state file that points outside the directory', async () => {
    const dir = await copyModel('symlink');
    const outside = join(root, 'outside.json');
    writeFileSync(outside, '{}');
    symlinkSync(outside, join(dir, 'evil.json'));
    tamper(dir, (m) => {
      (m.files as Record<string, string>).weights = 'evil.json';
    });
    expect(await codeOf(loadTextClassifier(dir))).toMatch(/^FILE_FORMAT: Refusing/);
  });

  it('reports missing directories, non-ulasan manifests and missing state files', async () => {
    expect(await codeOf(loadTextClassifier(join(root, 'nope')))).toMatch(/^FILE_NOT_FOUND: No saved model/);
    const foreign = join(root, 'foreign');
    await copyModel('foreign');
    writeFileSync(join(foreign, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [] }));
    expect(await codeOf(loadTextClassifier(foreign))).toMatch(/^FILE_FORMAT: .*"format" is undefined/);
    const missing = await copyModel('missing');
    tamper(missing, (m) => {
      (m.files as Record<string, string>).weights = 'gone.json';
    });
    expect(await codeOf(loadTextClassifier(missing))).toMatch(/^FILE_NOT_FOUND: Model file "gone.json"/);
    const broken = await copyModel('broken');
    writeFileSync(join(broken, 'model.json'), '{not json');
    expect(await codeOf(loadTextClassifier(broken))).toMatch(/^FILE_FORMAT: .*not valid JSON/);
  });

  it('rejects state files of the wrong shape', async () => {
    const dir = await copyModel('shape');
    writeFileSync(join(dir, 'weights.json'), JSON.stringify({ featureLogProb: [[0]], classLogPrior: [0, 0, 0] }));
    // The checksums in model.json catch the edited file first...
    expect(await codeOf(loadTextClassifier(dir))).toMatch(/^FILE_FORMAT: .*weights.json does not belong to the save/);
    // ...and a model saved before checksums existed still gets its state validated.
    tamper(dir, (m) => {
      delete m.integrity;
    });
    expect(await codeOf(loadTextClassifier(dir))).toMatch(/^FILE_FORMAT: Saved model: "featureLogProb"/);
  });
});

describe('registry', () => {
  it('creates every classic kind by name and lists the kinds', async () => {
    expect(textClassifierKinds()).toEqual(
      expect.arrayContaining(['nb', 'logreg', 'svm', 'lstm', 'gru', 'bilstm', 'cnn-lstm']),
    );
    const lr = await createTextClassifier({ model: 'logreg', C: 5 });
    expect(lr).toBeInstanceOf(LogisticRegressionClassifier);
    expect((lr as LogisticRegressionClassifier).options.C).toBe(5);
    expect(lr.isFitted).toBe(false);
    expect((await createFromRoot({ model: 'svm' })).kind).toBe('svm');
    expect(await codeOf(createTextClassifier({ model: 'bert' }))).toMatch(
      /^CONFIG: .*unknown model kind "bert".*Known kinds: .*logreg/,
    );
  });

  it('loads a saved directory into a model that predicts identically', async () => {
    const texts = train.texts.slice(0, 40);
    const model = await createTextClassifier({ model: 'svm', C: 0.5 });
    await model.fit(train.texts, train.labels);
    const dir = join(root, 'svm');
    await model.save(dir);
    const loaded = await loadTextClassifier(dir);
    expect(loaded.kind).toBe('svm');
    expect(await loaded.predictProba(texts)).toEqual(await model.predictProba(texts));
    // restoring into the wrong class is refused
    const artifact = await readArtifact(dir);
    expect(await codeOf(new NaiveBayesClassifier().restore(artifact))).toMatch(/holds a "svm" model, not "nb"/);
  });
});

describe('TextClassifier validation and documented behaviour', () => {
  it('sorts numeric and string classes like scikit-learn, rejects mixed labels', async () => {
    const texts = ['enak', 'mahal', 'biasa', 'enak sekali', 'mahal sekali', 'biasa saja'];
    const nb = await new NaiveBayesClassifier().fit(texts, [10, 2, 1, 10, 2, 1]);
    expect(nb.classes).toEqual([1, 2, 10]);
    expect(await codeOf(new NaiveBayesClassifier().fit(texts, ['a', 1, 'a', 1, 'a', 1]))).toMatch(
      /mix strings and numbers/,
    );
    expect(await codeOf(new NaiveBayesClassifier().fit(texts, ['a', '', 'b', 'a', 'b', 'a']))).toMatch(/empty string/);
    expect(await codeOf(new NaiveBayesClassifier().fit([], []))).toMatch(/no texts/);
  });

  it('leaves texts that preprocess to nothing out of training, and fails when all do', async () => {
    const nb = await new NaiveBayesClassifier().fit(['enak', '   ', 'mahal'], ['positive', 'negative', 'negative']);
    expect(nb.metadata?.emptyTexts).toBe(1);
    expect(nb.metadata?.trainingSize).toBe(3);
    expect(await codeOf(new NaiveBayesClassifier().fit(['', ' '], ['a', 'b']))).toMatch(
      /^INVALID_DATA: .*preprocess to no tokens/,
    );
    // an empty text predicts the class prior of the texts that were kept (1 negative, 1 positive)
    const [row] = await nb.predictProba(['']);
    expect(row![0]).toBeCloseTo(1 / 2, 12);
  });

  it('evaluate returns the metrics summary and the sklearn-style report', async () => {
    const valid = readSmsaFixture('smsa-valid-sample.tsv');
    const lr = await new LogisticRegressionClassifier({ C: 10 }).fit(train.texts, train.labels);
    const ev = await lr.evaluate(valid.texts, valid.labels);
    expect(ev.labels).toEqual(['negative', 'neutral', 'positive']);
    expect(ev.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(valid.texts.length);
    const diagonal = ev.confusionMatrix.reduce((a, row, i) => a + row[i]!, 0);
    expect(ev.accuracy).toBeCloseTo(diagonal / valid.texts.length, 12);
    expect(ev.macroF1).toBeCloseTo(ev.perClass!.reduce((a, p) => a + p.f1, 0) / 3, 12);
    expect(ev.report).toMatch(/precision\s+recall\s+f1-score\s+support/);
    expect(ev.report).toMatch(/macro avg/);
    expect(await codeOf(lr.evaluate(['enak'], ['positif']))).toMatch(
      /"positif", which the model was not trained on. Known classes: "negative", "neutral", "positive"/,
    );
    expect(await codeOf(lr.evaluate(['enak', 'x'], ['positive']))).toMatch(/2 texts but 1 labels/);
  });

  it('a class with zero total weight gets probability 0 and survives save → load (−∞ stored as null)', async () => {
    const texts = train.texts.slice(0, 60);
    const labels = train.labels.slice(0, 60);
    const weights = labels.map((l) => (l === 'neutral' ? 0 : 1));
    const nb = await new NaiveBayesClassifier().fit(texts, labels, { sampleWeights: weights });
    const dir = join(root, 'zero-class');
    await nb.save(dir);
    const loaded = await loadTextClassifier(dir);
    const rows = await loaded.predictProba(texts.slice(0, 5));
    expect(rows).toEqual(await nb.predictProba(texts.slice(0, 5)));
    for (const row of rows) expect(row[1]).toBe(0);
  });

  it('warm start with a different label set is refused', async () => {
    const nb = await new NaiveBayesClassifier().fit(['a', 'b'], ['x', 'y']);
    expect(await codeOf(nb.fit(['a', 'b'], ['x', 'z'], { warmStart: true }))).toMatch(
      /warm starts need the same label set/,
    );
  });

  it('every classic model is a TextClassifier whose constructor only stores options', () => {
    const nb = new NaiveBayesClassifier({ alpha: 2 });
    expect(nb).toBeInstanceOf(TextClassifier);
    expect(nb.options).toEqual({ alpha: 2 });
    expect(nb.isFitted).toBe(false);
    expect(nb.classes).toEqual([]);
  });
});
