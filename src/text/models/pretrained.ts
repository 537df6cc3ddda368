/**
 * The pretrained models shipped inside the package (`resources/models/`): where they are and how to
 * load them. Paths are resolved from this module's location, so they work from `src/` (tests),
 * `dist/` (ESM and CJS builds, chunks included) and an installed package alike.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UlasanError } from '../../internal/errors.js';
import { resourcesDir } from '../preprocess/resources.js';
import type { TextClassifier } from './text-classifier.js';

/** Names of the shipped models. */
export type PretrainedModelName = 'sentiment-id';

/** The shipped models: name → folder under `resources/models/`. */
const PRETRAINED: Record<PretrainedModelName, string> = { 'sentiment-id': 'sentiment-id' };

const loaded = new Map<PretrainedModelName, Promise<TextClassifier>>();

/**
 * Absolute path of a shipped model directory (default `'sentiment-id'`: the Indonesian
 * positive / neutral / negative model trained on SmSA, see `docs/pretrained-model.md`).
 *
 * @example
 * ```ts
 * import { pretrainedModelPath } from 'ulasan/text';
 * pretrainedModelPath(); // …/node_modules/ulasan/resources/models/sentiment-id
 * ```
 * @throws UlasanError `FILE_NOT_FOUND` when the package's `resources/` folder or the model is missing
 *   (a bundler that dropped it).
 */
export function pretrainedModelPath(name: PretrainedModelName = 'sentiment-id'): string {
  const folder = PRETRAINED[name];
  if (!folder) {
    throw new UlasanError(
      'INVALID_ARGUMENT',
      `Unknown pretrained model ${JSON.stringify(name)}. Shipped models: ${Object.keys(PRETRAINED).join(', ')}.`,
    );
  }
  const dir = join(resourcesDir(), 'models', folder);
  if (!existsSync(join(dir, 'model.json'))) {
    throw new UlasanError(
      'FILE_NOT_FOUND',
      `The shipped model "${name}" is missing (expected ${dir}/model.json). Reinstall ulasan; if you bundled it, copy node_modules/ulasan/resources next to the bundle, or rebuild the model with \`npm run build:model\` in a clone.`,
    );
  }
  return dir;
}

/**
 * Loads a shipped model (once per process; later calls share the same classifier, which is safe
 * because prediction does not change it).
 *
 * @example
 * ```ts
 * import { loadPretrainedModel } from 'ulasan/text';
 * const model = await loadPretrainedModel();
 * await model.predict(['barangnya bagus banget']); // ['positive']
 * ```
 */
export function loadPretrainedModel(name: PretrainedModelName = 'sentiment-id'): Promise<TextClassifier> {
  let model = loaded.get(name);
  if (!model) {
    const dir = pretrainedModelPath(name);
    model = import('./registry.js').then(({ loadTextClassifier }) => loadTextClassifier(dir));
    model.catch(() => loaded.delete(name));
    loaded.set(name, model);
  }
  return model;
}
