/**
 * Small versions of every architecture ulasan trains (text: Embedding + LSTM/GRU/Bidirectional,
 * CNN-LSTM, sigmoid multi-label head; vision: Conv2D/BatchNorm/pooling/residual Add), used to check
 * that every kernel they need exists and agrees across backends.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';

type Tf = typeof TfCore;
type Layers = typeof TfLayers;

/** One architecture with a matching batch. */
export interface ModelSpec {
  name: string;
  build: (layers: Layers) => TfLayers.LayersModel;
  batch: (tf: Tf) => { x: TfCore.Tensor; y: TfCore.Tensor };
  loss: 'categoricalCrossentropy' | 'binaryCrossentropy';
}

const VOCAB = 40;
const LEN = 7;

function textBatch(tf: Tf, classes = 3) {
  const x = tf.tensor2d(
    Array.from({ length: 4 * LEN }, (_, i) => (i * 7 + 3) % VOCAB),
    [4, LEN],
    'int32',
  );
  const y = tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), classes), 'float32');
  return { x, y };
}

export const MODEL_SPECS: ModelSpec[] = [
  {
    name: 'Embedding+LSTM+Dropout+Dense',
    build: (l) =>
      l.sequential({
        layers: [
          l.layers.embedding({ inputDim: VOCAB, outputDim: 6, inputLength: LEN }),
          l.layers.lstm({ units: 5 }),
          l.layers.dropout({ rate: 0.3, seed: 7 }),
          l.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
    batch: (tf) => textBatch(tf),
    loss: 'categoricalCrossentropy',
  },
  {
    name: 'Embedding+GRU(sigmoid gates)+Dense',
    build: (l) =>
      l.sequential({
        layers: [
          l.layers.embedding({ inputDim: VOCAB, outputDim: 6, inputLength: LEN }),
          l.layers.gru({ units: 5, recurrentActivation: 'sigmoid' }),
          l.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
    batch: (tf) => textBatch(tf),
    loss: 'categoricalCrossentropy',
  },
  {
    name: 'Embedding+Bidirectional(LSTM)+GlobalMaxPool+sigmoid multi-label',
    build: (l) =>
      l.sequential({
        layers: [
          l.layers.embedding({ inputDim: VOCAB, outputDim: 6, inputLength: LEN }),
          l.layers.bidirectional({ layer: l.layers.lstm({ units: 4, returnSequences: true }) as TfLayers.RNN }),
          l.layers.globalMaxPooling1d({}),
          l.layers.dense({ units: 3, activation: 'sigmoid' }),
        ],
      }),
    batch: (tf) => {
      const { x } = textBatch(tf);
      return { x, y: tf.tensor2d([1, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0], [4, 3]) };
    },
    loss: 'binaryCrossentropy',
  },
  {
    name: 'Embedding+Conv1D+MaxPooling1D+LSTM (CNN-LSTM)',
    build: (l) =>
      l.sequential({
        layers: [
          l.layers.embedding({ inputDim: VOCAB, outputDim: 6, inputLength: LEN }),
          l.layers.conv1d({ filters: 5, kernelSize: 3, activation: 'relu', padding: 'same' }),
          l.layers.maxPooling1d({ poolSize: 2 }),
          l.layers.lstm({ units: 4 }),
          l.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
    batch: (tf) => textBatch(tf),
    loss: 'categoricalCrossentropy',
  },
  {
    name: 'vision: ZeroPadding+Conv2D+BatchNorm+ReLU+Add+MaxPool+AvgPool+GlobalAvgPool+Dropout+Dense',
    build: (l) => {
      const L = l.layers;
      const input = l.input({ shape: [12, 12, 3] });
      let h = L.zeroPadding2d({ padding: 1 }).apply(input) as TfLayers.SymbolicTensor;
      h = L.conv2d({ filters: 4, kernelSize: 3, padding: 'valid', useBias: false }).apply(h) as TfLayers.SymbolicTensor;
      h = L.batchNormalization().apply(h) as TfLayers.SymbolicTensor;
      h = L.reLU().apply(h) as TfLayers.SymbolicTensor;
      const branch = L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(
        h,
      ) as TfLayers.SymbolicTensor;
      h = L.add().apply([h, branch]) as TfLayers.SymbolicTensor;
      h = L.maxPooling2d({ poolSize: 2 }).apply(h) as TfLayers.SymbolicTensor;
      h = L.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'valid' }).apply(h) as TfLayers.SymbolicTensor;
      h = L.averagePooling2d({ poolSize: 2, padding: 'same' }).apply(h) as TfLayers.SymbolicTensor;
      h = L.globalAveragePooling2d({}).apply(h) as TfLayers.SymbolicTensor;
      h = L.dropout({ rate: 0.2, seed: 3 }).apply(h) as TfLayers.SymbolicTensor;
      const out = L.dense({ units: 3, activation: 'softmax' }).apply(h) as TfLayers.SymbolicTensor;
      return l.model({ inputs: input, outputs: out });
    },
    batch: (tf) => ({
      x: tf.randomNormal([2, 12, 12, 3], 0, 1, 'float32', 9),
      y: tf.cast(tf.oneHot(tf.tensor1d([2, 0], 'int32'), 3), 'float32'),
    }),
    loss: 'categoricalCrossentropy',
  },
];

/** The optimizers ulasan's trainers offer. */
export const OPTIMIZERS = ['adam', 'adamax', 'rmsprop', 'sgd'] as const;
