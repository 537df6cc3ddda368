/** The installed ulasan version. Implemented in `src/internal/version.ts`; exported from here. */
export { ulasanVersion } from '../internal/version.js';
