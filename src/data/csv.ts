/**
 * The one RFC 4180 reader/writer for CSV and TSV (datasets for `train`/`evaluate`, `preprocess`,
 * slang lexicons). Quoted fields may contain the delimiter, quotes (doubled) and line breaks; every
 * record remembers the 1-based line it starts on, so errors can point users at the right line.
 *
 * Quoting follows Python's `csv` module defaults (`doublequote=True`, `strict=False`) and pandas'
 * `read_csv`: a quote opens a quoted field only at the start of a field; a stray quote inside an
 * unquoted field is a literal character (`ab"c` reads as `ab"c`); text after a closing quote is
 * appended literally (`"ab"c` reads as `abc`); a quote never closed before the end of the file is an
 * error (pandas' "EOF inside string"), naming the line it opened on.
 */
import { UlasanError } from '../internal/errors.js';

/** One parsed record: its fields and the 1-based line number where it starts. */
export interface DelimitedRecord {
  /** The fields, unquoted. */
  fields: string[];
  /** 1-based line number of the first character of the record. */
  line: number;
}

/**
 * Parses delimited text (CSV when `delimiter` is `,`, TSV when it is a tab) into records.
 * Blank lines are skipped. A quote opens a quoted field only at the start of a field (elsewhere it
 * is literal). A quote that is never closed is an error naming the line it opened on.
 */
export function parseDelimited(text: string, delimiter: string, source = 'input'): DelimitedRecord[] {
  const records: DelimitedRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    // Parse one record.
    for (;;) {
      if (text.charCodeAt(i) === 34 /* " */) {
        const quoteLine = line;
        let value = '';
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) {
            throw new UlasanError(
              'FILE_FORMAT',
              `${source}: a quoted field opened on line ${quoteLine} is never closed. Close the quote (write a literal quote as "") or save the file as TSV.`,
            );
          }
          const chunk = text.slice(j, q);
          line += countNewlines(chunk);
          value += chunk;
          if (text.charCodeAt(q + 1) === 34) {
            value += '"';
            j = q + 2;
          } else {
            j = q + 1;
            break;
          }
        }
        // Text after the closing quote up to the delimiter is kept literally (lenient, like Python's csv).
        const end = fieldEnd(text, j, delimiter);
        value += text.slice(j, end);
        fields.push(value);
        i = end;
      } else {
        const end = fieldEnd(text, i, delimiter);
        fields.push(text.slice(i, end));
        i = end;
      }
      if (i < n && text[i] === delimiter) {
        i++;
        continue;
      }
      break;
    }
    // End of record: skip the line break.
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    const blank = fields.length === 1 && fields[0]!.trim() === '';
    if (!blank) records.push({ fields, line: recordLine });
    line++;
  }
  return records;
}

function fieldEnd(text: string, from: number, delimiter: string): number {
  let k = from;
  const d = delimiter.charCodeAt(0);
  for (; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === d || c === 10 || c === 13) break;
  }
  return k;
}

function countNewlines(s: string): number {
  let count = 0;
  let k = s.indexOf('\n');
  while (k >= 0) {
    count++;
    k = s.indexOf('\n', k + 1);
  }
  return count;
}

/** Quotes one field for CSV/TSV output when it contains the delimiter, a quote or a line break. */
export function quoteField(value: string, delimiter: string): string {
  if (value.includes(delimiter) || value.includes('"') || value.includes('\n') || value.includes('\r')) {
    return `"${value.replace(/"/g, '""')}"`;
  }
  return value;
}
