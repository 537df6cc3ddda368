import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UlasanError } from '../../../src/internal/errors.js';
import {
  BiLstmClassifier,
  CnnLstmClassifier,
  type DeepTextClassifier,
  GruClassifier,
  LstmClassifier,
} from '../../../src/text/models/deep/deep-text-classifier.js';
import { createTextClassifier, loadTextClassifier } from '../../../src/text/models/registry.js';
import { trainWord2Vec } from '../../../src/text/word2vec/index.js';
import { runClassifierConformance } from '../../conformance/classifier-conformance.js';
import { cpuTf, smsaTrain, smsaValid, TINY, tempDir } from './helpers.js';

let tf: Awaited<ReturnType<typeof cpuTf>>;
const dirs: string[] = [];
const sample = smsaValid.texts.slice(0, 20);

beforeAll(async () => {
  tf = await cpuTf();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function dir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return UlasanError.isInstance(e) ? e.code : `non-ulasan: ${(e as Error).message}`;
  }
  return undefined;
}

describe.each([
  ['lstm', LstmClassifier],
  ['gru', GruClassifier],
  ['bilstm', BiLstmClassifier],
  ['cnn-lstm', CnnLstmClassifier],
] as const)('%s classifier', (kind, Ctor) => {
  it('trains on real SmSA text, saves, and loads back to identical predictions', async () => {
    const model = new Ctor({ ...TINY, epochs: 2 });
    await model.fit(smsaTrain.texts, smsaTrain.labels, {
      validation: { inputs: smsaValid.texts, labels: smsaValid.labels },
    });
    expect(model.kind).toBe(kind);
    expect(model.classes).toEqual(['negative', 'neutral', 'positive']);
    expect(model.history).toHaveLength(2);
    for (const h of model.history ?? []) {
      expect(Object.keys(h).sort()).toEqual(['accuracy', 'loss', 'valAccuracy', 'valLoss', 'valMacroF1']);
      expect(Number.isFinite(h.loss)).toBe(true);
    }
    const out = dir();
    await model.save(out);
    const loaded = await loadTextClassifier(out);
    expect(loaded.kind).toBe(kind);
    expect(await loaded.predictProba(sample)).toEqual(await model.predictProba(sample));
    expect((loaded as DeepTextClassifier).history).toEqual(model.history);
    // A plain tfjs layers-model beside our manifest: topology + one weights shard.
    const topology = JSON.parse(readFileSync(join(out, 'tfjs', 'model.json'), 'utf8'));
    expect(topology.format).toBe('layers-model');
    expect(topology.weightsManifest[0].paths).toEqual(['weights.bin']);
    model.dispose();
    (loaded as DeepTextClassifier).dispose();
  });
});

/** Removes the checksums from a saved model's manifest (as in a model saved before they existed). */
function dropIntegrity(d: string): void {
  const manifestPath = join(d, 'model.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  delete manifest.integrity;
  writeFileSync(manifestPath, JSON.stringify(manifest));
}

describe('DeepTextClassifier', () => {
  let gru: GruClassifier;
  let savedDir: string;

  beforeAll(async () => {
    gru = await new GruClassifier({ ...TINY, epochs: 2 }).fit(smsaTrain.texts, smsaTrain.labels);
    savedDir = dir();
    await gru.save(savedDir);
  });

  it('is created and loaded through the registry under its kind', async () => {
    const m = await createTextClassifier({ model: 'cnn-lstm', ...TINY });
    expect(m).toBeInstanceOf(CnnLstmClassifier);
    expect(m.isFitted).toBe(false);
  });

  it('keeps tf.memory flat across repeated predictions', async () => {
    await gru.predictProba(sample);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await gru.predictProba(sample);
    await gru.predict(sample);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('predicts large inputs in chunks with the same result as one batch', async () => {
    const chunked = new GruClassifier({ ...TINY, inferenceBatchSize: 7 });
    await chunked.restore(await (await import('../../../src/text/models/artifact.js')).readArtifact(savedDir));
    expect(await chunked.predictProba(sample)).toEqual(await gru.predictProba(sample));
  });

  it('streams predictions over an async iterable in input order', async () => {
    async function* texts() {
      for (const t of sample) yield t;
    }
    const rows = [];
    for await (const r of gru.predictStream(texts(), { chunkSize: 6 })) rows.push(r);
    expect(rows.map((r) => r.text)).toEqual(sample);
    expect(rows.map((r) => r.label)).toEqual(await gru.predict(sample));
  });

  it('gives texts that preprocess to nothing a probability row', async () => {
    const [row] = await gru.predictProba(['   ']);
    expect(row).toHaveLength(3);
    expect(row!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('rejects a label set at evaluate time that differs from training', async () => {
    await expect(gru.evaluate(['bagus'], ['sangat positif'])).rejects.toThrow(/not trained on.*Known classes/);
  });

  it('rejects one-class training data and a classWeight naming an unknown label', async () => {
    const one = smsaTrain.texts.slice(0, 10);
    expect(
      await codeOf(
        new GruClassifier(TINY).fit(
          one,
          one.map(() => 'positive'),
        ),
      ),
    ).toBe('INVALID_DATA');
    await expect(
      new GruClassifier({ ...TINY, classWeight: { netral: 2 } }).fit(smsaTrain.texts, smsaTrain.labels),
    ).rejects.toThrow(/classWeight names the label "netral"/);
  });

  it('refuses a model directory from a newer format version', async () => {
    const d = dir();
    await gru.save(d);
    const specPath = join(d, 'deep-model.json');
    const spec = JSON.parse(readFileSync(specPath, 'utf8'));
    writeFileSync(specPath, JSON.stringify({ ...spec, version: 7 }));
    await expect(loadTextClassifier(d)).rejects.toThrow(/deep-model.json does not belong to the save/);
    dropIntegrity(d); // as a model saved before checksums, or a future one
    expect(await codeOf(loadTextClassifier(d))).toBe('UNSUPPORTED_VERSION');
  });

  it('refuses a weights manifest that points outside the model directory', async () => {
    const d = dir();
    await gru.save(d);
    const topoPath = join(d, 'tfjs', 'model.json');
    const topo = JSON.parse(readFileSync(topoPath, 'utf8'));
    dropIntegrity(d); // the checksums would refuse the edited file first
    for (const evil of ['../../../etc/passwd', '/etc/passwd', '../../outside.bin']) {
      topo.weightsManifest[0].paths = [evil];
      writeFileSync(topoPath, JSON.stringify(topo));
      await expect(loadTextClassifier(d)).rejects.toThrow(/outside the model (directory|folder)|plain relative/);
    }
  });

  it('refuses weights files that do not match the manifest', async () => {
    const d = dir();
    await gru.save(d);
    const bin = join(d, 'tfjs', 'weights.bin');
    writeFileSync(bin, readFileSync(bin).subarray(0, 100));
    await expect(loadTextClassifier(d)).rejects.toThrow(/weights.bin does not belong to the save.*found 100 bytes/);
    dropIntegrity(d);
    await expect(loadTextClassifier(d)).rejects.toThrow(/shorter than/);
  });

  it('starts from Word2Vec vectors and keeps them when the embedding is frozen', async () => {
    const vectors = await trainWord2Vec(
      smsaTrain.texts.map((t) => t.toLowerCase().split(/\s+/)),
      { vectorSize: 8, minCount: 1, epochs: 1, threads: 1, seed: 3 },
    );
    const model = new GruClassifier({ ...TINY, embeddings: vectors, trainableEmbeddings: false });
    await model.fit(smsaTrain.texts, smsaTrain.labels);
    const vocab = model.vocabulary!;
    const emb = model.network!.getLayer('embedding').getWeights()[0]!.dataSync();
    const word = vocab.tokens.find((t) => vectors.words.includes(t) && t.length > 3)!;
    const id = vocab.tokenToId(word)!;
    expect(Array.from(emb.subarray(id * 8, id * 8 + 8))).toEqual(Array.from(vectors.vector(word)));
    expect(Array.from(emb.subarray(0, 8))).toEqual(new Array(8).fill(0)); // padding row
    const d = dir();
    await model.save(d);
    const info = (await loadTextClassifier(d)).metadata?.embeddings as {
      dims: number;
      missing: number;
      covered: number;
    };
    expect(info.dims).toBe(8);
    expect(info.missing + info.covered).toBe(vocab.size);
    expect(info.missing).toBeGreaterThanOrEqual(2); // <pad> and <unk> never have a vector
    expect(info.covered / vocab.size).toBeGreaterThan(0.95);
    model.dispose();
  });

  it('warm starts keep the vocabulary and network and continue training (self-training rounds)', async () => {
    const model = await new GruClassifier({ ...TINY }).fit(smsaTrain.texts, smsaTrain.labels);
    const vocabulary = model.vocabulary;
    const network = model.network;
    const before = await model.predictProba(sample);
    await model.fit(smsaValid.texts, smsaValid.labels, { warmStart: true });
    expect(model.vocabulary).toBe(vocabulary);
    expect(model.network).toBe(network);
    expect(model.history).toHaveLength(2);
    expect(await model.predictProba(sample)).not.toEqual(before);
    model.dispose();
  });

  it('class weights move predictions toward the heavily weighted class', async () => {
    const model = new LstmClassifier({
      ...TINY,
      epochs: 3,
      learningRate: 0.02,
      classWeight: { negative: 0.05, neutral: 8, positive: 0.05 },
    });
    await model.fit(smsaTrain.texts, smsaTrain.labels);
    const predicted = await model.predict(smsaValid.texts);
    const neutralShare = predicted.filter((p) => p === 'neutral').length / predicted.length;
    const trueShare = smsaValid.labels.filter((l) => l === 'neutral').length / smsaValid.labels.length;
    expect(neutralShare).toBeGreaterThan(trueShare * 2);
    model.dispose();
  });
});

runClassifierConformance(
  'GruClassifier (tiny)',
  (seed) => new GruClassifier({ ...TINY, epochs: 4, learningRate: 0.01, seed }),
  {
    fitSeconds: 60,
    minAccuracy: 0.45,
    tolerance: 0,
    liveObjects: async () => (await cpuTf()).memory().numTensors,
  },
);
