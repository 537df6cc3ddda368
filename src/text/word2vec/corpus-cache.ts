/**
 * The in-memory corpus cache of the counting pass: every sentence as slot ids (4 bytes a token),
 * kept for the epochs so that no epoch re-reads and re-tokenizes the corpus. Chunks grow from
 * 64 Ki to 1 Mi ids (no doubling copies of the whole corpus); a sentence never spans two chunks.
 * The trainer later remaps the slot ids in place to vocabulary ids and cuts jobs as views.
 */

/** The cached corpus: chunks of slot ids, with the length of each sentence (empty ones included). */
export interface CorpusCache {
  chunks: { ids: Int32Array; length: number; lens: number[] }[];
}

const FIRST_CHUNK = 1 << 16;
const MAX_CHUNK = 1 << 20;

/** Appends sentences to a {@link CorpusCache}: {@link reserve} room, write the ids, {@link commit}. */
export class CorpusCacheWriter {
  readonly cache: CorpusCache = { chunks: [] };
  private chunk: CorpusCache['chunks'][number] | undefined;

  /** The array and offset where a sentence of `n` tokens is to be written. */
  reserve(n: number): { ids: Int32Array; at: number } {
    let chunk = this.chunk;
    if (!chunk || chunk.length + n > chunk.ids.length) {
      const size = Math.max(chunk ? Math.min(chunk.ids.length * 2, MAX_CHUNK) : FIRST_CHUNK, n);
      chunk = { ids: new Int32Array(size), length: 0, lens: [] };
      this.cache.chunks.push(chunk);
      this.chunk = chunk;
    }
    return { ids: chunk.ids, at: chunk.length };
  }

  /** Records the sentence of `n` ids just written where {@link reserve} said. */
  commit(n: number): void {
    const chunk = this.chunk as CorpusCache['chunks'][number];
    chunk.length += n;
    chunk.lens.push(n);
  }

  /** Copies a sentence of `n` ids from `ids`. */
  add(ids: Int32Array, n: number): void {
    const { ids: into, at } = this.reserve(n);
    into.set(n === ids.length ? ids : ids.subarray(0, n), at);
    this.commit(n);
  }
}
