import { describe, expect, it } from 'vitest';
import {
  caseFold,
  cleanText,
  collapseElongation,
  removePunctuation,
  resolveCleanOptions,
} from '../../../src/text/preprocess/index.js';
import { emotSample, SEED003, smsaSample } from './helpers.js';

describe('cleanText', () => {
  it('reproduces seed 003 Table 1 (cleaning) and Table 2 (case folding)', () => {
    const cleaned = cleanText(SEED003, { punctuation: 'remove' });
    expect(cleaned).toBe('Woi aplikasi gak jelas lu susah amat dibuka gimana mau chat');
    expect(caseFold(cleaned)).toBe('woi aplikasi gak jelas lu susah amat dibuka gimana mau chat');
  });

  it('removes URLs, mentions, e-mails and hashtags by policy', () => {
    const t =
      'cek https://bit.ly/ovo-x dan www.dana.id/promo atau tokopedia.com @ovo_id kirim ke cs@ovo.id #GoPayError';
    expect(cleanText(t)).toBe('cek dan atau kirim ke Go Pay Error');
    expect(cleanText(t, { hashtags: 'remove' })).toBe('cek dan atau kirim ke');
    expect(cleanText(t, { hashtags: 'keep', mentions: 'keep' })).toContain('@ovo_id');
    expect(cleanText(t, { urls: 'keep' })).toContain('https://bit.ly/ovo-x');
    expect(cleanText(t, { emails: 'keep', mentions: 'keep' })).toContain('cs@ovo.id');
  });

  it('removes IndoNLU placeholders and decodes HTML on real EmoT tweets', () => {
    const tweets = emotSample();
    const withPlaceholders = tweets.filter((t) => t.includes('[USERNAME]') || t.includes('[URL]'));
    expect(withPlaceholders.length).toBeGreaterThan(3);
    for (const t of withPlaceholders) {
      const c = cleanText(t);
      expect(c).not.toMatch(/\[(USERNAME|URL)\]/);
      expect(c).not.toMatch(/\s{2}/);
    }
    expect(cleanText('a &amp; b &lt;3 &#39;ok&#x27;<br/>c')).toBe("a & b <3 'ok' c");
    expect(cleanText('[USERNAME] halo', { placeholders: 'keep' })).toBe('[USERNAME] halo');
  });

  it('maps, removes or keeps emoji', () => {
    expect(cleanText('mantap 😍👍🏽 tapi lemot 😡')).toBe('mantap suka bagus tapi lemot marah');
    expect(cleanText('mantap 😍', { emoji: 'remove' })).toBe('mantap');
    expect(cleanText('mantap 😍', { emoji: 'keep' })).toBe('mantap 😍');
    expect(cleanText('great 😍', { language: 'en' })).toBe('great love');
    // unknown emoji are dropped in 'words' mode
    expect(cleanText('ok 🦑')).toBe('ok');
  });

  it('collapses elongation (kenapaaa → kenapa) and leaves digits alone', () => {
    expect(cleanText('kenapaaa mantaaap bgttt!!! 2000')).toBe('kenapa mantap bgt!!! 2000');
    expect(cleanText('goood', { language: 'en' })).toBe('good');
    expect(cleanText('kenapaaa', { elongation: false })).toBe('kenapaaa');
    expect(collapseElongation('sooo', 2)).toBe('soo');
    expect(() => collapseElongation('x', 0)).toThrow(/integer >= 1/);
  });

  it('removes stand-alone numbers only when asked', () => {
    expect(cleanText('harga 15.000 di k212 mp3', { numbers: 'remove' })).toBe('harga di k212 mp3');
    expect(cleanText('harga 15.000')).toBe('harga 15.000');
  });

  it('applies NFKC and strips zero-width and control characters', () => {
    expect(cleanText('ｂａｇｕｓ\u200b sekali\u0007')).toBe('bagus sekali');
    expect(cleanText('ｂａｇｕｓ', { unicode: 'none' })).toBe('ｂａｇｕｓ');
  });

  it('keeps SmSA text (already clean) unchanged apart from whitespace', () => {
    for (const [text] of smsaSample()) {
      const c = cleanText(text, { elongation: false });
      expect(c).toBe(text.replace(/\s+/g, ' ').trim());
    }
  });

  it('gives the same result on the ASCII fast path and the Unicode path', () => {
    for (const [text] of smsaSample()) {
      for (const options of [{}, { punctuation: 'remove' as const }, { numbers: 'remove' as const }]) {
        expect(cleanText(`${text} ü`, options)).toBe(`${cleanText(text, options)} ü`.trim());
      }
    }
  });

  it('rejects non-strings and unknown options with clear errors', () => {
    expect(() => cleanText(null as unknown as string)).toThrow(/expects a string, got null/);
    expect(() => cleanText(42 as unknown as string)).toThrow(/got number 42/);
    expect(() => cleanText('x', { urls: 'drop' as 'remove' })).toThrow(/urls must be one of 'remove', 'keep'/);
    expect(() => cleanText('x', { colour: 'red' } as never)).toThrow(/unknown option "colour"/);
    expect(() => resolveCleanOptions({ elongation: 0 })).toThrow(/elongation/);
  });

  it('handles empty text, lone surrogates and a 1 MB review', () => {
    expect(cleanText('')).toBe('');
    expect(cleanText('   ')).toBe('');
    const broken = `bagus \uD83D sekali \uDE00`;
    const c = cleanText(broken);
    expect(c).toBe('bagus \uFFFD sekali \uFFFD');
    expect(/[\uD800-\uDFFF]/.test(c)).toBe(false);
    const big = `${'aplikasi gak jelas https://x.co/a @user 😡 kenapaaa, '.repeat(20_000)}`;
    expect(big.length).toBeGreaterThan(1_000_000);
    const t0 = performance.now();
    const out = cleanText(big);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(out.startsWith('aplikasi gak jelas marah kenapa, aplikasi')).toBe(true);
  });
});

describe('caseFold and removePunctuation', () => {
  it('case-folds without locale surprises', () => {
    expect(caseFold('INDONESIA Istimewa')).toBe('indonesia istimewa');
    expect(() => caseFold(undefined as unknown as string)).toThrow(/caseFold\(\) expects a string/);
  });

  it('replaces punctuation with spaces, keeping intra-word hyphens and apostrophes', () => {
    expect(removePunctuation('lu , susah amat dibuka, gimana?')).toBe('lu susah amat dibuka gimana');
    expect(removePunctuation('enak-enak!! bagus,murah')).toBe('enak-enak bagus murah');
    expect(removePunctuation("don't -x- jum'at")).toBe("don't x jum'at");
    expect(removePunctuation('enak-enak', { keepIntraWord: false })).toBe('enak enak');
    expect(removePunctuation('mantap 😍')).toBe('mantap');
  });
});
