/**
 * The one place where the deep text models' layers are constructed (LSTM, GRU, bidirectional LSTM,
 * hybrid CNN-LSTM). Training, saving, loading and any future fused fast path (issue 11) all go
 * through {@link buildDeepTextModel}, so an architecture is defined exactly once and a saved model
 * is rebuilt from its {@link DeepModelSpec} before its weights are loaded.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import { loadTf } from '../../../backend/tf.js';
import { invalidArgument } from '../../../internal/errors.js';
import { fusedConvLayers } from './fused/fused-conv.js';
import { fusedRecurrentLayers } from './fused/fused-recurrent.js';
import { deriveSeed, withSeededMathRandom } from './seeded-random.js';

/** The deep architectures: two-layer LSTM/GRU (seed 003), bidirectional LSTM, Conv1D+pooling → LSTM (seed 004). */
export type DeepTextModelKind = 'lstm' | 'gru' | 'bilstm' | 'cnn-lstm';

/** The deep kinds, in a stable order. */
export const DEEP_TEXT_MODEL_KINDS: readonly DeepTextModelKind[] = ['lstm', 'gru', 'bilstm', 'cnn-lstm'];

/** Architecture knobs shared by every deep kind; everything is optional and has a paper-backed default. */
export interface DeepArchitectureOptions {
  /** Units per recurrent layer (per direction for `bilstm`). Default 64. */
  units?: number;
  /** Number of stacked recurrent layers. Default 2 (seed 003) for lstm/gru/bilstm, 1 for cnn-lstm. */
  recurrentLayers?: number;
  /** Input dropout of each recurrent layer and of the dropout layer before the output. Default 0.2 (0.3 for cnn-lstm, seed 004). */
  dropout?: number;
  /** Dropout on the recurrent state. Default 0 (it makes every time step slower on tfjs). */
  recurrentDropout?: number;
  /**
   * L2 penalty on the kernels of each recurrent layer: one number for all, or one per layer
   * (seed 003 uses `[0.001, 0.001]` and `[0.005, 0.01]`). The Conv1D kernel of cnn-lstm uses the
   * first value. Default 0.001.
   */
  l2?: number | number[];
  /** Embedding size when the embedding is learned from scratch. Default 100 (seed 003's Word2Vec size). */
  embeddingDim?: number;
  /** cnn-lstm: Conv1D filters. Default 64. */
  filters?: number;
  /** cnn-lstm: Conv1D kernel size. Default 5. */
  kernelSize?: number;
  /** cnn-lstm: max-pooling size. Default 2. */
  poolSize?: number;
}

/** A complete, validated model description: what is saved with a model and what rebuilds it. */
export interface DeepModelSpec {
  kind: DeepTextModelKind;
  /** Rows of the embedding matrix (vocabulary size including the padding and OOV rows). */
  vocabSize: number;
  /** Sequence length after padding/truncating. */
  maxLen: number;
  /** Number of classes; 2 gives one sigmoid unit, more give a softmax layer. */
  numClasses: number;
  units: number;
  recurrentLayers: number;
  dropout: number;
  recurrentDropout: number;
  /** One L2 factor per recurrent layer. */
  l2: number[];
  embeddingDim: number;
  /** False freezes the embedding (useful with pre-trained Word2Vec vectors). */
  trainableEmbeddings: boolean;
  filters: number;
  kernelSize: number;
  poolSize: number;
  /** Seed of the weight initialisers. */
  seed: number;
}

/**
 * Fills defaults and validates a model description.
 *
 * @example
 * ```ts
 * const spec = resolveDeepModelSpec('gru', { vocabSize: 5000, maxLen: 50, numClasses: 3 }, { units: 64 });
 * ```
 */
export function resolveDeepModelSpec(
  kind: DeepTextModelKind,
  shape: { vocabSize: number; maxLen: number; numClasses: number; embeddingDim?: number },
  options: DeepArchitectureOptions & { trainableEmbeddings?: boolean; seed?: number } = {},
): DeepModelSpec {
  if (!DEEP_TEXT_MODEL_KINDS.includes(kind)) {
    throw invalidArgument(`Unknown deep model kind "${kind}". Expected one of: ${DEEP_TEXT_MODEL_KINDS.join(', ')}.`);
  }
  const recurrentLayers = options.recurrentLayers ?? (kind === 'cnn-lstm' ? 1 : 2);
  const l2In = options.l2 ?? 0.001;
  const l2 = Array.isArray(l2In) ? [...l2In] : Array.from({ length: recurrentLayers }, () => l2In);
  if (l2.length !== recurrentLayers) {
    throw invalidArgument(
      `l2 has ${l2.length} values but the model has ${recurrentLayers} recurrent layers: give one number, or one per layer.`,
    );
  }
  const spec: DeepModelSpec = {
    kind,
    vocabSize: shape.vocabSize,
    maxLen: shape.maxLen,
    numClasses: shape.numClasses,
    units: options.units ?? 64,
    recurrentLayers,
    dropout: options.dropout ?? (kind === 'cnn-lstm' ? 0.3 : 0.2),
    recurrentDropout: options.recurrentDropout ?? 0,
    l2,
    embeddingDim: shape.embeddingDim ?? options.embeddingDim ?? 100,
    trainableEmbeddings: options.trainableEmbeddings ?? true,
    filters: options.filters ?? 64,
    kernelSize: options.kernelSize ?? 5,
    poolSize: options.poolSize ?? 2,
    seed: options.seed ?? 42,
  };
  validateSpec(spec);
  return spec;
}

function validateSpec(spec: DeepModelSpec): void {
  const positiveInts: (keyof DeepModelSpec)[] = [
    'vocabSize',
    'maxLen',
    'units',
    'recurrentLayers',
    'embeddingDim',
    'filters',
    'kernelSize',
    'poolSize',
  ];
  for (const key of positiveInts) {
    const v = spec[key] as number;
    if (!Number.isInteger(v) || v < 1) throw invalidArgument(`${key} must be a positive integer, got ${String(v)}.`);
  }
  if (!Number.isInteger(spec.numClasses) || spec.numClasses < 2) {
    throw invalidArgument(
      `A classifier needs at least 2 classes, got ${spec.numClasses}. Check the label column of your data.`,
    );
  }
  for (const key of ['dropout', 'recurrentDropout'] as const) {
    if (!(spec[key] >= 0 && spec[key] < 1)) throw invalidArgument(`${key} must be in [0, 1), got ${spec[key]}.`);
  }
  for (const v of spec.l2) {
    if (!(v >= 0) || !Number.isFinite(v)) throw invalidArgument(`l2 factors must be finite and >= 0, got ${v}.`);
  }
  if (spec.kind === 'cnn-lstm' && spec.maxLen < spec.kernelSize) {
    throw invalidArgument(`maxLen (${spec.maxLen}) must be at least the Conv1D kernelSize (${spec.kernelSize}).`);
  }
}

/** Fixed layer names, so saved weights (keyed by layer/weight name) load into a rebuilt model. */
export const LAYER_NAMES = {
  embedding: 'embedding',
  conv: 'conv1d',
  pool: 'max_pooling1d',
  recurrent: (i: number) => `recurrent_${i + 1}`,
  dropout: (i: number) => `dropout_${i + 1}`,
  output: 'output',
} as const;

/**
 * Builds the tfjs-layers model for `spec`: Embedding → [Conv1D → MaxPooling1D → Dropout] →
 * recurrent layers → Dropout → Dense (sigmoid for 2 classes, softmax otherwise). Weights are
 * initialised from `spec.seed` (seeded Glorot/orthogonal initialisers), so the same spec always
 * gives the same initial weights on the same backend.
 *
 * @param embeddings optional initial embedding matrix (`vocabSize × embeddingDim`, row-major),
 * e.g. from `WordVectors.embeddingMatrix`.
 *
 * @example
 * ```ts
 * const spec = resolveDeepModelSpec('lstm', { vocabSize: 5000, maxLen: 50, numClasses: 3 });
 * const model = await buildDeepTextModel(spec);
 * model.summary();
 * ```
 */
export async function buildDeepTextModel(
  spec: DeepModelSpec,
  embeddings?: Float32Array,
): Promise<TfLayers.LayersModel> {
  validateSpec(spec);
  if (embeddings && embeddings.length !== spec.vocabSize * spec.embeddingDim) {
    throw invalidArgument(
      `The embedding matrix has ${embeddings.length} values but vocabSize × embeddingDim is ${spec.vocabSize} × ${spec.embeddingDim}.`,
    );
  }
  const { tf, layers } = await loadTf();
  const L = layers.layers;
  // Fused LSTM/GRU (issue 11): the stock classes with a one-kernel call(); same weights and config.
  const R = await fusedRecurrentLayers();
  // Fused Conv1D (+ bias + ReLU) for cnn-lstm: the stock class with a one-product call().
  const C = await fusedConvLayers();
  let layerIndex = 0;
  const seedFor = () => deriveSeed(spec.seed, 1000 + layerIndex++);
  const glorot = () => layers.initializers.glorotUniform({ seed: seedFor() });
  const orthogonal = () => layers.initializers.orthogonal({ seed: seedFor(), gain: 1 });
  const l2 = (factor: number) => (factor > 0 ? layers.regularizers.l2({ l2: factor }) : undefined);

  return quietOrthogonalWarning(() =>
    withSeededMathRandom(deriveSeed(spec.seed, 999), () => {
      const model = layers.sequential({ name: `ulasan_${spec.kind.replace('-', '_')}` });
      model.add(
        L.embedding({
          name: LAYER_NAMES.embedding,
          inputDim: spec.vocabSize,
          outputDim: spec.embeddingDim,
          inputLength: spec.maxLen,
          inputShape: [spec.maxLen],
          embeddingsInitializer: layers.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: seedFor() }),
          trainable: spec.trainableEmbeddings,
        }),
      );
      if (spec.kind === 'cnn-lstm') {
        model.add(
          C.conv1d({
            name: LAYER_NAMES.conv,
            filters: spec.filters,
            kernelSize: spec.kernelSize,
            padding: 'same',
            activation: 'relu',
            kernelInitializer: glorot(),
            kernelRegularizer: l2(spec.l2[0] ?? 0),
          }),
        );
        model.add(L.maxPooling1d({ name: LAYER_NAMES.pool, poolSize: spec.poolSize }));
        if (spec.dropout > 0) model.add(L.dropout({ name: 'dropout_conv', rate: spec.dropout }));
      }
      for (let i = 0; i < spec.recurrentLayers; i++) {
        const returnSequences = i < spec.recurrentLayers - 1;
        const common = {
          units: spec.units,
          returnSequences,
          dropout: spec.dropout,
          recurrentDropout: spec.recurrentDropout,
          kernelInitializer: glorot(),
          recurrentInitializer: orthogonal(),
          kernelRegularizer: l2(spec.l2[i] ?? 0),
        };
        if (spec.kind === 'gru') {
          model.add(R.gru({ ...common, name: LAYER_NAMES.recurrent(i) }));
        } else if (spec.kind === 'bilstm') {
          model.add(
            R.bidirectional({
              name: LAYER_NAMES.recurrent(i),
              mergeMode: 'concat',
              layer: L.lstm({ ...common, name: `lstm_${i + 1}` }) as unknown as TfLayers.RNN,
            }),
          );
        } else {
          model.add(R.lstm({ ...common, name: LAYER_NAMES.recurrent(i) }));
        }
      }
      if (spec.dropout > 0) model.add(L.dropout({ name: LAYER_NAMES.dropout(0), rate: spec.dropout }));
      const binary = spec.numClasses === 2;
      model.add(
        L.dense({
          name: LAYER_NAMES.output,
          units: binary ? 1 : spec.numClasses,
          activation: binary ? 'sigmoid' : 'softmax',
          kernelInitializer: glorot(),
        }),
      );
      setLstmForgetBias(tf, model, spec.units);
      if (embeddings) {
        const t = tf.tensor2d(embeddings, [spec.vocabSize, spec.embeddingDim]);
        try {
          model.getLayer(LAYER_NAMES.embedding).setWeights([t]);
        } finally {
          t.dispose();
        }
      }
      return model;
    }),
  );
}

/**
 * Keras' `unit_forget_bias`: LSTM biases start at 1 for the forget gate (gate order i, f, c, o).
 * tfjs-layers' own `unitForgetBias` initializer leaks four tensors per layer at build time, so we
 * build with zero biases and write the forget-gate ones here instead (same initial values).
 */
function setLstmForgetBias(tf: typeof TfCore, model: TfLayers.LayersModel, units: number): void {
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (kind !== 'LSTM' && !(kind === 'Bidirectional' && model.name.includes('lstm'))) continue;
    for (const weight of layer.weights) {
      if (!/\/bias$/.test(weight.originalName) || weight.shape[0] !== 4 * units) continue;
      const value = tf.tidy(() => tf.concat([tf.zeros([units]), tf.ones([units]), tf.zeros([2 * units])]));
      weight.write(value);
      value.dispose();
    }
  }
}

// tfjs-layers warns on every orthogonal initialisation above 2000 elements (a 64-unit LSTM's
// recurrent kernel has 16,384); the cost is a one-off QR at build time, so the warning is noise.
function quietOrthogonalWarning<T>(fn: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Orthogonal initializer')) return;
    warn(...args);
  };
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
}
