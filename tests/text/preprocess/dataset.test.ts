import { describe, expect, it } from 'vitest';
import { dropDuplicates, dropEmpty, duplicateKey } from '../../../src/text/preprocess/index.js';
import { smsaSample } from './helpers.js';

describe('dropEmpty', () => {
  it('drops missing, non-text and blank rows, reporting why and keeping indices for labels', () => {
    const r = dropEmpty(['bagus', null, '  ', 'jelek', undefined, 5, '']);
    expect(r.texts).toEqual(['bagus', 'jelek']);
    expect(r.kept).toEqual([0, 3]);
    expect(r.dropped).toBe(5);
    expect(r.reasons).toEqual({ missing: 2, empty: 2, 'not-text': 1 });
    expect(r.droppedRows[0]).toEqual({ index: 1, reason: 'missing' });
    const labels = ['pos', 'x', 'x', 'neg', 'x', 'x', 'x'];
    expect(r.kept.map((i) => labels[i])).toEqual(['pos', 'neg']);
  });

  it('accepts any iterable and rejects non-iterables', () => {
    expect(dropEmpty(new Set(['a', ''])).texts).toEqual(['a']);
    expect(() => dropEmpty(null as never)).toThrow(/array \(or iterable\)/);
    expect(() => dropEmpty('abc' as never)).toThrow(/array \(or iterable\)/);
  });
});

describe('dropDuplicates', () => {
  it('drops exact repeats of real SmSA reviews and keeps the first occurrence', () => {
    const rows = smsaSample().map(([t]) => t);
    const doubled = [...rows, rows[3] as string, rows[0] as string];
    const r = dropDuplicates(doubled);
    expect(r.texts).toEqual(rows);
    expect(r.reasons).toEqual({ 'exact-duplicate': 2 });
    expect(r.droppedRows).toEqual([
      { index: rows.length, reason: 'exact-duplicate', duplicateOf: 3 },
      { index: rows.length + 1, reason: 'exact-duplicate', duplicateOf: 0 },
    ]);
  });

  it('optionally drops texts equal after normalization, counting them separately', () => {
    const r = dropDuplicates(['Bagus!', 'jelek', 'Bagus!', 'bagus', 'BAGUS  !!'], { normalize: true });
    expect(r.texts).toEqual(['Bagus!', 'jelek']);
    expect(r.kept).toEqual([0, 1]);
    expect(r.reasons).toEqual({ 'exact-duplicate': 1, 'normalized-duplicate': 2 });
    expect(duplicateKey('  Mantap,  ｂａｇｕｓ!! ')).toBe('mantap bagus');
    const custom = dropDuplicates(['abc', 'ABD'], { normalize: (t) => t.slice(0, 2).toLowerCase() });
    expect(custom.texts).toEqual(['abc']);
  });

  it('rejects non-strings, pointing to dropEmpty', () => {
    expect(() => dropDuplicates(['a', null as unknown as string])).toThrow(/text #1 is null\. Run dropEmpty\(\) first/);
    expect(() => dropDuplicates('abc' as never)).toThrow(/expects an array/);
  });
});
