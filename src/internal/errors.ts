/**
 * Errors thrown by ulasan. Every error has a stable `code` and `name`, says what was expected,
 * what was found and what to do next, and keeps the underlying error as `cause`.
 *
 * With dual ESM/CJS builds `instanceof` fails across the two copies of this class, so use
 * {@link UlasanError.isInstance} (it checks a global symbol brand, not the prototype chain).
 */

const BRAND = Symbol.for('ulasan.error');

/** Machine-readable error codes. Stable across versions; new codes may be added. */
export type UlasanErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_DATA'
  | 'SHAPE_MISMATCH'
  | 'NOT_FITTED'
  | 'MISSING_DEPENDENCY'
  | 'BACKEND_UNAVAILABLE'
  | 'UNKNOWN_BACKEND'
  | 'FILE_NOT_FOUND'
  | 'FILE_FORMAT'
  /** A file could not be written: no space left, no permission, read-only file system. */
  | 'FILE_WRITE'
  | 'UNSUPPORTED_VERSION'
  | 'ABORTED'
  | 'NUMERICAL'
  | 'CONFIG';

/**
 * Base class of all ulasan errors.
 *
 * @example
 * ```ts
 * try { await model.predict(['bagus']); }
 * catch (e) { if (UlasanError.isInstance(e) && e.code === 'NOT_FITTED') console.error(e.message); }
 * ```
 */
export class UlasanError extends Error {
  /** Stable machine-readable code. */
  readonly code: UlasanErrorCode;
  readonly [BRAND] = true;

  constructor(code: UlasanErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = 'UlasanError';
  }

  /** True for any ulasan error, from either the ESM or the CJS build. */
  static isInstance(value: unknown): value is UlasanError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** Thrown by `predict`/`transform` before `fit` (scikit-learn's NotFittedError). */
export class NotFittedError extends UlasanError {
  constructor(what: string) {
    super('NOT_FITTED', `${what} is not fitted yet: call fit() (or load a saved model) before using it.`);
    this.name = 'NotFittedError';
  }
}

/** Thrown when an optional peer package (sharp, @tensorflow/tfjs-node, webgpu, ...) is not installed. */
export class MissingDependencyError extends UlasanError {
  /** The npm package that is missing. */
  readonly packageName: string;
  constructor(packageName: string, purpose: string, cause?: unknown) {
    super(
      'MISSING_DEPENDENCY',
      `${purpose} needs the optional package "${packageName}", which is not installed. Install it with: npm install ${packageName}`,
      { cause },
    );
    this.name = 'MissingDependencyError';
    this.packageName = packageName;
  }
}

/** Thrown when a long job is cancelled through its `AbortSignal`. */
export class AbortError extends UlasanError {
  constructor(what = 'The operation') {
    super('ABORTED', `${what} was cancelled.`);
    this.name = 'AbortError';
  }
}

/** Shorthand for an `INVALID_ARGUMENT` error. */
export function invalidArgument(message: string, cause?: unknown): UlasanError {
  return new UlasanError('INVALID_ARGUMENT', message, { cause });
}

/** Throws {@link AbortError} when `signal` is aborted. Call it between batches, epochs and iterations. */
export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw new AbortError(what);
}
