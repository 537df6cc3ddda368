/**
 * Writing labelled text datasets (atomically) in the formats `readDataset` reads back.
 */
import { extname } from 'node:path';
import type { Label } from '../core/classifier.js';
import { writeFileAtomic } from '../internal/atomic-fs.js';
import { invalidArgument } from '../internal/errors.js';
import { quoteField } from './csv.js';

/** Options of {@link writeDataset}. */
export interface WriteDatasetOptions {
  /**
   * `'smsa'` (TSV, no header, text then label), `'tsv'`/`'csv'` (header `text,label`, or the label
   * column names for multi-label data), `'jsonl'` (`{"text": ..., "label": ...}` per line).
   * Default: from the extension (`.jsonl`, `.csv`, otherwise TSV with header).
   */
  format?: 'smsa' | 'tsv' | 'csv' | 'jsonl';
  /** Header names of the label columns for multi-label data (default `label0`, `label1`…; `label` for one). */
  labelColumns?: string[];
  /** Header name of the text column (default `text`). */
  textColumn?: string;
}

/**
 * Writes texts and labels to a file atomically (a crash never leaves half a file).
 *
 * @example
 * ```ts
 * await writeDataset('pseudo-labelled.tsv', { texts: ['enak sekali'], labels: ['positive'] }, { format: 'smsa' });
 * ```
 */
export async function writeDataset(
  path: string,
  data: { texts: readonly string[]; labels: readonly Label[] | readonly (readonly Label[])[] },
  options: WriteDatasetOptions = {},
): Promise<void> {
  const { texts, labels } = data;
  if (texts.length !== labels.length) {
    throw invalidArgument(`writeDataset: ${texts.length} texts but ${labels.length} labels; they must be aligned.`);
  }
  const ext = extname(path).toLowerCase();
  const format = options.format ?? (ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : ext === '.csv' ? 'csv' : 'tsv');
  const multi = labels.length > 0 && Array.isArray(labels[0]);
  const width = multi ? (labels[0] as Label[]).length : 1;
  const labelNames = options.labelColumns ?? (multi ? Array.from({ length: width }, (_, i) => `label${i}`) : ['label']);
  const textName = options.textColumn ?? 'text';
  const rowLabels = (i: number): Label[] => (multi ? [...(labels[i] as Label[])] : [labels[i] as Label]);
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== 'string')
      throw invalidArgument(`writeDataset: texts[${i}] is ${typeof texts[i]}, expected a string.`);
  }
  const lines: string[] = [];
  if (format === 'jsonl') {
    for (let i = 0; i < texts.length; i++) {
      const obj: Record<string, unknown> = { [textName]: texts[i] };
      const ls = rowLabels(i);
      labelNames.forEach((name, k) => {
        obj[name] = ls[k];
      });
      lines.push(JSON.stringify(obj));
    }
  } else {
    const d = format === 'csv' ? ',' : '\t';
    if (format === 'smsa') {
      for (let i = 0; i < texts.length; i++) {
        if (/[\t\n\r]/.test(texts[i]!)) {
          throw invalidArgument(
            `writeDataset: texts[${i}] contains a tab or line break, which SmSA format cannot hold; use format 'tsv', 'csv' or 'jsonl'.`,
          );
        }
      }
    }
    if (format !== 'smsa') lines.push([textName, ...labelNames].map((v) => quoteField(v, d)).join(d));
    for (let i = 0; i < texts.length; i++) {
      lines.push([texts[i]!, ...rowLabels(i).map(String)].map((v) => quoteField(v, d)).join(d));
    }
  }
  await writeFileAtomic(path, lines.length > 0 ? `${lines.join('\n')}\n` : '');
}
