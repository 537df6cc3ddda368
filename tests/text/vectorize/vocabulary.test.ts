import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UlasanError } from '../../../src/index.js';
import {
  CountVectorizer,
  padSequences,
  SparseMatrix,
  Vocabulary,
  WhitespacePipeline,
} from '../../../src/text/index.js';

const sample = readFileSync(new URL('../../fixtures/data/smsa-sample.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => new WhitespacePipeline().process(l.slice(0, l.lastIndexOf('\t'))));

describe('Vocabulary', () => {
  it('puts <pad> at 0 and <unk> at 1, then tokens by frequency with code-point ties', () => {
    const v = Vocabulary.build([['b', 'a', 'c'], ['a', 'c', 'b', 'a'], ['z']]);
    expect(v.tokens).toEqual(['<pad>', '<unk>', 'a', 'b', 'c', 'z']);
    expect(v.padId).toBe(0);
    expect(v.unkId).toBe(1);
    expect(v.count('a')).toBe(3);
    expect(v.encode(['a', 'zz', 'z'])).toEqual([2, 1, 5]);
    expect(v.decode([2, 1, 0], { skipPadding: true })).toEqual(['a', '<unk>']);
  });

  it('does not depend on document order', () => {
    const a = Vocabulary.build(sample);
    const b = Vocabulary.build([...sample].reverse());
    expect(b.tokens).toEqual(a.tokens);
  });

  it('applies minCount and maxSize (special tokens included) on real text', () => {
    const v = Vocabulary.build(sample, { minCount: 3, maxSize: 200 });
    expect(v.size).toBe(200);
    for (const t of v.tokens.slice(2)) expect(v.count(t)).toBeGreaterThanOrEqual(3);
    // frequencies never increase along the id order
    const counts = v.tokens.slice(2).map((t) => v.count(t));
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeLessThanOrEqual(counts[i - 1]!);
    // the commonest SmSA token is punctuation or "yang"/"dan"/"nya"
    expect(['.', ',', 'yang', 'dan', 'nya', 'tidak']).toContain(v.idToToken(2));
  });

  it('supports configurable or absent special tokens', () => {
    const v = Vocabulary.build([['x', 'y', 'x']], { padToken: null, unkToken: '[UNK]' });
    expect(v.tokens).toEqual(['[UNK]', 'x', 'y']);
    expect(v.padId).toBe(-1);
    const none = Vocabulary.build([['x']], { padToken: null, unkToken: null });
    expect(none.encode(['x', 'unknown'])).toEqual([0]);
  });

  it('round-trips through JSON and rejects bad JSON', () => {
    const v = Vocabulary.build(sample, { minCount: 2 });
    const back = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
    expect(back.tokens).toEqual(v.tokens);
    expect(back.encode(sample[0]!)).toEqual(v.encode(sample[0]!));
    expect(() => Vocabulary.fromJSON({ format: 'other' })).toThrow(/ulasan-vocabulary/);
    expect(() => Vocabulary.fromJSON({ ...v.toJSON(), version: 2 })).toThrow(/newer/);
    expect(() => Vocabulary.build([['a']], { maxSize: 1 })).toThrow(UlasanError);
  });

  it('fromTokens keeps the given order after the special tokens', () => {
    const v = Vocabulary.fromTokens(['enak', 'tidak']);
    expect(v.tokens).toEqual(['<pad>', '<unk>', 'enak', 'tidak']);
  });
});

describe('padSequences (Keras semantics)', () => {
  const seqs = [[1, 2, 3, 4], [5], []];
  it('pads and truncates at the front by default', () => {
    expect(padSequences(seqs, { maxLen: 3 })).toEqual([
      [2, 3, 4],
      [0, 0, 5],
      [0, 0, 0],
    ]);
  });
  it('supports post padding/truncating and a custom value', () => {
    expect(padSequences(seqs, { maxLen: 3, padding: 'post', truncating: 'post', value: 9 })).toEqual([
      [1, 2, 3],
      [5, 9, 9],
      [9, 9, 9],
    ]);
    expect(padSequences(seqs, { maxLen: 2, padding: 'post', truncating: 'pre' })).toEqual([
      [3, 4],
      [5, 0],
      [0, 0],
    ]);
  });
  it('defaults maxLen to the longest sequence and validates options', () => {
    expect(padSequences(seqs).map((r) => r.length)).toEqual([4, 4, 4]);
    expect(() => padSequences(seqs, { maxLen: -1 })).toThrow(/maxLen/);
    expect(() => padSequences(seqs, { padding: 'middle' as 'pre' })).toThrow(/padding/);
  });
});

describe('SparseMatrix and vectorizer errors', () => {
  it('converts to and from dense and selects rows', () => {
    const m = SparseMatrix.fromDense([
      [0, 2, 0],
      [1, 0, 3],
    ]);
    expect(m.nnz).toBe(3);
    expect(m.selectRows([1]).toDense()).toEqual([[1, 0, 3]]);
    expect(() => m.selectRows([2])).toThrow(/outside/);
  });
  it('rejects untokenized input, transform before fit, and over-pruning', () => {
    expect(() => new CountVectorizer().fit(['not tokens'] as unknown as string[][])).toThrow(/array of tokens/);
    expect(() => new CountVectorizer().transform([['a']])).toThrow(/not fitted/);
    expect(() => new CountVectorizer({ minDf: 5 }).fit([['a'], ['b']])).toThrow(/no terms remain/);
    expect(() => new CountVectorizer().fit([[], []])).toThrow(/no tokens/);
    expect(() => new CountVectorizer({ ngramRange: [2, 1] }).fit([['a']])).toThrow(/ngramRange/);
  });
});
