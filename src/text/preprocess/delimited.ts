/**
 * A small RFC 4180 reader for the lexicon files this module loads (quoted fields, doubled quotes,
 * newlines inside quotes). Records keep the line number they start on so errors can name it.
 */
import { UlasanError } from '../../internal/errors.js';

/** One parsed record and the 1-based line it starts on. */
export interface DelimitedRecord {
  line: number;
  cells: string[];
}

const cache = new Map<string, RegExp>();

function fieldPattern(delimiter: string): RegExp {
  let re = cache.get(delimiter);
  if (!re) {
    const d = delimiter === '\t' ? '\\t' : delimiter;
    // a quoted field ("" escapes a quote) or an unquoted run, then the delimiter, a newline or the end
    re = new RegExp(`(?:"((?:[^"]|"")*)"|([^${d}\\r\\n"]*))(${d}|\\r?\\n|$)`, 'y');
    cache.set(delimiter, re);
  }
  return re;
}

/** Parses `text` with `delimiter` (`,` or `\t`). Throws on a malformed quote, naming its line. */
export function parseDelimited(text: string, delimiter: string, source: string): DelimitedRecord[] {
  const re = fieldPattern(delimiter);
  const records: DelimitedRecord[] = [];
  let cells: string[] = [];
  let line = 1;
  let recordLine = 1;
  let pos = 0;
  const n = text.length;
  while (pos <= n) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) {
      const problem = text[pos] === '"' ? 'a quoted field is never closed' : 'a quote appears inside an unquoted field';
      throw new UlasanError('FILE_FORMAT', `${source}, line ${line}: ${problem}. Check for a stray '"'.`);
    }
    const quoted = m[1];
    const cell = quoted !== undefined ? quoted.replace(/""/g, '"') : (m[2] as string);
    if (quoted !== undefined) for (let i = quoted.indexOf('\n'); i >= 0; i = quoted.indexOf('\n', i + 1)) line++;
    cells.push(cell);
    const end = m[3] as string;
    pos = re.lastIndex;
    if (end === delimiter) continue;
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: recordLine, cells });
    cells = [];
    if (end === '') break;
    line++;
    recordLine = line;
  }
  return records;
}
