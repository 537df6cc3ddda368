/**
 * Reading labelled text datasets: the IndoNLU files as they are (SmSA TSV without header, EmoT CSV
 * with `label,tweet`, CASA multi-label CSV), any CSV/TSV with a header, and JSONL. Columns are
 * chosen by name or index; star ratings map to labels through a {@link RatingRule}.
 *
 * Nothing is dropped silently: rows removed on purpose (a rating the rule drops, a blank text when
 * `onInvalidRow: 'skip'`) are listed in `skipped` with their line and reason.
 */
import { promises as fs } from 'node:fs';
import { extname } from 'node:path';
import type { Label } from '../core/classifier.js';
import { invalidArgument, UlasanError } from '../internal/errors.js';
import { parseDelimited } from './csv.js';

/** File formats {@link readDataset} understands. `'auto'` decides from the extension and first line. */
export type DatasetFormat = 'auto' | 'smsa' | 'emot' | 'casa' | 'csv' | 'tsv' | 'jsonl';

/** A column chosen by header name or by 0-based index. */
export type ColumnRef = string | number;

/**
 * Maps a numeric rating (stars) to a label. Ratings outside every range are dropped and reported
 * in `skipped`. Serializable, so experiment configs can record it.
 */
export interface RatingRule {
  /** A name for reports, e.g. `'twoWay'`. */
  name?: string;
  /** Inclusive ranges; the first range that contains the rating gives its label. */
  ranges: { min: number; max: number; label: Label }[];
}

/**
 * Ready-made rating rules: `twoWay` (1–2 stars negative, 4–5 positive, 3 dropped) and `threeWay`.
 * `seed003` is the deprecated name of `twoWay` (kept with its old `name`, so configs that used it
 * hash and report as before).
 *
 * @example
 * ```ts
 * const reviews = await readDataset('reviews.csv', { labelColumn: 'score', ratingRule: RATING_RULES.twoWay });
 * ```
 */
export const RATING_RULES = {
  /** 1–2 stars negative, 4–5 positive, 3 dropped (seed 003's rule). */
  twoWay: {
    name: 'twoWay',
    ranges: [
      { min: 1, max: 2, label: 'negative' },
      { min: 4, max: 5, label: 'positive' },
    ],
  },
  /** @deprecated Renamed `twoWay` (`seed` means the random seed elsewhere). */
  seed003: {
    name: 'seed003',
    ranges: [
      { min: 1, max: 2, label: 'negative' },
      { min: 4, max: 5, label: 'positive' },
    ],
  },
  /** 1–2 negative, 3 neutral, 4–5 positive. */
  threeWay: {
    name: 'threeWay',
    ranges: [
      { min: 1, max: 2, label: 'negative' },
      { min: 3, max: 3, label: 'neutral' },
      { min: 4, max: 5, label: 'positive' },
    ],
  },
} as const satisfies Record<string, RatingRule>;

/** Options of {@link readDataset}. */
export interface ReadDatasetOptions {
  /** File format; `'auto'` (default) uses the extension (`.tsv`, `.csv`, `.jsonl`/`.ndjson`) and the first line. */
  format?: DatasetFormat;
  /** The text column (name or 0-based index). Default: the first of `text`, `tweet`, `sentence`, `review`, `content`, `ulasan`, `comment`, `kalimat`, or column 0 without a header. */
  textColumn?: ColumnRef;
  /**
   * The label column(s). Default: the first of `label`, `sentiment`, `labels`, `class`, `rating`,
   * `score`, `stars`, or the last column without a header. An array reads several label columns
   * (multi-label, e.g. CASA's aspects) and returns `string[][]` labels.
   */
  labelColumn?: ColumnRef | ColumnRef[];
  /** Whether a CSV/TSV file has a header line. Default: CSV yes; TSV detected from the first line; SmSA no. */
  header?: boolean;
  /** Map numeric ratings in the label column to labels (e.g. {@link RATING_RULES}.twoWay). */
  ratingRule?: RatingRule | ((rating: number) => Label | null | undefined);
  /** What to do with a row that has no text or no label: `'error'` (default) or `'skip'` (listed in `skipped`). */
  onInvalidRow?: 'error' | 'skip';
}

/** A row left out of the dataset, with why. */
export interface SkippedRow {
  /** 1-based line number in the file. */
  line: number;
  /** Why it was left out. */
  reason: string;
}

/** A labelled text dataset (one label per text). */
export interface Dataset {
  /** The texts, in file order. */
  texts: string[];
  /** One label per text. */
  labels: Label[];
  /** Number of data records read from the file (kept + skipped; header excluded). */
  rows: number;
  /** 1-based line number of each kept example, aligned with `texts`. */
  lines: number[];
  /** Records left out on purpose, with line and reason. */
  skipped: SkippedRow[];
  /** Names of the text and label column(s) actually used (`#0`, `#1`… without a header). */
  columns: { text: string; labels: string[] };
}

/** A multi-label dataset: several label columns per text (CASA's aspects). */
export interface MultiLabelDataset extends Omit<Dataset, 'labels'> {
  /** One array per text, one label per label column (in `columns.labels` order). */
  labels: string[][];
}

const TEXT_NAMES = ['text', 'tweet', 'sentence', 'review', 'content', 'ulasan', 'comment', 'kalimat', 'teks'];
const LABEL_NAMES = ['label', 'sentiment', 'labels', 'class', 'rating', 'score', 'stars', 'sentimen'];

type Concrete = 'csv' | 'tsv' | 'jsonl';

/**
 * Reads a labelled text dataset.
 *
 * @example
 * ```ts
 * const train = await readDataset('../shared/data/smsa/train_preprocess.tsv'); // SmSA: TSV, no header
 * console.log(train.texts.length, train.labels[0]);
 * const reviews = await readDataset('reviews.csv', { textColumn: 'content', labelColumn: 'score', ratingRule: RATING_RULES.twoWay });
 * const casa = await readDataset('casa/train_preprocess.csv', { labelColumn: ['fuel', 'machine', 'price'] });
 * ```
 * @throws UlasanError `FILE_NOT_FOUND` for a missing file, `FILE_FORMAT` for an empty file, bad UTF-8
 *   or an unknown column (the message lists the available ones), `INVALID_DATA` for a missing label
 *   (with its line number).
 */
export async function readDataset(
  path: string,
  options: ReadDatasetOptions & { labelColumn: ColumnRef[] },
): Promise<MultiLabelDataset>;
export async function readDataset(path: string, options?: ReadDatasetOptions): Promise<Dataset>;
export async function readDataset(
  path: string,
  options: ReadDatasetOptions = {},
): Promise<Dataset | MultiLabelDataset> {
  const text = await readUtf8(path);
  return parseDataset(text, path, options);
}

/**
 * Parses dataset text already in memory (same rules as {@link readDataset}; `source` names it in
 * errors and picks the format by extension when `format` is `'auto'`).
 */
export function parseDataset(
  text: string,
  source: string,
  options: ReadDatasetOptions = {},
): Dataset | MultiLabelDataset {
  if (text.trim() === '') {
    throw new UlasanError('FILE_FORMAT', `${source} is empty: expected labelled texts, found no data rows.`);
  }
  const format = resolveFormat(text, source, options.format ?? 'auto');
  if (format === 'jsonl') return fromJsonl(text, source, options);
  const delimiter = format === 'tsv' || options.format === 'smsa' ? '\t' : ',';
  const records = parseDelimited(text, delimiter, source);
  if (records.length === 0) {
    throw new UlasanError('FILE_FORMAT', `${source} is empty: expected labelled texts, found no data rows.`);
  }
  const hasHeader = decideHeader(records[0]!.fields, format, options);
  const header = hasHeader ? records[0]!.fields.map((h) => h.trim()) : undefined;
  const data = hasHeader ? records.slice(1) : records;
  if (data.length === 0) {
    throw new UlasanError('FILE_FORMAT', `${source} has a header but no data rows.`);
  }
  const width = header?.length ?? records[0]!.fields.length;
  const names = header ?? Array.from({ length: width }, (_, i) => `#${i}`);
  const { textIndex, labelIndices, multi } = chooseColumns(names, header !== undefined, source, options);
  const out = newResult(names, textIndex, labelIndices);
  for (const record of data) {
    const fields = record.fields;
    if (fields.length === 1 && fields[0]!.trim() === '') continue;
    const textValue = fields[textIndex];
    const labelValues = labelIndices.map((i) => fields[i]);
    addRow(out, record.line, textValue, labelValues, multi, source, options);
  }
  return finish(out, multi);
}

interface Building {
  texts: string[];
  labels: (Label | string[])[];
  lines: number[];
  skipped: SkippedRow[];
  rows: number;
  columns: { text: string; labels: string[] };
}

function newResult(names: string[], textIndex: number, labelIndices: number[]): Building {
  return {
    texts: [],
    labels: [],
    lines: [],
    skipped: [],
    rows: 0,
    columns: { text: names[textIndex]!, labels: labelIndices.map((i) => names[i]!) },
  };
}

function finish(out: Building, multi: boolean): Dataset | MultiLabelDataset {
  if (out.texts.length === 0) {
    const why =
      out.skipped.length > 0
        ? ` (${out.skipped.length} rows skipped, first: line ${out.skipped[0]!.line}: ${out.skipped[0]!.reason})`
        : '';
    throw new UlasanError('INVALID_DATA', `No usable rows: every row was skipped${why}.`);
  }
  if (multi) return out as unknown as MultiLabelDataset;
  return out as unknown as Dataset;
}

function addRow(
  out: Building,
  line: number,
  textValue: unknown,
  labelValues: unknown[],
  multi: boolean,
  source: string,
  options: ReadDatasetOptions,
): boolean {
  out.rows++;
  const fail = (reason: string): boolean => {
    if (options.onInvalidRow === 'skip') {
      out.skipped.push({ line, reason });
      return false;
    }
    throw new UlasanError(
      'INVALID_DATA',
      `${source}, line ${line}: ${reason}. Fix the row, or pass onInvalidRow: 'skip' (CLI: --skip-invalid) to leave such rows out.`,
    );
  };
  if (textValue === undefined || textValue === null) return fail(`missing text column "${out.columns.text}"`);
  const text = String(textValue);
  if (text.trim() === '') return fail('empty text');
  const labels: Label[] = [];
  for (let k = 0; k < labelValues.length; k++) {
    const raw = labelValues[k];
    const col = out.columns.labels[k];
    if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
      return fail(`missing label in column "${col}"`);
    }
    if (typeof raw !== 'string' && typeof raw !== 'number')
      return fail(`label in column "${col}" is not a string or number`);
    labels.push(typeof raw === 'string' ? raw.trim() : raw);
  }
  if (multi) {
    out.texts.push(text);
    out.labels.push(labels.map(String));
    out.lines.push(line);
    return true;
  }
  let label: Label | null | undefined = labels[0]!;
  if (options.ratingRule) {
    const rating = typeof label === 'number' ? label : Number(label);
    if (!Number.isFinite(rating)) return fail(`rating "${label}" is not a number`);
    label = applyRatingRule(options.ratingRule, rating);
    if (label === null || label === undefined) {
      out.skipped.push({ line, reason: `rating ${rating} is dropped by the rating rule` });
      return false;
    }
  }
  out.texts.push(text);
  out.labels.push(label);
  out.lines.push(line);
  return true;
}

function applyRatingRule(
  rule: NonNullable<ReadDatasetOptions['ratingRule']>,
  rating: number,
): Label | null | undefined {
  if (typeof rule === 'function') return rule(rating);
  for (const range of rule.ranges) if (rating >= range.min && rating <= range.max) return range.label;
  return null;
}

function resolveFormat(text: string, source: string, format: DatasetFormat): Concrete {
  switch (format) {
    case 'smsa':
    case 'tsv':
      return 'tsv';
    case 'emot':
    case 'casa':
    case 'csv':
      return 'csv';
    case 'jsonl':
      return 'jsonl';
    case 'auto':
      break;
    default:
      throw invalidArgument(
        `Unknown dataset format "${String(format)}": expected auto, smsa, emot, casa, csv, tsv or jsonl.`,
      );
  }
  const ext = extname(source).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.csv') return 'csv';
  const first = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length).trim();
  if (first.startsWith('{')) return 'jsonl';
  if (first.includes('\t')) return 'tsv';
  return 'csv';
}

function decideHeader(first: string[], format: Concrete, options: ReadDatasetOptions): boolean {
  if (options.header !== undefined) return options.header;
  if (options.format === 'smsa') return false;
  if (options.format === 'emot' || options.format === 'casa') return true;
  const names = first.map((f) => f.trim().toLowerCase());
  const namedColumns = [options.textColumn, ...[options.labelColumn].flat()].filter((c) => typeof c === 'string');
  if (namedColumns.length > 0) return true;
  if (format === 'csv') return true;
  // TSV: SmSA-style files have no header; treat the first line as one only when it names a known column.
  return names.some((n) => TEXT_NAMES.includes(n) || LABEL_NAMES.includes(n));
}

function chooseColumns(
  names: string[],
  hasHeader: boolean,
  source: string,
  options: ReadDatasetOptions,
): { textIndex: number; labelIndices: number[]; multi: boolean } {
  const resolve = (ref: ColumnRef, role: string): number => {
    if (typeof ref === 'number') {
      if (!Number.isInteger(ref) || ref < 0 || ref >= names.length) {
        throw new UlasanError(
          'FILE_FORMAT',
          `${source}: ${role} column index ${ref} is out of range: the file has ${names.length} columns (0–${names.length - 1}): ${names.join(', ')}.`,
        );
      }
      return ref;
    }
    const exact = names.indexOf(ref);
    const index = exact >= 0 ? exact : names.findIndex((n) => n.toLowerCase() === ref.toLowerCase());
    if (index < 0) {
      const hint = hasHeader
        ? ''
        : ' The file has no header line: pick columns by 0-based index, or pass header: true.';
      throw new UlasanError(
        'FILE_FORMAT',
        `${source}: no ${role} column named "${ref}". Available columns: ${names.join(', ')}.${hint}`,
      );
    }
    return index;
  };
  const byName = (candidates: string[]) => names.findIndex((n) => candidates.includes(n.toLowerCase()));

  let textIndex: number;
  if (options.textColumn !== undefined) textIndex = resolve(options.textColumn, 'text');
  else if (hasHeader) {
    textIndex = byName(TEXT_NAMES);
    if (textIndex < 0) {
      if (names.length === 2 && byName(LABEL_NAMES) >= 0) textIndex = 1 - byName(LABEL_NAMES);
      else
        throw new UlasanError(
          'FILE_FORMAT',
          `${source}: cannot tell which column holds the text. Available columns: ${names.join(', ')}. Pass textColumn (CLI: --text-col).`,
        );
    }
  } else textIndex = 0;

  if (Array.isArray(options.labelColumn)) {
    if (options.labelColumn.length === 0)
      throw invalidArgument('labelColumn is an empty array: name at least one label column.');
    return { textIndex, labelIndices: options.labelColumn.map((c) => resolve(c, 'label')), multi: true };
  }
  if (options.labelColumn !== undefined) {
    return { textIndex, labelIndices: [resolve(options.labelColumn, 'label')], multi: false };
  }
  if (hasHeader) {
    const li = byName(LABEL_NAMES);
    if (li >= 0 && li !== textIndex) return { textIndex, labelIndices: [li], multi: false };
    const others = names.map((_, i) => i).filter((i) => i !== textIndex);
    if (others.length === 1) return { textIndex, labelIndices: others, multi: false };
    if (others.length > 1 && options.format !== 'csv' && options.format !== 'tsv') {
      // CASA-style: a text column and several aspect columns, all labels.
      return { textIndex, labelIndices: others, multi: true };
    }
    throw new UlasanError(
      'FILE_FORMAT',
      `${source}: cannot tell which column holds the label. Available columns: ${names.join(', ')}. Pass labelColumn (CLI: --label-col).`,
    );
  }
  const last = names.length - 1;
  if (last === textIndex) {
    throw new UlasanError(
      'FILE_FORMAT',
      `${source}: expected at least two columns (text and label), found ${names.length}. Check the delimiter (TSV needs tabs).`,
    );
  }
  return { textIndex, labelIndices: [last], multi: false };
}

function fromJsonl(text: string, source: string, options: ReadDatasetOptions): Dataset | MultiLabelDataset {
  const lines = text.split(/\r?\n/);
  let names: string[] | undefined;
  let choice: ReturnType<typeof chooseColumns> | undefined;
  let out: Building | undefined;
  const pendingSkips: SkippedRow[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      const last = lines.slice(i + 1).every((l) => l.trim() === '') && !/\n\s*$/.test(text);
      const reason = `not valid JSON (${(error as Error).message})${last ? '; it is the last line and has no newline: the file may be truncated' : ''}`;
      if (options.onInvalidRow === 'skip') {
        if (out) out.skipped.push({ line: i + 1, reason });
        else pendingSkips.push({ line: i + 1, reason });
        continue;
      }
      throw new UlasanError(
        'FILE_FORMAT',
        `${source}, line ${i + 1}: ${reason}. Each line of a JSONL file must be one JSON object: fix the line, or pass onInvalidRow: 'skip' (CLI: --skip-invalid) to leave such lines out.`,
        { cause: error },
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${source}, line ${i + 1}: expected a JSON object like {"text": ..., "label": ...}, found ${Array.isArray(value) ? 'an array' : typeof value}.`,
      );
    }
    const obj = value as Record<string, unknown>;
    if (!names || !choice || !out) {
      names = Object.keys(obj);
      choice = chooseColumns(names, true, source, {
        ...options,
        format: options.format === 'jsonl' ? 'auto' : options.format,
      });
      out = newResult(names, choice.textIndex, choice.labelIndices);
      out.skipped.push(...pendingSkips);
    }
    const get = (index: number) => obj[names![index]!];
    addRow(out, i + 1, get(choice.textIndex), choice.labelIndices.map(get), choice.multi, source, options);
  }
  if (!out || !choice)
    throw new UlasanError('FILE_FORMAT', `${source} is empty: expected labelled texts, found no data rows.`);
  return finish(out, choice.multi);
}

/** Reads a file as strict UTF-8 (BOM removed); bad bytes are an error naming the line. */
export async function readUtf8(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UlasanError(
        'FILE_NOT_FOUND',
        `Dataset file not found: ${path}. Check the path (relative paths start from ${process.cwd()}).`,
        { cause: error },
      );
    }
    if (code === 'EISDIR')
      throw new UlasanError('FILE_FORMAT', `${path} is a directory: expected a CSV, TSV or JSONL file.`, {
        cause: error,
      });
    throw error;
  }
  return decodeUtf8(bytes, path);
}

/**
 * Strict UTF-8 decoding with a line number for the first bad byte. UTF-16/UTF-32 files (a BOM or
 * NUL bytes) and binary files (NUL bytes) are refused with the line and the fix, instead of
 * turning into texts full of NULs.
 */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  const wide =
    bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (wide) {
    throw new UlasanError(
      'FILE_FORMAT',
      `${source} is UTF-${bytes[2] === 0 && bytes[3] === 0 ? '32' : '16'} encoded (it starts with a byte-order mark ${bytes[0]!.toString(16)} ${bytes[1]!.toString(16)}), not UTF-8. Re-save it as UTF-8 (e.g. iconv -f utf-16 -t utf-8).`,
    );
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    let line = 1;
    for (let i = 0; i < nul; i++) if (bytes[i] === 0x0a) line++;
    throw new UlasanError(
      'FILE_FORMAT',
      `${source}, line ${line} contains a NUL byte (offset ${nul}): it is not a text file, or it is UTF-16/UTF-32 without a byte-order mark. Re-save it as UTF-8 text (e.g. iconv -f utf-16 -t utf-8), or remove the NUL bytes (tr -d '\\000').`,
    );
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (error) {
    const offset = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
    throw new UlasanError(
      'FILE_FORMAT',
      `${source} is not valid UTF-8 (first bad byte at offset ${offset}, line ${line}). Re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8).`,
      { cause: error },
    );
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need = 0;
    if (b < 0x80) need = 0;
    else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}
