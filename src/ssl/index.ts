/**
 * `ulasan/ssl`: semi-supervised pseudo-labeling (self-training) over any classifier.
 *
 * @packageDocumentation
 */

export type { ConfidenceMeasure } from './confidence.js';
export { confidenceScores } from './confidence.js';
export type { BalancePolicy, Candidate, SelectionRule } from './selection.js';
export { largestRemainderQuotas, selectCandidates } from './selection.js';
export type {
  ClassLabeling,
  InitialLabeler,
  IterationLog,
  PoolScorer,
  PseudoLabel,
  SelfTrainingOptions,
  SelfTrainingResult,
  StopReason,
  TerminationPolicy,
  ValidationScores,
} from './self-training.js';
export { selfTrain } from './self-training.js';
