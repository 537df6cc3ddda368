/**
 * One entry point for every text classifier kind: create by name, load any saved model directory.
 * Built-in kinds are imported lazily, so importing `ulasan/text` for preprocessing never loads
 * TensorFlow.js or model code; other kinds (plugins) register with {@link registerTextClassifierKind}.
 */
import { invalidArgument, UlasanError } from '../../internal/errors.js';
import { type Artifact, type ArtifactManifest, readArtifact } from './artifact.js';
import { builtinParamNames } from './params.js';
import type { TextClassifier } from './text-classifier.js';

/** The model kinds ulasan ships. */
export type BuiltinTextClassifierKind =
  | 'nb'
  | 'logreg'
  | 'svm'
  | 'lstm'
  | 'gru'
  | 'bilstm'
  | 'cnn-lstm'
  | 'random-forest'
  | 'gbdt'
  | 'lexicon'
  | 'ensemble';

/** How to create and load one kind of text classifier. */
export interface TextClassifierKindHandler {
  /** A new, unfitted classifier from options (the `model` key removed). */
  create(options: Record<string, unknown>): TextClassifier;
  /** A fitted classifier from a validated model directory. */
  load(dir: string, manifest: ArtifactManifest, artifact: Artifact): Promise<TextClassifier>;
  /**
   * The option names `create` understands (the classifier's `paramNames`), so grids over this kind
   * do not warn about them. Optional: a kind without it is only checked by its own constructor.
   */
  paramNames?: readonly string[];
}

const registered = new Map<string, TextClassifierKindHandler>();

// Lazy loaders of the built-in kinds: each is one dynamic import, resolved on first use.
const builtin: Record<string, () => Promise<TextClassifierKindHandler>> = {
  nb: async () => (await import('./classic/index.js')).classicTextClassifierKinds.nb,
  logreg: async () => (await import('./classic/index.js')).classicTextClassifierKinds.logreg,
  svm: async () => (await import('./classic/index.js')).classicTextClassifierKinds.svm,
  lstm: async () => (await import('./deep/deep-text-classifier.js')).deepTextClassifierKinds.lstm,
  gru: async () => (await import('./deep/deep-text-classifier.js')).deepTextClassifierKinds.gru,
  bilstm: async () => (await import('./deep/deep-text-classifier.js')).deepTextClassifierKinds.bilstm,
  'cnn-lstm': async () => (await import('./deep/deep-text-classifier.js')).deepTextClassifierKinds['cnn-lstm'],
  'random-forest': async () => (await import('./trees/index.js')).treeTextClassifierKinds['random-forest'],
  gbdt: async () => (await import('./trees/index.js')).treeTextClassifierKinds.gbdt,
  lexicon: async () => (await import('./lexicon/index.js')).lexiconTextClassifierKinds.lexicon,
  ensemble: async () => (await import('./ensemble/index.js')).ensembleTextClassifierKinds.ensemble,
};

/**
 * Registers (or replaces) a classifier kind, e.g. a plugin model.
 *
 * @example
 * ```ts
 * registerTextClassifierKind('my-model', {
 *   create: (options) => new MyClassifier(options),
 *   load: async (_dir, _manifest, artifact) => new MyClassifier(artifact.manifest.options ?? {}).restore(artifact),
 *   paramNames: ['depth', 'seed'], // what grids and `ulasan train` may set for this kind
 * });
 * // Check it against the classifier contract from any test runner:
 * // await runClassifierConformance({ create: () => createTextClassifier({ model: 'my-model' }), inputs, labels, load: loadTextClassifier });
 * ```
 */
export function registerTextClassifierKind(kind: string, handler: TextClassifierKindHandler): void {
  if (typeof kind !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(kind)) {
    throw invalidArgument(
      `registerTextClassifierKind: kind must be lower-case letters, digits, ".", "_" or "-", got ${JSON.stringify(kind)}.`,
    );
  }
  if (!handler || typeof handler.create !== 'function' || typeof handler.load !== 'function') {
    throw invalidArgument('registerTextClassifierKind: the handler needs create(options) and load(dir, manifest).');
  }
  registered.set(kind, handler);
}

/**
 * The declared parameter names of every kind that can be created now: the built-in table of
 * `params.ts` plus the `paramNames` of registered plugin kinds. Read by the grid and the CLI.
 */
export function textClassifierParamNames(kind?: string): readonly string[] {
  const names = new Set<string>();
  const add = (k: string) => {
    for (const n of registered.get(k)?.paramNames ?? builtinParamNames(k) ?? []) names.add(n);
  };
  if (kind !== undefined) add(kind);
  else for (const k of textClassifierKinds()) add(k);
  return [...names];
}

/** All kinds that can be created or loaded now. */
export function textClassifierKinds(): string[] {
  return [...new Set([...Object.keys(builtin), ...registered.keys()])].sort();
}

async function handlerFor(kind: string, where: string): Promise<TextClassifierKindHandler> {
  const own = registered.get(kind);
  if (own) return own;
  const lazy = builtin[kind];
  if (!lazy) {
    throw new UlasanError(
      'CONFIG',
      `${where}: unknown model kind ${JSON.stringify(kind)}. Known kinds: ${textClassifierKinds().join(', ')}.`,
    );
  }
  const handler = await lazy();
  registered.set(kind, handler);
  return handler;
}

/** Options of {@link createTextClassifier}: the kind plus that kind's own options. */
export type CreateTextClassifierOptions = { model: BuiltinTextClassifierKind | (string & {}) } & Record<
  string,
  unknown
>;

/**
 * Creates an unfitted classifier of any kind by name.
 *
 * @example
 * ```ts
 * const model = await createTextClassifier({ model: 'logreg', C: 10, features: { kind: 'tfidf', ngramRange: [1, 2] } });
 * await model.fit(train.texts, train.labels);
 * await model.save('models/smsa-logreg');
 * ```
 */
export async function createTextClassifier(options: CreateTextClassifierOptions): Promise<TextClassifier> {
  if (!options || typeof options.model !== 'string') {
    throw invalidArgument(`createTextClassifier: pass { model: one of ${textClassifierKinds().join(', ')} }.`);
  }
  const { model, ...rest } = options;
  return (await handlerFor(model, 'createTextClassifier')).create(rest);
}

/**
 * Loads any saved text classifier directory (written by `save(dir)` or `ulasan train --out`),
 * dispatching on the manifest's `kind`.
 *
 * @example
 * ```ts
 * const model = await loadTextClassifier('models/smsa-logreg');
 * await model.predict(['aplikasinya bagus']); // ['positive']
 * ```
 * @throws UlasanError `FILE_NOT_FOUND`, `FILE_FORMAT` (not a model, unknown kind, path outside the
 *   directory), `UNSUPPORTED_VERSION` (saved by a newer ulasan).
 */
export async function loadTextClassifier(dir: string): Promise<TextClassifier> {
  const artifact = await readArtifact(dir);
  const kind = artifact.manifest.kind;
  if (!registered.has(kind) && !builtin[kind]) {
    throw new UlasanError(
      'FILE_FORMAT',
      `${artifact.dir}: unknown model kind ${JSON.stringify(kind)}. Known kinds: ${textClassifierKinds().join(', ')}. The model may need a newer ulasan or a plugin that registers this kind.`,
    );
  }
  const handler = await handlerFor(kind, 'loadTextClassifier');
  return handler.load(artifact.dir, artifact.manifest, artifact);
}
