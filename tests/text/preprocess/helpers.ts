import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Repo-relative paths resolved from this file (tests/text/preprocess/). */
export const FIXTURES = fileURLToPath(new URL('../../fixtures/text/', import.meta.url));
export const SHARED = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
export const SASTRAWI_DICT = `${SHARED}lexicons/sastrawi-kata-dasar.txt`;
export const COLLOQUIAL = `${SHARED}lexicons/colloquial-indonesian-lexicon.csv`;
export const SNOWBALL_DIR = '/usr/share/snowball/data/indonesian/';

export const hasShared = existsSync(SASTRAWI_DICT);
export const hasSnowball = existsSync(`${SNOWBALL_DIR}voc.txt`);

/** SmSA fixture rows: [text, label]. */
export function smsaSample(): Array<[string, string]> {
  return readFileSync(`${FIXTURES}smsa-sample.tsv`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const i = l.lastIndexOf('\t');
      return [l.slice(0, i), l.slice(i + 1)] as [string, string];
    });
}

/** EmoT fixture tweets (the quoted CSV is parsed with the module's own reader via a tiny split). */
export function emotSample(): string[] {
  const text = readFileSync(`${FIXTURES}emot-sample.csv`, 'utf8');
  const out: string[] = [];
  // label,tweet with tweet possibly quoted
  const re = /^(\w+),("(?:[^"]|"")*"|[^\n]*)$/gm;
  for (const m of text.matchAll(re)) {
    if (m[1] === 'label') continue;
    let t = m[2] as string;
    if (t.startsWith('"')) t = t.slice(1, -1).replace(/""/g, '"');
    out.push(t);
  }
  return out;
}

/** Seed 003 (Tables 1–4) example sentence. */
export const SEED003 = 'Woi aplikasi gak jelas lu , susah amat dibuka, gimana mau chat';
