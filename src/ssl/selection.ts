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

/**
 * How class-balanced selection ({@link SelectionRule.classPrior}) splits an iteration's pseudo-labels:
 * - `'cap'` (the default): each class gets its prior share of a budget that the scarcest class can
 *   still fill from the candidates passing its threshold, so the iteration's labels keep the prior
 *   (within one sample per class of rounding). When the minority rarely passes, the majority is
 *   capped by what the minority supplies; when a class supplies nothing, nothing is taken.
 * - `'fill'`: per-class top-k: each class takes its prior share of the budget, most confident first;
 *   what a class cannot fill goes to the most confident of the others. Used by the `exhaust`
 *   fallback so the pool always empties.
 * - `'proportional'` (the behaviour before 0.x): quotas are shares of everything that passes and a
 *   class short of its quota leaves it unused. It does NOT keep the prior when one class rarely
 *   passes (1,684 positive vs 49 negative from a 64/36 prior on SmSA), so prefer `'cap'`.
 */
export type BalancePolicy = 'cap' | 'fill' | 'proportional';

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
  /** How `classPrior` is applied (default `'cap'`), see {@link BalancePolicy}. */
  balancePolicy?: BalancePolicy;
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
 *
 * @example
 * ```ts
 * const pool = [
 *   { index: 0, label: 'pos', confidence: 0.99 },
 *   { index: 1, label: 'pos', confidence: 0.95 },
 *   { index: 2, label: 'neg', confidence: 0.93 },
 *   { index: 3, label: 'pos', confidence: 0.92 },
 * ];
 * // Prior 1:1, 'cap': the single passing negative caps the positives at one.
 * selectCandidates(pool, { threshold: 0.9, classPrior: new Map([['pos', 1], ['neg', 1]]) });
 * // → indices 0 and 2
 * ```
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

  const policy = rule.balancePolicy ?? 'cap';
  if (!['cap', 'fill', 'proportional'].includes(policy)) {
    throw new UlasanError(
      'INVALID_ARGUMENT',
      `balancePolicy must be 'cap', 'fill' or 'proportional', got "${String(policy)}".`,
    );
  }
  let budget = rule.topK === undefined ? passing.length : Math.min(rule.topK, passing.length);
  if (policy === 'cap') budget = Math.min(budget, cappedBudget(rule.classPrior, passing));
  const quotas = largestRemainderQuotas(rule.classPrior, budget);
  const taken = new Map<Label, number>();
  const chosen: Candidate[] = [];
  const rest: Candidate[] = [];
  for (const c of passing) {
    const used = taken.get(c.label) ?? 0;
    if (used < (quotas.get(c.label) ?? 0)) {
      chosen.push(c);
      taken.set(c.label, used + 1);
    } else rest.push(c);
  }
  if (policy === 'fill' && chosen.length < budget) {
    chosen.push(...rest.slice(0, budget - chosen.length));
    chosen.sort(byConfidence);
  }
  return chosen;
}

/**
 * The largest budget whose prior shares every class can fill from the passing candidates:
 * `min_c floor(passing_c / share_c)` over the classes with a positive prior.
 */
function cappedBudget(prior: ReadonlyMap<Label, number>, passing: readonly Candidate[]): number {
  const supply = new Map<Label, number>();
  for (const c of passing) supply.set(c.label, (supply.get(c.label) ?? 0) + 1);
  const mass = [...prior.values()].reduce((s, p) => s + p, 0);
  let budget = Number.POSITIVE_INFINITY;
  for (const [label, p] of prior) {
    if (!(p > 0)) continue;
    // A tiny epsilon keeps exact ratios (e.g. 36 / 0.36) from rounding down by one.
    budget = Math.min(budget, Math.floor(((supply.get(label) ?? 0) * mass) / p + 1e-9));
  }
  return Number.isFinite(budget) ? budget : 0;
}

/**
 * Splits `total` into integer quotas proportional to `prior` (Hamilton's largest-remainder method).
 *
 * @example
 * ```ts
 * largestRemainderQuotas(new Map([['a', 2], ['b', 1]]), 10); // Map { 'a' => 7, 'b' => 3 }
 * ```
 */
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
