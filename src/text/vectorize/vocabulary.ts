/**
 * A token vocabulary for sequence models: token ↔ id, built from tokenized texts by frequency.
 */
import { invalidArgument, UlasanError } from '../../internal/errors.js';

/** Options of {@link Vocabulary.build}. */
export interface VocabularyOptions {
  /** Keep tokens seen at least this many times (default 1). */
  minCount?: number;
  /** Keep at most this many entries in total, special tokens included (default: no limit). */
  maxSize?: number;
  /** Padding token, or `null` for none (default `'<pad>'`, id 0: Keras' `mask_zero` convention). */
  padToken?: string | null;
  /** Out-of-vocabulary token, or `null` to drop unknown tokens in `encode` (default `'<unk>'`, id 1). */
  unkToken?: string | null;
}

/** The serialized form of a {@link Vocabulary}. */
export interface VocabularyJSON {
  format: 'ulasan-vocabulary';
  version: 1;
  /** All tokens in id order, special tokens first. */
  tokens: string[];
  /** Training frequency of each token (0 for special tokens), aligned with `tokens`. */
  counts: number[];
  padToken: string | null;
  unkToken: string | null;
}

/**
 * Maps tokens to integer ids. Special tokens come first (`<pad>` = 0, `<unk>` = 1 by default), then
 * tokens by descending frequency; ties are broken by code-point order of the token, so the same
 * corpus always yields the same ids whatever the document order.
 *
 * @example
 * ```ts
 * const vocab = Vocabulary.build([['enak', 'sekali'], ['tidak', 'enak']], { minCount: 1 });
 * vocab.encode(['enak', 'banget']); // [2, 1]  (banget is unknown → <unk>)
 * vocab.decode([2, 1]);             // ['enak', '<unk>']
 * ```
 */
export class Vocabulary {
  private readonly ids = new Map<string, number>();

  private constructor(
    /** All tokens in id order. */
    readonly tokens: readonly string[],
    private readonly counts: readonly number[],
    /** The padding token, if any. */
    readonly padToken: string | null,
    /** The out-of-vocabulary token, if any. */
    readonly unkToken: string | null,
  ) {
    tokens.forEach((t, i) => {
      if (this.ids.has(t)) throw invalidArgument(`Vocabulary: token "${t}" appears twice; tokens must be unique.`);
      this.ids.set(t, i);
    });
  }

  /** Builds a vocabulary from tokenized documents. */
  static build(documents: Iterable<readonly string[]>, options: VocabularyOptions = {}): Vocabulary {
    const minCount = options.minCount ?? 1;
    if (!Number.isFinite(minCount) || minCount < 1)
      throw invalidArgument(`Vocabulary: minCount must be ≥ 1, got ${minCount}.`);
    const pad = options.padToken === undefined ? '<pad>' : options.padToken;
    const unk = options.unkToken === undefined ? '<unk>' : options.unkToken;
    const specials = [pad, unk].filter((t): t is string => t !== null);
    if (options.maxSize !== undefined && (!Number.isInteger(options.maxSize) || options.maxSize < specials.length)) {
      throw invalidArgument(
        `Vocabulary: maxSize must be an integer ≥ ${specials.length} (the special tokens), got ${options.maxSize}.`,
      );
    }
    const counts = new Map<string, number>();
    let d = 0;
    for (const doc of documents) {
      if (!Array.isArray(doc)) throw invalidArgument(`Vocabulary.build: document ${d} is not an array of tokens.`);
      for (const token of doc) {
        if (typeof token !== 'string')
          throw invalidArgument(`Vocabulary.build: document ${d} has a non-string token (${typeof token}).`);
        counts.set(token, (counts.get(token) ?? 0) + 1);
      }
      d++;
    }
    for (const s of specials) counts.delete(s);
    const entries = [...counts].filter(([, c]) => c >= minCount);
    entries.sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
    const limit = options.maxSize === undefined ? entries.length : options.maxSize - specials.length;
    const kept = entries.slice(0, limit);
    return new Vocabulary(
      [...specials, ...kept.map((e) => e[0])],
      [...specials.map(() => 0), ...kept.map((e) => e[1])],
      pad,
      unk,
    );
  }

  /** A vocabulary with exactly these tokens in this order (e.g. aligned with word vectors); specials are prepended when missing. */
  static fromTokens(
    tokens: readonly string[],
    options: Pick<VocabularyOptions, 'padToken' | 'unkToken'> = {},
  ): Vocabulary {
    const pad = options.padToken === undefined ? '<pad>' : options.padToken;
    const unk = options.unkToken === undefined ? '<unk>' : options.unkToken;
    const specials = [pad, unk].filter((t): t is string => t !== null && !tokens.includes(t));
    const all = [...specials, ...tokens];
    return new Vocabulary(
      all,
      all.map(() => 0),
      pad,
      unk,
    );
  }

  /** Number of entries, special tokens included (the embedding input dimension). */
  get size(): number {
    return this.tokens.length;
  }

  /** Id of the padding token (`-1` when there is none). */
  get padId(): number {
    return this.padToken === null ? -1 : (this.ids.get(this.padToken) ?? -1);
  }

  /** Id of the out-of-vocabulary token (`-1` when there is none). */
  get unkId(): number {
    return this.unkToken === null ? -1 : (this.ids.get(this.unkToken) ?? -1);
  }

  /** Whether `token` has its own id. */
  has(token: string): boolean {
    return this.ids.has(token);
  }

  /** The id of `token`, or `undefined` when it is not in the vocabulary. */
  tokenToId(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** The token with id `id`. Throws for an id outside the vocabulary. */
  idToToken(id: number): string {
    const token = this.tokens[id];
    if (token === undefined) throw invalidArgument(`Vocabulary: id ${id} is outside 0–${this.size - 1}.`);
    return token;
  }

  /** Training frequency of `token` (0 for special or unknown tokens). */
  count(token: string): number {
    const id = this.ids.get(token);
    return id === undefined ? 0 : (this.counts[id] ?? 0);
  }

  /** Token ids; unknown tokens become the `<unk>` id, or are dropped when there is no OOV token. */
  encode(tokens: readonly string[]): number[] {
    const unk = this.unkId;
    const out: number[] = [];
    for (const t of tokens) {
      const id = this.ids.get(t);
      if (id !== undefined) out.push(id);
      else if (unk >= 0) out.push(unk);
    }
    return out;
  }

  /** {@link Vocabulary.encode} for many documents. */
  encodeAll(documents: readonly (readonly string[])[]): number[][] {
    return documents.map((d) => this.encode(d));
  }

  /** Tokens for ids (padding ids are kept; pass `{ skipPadding: true }` to drop them). */
  decode(ids: ArrayLike<number>, options: { skipPadding?: boolean } = {}): string[] {
    const out: string[] = [];
    const pad = this.padId;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (options.skipPadding && id === pad) continue;
      out.push(this.idToToken(id));
    }
    return out;
  }

  /** Serializable form, `{ format: 'ulasan-vocabulary', version: 1, ... }`. */
  toJSON(): VocabularyJSON {
    return {
      format: 'ulasan-vocabulary',
      version: 1,
      tokens: [...this.tokens],
      counts: [...this.counts],
      padToken: this.padToken,
      unkToken: this.unkToken,
    };
  }

  /** Restores a vocabulary from {@link Vocabulary.toJSON} output, validating it. */
  static fromJSON(json: unknown): Vocabulary {
    const j = json as Partial<VocabularyJSON> | null;
    if (!j || typeof j !== 'object' || j.format !== 'ulasan-vocabulary') {
      throw new UlasanError(
        'FILE_FORMAT',
        'Not a ulasan vocabulary: expected an object with format "ulasan-vocabulary".',
      );
    }
    if (typeof j.version !== 'number' || j.version > 1) {
      throw new UlasanError(
        'UNSUPPORTED_VERSION',
        `Vocabulary version ${String(j.version)} is newer than this ulasan supports (1): upgrade ulasan.`,
      );
    }
    if (!Array.isArray(j.tokens) || j.tokens.some((t) => typeof t !== 'string')) {
      throw new UlasanError('FILE_FORMAT', 'Vocabulary JSON: "tokens" must be an array of strings.');
    }
    const counts = Array.isArray(j.counts) && j.counts.length === j.tokens.length ? j.counts : j.tokens.map(() => 0);
    return new Vocabulary(j.tokens, counts, j.padToken ?? null, j.unkToken ?? null);
  }
}

/** Compares strings by Unicode code point (Python's `sorted` order), not UTF-16 code unit. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Surrogates (astral code points) sort after every BMP code point in code-point order.
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}
