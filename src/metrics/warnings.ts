/**
 * scikit-learn's metric warnings (`UndefinedMetricWarning`, `UserWarning`, numpy's
 * `RuntimeWarning`), delivered to a callback or to `process.emitWarning`.
 */

/** The kind of warning, named as in scikit-learn / numpy. */
export type MetricWarningName = 'UndefinedMetricWarning' | 'UserWarning' | 'RuntimeWarning';

/** A warning raised while computing a metric (the value is still returned). */
export interface MetricWarning {
  /** scikit-learn's warning class name. */
  name: MetricWarningName;
  /** The warning text (scikit-learn's wording where it has one). */
  message: string;
}

/**
 * Option accepted by every metric that can warn. Without `onWarning`, warnings go to
 * `process.emitWarning(message, name)` (printed once per process by Node unless silenced), or to
 * `console.warn` where there is no `process`.
 */
export interface WarningOptions {
  /** Receives each warning instead of `process.emitWarning`. Pass `() => {}` to silence them. */
  onWarning?: (warning: MetricWarning) => void;
}

/** @internal */
export function emitMetricWarning(options: WarningOptions | undefined, name: MetricWarningName, message: string): void {
  if (options?.onWarning) {
    options.onWarning({ name, message });
    return;
  }
  const proc = (globalThis as { process?: { emitWarning?: (m: string, t: string) => void } }).process;
  if (proc?.emitWarning) proc.emitWarning(message, name);
  else console.warn(`${name}: ${message}`);
}
