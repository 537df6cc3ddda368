/**
 * The training loop of the deep text models. We run our own loop (one `optimizer.minimize` per
 * batch) instead of `model.fit` because we need what `fit` cannot give: exact resume from a
 * checkpoint that includes optimizer state, early stopping that restores the best weights (tfjs
 * 4.22 throws on `restoreBestWeights`), per-sample weights for class balancing, a reproducible
 * stream of dropout masks, cancellation between batches, and a clear stop on a NaN loss.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import { loadTf } from '../../../backend/tf.js';
import { AbortError, invalidArgument, UlasanError } from '../../../internal/errors.js';
import type { Logs, ProgressCallback, TrainingCallbacks } from '../../../internal/progress.js';
import { Random } from '../../../internal/random.js';
import { type CheckpointHeader, readCheckpoint, type StoredTensor, writeCheckpoint } from './checkpoint.js';
import {
  createOptimizer,
  type DeepOptimizerName,
  type OptimizerSnapshot,
  restoreOptimizer,
  snapshotOptimizer,
} from './optimizers.js';
import { deriveSeed, withSeededMathRandom } from './seeded-random.js';

/** Integer-encoded sequences and class indices, ready for the network. */
export interface EncodedSequences {
  /** Row-major `[n, maxLen]` token ids. */
  x: Int32Array;
  /** Class index per row. */
  y: Int32Array;
  /** Number of rows. */
  n: number;
  /** Sequence length. */
  maxLen: number;
  /** Optional per-row loss weight (class weights × sample weights). */
  weights?: Float32Array;
}

/** Metrics early stopping can watch. `val*` ones need validation data. */
export type MonitoredMetric = 'valLoss' | 'valAccuracy' | 'valMacroF1' | 'loss' | 'accuracy';

/** Early stopping (Keras semantics) with a best-weights restore we implement ourselves. */
export interface EarlyStoppingOptions {
  /** Metric to watch. Default `valLoss` with validation data, else `loss`. */
  monitor?: MonitoredMetric;
  /** Epochs without improvement before stopping. Default 3. */
  patience?: number;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Put back the weights of the best epoch when training ends. Default true. */
  restoreBestWeights?: boolean;
}

/** Options of {@link trainDeepModel}. */
export interface DeepTrainingOptions {
  epochs: number;
  batchSize: number;
  optimizer: DeepOptimizerName;
  learningRate?: number;
  /** Seed of shuffling and dropout masks (weights are seeded by the model spec). */
  seed: number;
  /** Early stopping, or false/undefined for none. */
  earlyStopping?: EarlyStoppingOptions | false;
  /** Directory for `checkpoint.bin`, written after every epoch and on cancellation. */
  checkpointDir?: string;
  /** Continue from the checkpoint in `checkpointDir` when there is one. */
  resume?: boolean;
  callbacks?: TrainingCallbacks;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Rows per forward pass when scoring validation data. Default 256. */
  inferenceBatchSize?: number;
}

/** What {@link trainDeepModel} returns. */
export interface DeepTrainingResult {
  history: Logs[];
  /** Epoch (0-based) whose weights the model holds at the end. */
  bestEpoch: number;
  /** True when early stopping ended the run before `epochs`. */
  stoppedEarly: boolean;
  /** True when the run continued from a checkpoint. */
  resumed: boolean;
}

const EPS = 1e-7;

/**
 * Trains `model` (built by `buildDeepTextModel`) on encoded sequences.
 *
 * @param configHash identifies everything a resume must share with the run that wrote the
 * checkpoint (model spec, data, optimizer, seed, batch size); a mismatch is refused.
 *
 * @example
 * ```ts
 * const result = await trainDeepModel(model, 3, train, valid, { epochs: 5, batchSize: 64, optimizer: 'adam', seed: 1 }, hash);
 * console.log(result.history.at(-1)?.valMacroF1);
 * ```
 */
export async function trainDeepModel(
  model: TfLayers.LayersModel,
  numClasses: number,
  train: EncodedSequences,
  validation: EncodedSequences | undefined,
  options: DeepTrainingOptions,
  configHash: string,
): Promise<DeepTrainingResult> {
  const { tf } = await loadTf();
  validateOptions(options, train);
  const binary = numClasses === 2;
  const optimizer = await createOptimizer(options.optimizer, options.learningRate);
  const variables = model.trainableWeights.map((w) => w.read() as TfCore.Variable);
  const stepsPerEpoch = Math.ceil(train.n / options.batchSize);
  const early = resolveEarlyStopping(options.earlyStopping, validation !== undefined);

  let startEpoch = 0;
  let startBatch = 0;
  let partial = { lossSum: 0, correct: 0, seen: 0 };
  let history: Logs[] = [];
  let best: { value: number; epoch: number; weights: Float32Array[] } | null = null;
  let wait = 0;
  let resumed = false;

  try {
    if (options.resume && options.checkpointDir) {
      const ckpt = await readCheckpoint(options.checkpointDir);
      if (ckpt) {
        if (ckpt.header.configHash !== configHash) {
          throw new UlasanError(
            'CONFIG',
            `The checkpoint in ${options.checkpointDir} was written by a run with a different configuration (model, data, optimizer, batch size or seed), so it cannot be resumed exactly. Use the original settings, or remove the checkpoint (or pass resume: false) to start over.`,
          );
        }
        const restored = await restoreFromCheckpoint(tf, model, optimizer, variables, ckpt);
        ({ history, wait } = restored);
        best = restored.best;
        startEpoch = ckpt.header.epoch;
        startBatch = ckpt.header.batch;
        partial = { ...ckpt.header.partial };
        resumed = true;
      }
    }

    await options.callbacks?.onTrainBegin?.({});
    const started = Date.now();
    const totalSteps = options.epochs * stepsPerEpoch;
    const firstStep = startEpoch * stepsPerEpoch + startBatch;
    let stoppedEarly = false;

    const saveCheckpoint = async (epoch: number, batch: number) => {
      if (!options.checkpointDir) return;
      await writeCheckpoint(
        options.checkpointDir,
        buildHeader(
          configHash,
          options,
          epoch,
          batch,
          partial,
          history,
          best,
          wait,
          snapshotOptimizer(options.optimizer, optimizer),
        ),
        collectTensors(model, snapshotOptimizer(options.optimizer, optimizer), best),
      );
    };

    for (let epoch = startEpoch; epoch < options.epochs && !stoppedEarly; epoch++) {
      if (startBatch === 0) await options.callbacks?.onEpochBegin?.(epoch, {});
      const order = new Random(deriveSeed(options.seed, 1, epoch)).permutation(train.n);
      for (let batch = startBatch; batch < stepsPerEpoch; batch++) {
        if (options.signal?.aborted) {
          await saveCheckpoint(epoch, batch);
          throw new AbortError(
            `Training${options.checkpointDir ? ` (checkpoint saved in ${options.checkpointDir}; resume with resume: true)` : ''}`,
          );
        }
        const rows = order.slice(batch * options.batchSize, (batch + 1) * options.batchSize);
        const { loss, correct } = trainStep(
          tf,
          model,
          optimizer,
          variables,
          train,
          rows,
          binary,
          numClasses,
          deriveSeed(options.seed, 2, epoch, batch),
        );
        if (!Number.isFinite(loss)) {
          throw new UlasanError(
            'NUMERICAL',
            `The training loss became ${loss} at epoch ${epoch + 1}, batch ${batch + 1}: training diverged and was stopped. ${
              options.checkpointDir && (epoch > 0 || resumed)
                ? `The last good checkpoint in ${options.checkpointDir} (written before this epoch) was kept. `
                : ''
            }Lower the learning rate (currently ${optimizer.getConfig().learningRate ?? options.learningRate}), use a stronger L2 penalty, or check the input for extreme values.`,
          );
        }
        partial.lossSum += loss * rows.length;
        partial.correct += correct;
        partial.seen += rows.length;
        const done = epoch * stepsPerEpoch + batch + 1;
        const rate = (done - firstStep) / ((Date.now() - started) / 1000);
        const etaSeconds = rate > 0 ? (totalSteps - done) / rate : Number.NaN;
        await options.callbacks?.onBatchEnd?.(batch, {
          loss,
          accuracy: correct / rows.length,
          epoch,
          step: done,
          totalSteps,
          etaSeconds,
        });
        options.onProgress?.({
          task: 'train',
          done,
          total: totalSteps,
          etaSeconds: Number.isFinite(etaSeconds) ? etaSeconds : undefined,
          info: { epoch: epoch + 1, loss: partial.lossSum / partial.seen, acc: partial.correct / partial.seen },
        });
        // Let timers and signal handlers (Ctrl-C) run between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
      startBatch = 0;
      const logs: Logs = { loss: partial.lossSum / partial.seen, accuracy: partial.correct / partial.seen };
      partial = { lossSum: 0, correct: 0, seen: 0 };
      if (validation) {
        const v = await evaluateEncoded(model, validation, numClasses, options.inferenceBatchSize ?? 256);
        logs.valLoss = v.loss;
        logs.valAccuracy = v.accuracy;
        logs.valMacroF1 = v.macroF1;
      }
      history.push(logs);
      if (early) {
        const value = logs[early.monitor];
        if (value === undefined)
          throw invalidArgument(`Early stopping monitors "${early.monitor}", which this run does not compute.`);
        const improved =
          best === null ||
          (early.mode === 'min' ? value < best.value - early.minDelta : value > best.value + early.minDelta);
        if (improved) {
          best = {
            value,
            epoch,
            weights: model.getWeights().map((t) => new Float32Array(t.dataSync() as Float32Array)),
          };
          wait = 0;
        } else {
          wait++;
          if (wait >= early.patience) stoppedEarly = true;
        }
      }
      await saveCheckpoint(epoch + 1, 0);
      await options.callbacks?.onEpochEnd?.(epoch, logs);
    }

    releaseDropoutMasks(model);
    let bestEpoch = history.length - 1;
    if (early?.restoreBestWeights && best) {
      setWeightsFrom(tf, model, best.weights);
      bestEpoch = best.epoch;
    }
    await options.callbacks?.onTrainEnd?.(history.at(-1) ?? {});
    return { history, bestEpoch, stoppedEarly, resumed };
  } finally {
    optimizer.dispose();
  }
}

/**
 * tfjs-layers recurrent cells keep their last dropout masks alive until their next call; dispose
 * them so a finished fit or predict leaves no tensors behind.
 */
export function releaseDropoutMasks(model: TfLayers.LayersModel): void {
  const visit = (layer: unknown) => {
    const l = layer as {
      cell?: Record<string, unknown>;
      forwardLayer?: unknown;
      backwardLayer?: unknown;
      layers?: unknown[];
    };
    if (l.cell) {
      for (const key of ['dropoutMask', 'recurrentDropoutMask']) {
        const mask = l.cell[key] as TfCore.Tensor | TfCore.Tensor[] | null | undefined;
        if (mask) {
          for (const t of Array.isArray(mask) ? mask : [mask]) t.dispose();
          l.cell[key] = null;
        }
      }
    }
    if (l.forwardLayer) visit(l.forwardLayer);
    if (l.backwardLayer) visit(l.backwardLayer);
  };
  for (const layer of model.layers) visit(layer);
}

function validateOptions(options: DeepTrainingOptions, train: EncodedSequences): void {
  if (!Number.isInteger(options.epochs) || options.epochs < 1) {
    throw invalidArgument(`epochs must be a positive integer, got ${options.epochs}.`);
  }
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw invalidArgument(`batchSize must be a positive integer, got ${options.batchSize}.`);
  }
  if (train.n < 1) throw invalidArgument('The training set is empty.');
  if (options.resume && !options.checkpointDir) {
    throw invalidArgument('resume: true needs checkpointDir (the directory the interrupted run wrote to).');
  }
}

interface ResolvedEarlyStopping {
  monitor: MonitoredMetric;
  patience: number;
  minDelta: number;
  restoreBestWeights: boolean;
  mode: 'min' | 'max';
}

function resolveEarlyStopping(
  options: EarlyStoppingOptions | false | undefined,
  hasValidation: boolean,
): ResolvedEarlyStopping | null {
  if (!options) return null;
  const monitor = options.monitor ?? (hasValidation ? 'valLoss' : 'loss');
  if (monitor.startsWith('val') && !hasValidation) {
    throw invalidArgument(
      `Early stopping monitors "${monitor}" but no validation data was given: pass validation or monitor "loss".`,
    );
  }
  const patience = options.patience ?? 3;
  if (!Number.isInteger(patience) || patience < 0)
    throw invalidArgument(`patience must be an integer >= 0, got ${patience}.`);
  return {
    monitor,
    patience,
    minDelta: Math.abs(options.minDelta ?? 0),
    restoreBestWeights: options.restoreBestWeights ?? true,
    mode: monitor === 'loss' || monitor === 'valLoss' ? 'min' : 'max',
  };
}

type Tf = typeof TfCore;

function trainStep(
  tf: Tf,
  model: TfLayers.LayersModel,
  optimizer: TfCore.Optimizer,
  variables: TfCore.Variable[],
  data: EncodedSequences,
  rows: number[],
  binary: boolean,
  numClasses: number,
  stepSeed: number,
): { loss: number; correct: number } {
  const b = rows.length;
  const xs = new Int32Array(b * data.maxLen);
  const ys = new Int32Array(b);
  const ws = new Float32Array(b);
  for (let i = 0; i < b; i++) {
    const r = rows[i] as number;
    xs.set(data.x.subarray(r * data.maxLen, (r + 1) * data.maxLen), i * data.maxLen);
    ys[i] = data.y[r] as number;
    ws[i] = data.weights ? (data.weights[r] as number) : 1;
  }
  let predicted: TfCore.Tensor | undefined;
  const cost = tf.tidy(() => {
    const x = tf.tensor2d(xs, [b, data.maxLen], 'int32');
    const y = tf.tensor1d(ys, 'int32');
    const w = tf.tensor1d(ws, 'float32');
    // The whole forward/backward pass is synchronous, so the seeded Math.random (dropout masks) is
    // visible to this step only.
    return withSeededMathRandom(
      stepSeed,
      () =>
        optimizer.minimize(
          () => {
            const probs = model.apply(x, { training: true }) as TfCore.Tensor2D;
            const perSample = crossEntropy(tf, probs, y, binary, numClasses);
            let loss = tf.mean(tf.mul(perSample, w)) as TfCore.Scalar;
            for (const reg of model.calculateLosses()) loss = tf.add(loss, reg);
            predicted = tf.keep(predictedClass(tf, probs, binary));
            return loss;
          },
          true,
          variables,
        ) as TfCore.Scalar,
    );
  });
  const loss = (cost.dataSync() as Float32Array)[0] as number;
  cost.dispose();
  let correct = 0;
  if (predicted) {
    const p = predicted.dataSync();
    for (let i = 0; i < b; i++) if (p[i] === ys[i]) correct++;
    predicted.dispose();
  }
  return { loss, correct };
}

function crossEntropy(tf: Tf, probs: TfCore.Tensor2D, y: TfCore.Tensor1D, binary: boolean, numClasses: number) {
  if (binary) {
    const p = tf.clipByValue(tf.reshape(probs, [-1]), EPS, 1 - EPS);
    const yf = tf.cast(y, 'float32');
    return tf.neg(tf.add(tf.mul(yf, tf.log(p)), tf.mul(tf.sub(1, yf), tf.log(tf.sub(1, p)))));
  }
  const p = tf.clipByValue(probs, EPS, 1 - EPS);
  return tf.neg(tf.sum(tf.mul(tf.oneHot(y, numClasses), tf.log(p)), 1));
}

function predictedClass(tf: Tf, probs: TfCore.Tensor2D, binary: boolean): TfCore.Tensor {
  return binary ? tf.cast(tf.greater(tf.reshape(probs, [-1]), 0.5), 'int32') : tf.argMax(probs, 1);
}

/**
 * Class probabilities for encoded rows, computed in chunks of `batchSize` (inference mode, no
 * dropout). Binary models return two columns `[1 - p, p]`.
 */
export async function predictEncoded(
  model: TfLayers.LayersModel,
  x: Int32Array,
  n: number,
  maxLen: number,
  numClasses: number,
  batchSize = 256,
): Promise<Float32Array> {
  const { tf } = await loadTf();
  const out = new Float32Array(n * numClasses);
  for (let start = 0; start < n; start += batchSize) {
    const b = Math.min(batchSize, n - start);
    const probs = tf.tidy(() => {
      const xb = tf.tensor2d(x.subarray(start * maxLen, (start + b) * maxLen), [b, maxLen], 'int32');
      const p = model.predict(xb, { batchSize: b }) as TfCore.Tensor2D;
      if (numClasses === 2) {
        const pos = tf.reshape(p, [b, 1]);
        return tf.concat([tf.sub(1, pos), pos], 1);
      }
      return p;
    });
    out.set(await probs.data(), start * numClasses);
    probs.dispose();
  }
  return out;
}

/** Loss (unweighted cross-entropy), accuracy and macro-F1 of the model on encoded rows. */
export async function evaluateEncoded(
  model: TfLayers.LayersModel,
  data: EncodedSequences,
  numClasses: number,
  batchSize = 256,
): Promise<{ loss: number; accuracy: number; macroF1: number }> {
  const probs = await predictEncoded(model, data.x, data.n, data.maxLen, numClasses, batchSize);
  let lossSum = 0;
  let correct = 0;
  const tp = new Float64Array(numClasses);
  const fp = new Float64Array(numClasses);
  const fn = new Float64Array(numClasses);
  for (let i = 0; i < data.n; i++) {
    const y = data.y[i] as number;
    let arg = 0;
    for (let k = 1; k < numClasses; k++)
      if ((probs[i * numClasses + k] as number) > (probs[i * numClasses + arg] as number)) arg = k;
    const p = Math.min(1 - EPS, Math.max(EPS, probs[i * numClasses + y] as number));
    lossSum -= Math.log(p);
    if (arg === y) {
      correct++;
      tp[y]++;
    } else {
      fp[arg]++;
      fn[y]++;
    }
  }
  let f1Sum = 0;
  let present = 0;
  for (let k = 0; k < numClasses; k++) {
    if (tp[k]! + fn[k]! + fp[k]! === 0) continue; // class absent from both truth and predictions
    present++;
    const denom = 2 * tp[k]! + fp[k]! + fn[k]!;
    f1Sum += denom === 0 ? 0 : (2 * tp[k]!) / denom;
  }
  return { loss: lossSum / data.n, accuracy: correct / data.n, macroF1: present ? f1Sum / present : 0 };
}

function setWeightsFrom(tf: Tf, model: TfLayers.LayersModel, values: Float32Array[]): void {
  const current = model.getWeights();
  if (current.length !== values.length) {
    throw new UlasanError('FILE_FORMAT', `Expected ${current.length} weight tensors, found ${values.length}.`);
  }
  const tensors = current.map((t, i) => tf.tensor(values[i] as Float32Array, t.shape, 'float32'));
  try {
    model.setWeights(tensors);
  } finally {
    for (const t of tensors) t.dispose();
  }
}

function buildHeader(
  configHash: string,
  options: DeepTrainingOptions,
  epoch: number,
  batch: number,
  partial: { lossSum: number; correct: number; seen: number },
  history: Logs[],
  best: { value: number; epoch: number } | null,
  wait: number,
  opt: OptimizerSnapshot,
): Omit<CheckpointHeader, 'tensors'> {
  return {
    format: 'ulasan-deep-checkpoint',
    version: 1,
    configHash,
    epoch,
    batch,
    partial: { ...partial },
    rng: { seed: options.seed, epoch, batch },
    history: history.map((h) => ({ ...h })),
    early: { best: best?.value ?? null, bestEpoch: best?.epoch ?? -1, wait, hasBest: best !== null },
    optimizer: {
      name: opt.optimizer,
      iterations: opt.iterations,
      scalars: opt.scalars,
      slotNames: Object.keys(opt.slots),
    },
  };
}

function collectTensors(
  model: TfLayers.LayersModel,
  opt: OptimizerSnapshot,
  best: { weights: Float32Array[] } | null,
): StoredTensor[] {
  const out: StoredTensor[] = [];
  model.weights.forEach((w, i) => {
    const t = w.read();
    out.push({
      name: `w:${i}:${w.originalName}`,
      shape: [...t.shape],
      values: new Float32Array(t.dataSync() as Float32Array),
    });
  });
  for (const [slot, entries] of Object.entries(opt.slots)) {
    entries.forEach((e, i) => {
      out.push({ name: `opt:${slot}:${i}`, shape: e.shape, values: e.values });
    });
  }
  if (best) {
    best.weights.forEach((values, i) => {
      out.push({ name: `best:${i}`, shape: [...(model.weights[i]?.shape ?? [values.length])] as number[], values });
    });
  }
  return out;
}

async function restoreFromCheckpoint(
  tf: Tf,
  model: TfLayers.LayersModel,
  optimizer: TfCore.Optimizer,
  variables: TfCore.Variable[],
  ckpt: { header: CheckpointHeader; tensors: Map<string, StoredTensor> },
): Promise<{ history: Logs[]; wait: number; best: { value: number; epoch: number; weights: Float32Array[] } | null }> {
  const { header, tensors } = ckpt;
  const weights = model.weights.map((w, i) => {
    const t = tensors.get(`w:${i}:${w.originalName}`);
    if (!t || t.shape.join('x') !== w.shape.join('x')) {
      throw new UlasanError(
        'FILE_FORMAT',
        `The checkpoint does not match the model: weight ${w.originalName} [${w.shape}] is ${t ? `[${t.shape}]` : 'missing'} there.`,
      );
    }
    return t.values;
  });
  setWeightsFrom(tf, model, weights);
  const slots: OptimizerSnapshot['slots'] = {};
  for (const slot of header.optimizer.slotNames) {
    const list: { shape: number[]; values: Float32Array }[] = [];
    for (let i = 0; tensors.has(`opt:${slot}:${i}`); i++) {
      const t = tensors.get(`opt:${slot}:${i}`) as StoredTensor;
      list.push({ shape: t.shape, values: t.values });
    }
    slots[slot] = list;
  }
  await restoreOptimizer(
    optimizer,
    {
      optimizer: header.optimizer.name as DeepOptimizerName,
      iterations: header.optimizer.iterations,
      scalars: header.optimizer.scalars,
      slots,
    },
    variables,
  );
  let best: { value: number; epoch: number; weights: Float32Array[] } | null = null;
  if (header.early.hasBest) {
    const bw = model.weights.map((_, i) => {
      const t = tensors.get(`best:${i}`);
      if (!t) throw new UlasanError('FILE_FORMAT', `The checkpoint lacks best-weights tensor ${i}.`);
      return t.values;
    });
    best = { value: header.early.best as number, epoch: header.early.bestEpoch, weights: bw };
  }
  return { history: header.history, wait: header.early.wait, best };
}
