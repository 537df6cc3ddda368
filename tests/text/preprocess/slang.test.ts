import { describe, expect, it } from 'vitest';
import { builtinSlang, createSlangLexicon, interjections, normalizeSlang } from '../../../src/text/preprocess/index.js';
import { COLLOQUIAL, FIXTURES, hasShared, smsaSample } from './helpers.js';

const TABLE3 = ['woi', 'aplikasi', 'gak', 'jelas', 'lu', 'susah', 'amat', 'dibuka', 'gimana', 'mau', 'chat'];

describe('normalizeSlang', () => {
  it('reproduces seed 003 Table 4 exactly (woi → "", gak → tidak, lu → kamu, gimana → bagaimana, chat → pesan)', () => {
    const lexicon = createSlangLexicon({ entries: { chat: 'pesan' } });
    expect(normalizeSlang(TABLE3, lexicon, { interjections: 'remove', emptyTokens: 'keep' })).toEqual([
      '',
      'aplikasi',
      'tidak',
      'jelas',
      'kamu',
      'susah',
      'amat',
      'dibuka',
      'bagaimana',
      'mau',
      'pesan',
    ]);
    // default: the emptied token is dropped
    expect(normalizeSlang(TABLE3, lexicon, { interjections: 'remove' })[0]).toBe('aplikasi');
    // default keeps interjections (laughter and exclamations carry sentiment)
    expect(normalizeSlang(TABLE3, lexicon)[0]).toBe('woi');
  });

  it('ships a built-in map with the common forms the issue lists', () => {
    const map = builtinSlang();
    expect(map.size).toBeGreaterThan(300);
    const expected: Record<string, string> = {
      gak: 'tidak',
      ga: 'tidak',
      gk: 'tidak',
      nggak: 'tidak',
      gimana: 'bagaimana',
      lu: 'kamu',
      lo: 'kamu',
      gw: 'saya',
      gue: 'saya',
      bgt: 'banget',
      udh: 'sudah',
      udah: 'sudah',
      yg: 'yang',
      tdk: 'tidak',
    };
    for (const [k, v] of Object.entries(expected)) expect(map.get(k), k).toBe(v);
    expect(interjections('id').has('woi')).toBe(true);
  });

  it('expands multi-word forms and matches case-insensitively', () => {
    const lexicon = createSlangLexicon();
    expect(normalizeSlang(['GPP', 'kok', 'Gak', 'apa'], lexicon)).toEqual([
      'tidak',
      'apa',
      'apa',
      'kok',
      'tidak',
      'apa',
    ]);
  });

  it('normalizes real SmSA slang: no built-in slang key survives, negators become tidak', () => {
    const lexicon = createSlangLexicon();
    let changed = 0;
    for (const [text] of smsaSample()) {
      const tokens = text.split(' ');
      const out = normalizeSlang(tokens, lexicon);
      for (const t of out) expect(builtinSlang().has(t), `${t} in "${text}"`).toBe(false);
      if (out.join(' ') !== tokens.join(' ')) changed++;
      if (tokens.includes('gak')) expect(out).toContain('tidak');
    }
    expect(changed).toBeGreaterThan(5);
  });

  it('merges sources: built-in < files < entries, and can leave the built-in map out', () => {
    const lex = createSlangLexicon({ path: `${FIXTURES}user-lexicon.json`, entries: { gak: 'enggak' } });
    expect(lex.get('mantul')).toBe('mantap');
    expect(normalizeSlang(['gercep'], lex)).toEqual(['gerak', 'cepat']);
    expect(lex.get('gak')).toBe('enggak');
    expect(lex.userEntries()).toEqual({ mantul: 'mantap', gercep: 'gerak cepat', gak: 'enggak' });
    const bare = createSlangLexicon({ builtin: false, entries: { x: 'y' } });
    expect(bare.size).toBe(1);
    expect(bare.get('gak')).toBeUndefined();
  });

  it.skipIf(!hasShared)(
    'loads the Colloquial Indonesian Lexicon CSV by path (quoted multi-line contexts, conflicts counted)',
    () => {
      const lex = createSlangLexicon({ builtin: false, path: COLLOQUIAL });
      expect(lex.size).toBeGreaterThan(4000);
      expect(lex.get('gimana')).toBe('bagaimana');
      expect(lex.get('gak')).toBe('enggak');
      expect(lex.report.rows[COLLOQUIAL]).toBe(15006);
      expect(lex.report.conflicts).toBeGreaterThan(100);
      // the built-in map wins over nothing, the file overrides the built-in map
      expect(createSlangLexicon({ path: COLLOQUIAL }).get('gak')).toBe('enggak');
    },
  );

  it('names the line of a bad lexicon row, an unclosed quote and invalid UTF-8', () => {
    expect(() => createSlangLexicon({ path: `${FIXTURES}bad-lexicon.tsv` })).toThrow(
      /bad-lexicon\.tsv, line 2: expected a slang word/,
    );
    expect(() => createSlangLexicon({ path: `${FIXTURES}bad-quote-lexicon.csv` })).toThrow(
      /a quoted field opened on line 3 is never closed/,
    );
    expect(() => createSlangLexicon({ path: `${FIXTURES}invalid-utf8-lexicon.tsv` })).toThrow(
      /not valid UTF-8 \(first invalid byte at offset 20, line \d+\)/,
    );
    expect(() => createSlangLexicon({ path: `${FIXTURES}missing.tsv` })).toThrow(/file not found/);
    try {
      createSlangLexicon({ path: `${FIXTURES}bad-lexicon.tsv` });
    } catch (e) {
      expect((e as { code: string }).code).toBe('FILE_FORMAT');
    }
  });

  it('rejects bad arguments', () => {
    expect(() => normalizeSlang('gak' as unknown as string[], createSlangLexicon())).toThrow(/array of token strings/);
    expect(() => normalizeSlang(['a', null as unknown as string], createSlangLexicon())).toThrow(/token #1 is null/);
    expect(() => normalizeSlang(['a'], { gak: 'tidak' } as never)).toThrow(/createSlangLexicon/);
    expect(() => createSlangLexicon({ entries: { 'dua kata': 'x' } })).toThrow(/must be one word/);
    expect(() => createSlangLexicon({ entries: { a: 1 as unknown as string } })).toThrow(/must be a string/);
  });
});
