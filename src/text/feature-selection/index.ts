/**
 * Feature selection for sparse text features: chi-square and mutual information scores,
 * `SelectKBest`, and vocabulary cutting for the classic and tree classifiers.
 *
 * @packageDocumentation
 */
export type { Chi2Result, MutualInformationOptions } from './scores.js';
export { chi2, mutualInformation, selectColumns, selectKBest } from './scores.js';
export type { FeatureSelectionOptions } from './select.js';
export { checkFeatureSelection, restrictVectorizer, scoreFeatures, selectVectorizerFeatures } from './select.js';
