import { extname, join } from 'node:path';
import type { Dataset } from '../../data/index.js';
import { writeDataset } from '../../data/index.js';
import { trainTestSplit, trainValidTestSplit } from '../../experiments/split.js';
import { type Command, optionalNumber, requireString, UsageError } from '../command.js';
import { readDatasetInput } from '../io.js';

/** `ulasan split`: splits a labelled data file into train / valid / test files. */
export const splitCommand: Command = {
  name: 'split',
  summary: 'Split a labelled data file into train/valid/test files (stratified, seeded)',
  help: `Usage: ulasan split --data FILE --out DIR [--test-size X] [--valid-size X] [--test-per-class N]
                    [--stratify] [--seed N] [--text-col C] [--label-col C] [--json]

Writes DIR/train.EXT, DIR/test.EXT and (with --valid-size) DIR/valid.EXT in the input's format.
Sizes are fractions in (0, 1) or row counts; a fractional --valid-size is a share of what is left
after the test part. Split BEFORE any resampling, and resample only the training file.

Options:
  --data FILE          input (SmSA TSV, CSV/TSV with header, JSONL); - for stdin (parts written as TSV)
  --out DIR            output folder
  --test-size X        test part (default 0.2)
  --test-per-class N   a fixed number of test rows per class instead (seed 003: 386)
  --valid-size X       also split off a validation part
  --stratify           keep class ratios in every part
  --seed N             shuffle seed (default 42)
  --text-col C         text column (name or 0-based index)
  --label-col C        label column (name or 0-based index)`,
  options: {
    data: { type: 'string' },
    out: { type: 'string' },
    'test-size': { type: 'string' },
    'test-per-class': { type: 'string' },
    'valid-size': { type: 'string' },
    stratify: { type: 'boolean' },
    seed: { type: 'string' },
    'text-col': { type: 'string' },
    'label-col': { type: 'string' },
  },
  numbers: {
    'test-size': { min: 0, minExclusive: true },
    'test-per-class': { integer: true, min: 1 },
    'valid-size': { min: 0, minExclusive: true },
    seed: { integer: true },
  },
  async run(ctx) {
    const dataPath = requireString(ctx, 'data');
    const out = requireString(ctx, 'out');
    const testSize = optionalNumber(ctx, 'test-size');
    const testPerClass = optionalNumber(ctx, 'test-per-class');
    const validSize = optionalNumber(ctx, 'valid-size');
    if (testSize !== undefined && testPerClass !== undefined) {
      throw new UsageError('pass either --test-size or --test-per-class, not both');
    }
    const seed = optionalNumber(ctx, 'seed') ?? 42;
    const ds = (await readDatasetInput(ctx, dataPath, columnOptions(ctx.values))) as Dataset;
    const common = {
      stratify: ctx.values.stratify === true,
      seed,
      ...(testPerClass !== undefined ? { testPerClass } : { testSize: testSize ?? 0.2 }),
    };
    const parts: Record<string, number[]> = {
      ...(validSize !== undefined
        ? trainValidTestSplit(ds.labels, { ...common, validSize })
        : trainTestSplit(ds.labels, common)),
    };
    const ext = extname(dataPath) || '.tsv';
    const headerless = ds.columns.text.startsWith('#');
    const files: Record<string, { file: string; rows: number }> = {};
    for (const [name, rows] of Object.entries(parts)) {
      const file = join(out, `${name}${ext}`);
      await writeDataset(
        file,
        { texts: rows.map((i) => ds.texts[i] as string), labels: rows.map((i) => ds.labels[i]!) },
        headerless && ext === '.tsv' ? { format: 'smsa' } : {},
      );
      files[name] = { file, rows: rows.length };
    }
    if (ctx.json) ctx.out(`${JSON.stringify({ data: dataPath, seed, parts: files })}\n`);
    else for (const [name, f] of Object.entries(files)) ctx.log(`${name}: ${f.rows} rows → ${f.file}`);
    return 0;
  },
};

/** Column options shared by the data commands. */
export function columnOptions(values: Record<string, unknown>): {
  textColumn?: string | number;
  labelColumn?: string | number;
} {
  const col = (v: unknown) => (typeof v !== 'string' ? undefined : /^\d+$/.test(v) ? Number(v) : v);
  const text = col(values['text-col']);
  const label = col(values['label-col']);
  return {
    ...(text !== undefined ? { textColumn: text } : {}),
    ...(label !== undefined ? { labelColumn: label } : {}),
  };
}
