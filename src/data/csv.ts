/**
 * A small RFC 4180 reader/writer for CSV and TSV. Quoted fields may contain the delimiter, quotes
 * (doubled) and line breaks; every record remembers the 1-based line it starts on, so errors can
 * point users at the right line of their file.
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
 * Blank lines are skipped. A quote that is never closed is an error naming the line it opened on.
 */
export function parseDelimited(text: string, delimiter: string, source = 'input'): DelimitedRecord[] {
  const records: DelimitedRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quoteLine = 0;
  let fieldStarted = false; // distinguishes an empty record from a record with one empty field
  const n = text.length;
  const endRecord = () => {
    if (fieldStarted || fields.length > 0) {
      fields.push(field);
      records.push({ fields, line: recordLine });
    }
    fields = [];
    field = '';
    fieldStarted = false;
  };
  for (let i = 0; i < n; i++) {
    const c = text[i] as string;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    // A quote only opens a quoted field at the very start of the field (RFC 4180); elsewhere it is literal.
    if (c === '"' && field === '') {
      inQuotes = true;
      quoteLine = line;
      fieldStarted = true;
      continue;
    }
    if (c === delimiter) {
      fields.push(field);
      field = '';
      fieldStarted = true;
      continue;
    }
    if (c === '\r' && text[i + 1] === '\n') continue;
    if (c === '\n' || c === '\r') {
      endRecord();
      line++;
      recordLine = line;
      continue;
    }
    field += c;
    fieldStarted = true;
  }
  if (inQuotes) {
    throw new UlasanError(
      'FILE_FORMAT',
      `${source}: a quoted field opened on line ${quoteLine} is never closed. Close the quote (write a literal quote as "") or save the file as TSV.`,
    );
  }
  endRecord();
  return records;
}

/** Quotes one field for CSV/TSV output when it contains the delimiter, a quote or a line break. */
export function quoteField(value: string, delimiter: string): string {
  if (value.includes(delimiter) || value.includes('"') || value.includes('\n') || value.includes('\r')) {
    return `"${value.replace(/"/g, '""')}"`;
  }
  return value;
}
