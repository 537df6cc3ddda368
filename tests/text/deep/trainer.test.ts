import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UlasanError } from '../../../src/internal/errors.js';
import { buildDeepTextModel, resolveDeepModelSpec } from '../../../src/text/models/deep/builders.js';
import { CHECKPOINT_FILE, decodeCheckpoint, readCheckpoint } from '../../../src/text/models/deep/checkpoint.js';
import { encodeSequences } from '../../../src/text/models/deep/deep-text-classifier.js';
import { type EncodedSequences, trainDeepModel } from '../../../src/text/models/deep/trainer.js';
import { WhitespacePipeline } from '../../../src/text/models/text-classifier.js';
import { Vocabulary } from '../../../src/text/vectorize/vocabulary.js';
import { cpuTf, smsaTrain, smsaValid, tempDir, weightValues } from './helpers.js';

let tf: Awaited<ReturnType<typeof cpuTf>>;
const dirs: string[] = [];
const classes = ['negative', 'neutral', 'positive'];
const maxLen = 12;
let train: EncodedSequences;
let valid: EncodedSequences;
let vocabSize = 0;

beforeAll(async () => {
  tf = await cpuTf();
  const pipeline = new WhitespacePipeline();
  const trainTokens = smsaTrain.texts.map((t) => pipeline.process(t));
  const vocab = Vocabulary.build(trainTokens, { maxSize: 600 });
  vocabSize = vocab.size;
  const encode = (texts: string[], labels: string[]): EncodedSequences => ({
    x: encodeSequences(
      vocab,
      texts.map((t) => pipeline.process(t)),
      maxLen,
    ),
    y: Int32Array.from(labels.map((l) => classes.indexOf(l))),
    n: texts.length,
    maxLen,
  });
  // 160 rows → 4 steps of 40 per epoch keep every run short.
  train = encode(smsaTrain.texts.slice(0, 160), smsaTrain.labels.slice(0, 160));
  valid = encode(smsaValid.texts.slice(0, 60), smsaValid.labels.slice(0, 60));
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

async function newModel(kind: 'lstm' | 'gru' | 'cnn-lstm' = 'lstm', seed = 5) {
  return buildDeepTextModel(
    resolveDeepModelSpec(
      kind,
      { vocabSize, maxLen, numClasses: 3 },
      { units: 4, embeddingDim: 8, filters: 4, kernelSize: 3, seed, dropout: 0.2, recurrentDropout: 0.1 },
    ),
  );
}

const base = { epochs: 2, batchSize: 40, optimizer: 'adam' as const, learningRate: 0.01, seed: 11 };

describe('trainDeepModel', () => {
  it('resumes an interrupted run to exactly the weights of an uninterrupted one (Adam state, RNG, mid-epoch)', async () => {
    const straight = await newModel();
    const full = await trainDeepModel(straight, 3, train, valid, base, 'cfg');

    const ckptDir = dir();
    const interrupted = await newModel();
    const controller = new AbortController();
    const error = await trainDeepModel(
      interrupted,
      3,
      train,
      valid,
      {
        ...base,
        checkpointDir: ckptDir,
        signal: controller.signal,
        callbacks: {
          onBatchEnd: (_b, logs) => {
            if (logs?.step === 6) controller.abort(); // second epoch, second batch
          },
        },
      },
      'cfg',
    ).catch((e: unknown) => e);
    expect(UlasanError.isInstance(error) && error.code).toBe('ABORTED');
    expect((error as Error).message).toMatch(/checkpoint saved/);
    const ckpt = await readCheckpoint(ckptDir);
    expect(ckpt?.header).toMatchObject({ epoch: 1, batch: 2 });

    const resumedModel = await newModel();
    const resumed = await trainDeepModel(
      resumedModel,
      3,
      train,
      valid,
      { ...base, checkpointDir: ckptDir, resume: true },
      'cfg',
    );
    expect(resumed.resumed).toBe(true);
    expect(weightValues(resumedModel)).toEqual(weightValues(straight));
    expect(resumed.history).toEqual(full.history);
    for (const m of [straight, interrupted, resumedModel]) m.dispose();
  });

  it('is reproducible for a seed and differs for another seed', async () => {
    const a = await newModel('gru');
    const b = await newModel('gru');
    const c = await newModel('gru');
    await trainDeepModel(a, 3, train, undefined, { ...base, epochs: 1 }, 'x');
    await trainDeepModel(b, 3, train, undefined, { ...base, epochs: 1 }, 'x');
    await trainDeepModel(c, 3, train, undefined, { ...base, epochs: 1, seed: 12 }, 'x');
    expect(weightValues(a)).toEqual(weightValues(b));
    expect(weightValues(a)).not.toEqual(weightValues(c));
    for (const m of [a, b, c]) m.dispose();
  });

  it('refuses to resume a checkpoint written with another configuration', async () => {
    const ckptDir = dir();
    const m = await newModel();
    await trainDeepModel(m, 3, train, undefined, { ...base, epochs: 1, checkpointDir: ckptDir }, 'cfg-a');
    await expect(
      trainDeepModel(m, 3, train, undefined, { ...base, checkpointDir: ckptDir, resume: true }, 'cfg-b'),
    ).rejects.toThrow(/different configuration/);
    m.dispose();
  });

  it('early stopping restores the weights of the best epoch', async () => {
    const m = await newModel('gru');
    const perEpoch: number[][][] = [];
    // minDelta is larger than any possible change, so only epoch 0 ever counts as the best.
    const result = await trainDeepModel(
      m,
      3,
      train,
      valid,
      {
        ...base,
        epochs: 4,
        earlyStopping: { monitor: 'valAccuracy', patience: 1, minDelta: 2 },
        callbacks: { onEpochEnd: () => void perEpoch.push(weightValues(m)) },
      },
      'es',
    );
    expect(result.stoppedEarly).toBe(true);
    expect(result.history).toHaveLength(2);
    expect(result.bestEpoch).toBe(0);
    expect(perEpoch[1]).not.toEqual(perEpoch[0]);
    expect(weightValues(m)).toEqual(perEpoch[0]);
    m.dispose();
  });

  it('stops on a NaN loss with a clear message and keeps the last good checkpoint', async () => {
    const ckptDir = dir();
    const m = await newModel('cnn-lstm');
    const error = await trainDeepModel(
      m,
      3,
      train,
      valid,
      {
        ...base,
        epochs: 3,
        checkpointDir: ckptDir,
        callbacks: {
          // Corrupt the network after epoch 1 was checkpointed, as a diverging run would.
          onEpochEnd: (epoch) => {
            if (epoch !== 0) return;
            const out = m.getLayer('output');
            const bad = out.getWeights().map((w) => tf.fill(w.shape, Number.NaN));
            out.setWeights(bad);
            for (const t of bad) t.dispose();
          },
        },
      },
      'nan',
    ).catch((e: unknown) => e);
    expect(UlasanError.isInstance(error) && error.code).toBe('NUMERICAL');
    expect((error as Error).message).toMatch(
      /loss became NaN at epoch 2, batch 1.*last good checkpoint.*Lower the learning rate/s,
    );
    const ckpt = await readCheckpoint(ckptDir);
    expect(ckpt?.header.epoch).toBe(1);
    for (const t of ckpt!.tensors.values()) expect(t.values.every(Number.isFinite)).toBe(true);
    m.dispose();
  });

  it('leaves no tensors behind after fit', async () => {
    const m = await newModel('lstm');
    await trainDeepModel(m, 3, train, valid, { ...base, epochs: 1 }, 'mem'); // warm-up: lazily created kernels/state
    const before = tf.memory().numTensors;
    await trainDeepModel(m, 3, train, valid, { ...base, epochs: 2 }, 'mem');
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('rejects corrupt and newer-version checkpoints', async () => {
    const ckptDir = dir();
    const m = await newModel();
    await trainDeepModel(m, 3, train, undefined, { ...base, epochs: 1, checkpointDir: ckptDir }, 'v');
    const path = join(ckptDir, CHECKPOINT_FILE);
    const bytes = readFileSync(path);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 3), path)).toThrow(/truncated|trailing/);
    const len = bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.subarray(12, 12 + len).toString('utf8'));
    header.version = 99;
    const json = Buffer.from(JSON.stringify(header));
    const patched = Buffer.concat([bytes.subarray(0, 8), Buffer.alloc(4), json]);
    patched.writeUInt32LE(json.length, 8);
    writeFileSync(path, patched);
    await expect(readCheckpoint(ckptDir)).rejects.toThrow(/version 99/);
    expect(existsSync(path)).toBe(true);
    m.dispose();
  });
});
