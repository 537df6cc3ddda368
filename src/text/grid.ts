/**
 * Plugs the text models into the experiments runner (`runGrid` from `ulasan/experiments`), the way
 * `src/vision/grid.ts` plugs in the vision models: the classifier factory (`options.model` picks the
 * kind in the text-model registry), the option names the text classifiers declare, and the grid's shared
 * Word2Vec embeddings. `ulasan/experiments` and the CLI hand {@link textGridDefaults} to the runner
 * when a grid names no `classifierFactory`; experiments itself never imports text.
 */
import { pathToFileURL } from 'node:url';
import type { Classifier, Label } from '../core/classifier.js';
import { registerGridDefaultsModule } from '../core/grid-defaults-registry.js';
import type { GridEmbeddingsRequest } from './grid-embeddings.js';
import { textClassifierParamNames } from './models/registry.js';

/**
 * The option names a text grid scenario may set: `model` plus the declared parameters of every kind
 * (the built-in table in `models/params.ts` and the `paramNames` of registered plugin kinds), all
 * kinds together (a grid over `model: [nb, lstm]` passes `epochs` to naive Bayes too, which ignores
 * it). The classifiers accept unknown options silently, so the grid warns about any other name (a
 * typo such as `learningrate` would otherwise change nothing).
 *
 * @example
 * ```ts
 * import { textGridOptionNames } from 'ulasan/text';
 * textGridOptionNames().includes('learningRate'); // true
 * ```
 */
export function textGridOptionNames(): readonly string[] {
  return ['model', ...textClassifierParamNames()];
}

/**
 * The built-in kinds' grid option names, computed once from their declared parameters.
 *
 * @deprecated Use {@link textGridOptionNames}, which also lists the options of plugin kinds
 *   registered later; this frozen list is kept for code that imported it.
 */
export const TEXT_GRID_OPTIONS: readonly string[] = Object.freeze([...textGridOptionNames()]);

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
  /** Read at each `runGrid`, so plugin kinds registered meanwhile are known. */
  get optionNames(): readonly string[] {
    return textGridOptionNames();
  },
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
// Worker threads import `module` to find these defaults; in a bundle that file may be a chunk that
// does not export them, so it finds them registered under its URL instead.
registerGridDefaultsModule(ownModule(), textGridDefaults);

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
