import { extname } from 'node:path';
import { parseDelimited, quoteField } from '../../data/csv.js';
import { writeFileAtomic } from '../../internal/atomic-fs.js';
import { UlasanError } from '../../internal/errors.js';
import { PIPELINE_PRESETS, type PipelineConfig, TextPipeline } from '../../text/preprocess/pipeline.js';
import { decodeUtf8Strict, readTextFile } from '../../text/preprocess/text-input.js';
import { type Command, requireString, UsageError } from '../command.js';
import { isStdio, readInputBytes, writeOutput } from '../io.js';

const TEXT_NAMES = ['text', 'tweet', 'sentence', 'review', 'content', 'ulasan', 'comment', 'kalimat'];
type Format = 'tsv' | 'csv' | 'jsonl' | 'lines';

interface Table {
  format: Format;
  header?: string[];
  rows: string[][] | unknown[];
  textOf: (row: number) => unknown;
  lineOf: (row: number) => number;
  /** Serializes the token lists in the input's format. */
  write: (tokens: string[][]) => string;
}

function formatOf(path: string): Format {
  const ext = extname(path).toLowerCase();
  if (ext === '.tsv') return 'tsv';
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return 'lines';
}

function columnIndex(header: string[] | undefined, col: string | undefined, path: string): number {
  if (col === undefined) {
    if (!header) return 0;
    const i = header.findIndex((h) => TEXT_NAMES.includes(h.trim().toLowerCase()));
    return Math.max(i, 0);
  }
  if (/^\d+$/.test(col)) return Number(col);
  const i = header ? header.findIndex((h) => h.trim() === col) : -1;
  if (i < 0) {
    throw new UsageError(
      `--text-col ${JSON.stringify(col)} not found in ${path}${header ? ` (columns: ${header.join(', ')})` : ' (the file has no header; pass a 0-based index)'}.`,
    );
  }
  return i;
}

function readTable(path: string, textCol: string | undefined, input?: string): Table {
  const text = input ?? readTextFile(path, 'data');
  const format = isStdio(path) ? 'lines' : formatOf(path);
  if (format === 'lines') {
    const lines = text.split(/\r?\n/);
    if (lines.at(-1) === '') lines.pop();
    return {
      format,
      rows: lines,
      textOf: (r) => lines[r],
      lineOf: (r) => r + 1,
      write: (p) => p.map((t) => `${t.join(' ')}\n`).join(''),
    };
  }
  if (format === 'jsonl') {
    const items: unknown[] = [];
    const lineNos: number[] = [];
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        items.push(JSON.parse(line));
      } catch (cause) {
        throw new UlasanError('FILE_FORMAT', `${path}, line ${i + 1}: not valid JSON (${(cause as Error).message}).`, {
          cause,
        });
      }
      lineNos.push(i + 1);
    });
    const first = items.find((x) => x && typeof x === 'object') as Record<string, unknown> | undefined;
    const key =
      textCol ?? (first ? (Object.keys(first).find((k) => TEXT_NAMES.includes(k.toLowerCase())) ?? 'text') : undefined);
    const get = (x: unknown) =>
      typeof x === 'string' ? x : x && typeof x === 'object' && key ? (x as Record<string, unknown>)[key] : x;
    return {
      format,
      rows: items,
      textOf: (r) => get(items[r]),
      lineOf: (r) => lineNos[r] as number,
      write: (p) =>
        p
          .map((tokens, r) => {
            const item = items[r];
            if (item && typeof item === 'object' && key) return JSON.stringify({ ...(item as object), [key]: tokens });
            return JSON.stringify(tokens);
          })
          .join('\n') + (p.length ? '\n' : ''),
    };
  }
  const delimiter = format === 'csv' ? ',' : '\t';
  const records = parseDelimited(text, delimiter, `data file ${path}`);
  const firstCells = records[0]?.fields.map((c) => c.trim().toLowerCase()) ?? [];
  // CSV files have a header; a TSV has one only if its first line names a text column (SmSA has none).
  const hasHeader =
    format === 'csv' ||
    firstCells.some((c) => TEXT_NAMES.includes(c)) ||
    (textCol !== undefined && !/^\d+$/.test(textCol));
  const header = hasHeader ? records[0]?.fields : undefined;
  const body = hasHeader ? records.slice(1) : records;
  const col = columnIndex(header, textCol, path);
  return {
    format,
    header,
    rows: body.map((r) => r.fields),
    textOf: (r) => (body[r] as { fields: string[] }).fields[col],
    lineOf: (r) => (body[r] as { line: number }).line,
    write: (p) => {
      const out: string[] = [];
      if (header) out.push(header.map((c) => quoteField(c, delimiter)).join(delimiter));
      body.forEach((rec, r) => {
        const cells = [...rec.fields];
        cells[col] = (p[r] as string[]).join(' ');
        out.push(cells.map((c) => quoteField(c ?? '', delimiter)).join(delimiter));
      });
      return out.length ? `${out.join('\n')}\n` : '';
    },
  };
}

/** `ulasan preprocess`: runs a preprocessing pipeline over a data file. */
export const preprocessCommand: Command = {
  name: 'preprocess',
  summary: 'Clean, normalize and tokenize the text column of a data file (file → file)',
  help: `Usage: ulasan preprocess --data FILE --out FILE [--text-col NAME|INDEX]
                         [--preset sentiment|sentimentEn|cleanSlang|stemNoStopwords | --config FILE]
                         [--trace] [--save-config FILE] [--json]

Reads TSV (SmSA: no header), CSV (with header), JSONL or plain text lines, runs the pipeline on the
text column and writes the same format with the text replaced by its tokens joined by spaces
(JSONL: a token array). Every row is kept, so labels stay aligned; an empty result is an empty cell.

Options:
  --data FILE          input file (UTF-8); - for stdin (read as plain lines)
  --out FILE           output file (written atomically); - for stdout
  --text-col C         text column: name or 0-based index (default: text/tweet/review..., else 0)
  --preset NAME        sentiment (default), sentimentEn, cleanSlang, stemNoStopwords
                       (seed003, seed004: deprecated names of the last two)
  --config FILE        a saved pipeline config (pipeline.toJSON()) instead of a preset
  --trace              write one JSON line per row with every step's output (--out becomes JSONL)
  --save-config FILE   also write the self-contained pipeline config used`,
  options: {
    data: { type: 'string' },
    out: { type: 'string' },
    'text-col': { type: 'string' },
    preset: { type: 'string' },
    config: { type: 'string' },
    trace: { type: 'boolean' },
    'save-config': { type: 'string' },
  },
  async run(ctx) {
    const data = requireString(ctx, 'data');
    const out = requireString(ctx, 'out');
    if (isStdio(out) && ctx.json) throw new UsageError('--out - and --json both write to stdout; pick one');
    const presetName = typeof ctx.values.preset === 'string' ? ctx.values.preset : undefined;
    const configPath = typeof ctx.values.config === 'string' ? ctx.values.config : undefined;
    if (presetName && configPath) throw new UsageError('pass either --preset or --config, not both');
    let pipeline: TextPipeline;
    if (configPath) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readTextFile(configPath, 'pipeline config'));
      } catch (cause) {
        if (UlasanError.isInstance(cause)) throw cause;
        throw new UlasanError(
          'FILE_FORMAT',
          `pipeline config ${configPath} is not valid JSON: ${(cause as Error).message}`,
          { cause },
        );
      }
      pipeline = TextPipeline.fromJSON(parsed);
    } else {
      const name = presetName ?? 'sentiment';
      const preset = (PIPELINE_PRESETS as unknown as Record<string, PipelineConfig>)[name];
      if (!preset)
        throw new UsageError(
          `unknown --preset ${JSON.stringify(name)}; choose one of ${Object.keys(PIPELINE_PRESETS).join(', ')}`,
        );
      pipeline = new TextPipeline(preset);
    }
    const textCol = typeof ctx.values['text-col'] === 'string' ? ctx.values['text-col'] : undefined;
    const stdinText = isStdio(data) ? decodeUtf8Strict(await readInputBytes(ctx, data, '--data'), 'stdin') : undefined;
    const table = readTable(data, textCol, stdinText);
    const n = table.rows.length;
    const t0 = performance.now();
    const processed: string[][] = [];
    const traces: string[] = [];
    let empty = 0;
    for (let r = 0; r < n; r++) {
      if (r % 1000 === 0 && ctx.signal.aborted) throw new UlasanError('ABORTED', 'Preprocessing was cancelled.');
      const value = table.textOf(r);
      if (typeof value !== 'string') {
        throw new UlasanError(
          'INVALID_DATA',
          `${data}, line ${table.lineOf(r)}: expected text in the text column, found ${value === undefined ? 'no such column' : JSON.stringify(value)}. Check --text-col.`,
        );
      }
      if (ctx.values.trace) {
        const trace = pipeline.trace(value);
        traces.push(JSON.stringify({ line: table.lineOf(r), ...trace }));
        if (trace.tokens.length === 0) empty++;
      } else {
        const tokens = pipeline.process(value);
        if (tokens.length === 0) empty++;
        processed.push(tokens);
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    if (ctx.values.trace) await writeOutput(ctx, out, traces.length ? `${traces.join('\n')}\n` : '');
    else await writeOutput(ctx, out, table.write(processed));
    const saveConfig = ctx.values['save-config'];
    if (typeof saveConfig === 'string')
      await writeFileAtomic(saveConfig, `${JSON.stringify(pipeline.toJSON(), null, 2)}\n`);
    const summary = {
      rows: n,
      emptyResults: empty,
      seconds: Number(seconds.toFixed(3)),
      textsPerSecond: Math.round(n / Math.max(seconds, 1e-9)),
      out,
    };
    if (ctx.json) ctx.out(`${JSON.stringify(summary)}\n`);
    else
      ctx.log(
        `preprocessed ${n} rows in ${summary.seconds}s (${summary.textsPerSecond} texts/s), ${empty} empty → ${out}`,
      );
    return 0;
  },
};
