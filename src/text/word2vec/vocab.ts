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
  readonly words: string[] = [];
  counts = new Float64Array(1024);
  /** Tokens seen (including words pruned or later dropped by minCount). */
  totalWords = 0;
  sentences = 0;
  private minReduce = 1;

  constructor(private readonly maxVocabSize: number | null) {}

  /** Counts one sentence and returns the slot of each token (for the in-memory corpus cache). */
  add(tokens: readonly string[], out?: Int32Array): void {
    const slots = this.slots;
    for (let i = 0; i < tokens.length; i++) {
      const w = tokens[i] as string;
      let slot = slots.get(w);
      if (slot === undefined) {
        slot = this.words.length;
        this.words.push(w);
        slots.set(w, slot);
        if (slot >= this.counts.length) {
          const grown = new Float64Array(this.counts.length * 2);
          grown.set(this.counts);
          this.counts = grown;
        }
      }
      this.counts[slot]++;
      if (out) out[i] = slot;
    }
    this.totalWords += tokens.length;
    this.sentences++;
    if (this.maxVocabSize !== null && slots.size > this.maxVocabSize) this.prune();
  }

  /** gensim's `prune_vocab`: forget words seen fewer than `minReduce` times, then raise `minReduce`. */
  private prune(): void {
    for (const [w, slot] of this.slots) {
      if ((this.counts[slot] as number) < this.minReduce) {
        this.slots.delete(w);
        this.counts[slot] = 0;
      }
    }
    this.minReduce++;
  }
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
 */
export function finalizeVocabulary(
  counter: VocabCounter,
  minCount: number,
  maxFinalVocab: number | null,
  corpusName: string,
): Vocabulary {
  const alive = [...counter.slots.values()].sort((a, b) => a - b);
  if (alive.length === 0 || counter.totalWords === 0) {
    throw new UlasanError(
      'INVALID_DATA',
      `The Word2Vec corpus (${corpusName}) is empty: ${counter.sentences} sentences, no tokens. Pass sentences as token arrays, lines of text, or a file with one sentence per line.`,
    );
  }
  const byCount = alive.sort((a, b) => (counter.counts[b] as number) - (counter.counts[a] as number) || a - b);
  let effectiveMin = minCount;
  if (maxFinalVocab !== null && maxFinalVocab < byCount.length) {
    effectiveMin = Math.max(minCount, (counter.counts[byCount[maxFinalVocab] as number] as number) + 1);
  }
  const kept = byCount.filter((slot) => (counter.counts[slot] as number) >= effectiveMin);
  if (kept.length === 0) {
    const top = counter.counts[byCount[0] as number];
    throw new UlasanError(
      'INVALID_DATA',
      `No word of the Word2Vec corpus (${corpusName}, ${counter.totalWords} tokens, ${alive.length} distinct) occurs at least minCount=${effectiveMin} times (the most frequent occurs ${top} times). Lower minCount or use a larger corpus.`,
    );
  }
  const words = kept.map((slot) => counter.words[slot] as string);
  const counts = Float64Array.from(kept, (slot) => counter.counts[slot] as number);
  return { words, counts, index: new Map(words.map((w, i) => [w, i])) };
}

/** Builds a vocabulary from saved words and counts (resume). */
export function vocabularyFrom(words: string[], counts: ArrayLike<number>): Vocabulary {
  return { words, counts: Float64Array.from(counts), index: new Map(words.map((w, i) => [w, i])) };
}

/**
 * Keep-thresholds for frequent-word subsampling, as gensim's `prepare_vocab`: a word is kept with
 * probability `(sqrt(c / t) + 1) * t / c` where `t = sample * total`, stored as a 32-bit threshold.
 */
export function subsampleThresholds(counts: Float64Array, sample: number): Uint32Array {
  const out = new Uint32Array(counts.length);
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
 */
export function aliasTable(counts: Float64Array, power: number): { prob: Uint32Array; alias: Int32Array } {
  const n = counts.length;
  const weights = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i] = (counts[i] as number) ** power;
  const scaled = new Float64Array(n);
  for (let i = 0; i < n; i++) scaled[i] = ((weights[i] as number) * n) / sum;
  const prob = new Uint32Array(n);
  const alias = new Int32Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = n - 1; i >= 0; i--) ((scaled[i] as number) < 1 ? small : large).push(i);
  while (small.length > 0 && large.length > 0) {
    const s = small.pop() as number;
    const l = large.pop() as number;
    prob[s] = Math.min(0xffffffff, Math.floor((scaled[s] as number) * 2 ** 32));
    alias[s] = l;
    scaled[l] = (scaled[l] as number) + (scaled[s] as number) - 1;
    ((scaled[l] as number) < 1 ? small : large).push(l);
  }
  for (const i of [...small, ...large]) {
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
