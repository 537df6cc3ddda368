import { describe, expect, it } from 'vitest';
import { createPipeline, removeStopwords, sentimentWords, stopwords } from '../../../src/text/preprocess/index.js';
import { smsaSample } from './helpers.js';

describe('stopwords', () => {
  it('full lists contain negators and intensifiers; sentiment-safe lists keep them', () => {
    const full = stopwords('id', { profile: 'full' });
    const safe = stopwords('id');
    for (const w of [
      'tidak',
      'bukan',
      'belum',
      'jangan',
      'kurang',
      'enggak',
      'tak',
      'gak',
      'sangat',
      'terlalu',
      'tapi',
    ]) {
      expect(full.has(w), w).toBe(true);
      expect(safe.has(w), w).toBe(false);
    }
    for (const w of ['yang', 'dan', 'di', 'ke', 'dari', 'ini', 'itu']) expect(safe.has(w), w).toBe(true);
    expect(full.size - safe.size).toBe(sentimentWords('id').length);
    const en = stopwords('en');
    expect(en.has('the')).toBe(true);
    expect(en.has('not')).toBe(false);
    expect(en.has("don't")).toBe(false);
    expect(stopwords('en', { profile: 'full' }).has('not')).toBe(true);
  });

  it('removes stopwords from real SmSA reviews, keeping negation', () => {
    const safe = stopwords('id');
    for (const [text] of smsaSample()) {
      const tokens = text.split(' ');
      const out = removeStopwords(tokens, safe);
      expect(out.length).toBeLessThanOrEqual(tokens.length);
      expect(out.filter((t) => t === 'tidak').length).toBe(tokens.filter((t) => t === 'tidak').length);
      expect(out).not.toContain('yang');
    }
    expect(removeStopwords(['Yang', 'bagus'], ['yang'])).toEqual(['bagus']);
  });

  it('keeps "tidak bagus" and "bagus" distinguishable after the default pipeline (and the full list would not)', () => {
    const pipeline = createPipeline();
    const neg = pipeline.process('Makanannya tidak bagus.');
    const pos = pipeline.process('Makanannya bagus.');
    expect(neg).toEqual(['makanannya', 'tidak', 'bagus']);
    expect(pos).toEqual(['makanannya', 'bagus']);
    expect(neg).not.toEqual(pos);
    // slang negators meet the standard form
    expect(pipeline.process('makanannya gak bagus')).toEqual(neg);
    expect(pipeline.process('makanannya sangat bagus')).toEqual(['makanannya', 'sangat', 'bagus']);
    // what every conventional list does: the two collapse
    const full = stopwords('id', { profile: 'full' });
    expect(removeStopwords(neg, full)).toEqual(removeStopwords(pos, full));
  });

  it('rejects unknown languages, profiles and lists', () => {
    expect(() => stopwords('fr' as 'id')).toThrow(/supports 'id' and 'en'/);
    expect(() => stopwords('id', { profile: 'lite' as 'full' })).toThrow(/profile must be/);
    expect(() => removeStopwords(['a'], 'yang' as never)).toThrow(/Set or array/);
  });
});
