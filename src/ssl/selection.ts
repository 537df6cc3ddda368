/**
 * Which unlabeled samples become pseudo-labels in one iteration. Pure functions over
 * (prediction, confidence) so the rules can be tested exactly.
 */
import type { Label } from '../core/classifier.js';
import { UlasanError } from '../internal/errors.js';

/** One candidate: a pool sample with its predicted label and confidence. */
export interface Candidate {
  /** Index into the unlabeled pool. */
  index: number;
  label: Label;
  confidence: number;
}

/** Selection rules for one iteration. */
export interface SelectionRule {
  /** Global confidence threshold in (0, 1]. */
  threshold: number;
  /** Per-class thresholds overriding `threshold` for those classes. */
  perClassThreshold?: Partial<Record<string, number>>;
  /** At most this many samples per iteration (most confident first). */
  topK?: number;
  /**
   * Class-balanced quotas: the iteration's budget is split in proportion to this prior (usually the
   * labeled class distribution), so the majority class cannot swallow the pool. A class with fewer
   * passing candidates than its quota leaves the rest unused rather than handing it to others.
   */
  classPrior?: ReadonlyMap<Label, number>;
}

/** Checks a threshold lies in (0, 1]. */
export function validateThreshold(value: number, name = 'threshold'): number {
  if (!(typeof value === 'number' && value > 0 && value <= 1)) {
    throw new UlasanError('INVALID_ARGUMENT', `${name} must be in (0, 1], got ${value}.`);
  }
  return value;
}

/**
 * Applies thresholds, class-balanced quotas and top-k, returning the chosen candidates (most
 * confident first, ties broken by pool index so results are deterministic).
 */
export function selectCandidates(candidates: readonly Candidate[], rule: SelectionRule): Candidate[] {
  validateThreshold(rule.threshold);
  for (const [label, t] of Object.entries(rule.perClassThreshold ?? {})) {
    if (t !== undefined) validateThreshold(t, `perClassThreshold[${label}]`);
  }
  if (rule.topK !== undefined && !(Number.isInteger(rule.topK) && rule.topK > 0)) {
    throw new UlasanError('INVALID_ARGUMENT', `topK must be a positive integer, got ${rule.topK}.`);
  }
  const passing = candidates
    .filter((c) => c.confidence >= (rule.perClassThreshold?.[String(c.label)] ?? rule.threshold))
    .sort(byConfidence);
  if (!rule.classPrior) return rule.topK === undefined ? passing : passing.slice(0, rule.topK);

  const budget = rule.topK === undefined ? passing.length : Math.min(rule.topK, passing.length);
  const quotas = largestRemainderQuotas(rule.classPrior, budget);
  const taken = new Map<Label, number>();
  const chosen: Candidate[] = [];
  for (const c of passing) {
    const used = taken.get(c.label) ?? 0;
    if (used < (quotas.get(c.label) ?? 0)) {
      chosen.push(c);
      taken.set(c.label, used + 1);
    }
  }
  return chosen;
}

/** Splits `total` into integer quotas proportional to `prior` (Hamilton's largest-remainder method). */
export function largestRemainderQuotas(prior: ReadonlyMap<Label, number>, total: number): Map<Label, number> {
  const entries = [...prior.entries()];
  const mass = entries.reduce((s, [, p]) => s + p, 0);
  if (!(mass > 0)) throw new UlasanError('INVALID_ARGUMENT', 'classPrior must have positive total mass.');
  const exact = entries.map(([label, p]) => ({ label, value: (p / mass) * total }));
  const quotas = new Map<Label, number>(exact.map((e) => [e.label, Math.floor(e.value)]));
  let left = total - [...quotas.values()].reduce((s, q) => s + q, 0);
  const order = [...exact].sort((a, b) => b.value - Math.floor(b.value) - (a.value - Math.floor(a.value)));
  for (let i = 0; left > 0; i = (i + 1) % order.length, left--) {
    const label = order[i]!.label;
    quotas.set(label, (quotas.get(label) ?? 0) + 1);
  }
  return quotas;
}

function byConfidence(a: Candidate, b: Candidate): number {
  return b.confidence - a.confidence || a.index - b.index;
}
