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
import { StringDecoder } from 'node:string_decoder';
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
export function parseDelimited(text: string, delimiter: string, source = 'input', firstLine = 1): DelimitedRecord[] {
  const records: DelimitedRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = firstLine;
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

/**
 * Streams the records of delimited text arriving in chunks (a file stream, stdin), with the same
 * rules and line numbers as {@link parseDelimited}, holding only the records not yet complete:
 * a file of any size is read in constant memory (plus its longest record).
 *
 * @example
 * ```ts
 * for await (const r of streamDelimited(createReadStream('reviews.csv', 'utf8'), ',', 'reviews.csv')) {
 *   console.log(r.line, r.fields[0]);
 * }
 * ```
 */
export async function* streamDelimited(
  chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>,
  delimiter: string,
  source = 'input',
): AsyncGenerator<DelimitedRecord> {
  let pending = '';
  let line = 1;
  const decoder = new StringDecoder('utf8'); // a character split between two chunks stays whole
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const cut = completeRecordsEnd(pending, delimiter);
    if (cut === 0) continue;
    const complete = pending.slice(0, cut);
    pending = pending.slice(cut);
    yield* parseDelimited(complete, delimiter, source, line);
    line += countNewlines(complete);
  }
  pending += decoder.end();
  if (pending !== '') yield* parseDelimited(pending, delimiter, source, line);
}

/**
 * The end (just past its line feed) of the last record of `text` known to be complete: a line
 * feed outside quotes, with quotes opening a field only at its start, as {@link parseDelimited}
 * reads them. 0 when no record is complete yet.
 */
function completeRecordsEnd(text: string, delimiter: string): number {
  const d = delimiter.charCodeAt(0);
  let cut = 0;
  let inQuotes = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === 34) {
        if (i + 1 === text.length) break; // a doubled quote may continue in the next chunk
        if (text.charCodeAt(i + 1) === 34) i++;
        else inQuotes = false;
      }
    } else if (c === 34 && fieldStart) {
      inQuotes = true;
      fieldStart = false;
    } else if (c === d || c === 13) {
      fieldStart = true;
    } else if (c === 10) {
      fieldStart = true;
      cut = i + 1;
    } else {
      fieldStart = false;
    }
  }
  return cut;
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
