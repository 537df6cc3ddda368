/**
 * The ensemble text classifier and its registry handler (kind `'ensemble'`).
 *
 * @packageDocumentation
 */
import type { Artifact, ArtifactManifest } from '../artifact.js';
import type { TextClassifierKindHandler } from '../registry.js';
import { EnsembleClassifier, type EnsembleOptions } from './ensemble-classifier.js';

export type { EnsembleCombine, EnsembleMemberSpec, EnsembleOptions } from './ensemble-classifier.js';
export { DEFAULT_ENSEMBLE_MEMBERS, EnsembleClassifier } from './ensemble-classifier.js';

/** Registry handler of the `ensemble` kind. */
export const ensembleTextClassifierKinds: Record<'ensemble', TextClassifierKindHandler> = {
  ensemble: {
    create: (options) => new EnsembleClassifier(options as EnsembleOptions),
    load: (_dir: string, manifest: ArtifactManifest, artifact: Artifact) =>
      new EnsembleClassifier((manifest.options ?? {}) as EnsembleOptions).restore(artifact),
  },
};
