/**
 * Dataset-level cleaning that the seeds run before any text step: drop missing/empty rows and drop
 * duplicates. Both return the indices they kept, so labels (or any parallel column) stay aligned:
 * `labels = result.kept.map((i) => labels[i])`.
 */
import { invalidArgument } from '../../internal/errors.js';
import { describeValue, toWellFormed } from './text-input.js';

/** Why a row was dropped. */
export type DropReason = 'missing' | 'not-text' | 'empty' | 'exact-duplicate' | 'normalized-duplicate';

/** What {@link dropEmpty} and {@link dropDuplicates} return. */
export interface DropResult {
  /** The rows kept, in their original order. */
  texts: string[];
  /** Original index of every kept row (`texts[k]` came from `input[kept[k]]`). */
  kept: number[];
  /** How many rows were dropped. */
  dropped: number;
  /** Dropped rows per reason. */
  reasons: Partial<Record<DropReason, number>>;
  /** Every dropped row: its original index, why, and for duplicates the index of the row it repeats. */
  droppedRows: Array<{ index: number; reason: DropReason; duplicateOf?: number }>;
}

/**
 * Drops `null`/`undefined` (reason `missing`), non-string values such as numbers (`not-text`) and
 * strings that are empty or only whitespace (`empty`).
 *
 * @example
 * ```ts
 * const r = dropEmpty(['bagus', null, '  ', 'jelek']);
 * r.texts; // ['bagus', 'jelek']
 * r.kept; // [0, 3]
 * r.reasons; // { missing: 1, empty: 1 }
 * ```
 */
export function dropEmpty(texts: Iterable<unknown>): DropResult {
  if (
    texts === null ||
    texts === undefined ||
    typeof (texts as Iterable<unknown>)[Symbol.iterator] !== 'function' ||
    typeof texts === 'string'
  ) {
    throw invalidArgument(`dropEmpty() expects an array (or iterable) of texts, got ${describeValue(texts)}.`);
  }
  const result = emptyResult();
  let i = 0;
  for (const value of texts) {
    let reason: DropReason | undefined;
    if (value === null || value === undefined) reason = 'missing';
    else if (typeof value !== 'string') reason = 'not-text';
    else if (value.trim() === '') reason = 'empty';
    if (reason) drop(result, i, reason);
    else {
      result.texts.push(value as string);
      result.kept.push(i);
    }
    i++;
  }
  return result;
}

/** Options of {@link dropDuplicates}. */
export interface DropDuplicatesOptions {
  /**
   * Also treat texts as duplicates when they are equal after normalization. `true` uses
   * {@link duplicateKey} (NFKC, lower case, punctuation and repeated whitespace removed); a function
   * supplies your own key. Default `false` (exact duplicates only).
   */
  normalize?: boolean | ((text: string) => string);
}

/**
 * The default normalization of {@link dropDuplicates}: NFKC, lower case, every run of non-letters and
 * non-digits collapsed into one space, trimmed. `"Bagus!!"` and `"bagus"` share a key.
 */
export function duplicateKey(text: string): string {
  return toWellFormed(text)
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Drops repeated texts, keeping the first occurrence. Exact repeats are counted as
 * `exact-duplicate`; with `normalize`, texts that differ only after normalization are counted as
 * `normalized-duplicate`.
 *
 * @example
 * ```ts
 * const r = dropDuplicates(['Bagus!', 'jelek', 'Bagus!', 'bagus'], { normalize: true });
 * r.texts; // ['Bagus!', 'jelek']
 * r.reasons; // { 'exact-duplicate': 1, 'normalized-duplicate': 1 }
 * r.droppedRows[1]; // { index: 3, reason: 'normalized-duplicate', duplicateOf: 0 }
 * ```
 */
export function dropDuplicates(texts: readonly string[], options: DropDuplicatesOptions = {}): DropResult {
  if (!Array.isArray(texts))
    throw invalidArgument(`dropDuplicates() expects an array of texts, got ${describeValue(texts)}.`);
  const key =
    options.normalize === true ? duplicateKey : typeof options.normalize === 'function' ? options.normalize : undefined;
  const result = emptyResult();
  const exact = new Map<string, number>();
  const normalized = new Map<string, number>();
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    if (typeof text !== 'string') {
      throw invalidArgument(
        `dropDuplicates() expects strings, but text #${i} is ${describeValue(text)}. Run dropEmpty() first.`,
      );
    }
    const first = exact.get(text);
    if (first !== undefined) {
      drop(result, i, 'exact-duplicate', first);
      continue;
    }
    if (key) {
      const k = key(text);
      if (typeof k !== 'string') throw invalidArgument('dropDuplicates() normalize function must return a string.');
      const firstNorm = normalized.get(k);
      if (firstNorm !== undefined) {
        drop(result, i, 'normalized-duplicate', firstNorm);
        continue;
      }
      normalized.set(k, i);
    }
    exact.set(text, i);
    result.texts.push(text);
    result.kept.push(i);
  }
  return result;
}

function emptyResult(): DropResult {
  return { texts: [], kept: [], dropped: 0, reasons: {}, droppedRows: [] };
}

function drop(result: DropResult, index: number, reason: DropReason, duplicateOf?: number): void {
  result.dropped++;
  result.reasons[reason] = (result.reasons[reason] ?? 0) + 1;
  result.droppedRows.push(duplicateOf === undefined ? { index, reason } : { index, reason, duplicateOf });
}
