/**
 * The public error vocabulary: every error ulasan throws is a {@link UlasanError} with a stable
 * `code` (check with `UlasanError.isInstance(e)`, which works across the ESM and CommonJS copies).
 * The implementation lives in `src/internal/errors.ts` (with the helpers the library uses to raise
 * them); this module is what the barrels export, since `internal/` is never exported directly.
 */
export {
  AbortError,
  MissingDependencyError,
  NotFittedError,
  UlasanError,
  type UlasanErrorCode,
} from '../internal/errors.js';
