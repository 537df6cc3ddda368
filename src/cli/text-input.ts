/**
 * Reading unlabelled texts for `ulasan predict` (and any command that only needs texts): plain
 * lines and JSONL stream in constant memory; CSV/TSV are read whole. Every format is strict: a
 * malformed line, a missing text column or invalid UTF-8 is an error naming the input, the line
 * and the fix, never a silent fallback to "one text per line".
 */
import { extname } from 'node:path';
import { UlasanError } from '../internal/errors.js';
import { type CommandContext, UsageError } from './command.js';
import { isStdio, readInputBytes, readInputLines, sourceName } from './io.js';

/** Input formats of {@link readTexts}. */
export const TEXT_INPUT_FORMATS = ['auto', 'lines', 'jsonl', 'csv', 'tsv', 'smsa', 'emot', 'casa'] as const;

/** One of {@link TEXT_INPUT_FORMATS}. */
export type TextInputFormat = (typeof TEXT_INPUT_FORMATS)[number];

const TEXT_NAMES = ['text', 'tweet', 'sentence', 'review', 'content', 'ulasan', 'comment', 'kalimat', 'teks'];
const LABEL_NAMES = ['label', 'sentiment', 'labels', 'class', 'rating', 'score', 'stars', 'sentimen'];

/** Checks an `--input-format` value (a usage error names the flag and the choices). */
export function parseTextInputFormat(value: unknown, flag = '--input-format'): TextInputFormat {
  if (value === undefined) return 'auto';
  if (typeof value === 'string' && (TEXT_INPUT_FORMATS as readonly string[]).includes(value))
    return value as TextInputFormat;
  throw new UsageError(`${flag} expects one of ${TEXT_INPUT_FORMATS.join(', ')}, got ${JSON.stringify(value)}`);
}

/**
 * The format `auto` stands for: by extension (`.jsonl`/`.ndjson`, `.csv`, `.tsv`/`.tab`), else
 * plain lines (stdin included: one text per line unless `--input-format` says otherwise).
 */
function concreteFormat(path: string, format: TextInputFormat): 'lines' | 'jsonl' | 'csv' | 'tsv' {
  if (format === 'smsa' || format === 'tsv') return 'tsv';
  if (format === 'emot' || format === 'casa' || format === 'csv') return 'csv';
  if (format === 'lines' || format === 'jsonl') return format;
  if (isStdio(path)) return 'lines';
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  return 'lines';
}

/**
 * The texts of `path` (`-` for stdin) in `format`. `lines`: every non-blank line is a text.
 * `jsonl`: each non-blank line is a JSON string or an object whose text field is `textColumn`
 * (default: the first of text, tweet, review, ...). `csv`/`tsv` (`smsa`, `emot`): the text column
 * by name or index (default: a text-like header name, else column 0); a label column may be there
 * or not.
 */
export async function readTexts(
  ctx: CommandContext,
  path: string,
  options: { format?: TextInputFormat; textColumn?: string | number; flag?: string } = {},
): Promise<AsyncIterable<string>> {
  const format = concreteFormat(path, options.format ?? 'auto');
  const flag = options.flag ?? '--data';
  const source = sourceName(path);
  if (format === 'lines') {
    if (options.textColumn !== undefined)
      throw new UsageError(
        `--text-col needs a file with columns; ${source} is read as plain lines (pass --input-format csv|tsv|jsonl)`,
      );
    return (async function* () {
      for await (const { text } of readInputLines(ctx, path, flag)) if (text.trim() !== '') yield text;
    })();
  }
  if (format === 'jsonl') return jsonlTexts(ctx, path, source, options.textColumn, flag);
  const texts = await delimitedTexts(ctx, path, source, format, options, flag);
  return (async function* () {
    yield* texts;
  })();
}

async function* jsonlTexts(
  ctx: CommandContext,
  path: string,
  source: string,
  textColumn: string | number | undefined,
  flag: string,
): AsyncGenerator<string> {
  if (typeof textColumn === 'number')
    throw new UsageError('--text-col for a JSONL input is a field name, not an index');
  let key = textColumn;
  for await (const { text, line } of readInputLines(ctx, path, flag)) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${source}, line ${line}: not valid JSON (${(cause as Error).message}). Each line of a JSONL input must be a JSON object with a text field, or a JSON string; for plain text pass --input-format lines.`,
        { cause },
      );
    }
    if (typeof value === 'string') {
      yield value;
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${source}, line ${line}: expected a JSON object like {"text": ...} or a JSON string, found ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}.`,
      );
    }
    const obj = value as Record<string, unknown>;
    key ??= Object.keys(obj).find((k) => TEXT_NAMES.includes(k.toLowerCase()));
    if (key === undefined) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${source}, line ${line}: cannot tell which field holds the text (fields: ${Object.keys(obj).join(', ')}). Pass --text-col NAME.`,
      );
    }
    const t = obj[key];
    if (typeof t !== 'string') {
      throw new UlasanError(
        'FILE_FORMAT',
        `${source}, line ${line}: expected a string in field "${key}", found ${t === undefined ? 'no such field' : JSON.stringify(t)}. Check --text-col.`,
      );
    }
    yield t;
  }
}

async function delimitedTexts(
  ctx: CommandContext,
  path: string,
  source: string,
  format: 'csv' | 'tsv',
  options: { format?: TextInputFormat; textColumn?: string | number },
  flag: string,
): Promise<string[]> {
  const { decodeUtf8 } = await import('../data/read-dataset.js');
  const { parseDelimited } = await import('../data/csv.js');
  let bytes: Uint8Array;
  try {
    bytes = await readInputBytes(ctx, path, flag);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UlasanError(
        'FILE_NOT_FOUND',
        `Input file not found: ${path}. Check the path (relative paths start from ${process.cwd()}).`,
        { cause: error },
      );
    }
    throw error;
  }
  const records = parseDelimited(decodeUtf8(bytes, source), format === 'csv' ? ',' : '\t', source);
  if (records.length === 0) return [];
  const first = records[0]!.fields.map((f) => f.trim().toLowerCase());
  const col = options.textColumn;
  const hasHeader =
    options.format === 'smsa'
      ? false
      : format === 'csv' ||
        typeof col === 'string' ||
        first.some((c) => TEXT_NAMES.includes(c) || LABEL_NAMES.includes(c));
  const header = hasHeader ? records[0]!.fields.map((f) => f.trim()) : undefined;
  let index: number;
  if (typeof col === 'number') {
    index = col;
  } else if (typeof col === 'string') {
    index = header?.findIndex((h) => h === col || h.toLowerCase() === col.toLowerCase()) ?? -1;
    if (index < 0)
      throw new UlasanError(
        'FILE_FORMAT',
        `${source}: no text column named "${col}". Available columns: ${header?.join(', ')}.`,
      );
  } else if (header) {
    index = header.findIndex((h) => TEXT_NAMES.includes(h.toLowerCase()));
    if (index < 0 && header.length === 2) {
      const label = header.findIndex((h) => LABEL_NAMES.includes(h.toLowerCase()));
      if (label >= 0) index = 1 - label;
    }
    if (index < 0)
      throw new UlasanError(
        'FILE_FORMAT',
        `${source}: cannot tell which column holds the text. Available columns: ${header.join(', ')}. Pass --text-col.`,
      );
  } else index = 0;
  const texts: string[] = [];
  for (const record of hasHeader ? records.slice(1) : records) {
    if (record.fields.length === 1 && record.fields[0]!.trim() === '') continue;
    const t = record.fields[index];
    if (t === undefined) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${source}, line ${record.line}: no column ${index} (the row has ${record.fields.length}). Check the delimiter (${format === 'tsv' ? 'TSV needs tabs' : 'CSV needs commas'}) and --text-col.`,
      );
    }
    texts.push(t);
  }
  return texts;
}
