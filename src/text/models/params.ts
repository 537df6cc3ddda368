/**
 * The declared parameters of every built-in text classifier kind: name → default. One table, read
 * by the classifiers (`paramNames`, `getParams()`), by the grid (`TEXT_GRID_OPTIONS`, its warning
 * about unknown option names) and by the CLI (which flags a kind accepts), so a new option is
 * declared once, next to its default, instead of in three hand-kept lists.
 *
 * A default of `undefined` means the value is decided at `fit` (from the data or another option:
 * deep `minCount` depends on `embeddings`, `earlyStopping` on validation data) or is built on first
 * use (the default preprocessing pipeline); object defaults that live with the model code (the
 * classic feature settings, the ensemble members) are filled in by that class's `getParams()`.
 *
 * Pure data with no imports, so `ulasan/text` can list the options without loading model code.
 */

/** Parameters every text classifier declares. */
const COMMON = { pipeline: undefined, seed: 42 } as const;

/** Parameters of the classic (sparse-feature) baselines and the tree ensembles. */
const CLASSIC = { ...COMMON, features: undefined, classWeight: undefined, featureSelection: undefined } as const;

const DEEP_TRAINING = {
  ...COMMON,
  embeddings: undefined,
  maxLen: 50,
  minCount: undefined,
  maxVocabulary: 30_000,
  trainableEmbeddings: true,
  units: 64,
  recurrentDropout: 0,
  l2: 0.001,
  embeddingDim: 100,
  epochs: 10,
  batchSize: 64,
  optimizer: 'adam',
  learningRate: undefined,
  classWeight: undefined,
  earlyStopping: undefined,
  checkpointDir: undefined,
  resume: false,
  inferenceBatchSize: 256,
} as const;

const RECURRENT = { ...DEEP_TRAINING, recurrentLayers: 2, dropout: 0.2 } as const;

/** Declared parameters and defaults of each built-in kind (keyed like the registry). */
export const TEXT_CLASSIFIER_PARAMS = Object.freeze({
  nb: Object.freeze({ ...CLASSIC, alpha: 1, fitPrior: true }),
  logreg: Object.freeze({ ...CLASSIC, C: 1, maxIter: 100, tol: 1e-4, fitIntercept: true }),
  svm: Object.freeze({ ...CLASSIC, C: 1, maxIter: 1000, tol: 1e-4, interceptScaling: 1 }),
  lstm: Object.freeze({ ...RECURRENT }),
  gru: Object.freeze({ ...RECURRENT }),
  bilstm: Object.freeze({ ...RECURRENT }),
  'cnn-lstm': Object.freeze({
    ...DEEP_TRAINING,
    recurrentLayers: 1,
    dropout: 0.3,
    filters: 64,
    kernelSize: 5,
    poolSize: 2,
  }),
  'random-forest': Object.freeze({
    ...CLASSIC,
    nEstimators: 100,
    maxDepth: Number.POSITIVE_INFINITY,
    minSamplesLeaf: 1,
    minSamplesSplit: 2,
    maxFeatures: 'sqrt',
    bootstrap: true,
    maxBins: 32,
  }),
  gbdt: Object.freeze({
    ...CLASSIC,
    nEstimators: 100,
    learningRate: 0.1,
    numLeaves: 31,
    maxDepth: Number.POSITIVE_INFINITY,
    minChildSamples: 20,
    minChildWeight: 1e-3,
    lambda: 0,
    minSplitGain: 0,
    featureFraction: 1,
    baggingFraction: 1,
    maxBins: 32,
    earlyStoppingRounds: undefined,
    validationFraction: 0.1,
  }),
  lexicon: Object.freeze({
    seed: 42,
    language: 'id',
    lexicon: undefined,
    thresholds: Object.freeze({ positive: 0.05, negative: -0.05 }),
    tuneThresholds: false,
    labels: Object.freeze({ positive: 'positive', neutral: 'neutral', negative: 'negative' }),
  }),
  ensemble: Object.freeze({ ...COMMON, members: undefined, combine: 'mean', classWeight: undefined }),
} satisfies Record<string, Readonly<Record<string, unknown>>>);

/** A built-in kind with declared parameters. */
export type TextClassifierParamsKind = keyof typeof TEXT_CLASSIFIER_PARAMS;

/** The declared parameter names of a built-in kind, or `undefined` for a kind not in the table (a plugin). */
export function builtinParamNames(kind: string): readonly string[] | undefined {
  const table = (TEXT_CLASSIFIER_PARAMS as Record<string, Readonly<Record<string, unknown>>>)[kind];
  return table ? Object.keys(table) : undefined;
}
