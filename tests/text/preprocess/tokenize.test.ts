import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../src/text/preprocess/index.js';
import { smsaSample } from './helpers.js';

describe('tokenize', () => {
  it('reproduces seed 003 Table 3 (tokenizing)', () => {
    expect(tokenize('woi aplikasi gak jelas lu susah amat dibuka gimana mau chat')).toEqual([
      'woi',
      'aplikasi',
      'gak',
      'jelas',
      'lu',
      'susah',
      'amat',
      'dibuka',
      'gimana',
      'mau',
      'chat',
    ]);
  });

  it('is Unicode-aware: separates on punctuation, keeps other scripts, diacritics and emoji', () => {
    expect(tokenize('Harga: Rp15.000,-  café naïve; 日本語!')).toEqual([
      'Harga',
      'Rp15',
      '000',
      'café',
      'naïve',
      '日本語',
    ]);
    expect(tokenize('mantap 👍🏽 sekali ❤️')).toEqual(['mantap', '👍🏽', 'sekali', '❤️']);
    expect(tokenize('don’t stop')).toEqual(["don't", 'stop']);
  });

  it('splits clitics only when asked, and never in short roots or known non-clitic words', () => {
    expect(tokenize('bukunya rumahku sepatumu')).toEqual(['bukunya', 'rumahku', 'sepatumu']);
    expect(tokenize('bukunya rumahku sepatumu makanannya', { clitics: 'split' })).toEqual([
      'buku',
      'nya',
      'rumah',
      'ku',
      'sepatu',
      'mu',
      'makanan',
      'nya',
    ]);
    const roots = 'aku buku kamu ilmu punya hanya tanya bertanya berlaku bertemu ketemu pelaku';
    expect(tokenize(roots, { clitics: 'split' })).toEqual(roots.split(' '));
    expect(tokenize('buku-ku', { clitics: 'split' })).toEqual(['buku', 'ku']);
    expect(tokenize('galaksimu', { clitics: 'split', cliticExceptions: ['galaksimu'] })).toEqual(['galaksimu']);
  });

  it('handles reduplication: keep, split, base; digit reduplication anak2', () => {
    const t = 'enak-enak bermain-main anak-anakan sayur-mayur anak2';
    expect(tokenize(t)).toEqual(['enak-enak', 'bermain-main', 'anak-anakan', 'sayur-mayur', 'anak-anak']);
    expect(tokenize(t, { reduplication: 'split' })).toEqual([
      'enak',
      'enak',
      'bermain',
      'main',
      'anak',
      'anakan',
      'sayur',
      'mayur',
      'anak',
      'anak',
    ]);
    expect(tokenize(t, { reduplication: 'base' })).toEqual(['enak', 'bermain', 'anak', 'sayur-mayur', 'anak']);
    expect(tokenize('anak2 ps2', { digitReduplication: false })).toEqual(['anak2', 'ps2']);
    expect(tokenize('ps2 k212')).toEqual(['ps2', 'k212']);
    expect(tokenize('anak-anaknya', { clitics: 'split', reduplication: 'base' })).toEqual(['anak', 'nya']);
  });

  it('tokenizes real SmSA reviews into the space-separated words (SmSA is pre-tokenized)', () => {
    for (const [text] of smsaSample()) {
      const expected = text
        .split(' ')
        .flatMap((w) => w.split(/[^\p{L}\p{N}'-]+/u))
        .map((w) => w.replace(/^[-']+|[-']+$/g, ''))
        .filter((w) => w !== '')
        .flatMap((w) => (/^[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*$/u.test(w) ? [w] : w.split(/[-']+/).filter(Boolean)));
      expect(tokenize(text, { digitReduplication: false })).toEqual(expected);
    }
    for (const [text] of smsaSample()) expect(tokenize(`${text} ü`)).toEqual([...tokenize(text), 'ü']);
    const redup = smsaSample().find(([t]) => t.includes('enak-enak'));
    expect(redup).toBeDefined();
    expect(tokenize(redup![0], { reduplication: 'base' })).not.toContain('enak-enak');
  });

  it('rejects bad input and bad options clearly; empty text gives no tokens', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize(' ,.!? ')).toEqual([]);
    expect(() => tokenize(null as unknown as string)).toThrow(/tokenize\(\) expects a string, got null/);
    expect(() => tokenize('x', { clitics: 'strip' as 'split' })).toThrow(/clitics must be 'keep' or 'split'/);
    expect(() => tokenize('x', { reduplication: 'merge' as 'keep' })).toThrow(/reduplication must be/);
  });

  it('tokenizes a 1 MB text with lone surrogates linearly', () => {
    const big = `bagus \uD83D sekali enak-enak anak2 `.repeat(30_000);
    const tokens = tokenize(big, { clitics: 'split', reduplication: 'base' });
    expect(tokens.length).toBe(4 * 30_000);
    expect(tokens.slice(0, 5)).toEqual(['bagus', 'sekali', 'enak', 'anak', 'bagus']);
  });
});
