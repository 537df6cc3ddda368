/**
 * Deep text classifiers (LSTM, GRU, bidirectional LSTM, CNN-LSTM) on the shared
 * {@link TextClassifier} base: the base does preprocessing, label encoding, validation,
 * `predict`/`evaluate` and the model directory; this class turns tokens into padded id sequences,
 * builds the network with {@link buildDeepTextModel}, trains it with {@link trainDeepModel}, and
 * saves the network as a tfjs `layers-model` (`tfjs/model.json` + `tfjs/weights.bin`, loadable by
 * plain TensorFlow.js too) beside the vocabulary and the model spec.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import { ensureBackend } from '../../../backend/backends.js';
import { loadTf } from '../../../backend/tf.js';
import { checkWeightsManifest, readWeightShards } from '../../../backend/weight-files.js';
import type { Label } from '../../../core/classifier.js';
import { argmax } from '../../../internal/argmax.js';
import { invalidArgument, UlasanError } from '../../../internal/errors.js';
import { stableHash } from '../../../internal/hash.js';
import type { Logs } from '../../../internal/progress.js';
import { padSequences } from '../../vectorize/pad-sequences.js';
import { Vocabulary } from '../../vectorize/vocabulary.js';
import type { Artifact, ArtifactManifest } from '../artifact.js';
import type { TextClassifierKindHandler } from '../registry.js';
import { TextClassifier, type TextClassifierOptions, type TextTrainingData } from '../text-classifier.js';
import {
  buildDeepTextModel,
  DEEP_TEXT_MODEL_KINDS,
  type DeepArchitectureOptions,
  type DeepModelSpec,
  type DeepTextModelKind,
  resolveDeepModelSpec,
} from './builders.js';
import { DEEP_OPTIMIZER_NAMES, type DeepOptimizerName } from './optimizers.js';
import { type EarlyStoppingOptions, predictEncoded, releaseDropoutMasks, trainDeepModel } from './trainer.js';

/**
 * Pre-trained word vectors the embedding layer can start from; `WordVectors` from the Word2Vec
 * module satisfies it.
 */
export interface EmbeddingSource {
  /** One row per vocabulary token (row-major), with `missing` rows that had no vector. */
  embeddingMatrix(
    vocabulary: string[],
    options?: { oov?: 'zeros' | 'random' | 'mean'; seed?: number },
  ): { matrix: Float32Array; rows: number; dims: number; missing: readonly string[] | number };
}

/** Class weights: `'balanced'` (scikit-learn's n / (k · count)) or a weight per label. */
export type ClassWeightOption = 'balanced' | Record<string, number>;

/** Options of the deep text classifiers. Every field is optional. */
export interface DeepTextClassifierOptions extends TextClassifierOptions, DeepArchitectureOptions {
  /** Sequence length after padding/truncating (Keras `pre` semantics). Default 50. */
  maxLen?: number;
  /** Drop tokens seen fewer times in training. Default 1 (2 when no embeddings are given). */
  minCount?: number;
  /** Largest vocabulary, special tokens included. Default 30,000. */
  maxVocabulary?: number;
  /** Pre-trained vectors to initialise the embedding (e.g. from `trainWord2Vec`). */
  embeddings?: EmbeddingSource;
  /** Fine-tune the embedding. Default true (false freezes pre-trained vectors). */
  trainableEmbeddings?: boolean;
  /** Training epochs. Default 10. */
  epochs?: number;
  /** Mini-batch size. Default 64. */
  batchSize?: number;
  /** Optimizer. Default `'adam'`. */
  optimizer?: DeepOptimizerName;
  /** Learning rate. Default: the optimizer's usual default (Adam 0.001). */
  learningRate?: number;
  /** Class weights for imbalanced data. Default none. */
  classWeight?: ClassWeightOption;
  /**
   * Early stopping with best-weights restore. Default: on when validation data is given
   * (`valLoss`, patience 3); `false` turns it off.
   */
  earlyStopping?: EarlyStoppingOptions | false;
  /** Where to write `checkpoint.bin` after every epoch (and on cancellation). */
  checkpointDir?: string;
  /** Continue an interrupted run from `checkpointDir`. */
  resume?: boolean;
  /** Rows per forward pass at inference. Default 256. */
  inferenceBatchSize?: number;
}

/** The `deep-model.json` state file. */
interface DeepModelFile {
  format: 'ulasan-deep-model';
  version: 1;
  spec: DeepModelSpec;
  padding: 'pre';
  truncating: 'pre';
}

const DEEP_MODEL_VERSION = 1;

/**
 * Base class of the deep text classifiers; use {@link LstmClassifier}, {@link GruClassifier},
 * {@link BiLstmClassifier} or {@link CnnLstmClassifier} (or `createTextClassifier({ model: 'gru' })`).
 *
 * @example
 * ```ts
 * const model = new GruClassifier({ units: 64, maxLen: 50, epochs: 5, embeddings: vectors, classWeight: 'balanced' });
 * await model.fit(train.texts, train.labels, { validation: { inputs: valid.texts, labels: valid.labels } });
 * console.log(model.history?.at(-1));
 * await model.save('models/smsa-gru');
 * ```
 */
export abstract class DeepTextClassifier extends TextClassifier<DeepTextClassifierOptions> {
  abstract override readonly kind: DeepTextModelKind;
  /** The trained network (set by `fit` or `load`). */
  network?: TfLayers.LayersModel;
  /** The token vocabulary (set by `fit` or `load`). */
  vocabulary?: Vocabulary;
  /** The resolved architecture (set by `fit` or `load`). */
  spec?: DeepModelSpec;
  private trainingInfo: Record<string, unknown> = {};

  /** Only stores the options; see {@link DeepTextClassifierOptions}. */
  constructor(options: DeepTextClassifierOptions = {}) {
    super(options);
  }

  /** Sequence length used by this model. */
  get maxLen(): number {
    return this.spec?.maxLen ?? this.options.maxLen ?? 50;
  }

  /**
   * Trains the network. With `warmStart` (used by self-training), an already fitted model keeps
   * its vocabulary and network and trains further on the new data (a fresh optimizer state).
   */
  protected async fitTokens(data: TextTrainingData): Promise<void> {
    const o = this.options;
    const { tf } = await loadTf();
    await ensureBackend();
    const optimizer = o.optimizer ?? 'adam';
    if (!DEEP_OPTIMIZER_NAMES.includes(optimizer)) {
      throw invalidArgument(`Unknown optimizer "${optimizer}". Expected one of: ${DEEP_OPTIMIZER_NAMES.join(', ')}.`);
    }
    const warm = data.warmStart && this.network && this.vocabulary && this.spec;
    const numClasses = data.classes.length;
    let vocabulary: Vocabulary;
    let spec: DeepModelSpec;
    let embeddingMatrix: Float32Array | undefined;
    let embeddingInfo: Record<string, number> | undefined;
    if (warm) {
      vocabulary = this.vocabulary as Vocabulary;
      spec = this.spec as DeepModelSpec;
    } else {
      vocabulary = Vocabulary.build(data.tokens, {
        minCount: o.minCount ?? (o.embeddings ? 1 : 2),
        maxSize: o.maxVocabulary ?? 30_000,
      });
      if (o.embeddings) {
        const m = o.embeddings.embeddingMatrix([...vocabulary.tokens], { oov: 'random', seed: data.seed });
        if (m.rows !== vocabulary.size || m.matrix.length !== m.rows * m.dims) {
          throw invalidArgument(
            `The embeddings returned a ${m.rows} × ${m.dims} matrix for a vocabulary of ${vocabulary.size} tokens.`,
          );
        }
        embeddingMatrix = m.matrix;
        // The padding row carries no meaning: keep it at zero like Keras' mask_zero convention.
        const pad = vocabulary.padId;
        if (pad >= 0) embeddingMatrix.fill(0, pad * m.dims, (pad + 1) * m.dims);
        const missing = typeof m.missing === 'number' ? m.missing : m.missing.length;
        embeddingInfo = { dims: m.dims, missing, covered: vocabulary.size - missing };
      }
      spec = resolveDeepModelSpec(
        this.kind,
        { vocabSize: vocabulary.size, maxLen: o.maxLen ?? 50, numClasses, embeddingDim: embeddingInfo?.dims },
        { ...o, seed: data.seed },
      );
    }
    const maxLen = spec.maxLen;
    const encode = (tokens: string[][]) => encodeSequences(vocabulary, tokens, maxLen);
    const weights = sampleWeights(data, o.classWeight);
    const train = { x: encode(data.tokens), y: data.y, n: data.tokens.length, maxLen, weights };
    const validation = data.validation
      ? { x: encode(data.validation.tokens), y: data.validation.y, n: data.validation.tokens.length, maxLen }
      : undefined;
    const earlyStopping = o.earlyStopping ?? (validation ? { monitor: 'valLoss' as const, patience: 3 } : false);
    const trainingOptions = {
      epochs: o.epochs ?? 10,
      batchSize: o.batchSize ?? 64,
      optimizer,
      learningRate: o.learningRate,
      seed: data.seed,
      earlyStopping,
    };
    const network = warm ? (this.network as TfLayers.LayersModel) : await buildDeepTextModel(spec, embeddingMatrix);
    const configHash = stableHash({
      spec,
      trainingOptions: { ...trainingOptions, epochs: undefined },
      data: stableHash({ t: data.tokens, y: Array.from(data.y), w: Array.from(weights) }),
      embeddings: embeddingMatrix
        ? stableHash(
            Buffer.from(embeddingMatrix.buffer, embeddingMatrix.byteOffset, embeddingMatrix.byteLength).toString(
              'base64',
            ),
          )
        : null,
      warmStartFrom: warm ? stableHash(network.getWeights().map((w) => Array.from(w.dataSync()))) : null,
    });
    try {
      const result = await trainDeepModel(
        network,
        numClasses,
        train,
        validation,
        {
          ...trainingOptions,
          checkpointDir: o.checkpointDir,
          resume: o.resume,
          callbacks: data.callbacks,
          signal: data.signal,
          inferenceBatchSize: o.inferenceBatchSize,
        },
        configHash,
      );
      this.history = warm ? [...(this.history ?? []), ...result.history] : result.history;
      this.trainingInfo = {
        ...(warm ? this.trainingInfo : {}),
        bestEpoch: result.bestEpoch,
        stoppedEarly: result.stoppedEarly,
        resumed: result.resumed,
        epochsRun: result.history.length,
        tfjsVersion: tf.version_core,
        backend: tf.getBackend(),
        ...(embeddingInfo ? { embeddings: embeddingInfo } : {}),
      };
    } catch (error) {
      if (!warm) network.dispose();
      throw error;
    }
    if (!warm) {
      this.disposeNetwork();
      this.network = network;
      this.vocabulary = vocabulary;
      this.spec = spec;
    }
  }

  protected async predictProbaTokens(tokens: string[][]): Promise<number[][]> {
    const { network, vocabulary, spec } = this.fitted();
    await ensureBackend();
    const k = this.classes.length;
    const x = encodeSequences(vocabulary, tokens, spec.maxLen);
    const probs = await predictEncoded(
      network,
      x,
      tokens.length,
      spec.maxLen,
      k,
      this.options.inferenceBatchSize ?? 256,
    );
    releaseDropoutMasks(network);
    const rows: number[][] = [];
    for (let i = 0; i < tokens.length; i++) rows.push(Array.from(probs.subarray(i * k, (i + 1) * k)));
    return rows;
  }

  /**
   * Predicts an async stream of texts in chunks (constant memory over any number of texts),
   * yielding one result per text in input order.
   *
   * @example
   * ```ts
   * for await (const r of model.predictStream(readLines('reviews.txt'))) console.log(r.label, r.probabilities);
   * ```
   */
  async *predictStream(
    texts: AsyncIterable<string> | Iterable<string>,
    options: { chunkSize?: number } = {},
  ): AsyncGenerator<{ text: string; label: Label; probabilities: number[] }> {
    yield* predictTextStream(this, texts, options);
  }

  protected async stateFiles(): Promise<Record<string, { path: string; data: string | Uint8Array | object }>> {
    const { network, vocabulary, spec } = this.fitted();
    const { tf } = await loadTf();
    const named = network.weights.map((w) => ({ name: w.originalName, tensor: w.read() }));
    const encoded = await tf.io.encodeWeights(named);
    const data = Array.isArray(encoded.data) ? tf.io.concatenateArrayBuffers(encoded.data) : encoded.data;
    const deepModel: DeepModelFile = {
      format: 'ulasan-deep-model',
      version: 1,
      spec,
      padding: 'pre',
      truncating: 'pre',
    };
    return {
      deepModel: { path: 'deep-model.json', data: deepModel },
      vocabulary: { path: 'vocabulary.json', data: vocabulary.toJSON() },
      topology: {
        path: 'tfjs/model.json',
        data: {
          format: 'layers-model',
          generatedBy: `TensorFlow.js tfjs-layers v${tf.version_core}`,
          convertedBy: 'ulasan',
          modelTopology: network.toJSON(null, false),
          weightsManifest: [{ paths: ['weights.bin'], weights: encoded.specs }],
        },
      },
      weights: { path: 'tfjs/weights.bin', data: new Uint8Array(data) },
    };
  }

  protected async loadState(artifact: Artifact, manifest: ArtifactManifest): Promise<void> {
    const { tf } = await loadTf();
    await ensureBackend();
    const file = await artifact.readJson<DeepModelFile>('deepModel');
    if (file?.format !== 'ulasan-deep-model') {
      throw new UlasanError('FILE_FORMAT', `${artifact.path('deepModel')} is not a ulasan deep model spec.`);
    }
    if (typeof file.version !== 'number' || file.version > DEEP_MODEL_VERSION) {
      throw new UlasanError(
        'UNSUPPORTED_VERSION',
        `${artifact.path('deepModel')} has version ${String(file.version)}, newer than this ulasan reads (${DEEP_MODEL_VERSION}). Upgrade ulasan to load it.`,
      );
    }
    if (file.spec.kind !== this.kind) {
      throw new UlasanError(
        'FILE_FORMAT',
        `The saved network is a ${file.spec.kind}, but the manifest says ${this.kind}.`,
      );
    }
    const spec = resolveDeepModelSpec(file.spec.kind, file.spec, file.spec);
    if (spec.numClasses !== manifest.classes.length) {
      throw new UlasanError(
        'FILE_FORMAT',
        `The saved network has ${spec.numClasses} outputs but the manifest lists ${manifest.classes.length} classes.`,
      );
    }
    const vocabulary = Vocabulary.fromJSON(await artifact.readJson('vocabulary'));
    if (vocabulary.size !== spec.vocabSize) {
      throw new UlasanError(
        'FILE_FORMAT',
        `The vocabulary has ${vocabulary.size} tokens but the network expects ${spec.vocabSize}.`,
      );
    }
    const weights = await readTfjsWeights(artifact);
    const network = await buildDeepTextModel(spec);
    const tensors: TfCore.Tensor[] = [];
    try {
      for (const w of network.weights) {
        const saved = weights.get(w.originalName);
        if (!saved || saved.shape.join('x') !== w.shape.join('x')) {
          throw new UlasanError(
            'FILE_FORMAT',
            `Weight ${w.originalName} [${w.shape}] is ${saved ? `[${saved.shape}]` : 'missing'} in ${artifact.path('weights')}.`,
          );
        }
        tensors.push(tf.tensor(saved.values, saved.shape, 'float32'));
      }
      network.setWeights(tensors);
    } catch (error) {
      network.dispose();
      throw error;
    } finally {
      for (const t of tensors) t.dispose();
    }
    this.disposeNetwork();
    this.network = network;
    this.vocabulary = vocabulary;
    this.spec = spec;
    const meta = manifest.metadata as Record<string, unknown>;
    if (Array.isArray(meta.history)) this.history = meta.history as Logs[];
  }

  protected override extraMetadata(): Record<string, unknown> {
    return { ...this.trainingInfo, history: this.history ?? [] };
  }

  protected override jsonOptions(): Record<string, unknown> {
    // `resume` is a one-off instruction for the run that wrote the model, not a property of it.
    const { pipeline: _p, embeddings, resume: _r, ...rest } = this.options;
    const json = JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
    if (embeddings) json.embeddings = 'pretrained';
    return json;
  }

  /**
   * Frees the network's tensors. The classifier must be fitted or loaded again before use; calling
   * it again does nothing. Async like every classifier's `dispose` (it used to return `void`; an
   * `await` on it works either way).
   */
  override async dispose(): Promise<void> {
    this.disposeNetwork();
  }

  private disposeNetwork(): void {
    if (this.network) {
      releaseDropoutMasks(this.network);
      this.network.dispose();
      this.network = undefined;
    }
  }

  private fitted(): { network: TfLayers.LayersModel; vocabulary: Vocabulary; spec: DeepModelSpec } {
    this.checkFitted();
    if (!this.network || !this.vocabulary || !this.spec) {
      throw new UlasanError(
        'NOT_FITTED',
        `${this.constructor.name} has no network: it was disposed. Fit or load it again.`,
      );
    }
    return { network: this.network, vocabulary: this.vocabulary, spec: this.spec };
  }
}

/** Two-layer LSTM (seed 003). */
export class LstmClassifier extends DeepTextClassifier {
  /** `'lstm'`. */
  readonly kind = 'lstm' as const;
}

/** Two-layer GRU (seed 003). */
export class GruClassifier extends DeepTextClassifier {
  /** `'gru'`. */
  readonly kind = 'gru' as const;
}

/** Bidirectional LSTM (two stacked bidirectional layers by default). */
export class BiLstmClassifier extends DeepTextClassifier {
  /** `'bilstm'`. */
  readonly kind = 'bilstm' as const;
}

/** Hybrid Conv1D + max-pooling → LSTM (seed 004, dropout 0.3). */
export class CnnLstmClassifier extends DeepTextClassifier {
  /** `'cnn-lstm'`. */
  readonly kind = 'cnn-lstm' as const;
}

const CLASSES: Record<DeepTextModelKind, new (options: DeepTextClassifierOptions) => DeepTextClassifier> = {
  lstm: LstmClassifier,
  gru: GruClassifier,
  bilstm: BiLstmClassifier,
  'cnn-lstm': CnnLstmClassifier,
};

/** Registry handlers of the deep kinds (`lstm`, `gru`, `bilstm`, `cnn-lstm`), used by `createTextClassifier`/`loadTextClassifier`. */
export const deepTextClassifierKinds: Record<DeepTextModelKind, TextClassifierKindHandler> = Object.fromEntries(
  DEEP_TEXT_MODEL_KINDS.map((kind) => [
    kind,
    {
      create: (options: Record<string, unknown>) => new CLASSES[kind](options as DeepTextClassifierOptions),
      load: async (_dir: string, manifest: ArtifactManifest, artifact: Artifact) => {
        // The saved options record `embeddings: 'pretrained'`; the vectors themselves live in the weights.
        const { embeddings: _e, ...options } = (manifest.options ?? {}) as Record<string, unknown>;
        return new CLASSES[kind](options as DeepTextClassifierOptions).restore(artifact);
      },
    },
  ]),
) as unknown as Record<DeepTextModelKind, TextClassifierKindHandler>;

/** Encodes and pads token arrays into a row-major `[n, maxLen]` id matrix (Keras `pre` padding/truncating). */
export function encodeSequences(vocabulary: Vocabulary, tokens: string[][], maxLen: number): Int32Array {
  const padded = padSequences(vocabulary.encodeAll(tokens), { maxLen, value: Math.max(0, vocabulary.padId) });
  const out = new Int32Array(tokens.length * maxLen);
  padded.forEach((row, i) => {
    out.set(row, i * maxLen);
  });
  return out;
}

function sampleWeights(data: TextTrainingData, classWeight: ClassWeightOption | undefined): Float32Array {
  const n = data.y.length;
  const k = data.classes.length;
  const perClass = new Float64Array(k).fill(1);
  if (classWeight === 'balanced') {
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) counts[data.y[i]!]! += 1;
    for (let c = 0; c < k; c++) perClass[c] = counts[c]! > 0 ? n / (k * counts[c]!) : 0;
  } else if (classWeight && typeof classWeight === 'object') {
    for (const key of Object.keys(classWeight)) {
      if (!data.classes.some((c) => String(c) === key)) {
        throw invalidArgument(
          `classWeight names the label "${key}", which is not in the training labels (${data.classes.join(', ')}).`,
        );
      }
    }
    data.classes.forEach((c, i) => {
      const w = classWeight[String(c)];
      if (w !== undefined) {
        if (!(w >= 0) || !Number.isFinite(w))
          throw invalidArgument(`classWeight for "${c}" must be finite and ≥ 0, got ${w}.`);
        perClass[i] = w;
      }
    });
  } else if (classWeight !== undefined) {
    throw invalidArgument(
      `classWeight must be 'balanced' or an object of label → weight, got ${JSON.stringify(classWeight)}.`,
    );
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = perClass[data.y[i]!]! * data.sampleWeights[i]!;
  return out;
}

interface DecodedWeight {
  shape: number[];
  values: Float32Array;
}

/**
 * Reads `tfjs/model.json`'s weights manifest and its binary shards (through the guarded shard reader
 * of `backend/weight-files.ts`: a shard path that leaves the model directory is refused).
 */
async function readTfjsWeights(artifact: Artifact): Promise<Map<string, DecodedWeight>> {
  const topologyPath = artifact.path('topology');
  const topology = await artifact.readJson<{
    weightsManifest?: { paths?: unknown; weights?: { name: string; shape: number[]; dtype: string }[] }[];
  }>('topology');
  const groups = checkWeightsManifest<{ name: string; shape: number[]; dtype: string }>(
    topology,
    topologyPath,
    'the model directory is incomplete.',
  );
  if (groups.length === 0) {
    throw new UlasanError('FILE_FORMAT', `${topologyPath} has no weightsManifest; the model directory is incomplete.`);
  }
  const out = new Map<string, DecodedWeight>();
  // Shard paths are relative to tfjs/ and may not leave the model directory (the one guarded reader).
  for (const group of await readWeightShards(topologyPath, groups, { root: artifact.dir })) {
    const bytes = group.bytes;
    let offset = 0;
    for (const w of group.weights) {
      if (w.dtype !== 'float32') {
        throw new UlasanError(
          'FILE_FORMAT',
          `Weight ${w.name} has dtype ${w.dtype}; ulasan saves and reads float32 weights only.`,
        );
      }
      const size = w.shape.reduce((a, b) => a * b, 1);
      if (!Number.isInteger(size) || size < 0 || offset + size * 4 > bytes.length) {
        throw new UlasanError('FILE_FORMAT', `The weights files are shorter than ${topologyPath} says (at ${w.name}).`);
      }
      const values = new Float32Array(size);
      new Uint8Array(values.buffer).set(bytes.subarray(offset, offset + size * 4));
      offset += size * 4;
      out.set(w.name, { shape: w.shape, values });
    }
    if (offset !== bytes.length) {
      throw new UlasanError(
        'FILE_FORMAT',
        `The weights files have ${bytes.length - offset} bytes more than ${topologyPath} lists.`,
      );
    }
  }
  return out;
}

/**
 * Streams predictions of any text classifier over an async (or sync) iterable of texts, in chunks
 * of `chunkSize` (default 512), so memory stays constant however long the input is.
 *
 * @example
 * ```ts
 * for await (const r of predictTextStream(model, lines)) process.stdout.write(`${r.label}\t${r.text}\n`);
 * ```
 */
export async function* predictTextStream(
  classifier: Pick<TextClassifier, 'predictProba' | 'classes'>,
  texts: AsyncIterable<string> | Iterable<string>,
  options: { chunkSize?: number } = {},
): AsyncGenerator<{ text: string; label: Label; probabilities: number[] }> {
  const chunkSize = options.chunkSize ?? 512;
  if (!Number.isInteger(chunkSize) || chunkSize < 1)
    throw invalidArgument(`chunkSize must be a positive integer, got ${chunkSize}.`);
  let chunk: string[] = [];
  const flush = async function* () {
    const proba = await classifier.predictProba(chunk);
    const classes = classifier.classes;
    for (let i = 0; i < chunk.length; i++) {
      const row = proba[i] as number[];
      yield { text: chunk[i] as string, label: classes[argmax(row)] as Label, probabilities: row };
    }
    chunk = [];
  };
  for await (const text of texts as AsyncIterable<string>) {
    chunk.push(text);
    if (chunk.length >= chunkSize) yield* flush();
  }
  if (chunk.length > 0) yield* flush();
}
