/**
 * Keras' `pad_sequences`: equal-length id sequences for recurrent and convolutional models.
 */
import { invalidArgument } from '../../internal/errors.js';

/** Options of {@link padSequences}. */
export interface PadSequencesOptions {
  /** Output length (default: the longest sequence). */
  maxLen?: number;
  /** Where to add padding: `'pre'` (default, like Keras) or `'post'`. */
  padding?: 'pre' | 'post';
  /** Which end to cut from sequences longer than `maxLen`: `'pre'` (default, like Keras) or `'post'`. */
  truncating?: 'pre' | 'post';
  /** Padding value (default 0, the `<pad>` id of a default {@link Vocabulary}). */
  value?: number;
}

/**
 * Pads or truncates id sequences to one length, with Keras' semantics (`pre` by default for both).
 *
 * @example
 * ```ts
 * padSequences([[5, 6, 7], [8]], { maxLen: 2 });                   // [[6, 7], [0, 8]]
 * padSequences([[5, 6, 7], [8]], { maxLen: 2, padding: 'post', truncating: 'post' }); // [[5, 6], [8, 0]]
 * ```
 */
export function padSequences(sequences: readonly ArrayLike<number>[], options: PadSequencesOptions = {}): number[][] {
  const padding = options.padding ?? 'pre';
  const truncating = options.truncating ?? 'pre';
  if (padding !== 'pre' && padding !== 'post')
    throw invalidArgument(`padSequences: padding must be 'pre' or 'post', got "${padding}".`);
  if (truncating !== 'pre' && truncating !== 'post') {
    throw invalidArgument(`padSequences: truncating must be 'pre' or 'post', got "${truncating}".`);
  }
  const value = options.value ?? 0;
  let maxLen = options.maxLen;
  if (maxLen === undefined) {
    maxLen = 0;
    for (const s of sequences) maxLen = Math.max(maxLen, s.length);
  } else if (!Number.isInteger(maxLen) || maxLen < 0) {
    throw invalidArgument(`padSequences: maxLen must be a non-negative integer, got ${maxLen}.`);
  }
  const out: number[][] = [];
  for (const seq of sequences) {
    const row = new Array<number>(maxLen).fill(value);
    const n = seq.length;
    const take = Math.min(n, maxLen);
    const start = truncating === 'pre' ? n - take : 0;
    const offset = padding === 'pre' ? maxLen - take : 0;
    for (let i = 0; i < take; i++) row[offset + i] = seq[start + i]!;
    out.push(row);
  }
  return out;
}
