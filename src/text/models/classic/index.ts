/**
 * The classic baselines (naive Bayes, logistic regression, linear SVM) and their registry handlers.
 *
 * @packageDocumentation
 */
import type { Artifact, ArtifactManifest } from '../artifact.js';
import type { TextClassifierKindHandler } from '../registry.js';
import { LinearSvmClassifier, type LinearSvmOptions } from './linear-svm.js';
import { LogisticRegressionClassifier, type LogisticRegressionOptions } from './logistic-regression.js';
import { NaiveBayesClassifier, type NaiveBayesOptions } from './naive-bayes.js';

export type { LinearSvmOptions, LogisticRegressionOptions, NaiveBayesOptions };
export { LinearSvmClassifier, LogisticRegressionClassifier, NaiveBayesClassifier };

/** Registry handlers of the classic kinds (`nb`, `logreg`, `svm`). */
export const classicTextClassifierKinds: Record<'nb' | 'logreg' | 'svm', TextClassifierKindHandler> = {
  nb: {
    create: (options) => new NaiveBayesClassifier(options as NaiveBayesOptions),
    load: (_dir: string, manifest: ArtifactManifest, artifact: Artifact) =>
      new NaiveBayesClassifier((manifest.options ?? {}) as NaiveBayesOptions).restore(artifact),
  },
  logreg: {
    create: (options) => new LogisticRegressionClassifier(options as LogisticRegressionOptions),
    load: (_dir: string, manifest: ArtifactManifest, artifact: Artifact) =>
      new LogisticRegressionClassifier((manifest.options ?? {}) as LogisticRegressionOptions).restore(artifact),
  },
  svm: {
    create: (options) => new LinearSvmClassifier(options as LinearSvmOptions),
    load: (_dir: string, manifest: ArtifactManifest, artifact: Artifact) =>
      new LinearSvmClassifier((manifest.options ?? {}) as LinearSvmOptions).restore(artifact),
  },
};
