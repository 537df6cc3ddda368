/**
 * Plugs the text models into the experiments runner (`runGrid` from `ulasan/experiments`), the way
 * `src/vision/grid.ts` plugs in the vision models: the classifier factory (`options.model` picks the
 * kind in the text-model registry), the option names the text classifiers know, and the grid's shared
 * Word2Vec embeddings. `ulasan/experiments` and the CLI hand {@link textGridDefaults} to the runner
 * when a grid names no `classifierFactory`; experiments itself never imports text.
 */
import { pathToFileURL } from 'node:url';
import type { Classifier, Label } from '../core/classifier.js';
import type { GridEmbeddingsRequest } from './grid-embeddings.js';

/**
 * Options understood by the built-in text classifiers (all kinds together: a grid over
 * `model: [nb, lstm]` passes `epochs` to naive Bayes too, which ignores it). The classifiers accept
 * unknown options silently, so the grid warns about any other name (a typo such as `learningrate`
 * would otherwise change nothing).
 *
 * @example
 * ```ts
 * import { TEXT_GRID_OPTIONS } from 'ulasan/text';
 * TEXT_GRID_OPTIONS.includes('learningRate'); // true
 * ```
 */
export const TEXT_GRID_OPTIONS: readonly string[] = Object.freeze([
  'model',
  'seed',
  'pipeline',
  'embeddings',
  // deep models
  'units',
  'recurrentLayers',
  'dropout',
  'recurrentDropout',
  'l2',
  'embeddingDim',
  'filters',
  'kernelSize',
  'poolSize',
  'maxLen',
  'minCount',
  'maxVocabulary',
  'trainableEmbeddings',
  'epochs',
  'batchSize',
  'optimizer',
  'learningRate',
  'classWeight',
  'earlyStopping',
  'checkpointDir',
  'resume',
  'inferenceBatchSize',
  // classic baselines
  'features',
  'alpha',
  'fitPrior',
  'C',
  'maxIter',
  'tol',
  'fitIntercept',
  'interceptScaling',
]);

/**
 * A `classifierFactory` for `runGrid`: a new text classifier of kind `options.model` (default
 * naive Bayes) from the text-model registry, with the scenario's options.
 *
 * @example
 * ```ts
 * import { runGrid } from 'ulasan/experiments';
 * import { textClassifierFactory } from 'ulasan/text';
 * await runGrid('grid.yaml', { classifierFactory: textClassifierFactory });
 * ```
 */
export async function textClassifierFactory(options: Record<string, unknown>): Promise<Classifier<string>> {
  const { createTextClassifier } = await import('./models/registry.js');
  return (await createTextClassifier(
    options as Parameters<typeof createTextClassifier>[0],
  )) as unknown as Classifier<string>;
}

/** The file holding this code (in the CommonJS build `import.meta.url` names a shared chunk). */
function ownModule(): string {
  return typeof __filename === 'string' && __filename.endsWith('.cjs')
    ? pathToFileURL(__filename).href
    : import.meta.url;
}

/**
 * The text family's grid defaults (`GridDefaults` of `ulasan/experiments`): what `runGrid` uses when
 * a grid names no `classifierFactory`, found again by worker threads through `module`.
 *
 * @example
 * ```ts
 * import { runGrid } from 'ulasan/experiments';
 * import { textGridDefaults } from 'ulasan/text';
 * await runGrid('grid.yaml', { defaults: textGridDefaults }); // what runGrid('grid.yaml') does
 * ```
 */
export const textGridDefaults = {
  kind: 'ulasan.grid-defaults' as const,
  name: 'text',
  factory: textClassifierFactory,
  optionNames: TEXT_GRID_OPTIONS,
  prepareEmbeddings: async (request: GridEmbeddingsRequest): Promise<object> => {
    const { prepareTextGridEmbeddings } = await import('./grid-embeddings.js');
    return prepareTextGridEmbeddings(request);
  },
  loadEmbeddings: async (path: string): Promise<object> => {
    const { WordVectors } = await import('./word2vec/index.js');
    return WordVectors.load(path);
  },
  get module(): string {
    return ownModule();
  },
};

/**
 * How a queue worker labels texts (`QueueLabeler` of `ulasan/experiments`): loads any saved text
 * model with `loadTextClassifier` and streams its predictions chunk by chunk.
 *
 * @example
 * ```ts
 * import { runQueueWorker } from 'ulasan/experiments';
 * import { textQueueLabeler } from 'ulasan/text';
 * await runQueueWorker({ connection: 'redis://127.0.0.1:6379', labeler: textQueueLabeler });
 * ```
 */
export const textQueueLabeler = {
  load: async (dir: string): Promise<unknown> => {
    const { loadTextClassifier } = await import('./models/registry.js');
    return loadTextClassifier(dir);
  },
  label: async function* (
    model: unknown,
    texts: string[],
    batchSize: number,
  ): AsyncGenerator<{ label: Label; probabilities: number[] }> {
    const { predictTextStream } = await import('./models/deep/deep-text-classifier.js');
    for await (const r of predictTextStream(model as Parameters<typeof predictTextStream>[0], texts, {
      chunkSize: batchSize,
    }))
      yield { label: r.label, probabilities: r.probabilities };
  },
};
