/**
 * Vocabulary for Word2Vec: counting (with gensim's pruning under `maxVocabSize`), the final
 * frequency-sorted vocabulary, subsampling thresholds, the negative-sampling distribution (an
 * alias table: O(1) draws in 8 bytes per word, instead of word2vec.c's 400 MB unigram table) and the
 * Huffman tree for hierarchical softmax.
 */
import { UlasanError } from '../../internal/errors.js';

/** Word counts gathered in one pass, in first-seen order. */
export class VocabCounter {
  /** word → slot in `words`/`counts` (only words still alive after pruning). */
  readonly slots = new Map<string, number>();
  /** Every word ever given a slot, in first-seen order (pruned ones included). */
  words: string[] = [];
  counts = new Float64Array(1024);
  /** Tokens seen (including words pruned or later dropped by minCount). */
  totalWords = 0;
  sentences = 0;
  /** True once {@link VocabCounter.prune} forgot words (their old slots then name words that may come back). */
  pruned = false;
  private minReduce = 1;

  constructor(private readonly maxVocabSize: number | null) {}

  /**
   * A counter holding counts gathered elsewhere (the byte-level file pass): `words` in first-seen
   * order with their `counts` (at least `words.length` long; slot = index), as {@link add} leaves them.
   */
  static of(words: string[], counts: Float64Array<ArrayBuffer>, totalWords: number, sentences: number): VocabCounter {
    const counter = new VocabCounter(null);
    for (let i = 0; i < words.length; i++) counter.slots.set(words[i] as string, i);
    counter.words = words;
    counter.counts = counts;
    counter.totalWords = totalWords;
    counter.sentences = sentences;
    return counter;
  }

  /** Counts one sentence and writes the slot of each token to `out` from `at` (the in-memory corpus cache). */
  add(tokens: readonly string[], out?: Int32Array, at = 0): void {
    const slots = this.slots;
    for (let i = 0; i < tokens.length; i++) {
      const w = tokens[i] as string;
      let slot = slots.get(w);
      if (slot === undefined) {
        slot = this.words.length;
        // A token cut from a long line (13+ characters, V8's sliced-string threshold) points into
        // the whole line or file chunk: keep an own copy so the vocabulary never pins the corpus.
        const own = w.length >= 13 ? ownCopy(w) : w;
        this.words.push(own);
        slots.set(own, slot);
        if (slot >= this.counts.length) {
          const grown = new Float64Array(this.counts.length * 2);
          grown.set(this.counts);
          this.counts = grown;
        }
      }
      this.counts[slot]++;
      if (out) out[at + i] = slot;
    }
    this.totalWords += tokens.length;
    this.sentences++;
    if (this.maxVocabSize !== null && slots.size > this.maxVocabSize) this.prune();
  }

  /** gensim's `prune_vocab`: forget words seen fewer than `minReduce` times, then raise `minReduce`. */
  private prune(): void {
    const counts = this.counts;
    const slots = this.slots;
    const minReduce = this.minReduce;
    slots.forEach((slot, w) => {
      if ((counts[slot] as number) < minReduce) {
        slots.delete(w);
        counts[slot] = 0;
      }
    });
    this.pruned = true;
    this.minReduce++;
  }
}

/** A flat copy of a string that shares no storage with the string it was cut from. */
function ownCopy(s: string): string {
  // A JSON round trip rebuilds the string from its characters (lone surrogates included).
  return JSON.parse(JSON.stringify(s)) as string;
}

/** The final vocabulary, most frequent word first. */
export interface Vocabulary {
  words: string[];
  counts: Float64Array;
  index: Map<string, number>;
}

/**
 * Builds the final vocabulary from counts: drops words under the effective minCount (raised by
 * `maxFinalVocab` as gensim does) and sorts by descending count, ties in first-seen order.
 *
 * Consumes the counter to keep the peak low on large vocabularies: its map becomes the
 * vocabulary's index in place (no second map of every word), and its word list and counts are
 * released. Returns `remap`, slot → vocabulary id (-1 for dropped words), for the corpus cache.
 */
export function finalizeVocabulary(
  counter: VocabCounter,
  minCount: number,
  maxFinalVocab: number | null,
  corpusName: string,
): { vocab: Vocabulary; remap: Int32Array } {
  const slots = counter.slots;
  const counts = counter.counts;
  if (slots.size === 0 || counter.totalWords === 0) {
    throw new UlasanError(
      'INVALID_DATA',
      `The Word2Vec corpus (${corpusName}) is empty: ${counter.sentences} sentences, no tokens. Pass sentences as token arrays, lines of text, or a file with one sentence per line.`,
    );
  }
  let effectiveMin = minCount;
  let top = 0;
  for (const slot of slots.values()) top = Math.max(top, counts[slot] as number);
  if (maxFinalVocab !== null && maxFinalVocab < slots.size) {
    // gensim: the count of the (maxFinalVocab+1)-th most frequent word, plus one.
    const sorted = new Float64Array(slots.size);
    let n = 0;
    for (const slot of slots.values()) sorted[n++] = counts[slot] as number;
    sorted.sort().reverse();
    effectiveMin = Math.max(minCount, (sorted[maxFinalVocab] as number) + 1);
  }
  let k = 0;
  for (const slot of slots.values()) if ((counts[slot] as number) >= effectiveMin) k++;
  if (k === 0) {
    throw new UlasanError(
      'INVALID_DATA',
      `No word of the Word2Vec corpus (${corpusName}, ${counter.totalWords} tokens, ${slots.size} distinct) occurs at least minCount=${effectiveMin} times (the most frequent occurs ${top} times). Lower minCount or use a larger corpus.`,
    );
  }
  // Map iteration is insertion order, and slots are handed out in insertion order: ascending.
  const kept = new Int32Array(k);
  k = 0;
  for (const slot of slots.values()) if ((counts[slot] as number) >= effectiveMin) kept[k++] = slot;
  kept.sort((a, b) => (counts[b] as number) - (counts[a] as number) || a - b);
  const remap = new Int32Array(counter.words.length).fill(-1);
  const words = new Array<string>(k);
  const vocabCounts = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const slot = kept[i] as number;
    remap[slot] = i;
    words[i] = counter.words[slot] as string;
    vocabCounts[i] = counts[slot] as number;
  }
  slots.forEach((slot, w) => {
    const id = remap[slot] as number;
    if (id < 0) slots.delete(w);
    else slots.set(w, id);
  });
  if (counter.pruned) {
    // Slots forgotten by pruning still occur in the corpus cache: they are their word, if it came back.
    for (let s = 0; s < remap.length; s++) {
      if (remap[s] === -1) remap[s] = slots.get(counter.words[s] as string) ?? -1;
    }
  }
  counter.words = [];
  counter.counts = new Float64Array(0);
  return { vocab: { words, counts: vocabCounts, index: slots }, remap };
}
/** Builds a vocabulary from saved words and counts (resume). */
export function vocabularyFrom(words: string[], counts: ArrayLike<number>): Vocabulary {
  return { words, counts: Float64Array.from(counts), index: new Map(words.map((w, i) => [w, i])) };
}

/**
 * Keep-thresholds for frequent-word subsampling, as gensim's `prepare_vocab`: a word is kept with
 * probability `(sqrt(c / t) + 1) * t / c` where `t = sample * total`, stored as a 32-bit threshold
 * (in `out` when given, e.g. a view of the training memory).
 */
export function subsampleThresholds(
  counts: Float64Array,
  sample: number,
  out: Uint32Array<ArrayBufferLike> = new Uint32Array(counts.length),
): Uint32Array<ArrayBufferLike> {
  let total = 0;
  for (const c of counts) total += c;
  const t = sample === 0 ? total : sample < 1 ? sample * total : Math.floor((sample * (3 + Math.sqrt(5))) / 2);
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] as number;
    const p = sample === 0 ? 1 : (Math.sqrt(c / t) + 1) * (t / c);
    out[i] = p >= 1 ? 0xffffffff : Math.floor(p * 2 ** 32);
  }
  return out;
}

/**
 * Vose's alias table for drawing negatives with probability proportional to `count ** power`:
 * draw a uniform slot `i`, keep it when a 32-bit uniform is below `prob[i]`, else take `alias[i]`.
 * Writes into `prob`/`alias` when given (views of the training memory: no second copy).
 */
export function aliasTable(
  counts: Float64Array,
  power: number,
  prob: Uint32Array<ArrayBufferLike> = new Uint32Array(counts.length),
  alias: Int32Array<ArrayBufferLike> = new Int32Array(counts.length),
): { prob: Uint32Array<ArrayBufferLike>; alias: Int32Array<ArrayBufferLike> } {
  const n = counts.length;
  const scaled = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += scaled[i] = (counts[i] as number) ** power;
  for (let i = 0; i < n; i++) scaled[i] = ((scaled[i] as number) * n) / sum;
  // The "small" and "large" stacks share one array: every index is on exactly one of them, so
  // small grows up from the start and large down from the end.
  const stack = new Int32Array(n);
  let small = 0;
  let large = n;
  for (let i = n - 1; i >= 0; i--) {
    if ((scaled[i] as number) < 1) stack[small++] = i;
    else stack[--large] = i;
  }
  while (small > 0 && large < n) {
    const s = stack[--small] as number;
    const l = stack[large++] as number;
    prob[s] = Math.min(0xffffffff, Math.floor((scaled[s] as number) * 2 ** 32));
    alias[s] = l;
    scaled[l] = (scaled[l] as number) + (scaled[s] as number) - 1;
    if ((scaled[l] as number) < 1) stack[small++] = l;
    else stack[--large] = l;
  }
  for (let j = 0; j < small; j++) {
    const i = stack[j] as number;
    prob[i] = 0xffffffff;
    alias[i] = i;
  }
  for (let j = large; j < n; j++) {
    const i = stack[j] as number;
    prob[i] = 0xffffffff;
    alias[i] = i;
  }
  return { prob, alias };
}

/**
 * The Huffman tree for hierarchical softmax, built exactly as gensim builds it (Python's `heapq`
 * algorithm over nodes compared by count only, so ties resolve as in gensim and the trees are
 * identical): for each word its code (branch bits from the root) and points (inner-node rows of
 * `syn1`), stored compactly (offsets into shared arrays).
 */
export function huffmanTree(counts: Float64Array): { offsets: Int32Array; codes: Uint8Array; points: Int32Array } {
  const v = counts.length;
  const offsets = new Int32Array(v + 1);
  if (v < 2) return { offsets, codes: new Uint8Array(0), points: new Int32Array(0) };
  const count = new Float64Array(2 * v);
  count.set(counts);
  const parent = new Int32Array(2 * v);
  const binary = new Uint8Array(2 * v);
  const heap = new Int32Array(2 * v);
  let size = 0;
  const lt = (a: number, b: number) => (count[a] as number) < (count[b] as number);
  // heapq._siftdown
  const siftDown = (start: number, pos: number) => {
    const item = heap[pos] as number;
    while (pos > start) {
      const pp = (pos - 1) >> 1;
      const p = heap[pp] as number;
      if (!lt(item, p)) break;
      heap[pos] = p;
      pos = pp;
    }
    heap[pos] = item;
  };
  // heapq._siftup
  const siftUp = (pos: number) => {
    const start = pos;
    const item = heap[pos] as number;
    let child = 2 * pos + 1;
    while (child < size) {
      const right = child + 1;
      if (right < size && !lt(heap[child] as number, heap[right] as number)) child = right;
      heap[pos] = heap[child] as number;
      pos = child;
      child = 2 * pos + 1;
    }
    heap[pos] = item;
    siftDown(start, pos);
  };
  const pop = () => {
    const last = heap[--size] as number;
    if (size === 0) return last;
    const top = heap[0] as number;
    heap[0] = last;
    siftUp(0);
    return top;
  };
  const push = (node: number) => {
    heap[size++] = node;
    siftDown(0, size - 1);
  };
  for (let i = 0; i < v; i++) heap[i] = i;
  size = v;
  for (let i = (v >> 1) - 1; i >= 0; i--) siftUp(i);
  for (let a = 0; a < v - 1; a++) {
    const min1 = pop();
    const min2 = pop();
    count[v + a] = (count[min1] as number) + (count[min2] as number);
    parent[min1] = v + a;
    parent[min2] = v + a;
    binary[min2] = 1;
    push(v + a);
  }
  const root = 2 * v - 2;
  const lengths = new Int32Array(v);
  let total = 0;
  for (let a = 0; a < v; a++) {
    let len = 0;
    for (let b = a; b !== root; b = parent[b] as number) len++;
    lengths[a] = len;
    offsets[a] = total;
    total += len;
  }
  offsets[v] = total;
  const codes = new Uint8Array(total);
  const points = new Int32Array(total);
  for (let a = 0; a < v; a++) {
    const len = lengths[a] as number;
    const off = offsets[a] as number;
    // Walk leaf → root, filling from the end so codes/points read root → leaf.
    let i = len - 1;
    for (let b = a; b !== root; b = parent[b] as number, i--) {
      codes[off + i] = binary[b] as number;
      points[off + i] = (parent[b] as number) - v;
    }
  }
  return { offsets, codes, points };
}
