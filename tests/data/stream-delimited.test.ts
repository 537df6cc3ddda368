/**
 * The streaming CSV/TSV reader (`streamDelimited`, used by `ulasan predict --queue` and
 * `streamTexts`): whatever the chunking, it yields exactly `parseDelimited`'s records and line
 * numbers, on real files (EmoT's malformed rows with stray and doubled quotes, SmSA's TSV) and on
 * quoted fields with line breaks cut at every position.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type DelimitedRecord, parseDelimited, streamDelimited } from '../../src/data/csv.js';
import { streamTexts } from '../../src/experiments/executors/queue-predict.js';

const emot = readFileSync(fileURLToPath(new URL('../fixtures/data/emot-stray-quote.csv', import.meta.url)), 'utf8');
const smsa = readFileSync(fileURLToPath(new URL('../fixtures/data/smsa-sample.tsv', import.meta.url)), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'ulasan-stream-delimited-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function collect(chunks: Iterable<string | Buffer>, delimiter: string): Promise<DelimitedRecord[]> {
  const out: DelimitedRecord[] = [];
  for await (const r of streamDelimited(chunks, delimiter, 'test')) out.push(r);
  return out;
}

/** `text` cut into pieces of `size` characters. */
function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

describe('streamDelimited', () => {
  const quoted = 'id,text\n1,"a ""quoted"" word, and a\nline break"\n2,plain ab"c\r\n3,"x"tail\n\n4,last';

  it('yields parseDelimited’s records for a cut at every position', async () => {
    const expected = parseDelimited(quoted, ',');
    expect(expected.map((r) => r.line)).toEqual([1, 2, 4, 5, 7]);
    for (let cut = 0; cut <= quoted.length; cut++) {
      expect(await collect([quoted.slice(0, cut), quoted.slice(cut)], ',')).toEqual(expected);
    }
    for (const size of [1, 2, 3, 7]) expect(await collect(pieces(quoted, size), ',')).toEqual(expected);
  });

  it('matches on real files: EmoT’s malformed CSV rows and SmSA’s TSV, in small chunks', async () => {
    for (const [text, delimiter] of [
      [emot, ','],
      [smsa, '\t'],
    ] as const) {
      const expected = parseDelimited(text, delimiter);
      expect(expected.length).toBeGreaterThan(4);
      expect(await collect(pieces(text, 13), delimiter)).toEqual(expected);
    }
  });

  it('keeps a UTF-8 character split between two byte chunks whole', async () => {
    const bytes = Buffer.from('teks,label\n"kopi ☕ enak",positive\n', 'utf8');
    const at = bytes.indexOf(0xe2) + 1; // inside the 3-byte ☕
    const records = await collect([bytes.subarray(0, at), bytes.subarray(at)], ',');
    expect(records[1]?.fields[0]).toBe('kopi ☕ enak');
  });

  it('reports an unclosed quote with the line it opened on, as parseDelimited', async () => {
    await expect(collect(pieces('a,b\nc,"never closed\nmore\n', 4), ',')).rejects.toThrow(/opened on line 2/);
  });
});

describe('streamTexts on CSV', () => {
  it('reads the text column of a quoted CSV with a header, by name and by default', async () => {
    const path = join(work, 'reviews.csv');
    writeFileSync(path, quoted());
    const byDefault: string[] = [];
    for await (const t of streamTexts(path)) byDefault.push(t);
    expect(byDefault).toEqual(['enak, murah', 'pelayanan "ramah"\nsekali']);
    const byName: string[] = [];
    for await (const t of streamTexts(path, { textColumn: 'label' })) byName.push(t);
    expect(byName).toEqual(['positive', 'positive']);
  });
  const quoted = () => 'text,label\n"enak, murah",positive\n"pelayanan ""ramah""\nsekali",positive\n';
});
