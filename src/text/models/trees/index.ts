/**
 * Tree ensembles on sparse text features (random forest, gradient boosting) and their registry
 * handlers.
 *
 * @packageDocumentation
 */
import type { Artifact, ArtifactManifest } from '../artifact.js';
import type { TextClassifierKindHandler } from '../registry.js';
import { GradientBoostingClassifier, type GradientBoostingOptions } from './gradient-boosting.js';
import { RandomForestClassifier, type RandomForestOptions } from './random-forest.js';

export type { GradientBoostingOptions, RandomForestOptions };
export { GradientBoostingClassifier, RandomForestClassifier };

/** Registry handlers of the tree kinds (`random-forest`, `gbdt`). */
export const treeTextClassifierKinds: Record<'random-forest' | 'gbdt', TextClassifierKindHandler> = {
  'random-forest': {
    create: (options) => new RandomForestClassifier(options as RandomForestOptions),
    load: (_dir: string, manifest: ArtifactManifest, artifact: Artifact) =>
      new RandomForestClassifier((manifest.options ?? {}) as RandomForestOptions).restore(artifact),
  },
  gbdt: {
    create: (options) => new GradientBoostingClassifier(options as GradientBoostingOptions),
    load: (_dir: string, manifest: ArtifactManifest, artifact: Artifact) =>
      new GradientBoostingClassifier((manifest.options ?? {}) as GradientBoostingOptions).restore(artifact),
  },
};
