import { describe, expect, it } from 'vitest';
import { createPipeline, PIPELINE_PRESETS, TextPipeline } from '../../../src/text/preprocess/index.js';
import { emotSample, FIXTURES, hasShared, SASTRAWI_DICT, SEED003, smsaSample } from './helpers.js';

describe('PIPELINE_PRESETS.seed003', () => {
  it('runs seed 003 in order and reproduces Tables 1–4 step by step', () => {
    const trace = createPipeline(PIPELINE_PRESETS.seed003).trace(SEED003);
    expect(trace.steps.map((s) => s.step)).toEqual(['clean', 'caseFold', 'tokenize', 'normalizeSlang']);
    expect(trace.steps[0]?.output).toBe('Woi aplikasi gak jelas lu susah amat dibuka gimana mau chat');
    expect(trace.steps[1]?.output).toBe('woi aplikasi gak jelas lu susah amat dibuka gimana mau chat');
    expect(trace.steps[2]?.output).toEqual([
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
    // Table 4 shows '' where woi was; the preset drops the emptied token (emptyTokens: 'keep' shows it)
    expect(trace.tokens).toEqual([
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
    const exact = createPipeline({
      ...PIPELINE_PRESETS.seed003,
      steps: PIPELINE_PRESETS.seed003.steps.map((s) =>
        s.step === 'normalizeSlang' ? { ...s, emptyTokens: 'keep' as const } : s,
      ),
    });
    expect(exact.process(SEED003)).toEqual([
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
  });

  it('removes URLs, @users and #hashtags entirely (seed cleaning) on real EmoT tweets', () => {
    const p = createPipeline(PIPELINE_PRESETS.seed003);
    for (const t of emotSample().filter((x) => x.includes('#'))) {
      const tokens = p.process(t);
      expect(tokens.join(' ')).not.toMatch(/[#@]/);
    }
  });
});

describe('PIPELINE_PRESETS.seed004', () => {
  it('runs case folding → punctuation → full stopwords → tokenize → stemming', () => {
    const p = createPipeline(PIPELINE_PRESETS.seed004);
    expect(p.stepNames).toEqual(['caseFold', 'removePunctuation', 'removeStopwords', 'tokenize', 'stem']);
    const t = p.trace('Produknya SANGAT bagus, pengiriman cepat dan tidak mengecewakan!');
    expect(t.steps[1]?.output).toBe('produknya sangat bagus pengiriman cepat dan tidak mengecewakan');
    // the full list deletes negators and intensifiers, as the seed's list does
    expect(t.steps[2]?.output).toBe('produknya bagus pengiriman cepat mengecewakan');
    expect(t.tokens).toEqual(['produk', 'bagus', 'irim', 'cepat', 'ecewa']);
  });

  it.skipIf(!hasShared)('uses ECS when the stem step gets the Sastrawi dictionary', () => {
    const p = createPipeline({
      ...PIPELINE_PRESETS.seed004,
      steps: PIPELINE_PRESETS.seed004.steps.map((s) =>
        s.step === 'stem' ? { ...s, dictionary: SASTRAWI_DICT, invalidRows: 'skip' as const } : s,
      ),
    });
    expect(p.process('pengiriman cepat, tidak mengecewakan')).toEqual(['kirim', 'cepat', 'kecewa']);
    // the saved config embeds the dictionary words, not the path
    const json = p.toJSON();
    const stem = json.steps.find((s) => s.step === 'stem') as { dictionary: string[] };
    expect(Array.isArray(stem.dictionary)).toBe(true);
    expect(stem.dictionary.length).toBeGreaterThan(29_000);
    expect(TextPipeline.fromJSON(JSON.parse(JSON.stringify(json))).process('pengiriman')).toEqual(['kirim']);
  });
});

describe('default (sentiment) pipeline', () => {
  it('normalizes the seed example slang and keeps negation', () => {
    const trace = createPipeline().trace(SEED003);
    const slang = trace.steps.find((s) => s.step === 'normalizeSlang')?.output;
    expect(slang).toEqual([
      'woi',
      'aplikasi',
      'tidak',
      'jelas',
      'kamu',
      'susah',
      'amat',
      'dibuka',
      'bagaimana',
      'mau',
      'chat',
    ]);
    // sentiment-safe stopwords then drop pronouns and question words but keep the negator and intensifier
    expect(trace.tokens).toEqual(['woi', 'aplikasi', 'tidak', 'jelas', 'susah', 'amat', 'dibuka', 'mau', 'chat']);
  });

  it('cleans real-world noise: emoji, URLs, placeholders, elongation', () => {
    const p = createPipeline();
    expect(p.process('Aplikasinya gak bagus, lemot bgt!! 😡 https://t.co/x @ovo_id kenapaaa')).toEqual([
      'aplikasinya',
      'tidak',
      'bagus',
      'lambat',
      'banget',
      'marah',
    ]);
    for (const t of emotSample()) {
      for (const tok of p.process(t)) expect(tok).toMatch(/^[\p{Ll}\p{Lo}\p{N}][\p{Ll}\p{Lo}\p{N}'-]*$/u);
    }
  });

  it('processes every SmSA fixture review and keeps every "tidak"', () => {
    const p = createPipeline();
    const out = p.transform(smsaSample().map(([t]) => t));
    expect(out.length).toBe(smsaSample().length);
    smsaSample().forEach(([t], i) => {
      const nTidak = t.split(' ').filter((w) => w === 'tidak' || w === 'gak' || w === 'tdk').length;
      expect(out[i]?.filter((w) => w === 'tidak').length).toBeGreaterThanOrEqual(nTidak);
    });
  });

  it('supports English', () => {
    const p = createPipeline(PIPELINE_PRESETS.sentimentEn);
    expect(p.process('The app is NOT good, sooo slow 😡 https://x.io/a')).toEqual([
      'app',
      'not',
      'good',
      'soo',
      'slow',
      'angry',
    ]);
  });
});

describe('TextPipeline', () => {
  it('round-trips through toJSON/fromJSON with a self-contained config', () => {
    const p = createPipeline({
      language: 'id',
      steps: [
        { step: 'clean', hashtags: 'remove' },
        { step: 'caseFold' },
        { step: 'tokenize', clitics: 'split' },
        { step: 'normalizeSlang', path: `${FIXTURES}user-lexicon.json`, entries: { mager: 'malas gerak' } },
        { step: 'removeStopwords', add: ['nya'], keep: ['saya'] },
        { step: 'stem' },
      ],
    });
    const json = JSON.parse(JSON.stringify(p.toJSON()));
    expect(json.format).toBe('ulasan-text-pipeline');
    expect(json.version).toBe(1);
    expect(JSON.stringify(json)).not.toContain('user-lexicon.json');
    expect(json.steps[3].entries).toEqual({ mantul: 'mantap', gercep: 'gerak cepat', mager: 'malas gerak' });
    expect(Object.keys(json.resources)).toEqual(
      expect.arrayContaining(['emoji-id.tsv', 'slang-id.tsv', 'stopwords-id.txt', 'stopwords-id-sentiment.txt']),
    );
    const q = TextPipeline.fromJSON(json);
    const texts = ['Saya mager bgt, tapi makanannya mantul #enak', ...smsaSample().map(([t]) => t)];
    for (const t of texts) expect(q.process(t)).toEqual(p.process(t));
    expect(q.toJSON()).toEqual(json);
    expect(p.process('Saya mager bgt, tapi makanannya mantul #enak')).toEqual([
      'saya',
      'malas',
      'gerak',
      'banget',
      'tapi',
      'makan',
      'mantap',
    ]);
  });

  it('refuses a config whose shipped resources changed, unless told to accept it', () => {
    const json = createPipeline().toJSON();
    json.resources['slang-id.tsv'] = '0000000000000000';
    expect(() => TextPipeline.fromJSON(json)).toThrow(/resource slang-id\.tsv changed since this pipeline was saved/);
    expect(TextPipeline.fromJSON(json, { allowResourceChange: true }).process('gak')).toEqual(['tidak']);
  });

  it('validates configs with clear errors', () => {
    expect(() => TextPipeline.fromJSON({ steps: [] })).toThrow(/format is undefined, expected "ulasan-text-pipeline"/);
    expect(() => createPipeline({ format: 'ulasan-text-pipeline', version: 2, steps: [] })).toThrow(
      /version 2 is not supported/,
    );
    expect(() => createPipeline({ steps: [{ step: 'lemmatize' } as never] })).toThrow(
      /unknown step "lemmatize". Known steps: clean, caseFold/,
    );
    expect(() => createPipeline({ steps: [{ step: 'tokenize', clitic: 'split' } as never] })).toThrow(
      /unknown option "clitic"/,
    );
    expect(() => createPipeline({ steps: [{ step: 'clean', urls: 'drop' as 'remove' }] })).toThrow(
      /step #0 \(clean\): cleanText\(\) option urls/,
    );
    expect(() => createPipeline({ steps: 'tokenize' as never })).toThrow(/needs a steps array/);
    expect(() => createPipeline({ language: 'jv' as 'id', steps: [] })).toThrow(/language must be 'id' or 'en'/);
  });

  it('streams sync and async iterables, naming the index of a bad value, and can be cancelled', async () => {
    const p = createPipeline();
    async function* lines() {
      yield 'gak bagus';
      yield 'bagus bgt';
    }
    const out: string[][] = [];
    for await (const tokens of p.processAll(lines())) out.push(tokens);
    expect(out).toEqual([
      ['tidak', 'bagus'],
      ['bagus', 'banget'],
    ]);
    const fromArray: string[][] = [];
    for await (const t of p.processAll(['mantap', 'jelek'])) fromArray.push(t);
    expect(fromArray).toEqual([['mantap'], ['jelek']]);
    await expect(async () => {
      for await (const _ of p.processAll(['ok', null as unknown as string])) void _;
    }).rejects.toThrow(/processAll\(\) text #1 expects a string, got null/);
    const ac = new AbortController();
    ac.abort();
    await expect(async () => {
      for await (const _ of p.processAll(['ok'], { signal: ac.signal })) void _;
    }).rejects.toThrow(/cancelled/);
  });

  it('handles empty text, non-strings and a 1 MB review', () => {
    const p = createPipeline();
    expect(p.process('')).toEqual([]);
    expect(p.process('   ...  ')).toEqual([]);
    expect(() => p.process(undefined as unknown as string)).toThrow(/process\(\) expects a string, got undefined/);
    expect(() => p.transform(['a', 3 as unknown as string])).toThrow(/text #1 expects a string, got number 3/);
    const big = 'aplikasinya gak bagus, lemot bgt 😡 '.repeat(30_000);
    expect(big.length).toBeGreaterThan(1_000_000);
    const tokens = p.process(big);
    expect(tokens.length).toBe(6 * 30_000);
    expect(p.trace('\uD800 bagus').input).toBe('\uFFFD bagus');
  });

  it('applies text-level steps per token when they follow tokenizing', () => {
    const p = createPipeline({
      steps: [
        { step: 'tokenize' },
        { step: 'caseFold' },
        { step: 'clean', emoji: 'words' },
        { step: 'removePunctuation' },
      ],
    });
    expect(p.process('Mantap 😍')).toEqual(['mantap', 'suka']);
  });
});
