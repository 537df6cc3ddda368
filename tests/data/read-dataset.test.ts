import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RATING_RULES, readDataset, writeDataset } from '../../src/text/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/data/${name}`, import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'ulasan-data-'));
const write = (name: string, content: string | Uint8Array) => {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
};

async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected an error');
}

describe('readDataset on the IndoNLU files as they are', () => {
  it('reads SmSA (TSV, no header, text then label)', async () => {
    const d = await readDataset(fixture('smsa-sample.tsv'));
    expect(d.texts).toHaveLength(298);
    expect(d.rows).toBe(298);
    expect(new Set(d.labels)).toEqual(new Set(['positive', 'neutral', 'negative']));
    expect(d.texts[0]).toMatch(/^warung ini dimiliki oleh pengusaha pabrik tahu/);
    expect(d.lines[1]).toBe(2);
    expect(d.columns).toEqual({ text: '#0', labels: ['#1'] });
    expect(d.skipped).toEqual([]);
  });

  it('reads the full SmSA train file (11,000 rows)', async () => {
    const path = fileURLToPath(new URL('../../../shared/data/smsa/train_preprocess.tsv', import.meta.url));
    const d = await readDataset(path, { format: 'smsa' });
    expect(d.texts).toHaveLength(11000);
  });

  it('reads EmoT (CSV, header label,tweet, quoted fields with commas and doubled quotes)', async () => {
    const d = await readDataset(fixture('emot-sample.csv'));
    expect(d.columns).toEqual({ text: 'tweet', labels: ['label'] });
    expect(d.texts).toHaveLength(30);
    expect(d.labels[0]).toBe('anger');
    expect(d.texts[1]).toContain('dirusak "supporter" karna');
    expect(d.texts[1]).toContain('Atlit gak diurusin, duitnya');
  });

  it('reads CASA as multi-label (all aspect columns) or chosen aspect columns', async () => {
    const all = await readDataset(fixture('casa-sample.csv'));
    expect(all.columns.labels).toEqual(['fuel', 'machine', 'others', 'part', 'price', 'service']);
    expect(all.labels[0]).toEqual(['positive', 'positive', 'neutral', 'positive', 'neutral', 'neutral']);
    const two = await readDataset(fixture('casa-sample.csv'), { labelColumn: ['price', 2] });
    expect(two.columns.labels).toEqual(['price', 'machine']);
    expect(two.labels[1]).toEqual(['neutral', 'negative']);
    const one = await readDataset(fixture('casa-sample.csv'), { labelColumn: 'machine' });
    expect(one.labels[1]).toBe('negative');
  });
});

describe('readDataset on generic files', () => {
  it('reads CSV/TSV with a header, columns by name or index, RFC 4180 multi-line fields', async () => {
    const path = write('reviews.csv', 'id,content,score\n1,"bagus, mantap",5\n2,"jelek\nsekali",1\n3,biasa saja,3\n');
    const d = await readDataset(path, { textColumn: 'content', labelColumn: 2 });
    expect(d.texts).toEqual(['bagus, mantap', 'jelek\nsekali', 'biasa saja']);
    expect(d.labels).toEqual(['5', '1', '3']);
    expect(d.lines).toEqual([2, 3, 5]);
    const tsv = write('x.tsv', 'label\ttext\npositive\tenak\nnegative\tmahal\n');
    expect((await readDataset(tsv)).texts).toEqual(['enak', 'mahal']);
  });

  it('maps star ratings with RATING_RULES.seed003 and reports the dropped 3-star rows', async () => {
    const path = write('stars.csv', 'content,score\nbagus,5\noke,3\njelek,1\nlumayan,4\nparah,2\n');
    const d = await readDataset(path, {
      textColumn: 'content',
      labelColumn: 'score',
      ratingRule: RATING_RULES.seed003,
    });
    expect(d.texts).toEqual(['bagus', 'jelek', 'lumayan', 'parah']);
    expect(d.labels).toEqual(['positive', 'negative', 'positive', 'negative']);
    expect(d.skipped).toEqual([{ line: 3, reason: 'rating 3 is dropped by the rating rule' }]);
    expect(d.rows).toBe(5);
    const custom = await readDataset(path, {
      labelColumn: 'score',
      textColumn: 0,
      ratingRule: (r) => (r >= 3 ? 'pos' : 'neg'),
    });
    expect(custom.labels).toEqual(['pos', 'pos', 'neg', 'pos', 'neg']);
  });

  it('reads JSONL with numeric labels', async () => {
    const path = write('d.jsonl', '{"text":"enak","label":1}\n\n{"text":"tidak enak","label":0}\n');
    const d = await readDataset(path);
    expect(d.texts).toEqual(['enak', 'tidak enak']);
    expect(d.labels).toEqual([1, 0]);
    expect(d.lines).toEqual([1, 3]);
  });

  it('skips invalid rows when asked, listing them', async () => {
    const path = write('holes.tsv', 'enak\tpositive\n\tnegative\nmahal\t\n');
    const d = await readDataset(path, { onInvalidRow: 'skip' });
    expect(d.texts).toEqual(['enak']);
    expect(d.skipped.map((s) => s.line)).toEqual([2, 3]);
  });
});

describe('readDataset errors', () => {
  it('missing file', async () => {
    const e = await errorOf(readDataset(join(tmp, 'nope.tsv')));
    expect(e.code).toBe('FILE_NOT_FOUND');
    expect(e.message).toMatch(/not found.*nope\.tsv/);
  });
  it('empty file', async () => {
    const e = await errorOf(readDataset(write('empty.csv', '\n  \n')));
    expect(e.code).toBe('FILE_FORMAT');
    expect(e.message).toMatch(/empty/);
    expect((await errorOf(readDataset(write('header-only.csv', 'text,label\n')))).message).toMatch(/no data rows/);
  });
  it('unknown column names list the available ones', async () => {
    const e = await errorOf(readDataset(fixture('emot-sample.csv'), { textColumn: 'review' }));
    expect(e.code).toBe('FILE_FORMAT');
    expect(e.message).toContain('no text column named "review"');
    expect(e.message).toContain('Available columns: label, tweet');
    const idx = await errorOf(readDataset(fixture('smsa-sample.tsv'), { labelColumn: 4 }));
    expect(idx.message).toMatch(/index 4 is out of range.*2 columns/);
  });
  it('a missing label names its line', async () => {
    const e = await errorOf(readDataset(write('hole.tsv', 'enak\tpositive\nmahal\t\n')));
    expect(e.code).toBe('INVALID_DATA');
    expect(e.message).toMatch(/line 2: missing label/);
  });
  it('bad UTF-8 names the line', async () => {
    const bytes = Buffer.concat([
      Buffer.from('enak\tpositive\nmah'),
      Buffer.from([0xe9]),
      Buffer.from('l\tnegative\n'),
    ]);
    const e = await errorOf(readDataset(write('latin1.tsv', bytes)));
    expect(e.code).toBe('FILE_FORMAT');
    expect(e.message).toMatch(/not valid UTF-8.*line 2/);
  });
  it('an unclosed quote names the line it opened on', async () => {
    const e = await errorOf(readDataset(write('q.csv', 'text,label\nok,positive\n"broken,negative\n')));
    expect(e.message).toMatch(/opened on line 3 is never closed/);
  });
  it('a single-column TSV explains the delimiter', async () => {
    const e = await errorOf(readDataset(write('one.tsv', 'enak positive\n')));
    expect(e.message).toMatch(/at least two columns/);
  });
});

describe('writeDataset', () => {
  it('round-trips SmSA, CSV (quotes, commas, newlines), JSONL and multi-label data', async () => {
    const texts = ['enak, "mantap"', 'jelek\nsekali', 'biasa'];
    const labels = ['positive', 'negative', 'neutral'];
    for (const name of ['out.csv', 'out.jsonl', 'out.tsv']) {
      const path = join(tmp, name);
      await writeDataset(path, { texts, labels });
      const back = await readDataset(path);
      expect(back.texts).toEqual(texts);
      expect(back.labels).toEqual(labels);
    }
    const smsa = join(tmp, 'smsa-out.tsv');
    await writeDataset(smsa, { texts: ['a b', 'c'], labels: ['positive', 'negative'] }, { format: 'smsa' });
    expect((await readDataset(smsa, { format: 'smsa' })).labels).toEqual(['positive', 'negative']);
    await expect(writeDataset(smsa, { texts: ['a\tb'], labels: ['x'] }, { format: 'smsa' })).rejects.toThrow(
      /tab or line break/,
    );
    const multi = join(tmp, 'multi.csv');
    await writeDataset(
      multi,
      { texts: ['irit'], labels: [['positive', 'neutral']] },
      { labelColumns: ['fuel', 'price'] },
    );
    const back = await readDataset(multi, { labelColumn: ['fuel', 'price'] });
    expect(back.labels).toEqual([['positive', 'neutral']]);
    await expect(writeDataset(multi, { texts: ['a'], labels: [] })).rejects.toThrow(/aligned/);
  });
});
