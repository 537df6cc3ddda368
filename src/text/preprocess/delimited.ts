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

/** Parses `text` with `delimiter` (`,` or `\t`). Throws on an unterminated quote, naming its line. */
export function parseDelimited(text: string, delimiter: string, source: string): DelimitedRecord[] {
  const records: DelimitedRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let quoted = false;
  let quoteLine = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (ch === '\n') line++;
      cell += ch;
      i++;
      continue;
    }
    if (ch === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
      i++;
      continue;
    }
    if (ch === delimiter) {
      cells.push(cell);
      cell = '';
      i++;
      continue;
    }
    if (ch === '\r' && text[i + 1] === '\n') {
      i++;
      continue;
    }
    if (ch === '\n') {
      cells.push(cell);
      if (!(cells.length === 1 && cells[0] === '')) records.push({ line: recordLine, cells });
      cells = [];
      cell = '';
      line++;
      recordLine = line;
      i++;
      continue;
    }
    cell += ch;
    i++;
  }
  if (quoted) {
    throw new UlasanError(
      'FILE_FORMAT',
      `${source}, line ${quoteLine}: a quoted field is never closed. Check for a stray '"'.`,
    );
  }
  cells.push(cell);
  if (!(cells.length === 1 && cells[0] === '')) records.push({ line: recordLine, cells });
  return records;
}
