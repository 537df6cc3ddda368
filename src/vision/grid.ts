/**
 * Plugs vision models into the experiments runner (`runGrid` from `ulasan/experiments`), so the
 * seed's 12-scenario grid (batch 8/16/32 × learning rate 1e-4/4e-4 × Adam/Adamax) runs on image
 * paths like the text grids run on texts.
 */
import type { Classifier } from '../core/classifier.js';
import { invalidArgument } from '../internal/errors.js';
import {
  FaceExpressionClassifier,
  type FaceExpressionClassifierOptions,
  VISION_CLASSIFIER_PARAMS,
} from './expression-classifier.js';

/**
 * Grid option names a vision scenario may set: the declared parameters of
 * {@link FaceExpressionClassifier} ({@link VISION_CLASSIFIER_PARAMS}).
 *
 * @deprecated Read `VISION_CLASSIFIER_PARAMS` (or a classifier's `paramNames`); this list is now
 *   computed from it and kept for code that imported it.
 */
export const VISION_GRID_OPTIONS: readonly (keyof FaceExpressionClassifierOptions)[] = Object.freeze(
  Object.keys(VISION_CLASSIFIER_PARAMS) as (keyof FaceExpressionClassifierOptions)[],
);

/**
 * A `classifierFactory` for `runGrid`: each scenario gets a new {@link FaceExpressionClassifier}
 * with `defaults` overridden by the scenario's options. Unknown option names are refused, so a
 * typo'd grid axis fails before any training. Share one `cacheDir` across scenarios: with a frozen
 * backbone the features are then extracted once for the whole grid.
 *
 * @example
 * ```ts
 * import { runGrid } from 'ulasan/experiments';
 * const data = await loadImageFolder('faces');
 * await runGrid(
 *   {
 *     name: 'seed-000',
 *     data: { train: { inputs: data.train.paths, labels: data.train.labels }, valid: { inputs: data.valid!.paths, labels: data.valid!.labels } },
 *     fixed: { epochs: 20 },
 *     grid: { batchSize: [8, 16, 32], learningRate: [1e-4, 4e-4], optimizer: ['adam', 'adamax'] },
 *   },
 *   { classifierFactory: visionClassifierFactory({ cacheDir: '.cache/faces' }) },
 * );
 * ```
 */
export function visionClassifierFactory(
  defaults: FaceExpressionClassifierOptions = {},
): (options: Record<string, unknown>) => Classifier<string> {
  return (options) => {
    const unknown = Object.keys(options).filter(
      (k) => !(VISION_GRID_OPTIONS as readonly string[]).includes(k) && k !== 'model',
    );
    if (unknown.length > 0) {
      throw invalidArgument(
        `Unknown vision option(s) ${unknown.map((k) => `"${k}"`).join(', ')}. Known: ${VISION_GRID_OPTIONS.join(', ')}.`,
      );
    }
    const { model: _model, ...rest } = options;
    return new FaceExpressionClassifier({ ...defaults, ...(rest as FaceExpressionClassifierOptions) });
  };
}
