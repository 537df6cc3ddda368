/**
 * The public seeded random generator (every random component takes a `seed`). Implemented in
 * `src/internal/random.ts`; exported from here.
 */
export { Random } from '../internal/random.js';
