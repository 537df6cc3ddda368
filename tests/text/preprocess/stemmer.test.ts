import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStemmer, porterStem, type Stemmer, talaStem } from '../../../src/text/preprocess/index.js';
import { FIXTURES, hasShared, hasSnowball, SASTRAWI_DICT, SNOWBALL_DIR } from './helpers.js';

const HUNSPELL_ID = '/usr/share/hunspell/id_ID.dic';

function pairs(file: string): Array<[string, string]> {
  return readFileSync(`${FIXTURES}${file}`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t') as [string, string]);
}

describe('dictionary-free Tala stemmer', () => {
  it.skipIf(!hasSnowball)("agrees with Debian snowball-data's Indonesian reference stems (64,586 words)", () => {
    const voc = readFileSync(`${SNOWBALL_DIR}voc.txt`, 'utf8').split('\n');
    const out = readFileSync(`${SNOWBALL_DIR}output.txt`, 'utf8').split('\n');
    let n = 0;
    let agree = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < voc.length; i++) {
      if (!voc[i]) continue;
      n++;
      const s = talaStem(voc[i] as string);
      if (s === out[i]) agree++;
      else if (disagreements.length < 10) disagreements.push(`${voc[i]} → ${s} (reference ${out[i]})`);
    }
    expect(n).toBe(64586);
    expect(disagreements).toEqual([]);
    expect(agree / n).toBe(1);
  });

  it('covers each rule: particles, possessives, first- and second-order prefixes, suffix conditions', () => {
    const cases: Record<string, string> = {
      bukukah: 'buku', // particle -kah
      rumahnya: 'rumah', // possessive -nya
      bajumu: 'baju',
      dimakan: 'makan', // di- (then -an is not allowed after di-)
      dimakanan: 'makanan',
      membaca: 'baca', // mem- + consonant: delete
      memakai: 'paka', // mem- + vowel → p-, then -i
      menyapu: 'sapu', // meny- + vowel → s-
      pengirim: 'irim', // peng- (Tala overstems: no dictionary)
      pembangunan: 'bangun', // pem- + -an
      berlari: 'lari', // ber-
      bekerja: 'kerja', // be- + C + er
      belajar: 'ajar',
      pelajaran: 'ajar',
      perbaikan: 'baik', // per-: -kan not allowed after per-, -an is
      kebersamaan: 'sama', // ke- then -an, then ber-
      nilai: 'nila', // no dictionary: overstems (ECS keeps nilai)
      dia: 'dia', // two vowels or fewer: untouched
      buku: 'buku',
      apa: 'apa',
    };
    for (const [w, s] of Object.entries(cases)) expect(talaStem(w), w).toBe(s);
  });
});

describe('ECS (Sastrawi) stemmer with the Sastrawi dictionary', () => {
  let ecs: Stemmer;
  beforeAll(() => {
    if (hasShared) ecs = createStemmer({ dictionary: SASTRAWI_DICT, invalidRows: 'skip' });
  });

  it.skipIf(!hasShared)('reports the one malformed dictionary line instead of failing silently', () => {
    expect(ecs.algorithm).toBe('ecs');
    expect(ecs.report.dictionaryWords).toBeGreaterThan(29_000);
    expect(ecs.report.skipped).toEqual([{ line: 19362, text: 'oper "v,"' }]);
    expect(() => createStemmer({ dictionary: SASTRAWI_DICT })).toThrow(
      /line 19362: expected one root word.*invalidRows: 'skip'/,
    );
  });

  it.skipIf(!hasShared)(
    'matches PySastrawi on every rule case (prefix/suffix/confix classes, rules 1–42, plurals)',
    () => {
      const rows = pairs('ecs-rule-cases.tsv');
      expect(rows.length).toBeGreaterThan(140);
      const wrong = rows.filter(([w, s]) => ecs.stem(w) !== s).map(([w, s]) => `${w}: ${ecs.stem(w)} ≠ ${s}`);
      expect(wrong).toEqual([]);
    },
  );

  it.skipIf(!hasShared)('matches PySastrawi on a sample of the SmSA vocabulary', () => {
    const rows = pairs('ecs-pysastrawi-smsa.tsv');
    const wrong = rows.filter(([w, s]) => ecs.stem(w) !== s);
    expect(wrong).toEqual([]);
  });

  it.skipIf(!hasShared)('never overstems dictionary words and leaves short words alone', () => {
    for (const w of ['nilai', 'bisa', 'sepeda', 'ketua', 'perempuan', 'terlalu', 'sangat'])
      expect(ecs.stem(w), w).toBe(w);
    for (const w of ['di', 'ke', 'dan', 'kok', 'gak', 'xyz']) expect(ecs.stem(w), w).toBe(w);
    expect(ecs.stem('menilai')).toBe('nilai');
    expect(ecs.stem('penilaian')).toBe('nilai');
    expect(talaStem('nilai')).toBe('nila');
  });

  it.skipIf(!hasShared)('applies the disambiguation rules case by case', () => {
    const rules: Array<[string, string, string]> = [
      ['1a berV → ber-V', 'beradu', 'adu'],
      ['2 berCAP', 'bertabur', 'tabur'],
      ['4 belajar', 'belajar', 'ajar'],
      ['5 beC1erC2', 'bekerja', 'kerja'],
      ['6a terV', 'terangkat', 'angkat'],
      ['8 terCP', 'tertangkap', 'tangkap'],
      ['10 me{l,r,w,y}V', 'merasa', 'rasa'],
      ['11 mem{b,f,v}', 'memvonis', 'vonis'],
      ['12 mempe', 'mempengaruhi', 'pengaruh'],
      ['13b mem+V → p', 'memakai', 'pakai'],
      ['14 men{c,d,j,s,t,z}', 'menzalimi', 'zalim'],
      ['15b men+V → t', 'menulis', 'tulis'],
      ['16 meng{g,h,q,k}', 'mengkritik', 'kritik'],
      ['17a mengV', 'mengambil', 'ambil'],
      ['17b mengV → k', 'mengurangi', 'kurang'],
      ['17c menge', 'mengebom', 'bom'],
      ['18a menyV → ny', 'menyanyi', 'nyanyi'],
      ['18b menyV → s', 'menyapu', 'sapu'],
      ['19 mempA', 'memproteksi', 'proteksi'],
      ['20 pe{w,y}V', 'pewarna', 'warna'],
      ['21a perV', 'perusak', 'usak'],
      ['23 perCAP', 'perlebar', 'lebar'],
      ['25 pem{b,f,v}', 'pembaca', 'baca'],
      ['26b pem+V → p', 'pemukul', 'pukul'],
      ['27 pen{c,d,j,s,t,z}', 'pencuri', 'curi'],
      ['28b pen+V → t', 'penulis', 'tulis'],
      ['29 pengC', 'penggali', 'gali'],
      ['30b pengV → k', 'pengirim', 'kirim'],
      ['31b penyV → s', 'penyapu', 'sapu'],
      ['32 pelajar', 'pelajar', 'ajar'],
      ['34 peCP', 'petani', 'tani'],
      ['36 peC1erC2', 'penerbit', 'terbit'],
      ['39 infix -em-', 'gemetar', 'gemetar'],
      ['40 infix -in-', 'kinerja', 'kerja'],
      ['41 ku-', 'kuambil', 'ambil'],
      ['42 kau-', 'kaulihat', 'lihat'],
      ['precedence me-…-i (prefix first)', 'menikmati', 'nikmat'],
      ['loop pengembalian akhiran (-kan as -k)', 'memberlakukan', 'laku'],
      ['confix ke-…-an', 'keberhasilan', 'hasil'],
      ['particle + possessive', 'bukunya', 'buku'],
      ['plural', 'buku-buku', 'buku'],
      ['plural with affixes', 'berbalas-balasan', 'balas'],
      ['plural me- retry', 'meniru-nirukan', 'tiru'],
      ['non-identical compound stays', 'sayur-mayur', 'sayur-mayur'],
    ];
    for (const [rule, word, stem] of rules) expect(ecs.stem(word), rule).toBe(stem);
  });

  it.skipIf(!hasShared)('caches results and stems faster on repeated words', () => {
    const s = createStemmer({ dictionary: SASTRAWI_DICT, invalidRows: 'skip', cacheSize: 3 });
    expect(s.stem('Menilai')).toBe('nilai');
    expect(s.cacheSize).toBe(1);
    s.stem('membaca');
    s.stem('pemukul');
    s.stem('penulis');
    expect(s.cacheSize).toBe(1); // cleared when full, then refilled
    s.clearCache();
    expect(s.cacheSize).toBe(0);
    expect(createStemmer({ cacheSize: 0 }).stem('pembangunan')).toBe('bangun');
  });
});

describe('createStemmer', () => {
  it.skipIf(!existsSync(HUNSPELL_ID))('reads a Hunspell .dic (Debian hunspell-id, LGPL-3) as an ECS dictionary', () => {
    const s = createStemmer({ dictionary: HUNSPELL_ID, invalidRows: 'skip' });
    expect(s.report.dictionaryWords).toBeGreaterThan(30_000);
    expect(s.dictionaryWords()).toContain('abadi');
    expect(s.stem('menilai')).toBe('nilai');
    expect(s.stem('pembangunan')).toBe('bangun');
    expect(s.stem('keabadian')).toBe('abadi');
  });

  it('uses Tala without a dictionary, ECS with one, Porter for English', () => {
    expect(createStemmer().algorithm).toBe('tala');
    const small = createStemmer({ dictionary: ['nilai', 'baca', 'ajar'] });
    expect(small.algorithm).toBe('ecs');
    expect(small.stem('menilai')).toBe('nilai');
    expect(small.stem('pelajaran')).toBe('ajar');
    expect(small.stem('pembangunan')).toBe('pembangunan'); // not in this dictionary: unchanged
    expect(small.dictionaryWords()).toEqual(['ajar', 'baca', 'nilai']);
    const en = createStemmer({ language: 'en' });
    expect(en.algorithm).toBe('porter');
    expect(en.stemTokens(['relational', 'ponies', 'running', 'generalizations'])).toEqual([
      'relat',
      'poni',
      'run',
      'gener',
    ]);
  });

  it('passes numbers, emoji and mixed tokens through and lower-cases words', () => {
    const s = createStemmer();
    expect(s.stemTokens(['2024', '👍', 'k212', 'PEMBANGUNAN', ''])).toEqual(['2024', '👍', 'k212', 'bangun', '']);
  });

  it('gives clear errors for bad input', () => {
    expect(() => createStemmer().stem(null as unknown as string)).toThrow(/expects a string, got null/);
    expect(() => createStemmer({ dictionary: [] })).toThrow(/empty dictionary/);
    expect(() => createStemmer({ dictionary: [1 as unknown as string] })).toThrow(/entry #0 is number 1/);
    expect(() => createStemmer({ dictionary: `${FIXTURES}nope.txt` })).toThrow(/file not found/);
    expect(() => createStemmer({ dictionary: `${FIXTURES}invalid-utf8-lexicon.tsv` })).toThrow(/not valid UTF-8/);
    expect(() => createStemmer({ language: 'en', dictionary: ['a'] })).toThrow(/only used for Indonesian/);
    expect(() => createStemmer({ cacheSize: -1 })).toThrow(/cacheSize/);
  });

  it('Porter matches the examples of the original paper', () => {
    const cases: Record<string, string> = {
      caresses: 'caress',
      ponies: 'poni',
      agreed: 'agre',
      hopping: 'hop',
      filing: 'file',
      happy: 'happi',
      conditional: 'condit',
      vietnamization: 'vietnam',
      hopefulness: 'hope',
      electrical: 'electr',
      adjustment: 'adjust',
      adoption: 'adopt',
      controll: 'control',
    };
    for (const [w, s] of Object.entries(cases)) expect(porterStem(w), w).toBe(s);
  });
});
