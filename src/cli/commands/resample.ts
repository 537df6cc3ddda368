import { extname } from 'node:path';
import type { Dataset } from '../../data/index.js';
import { writeDataset } from '../../data/index.js';
import { classCounts, randomOverSample, randomUnderSample, type SamplingStrategy } from '../../experiments/resample.js';
import { type Command, optionalNumber, requireString, UsageError } from '../command.js';
import { isStdio, readDatasetInput, withOutputFile } from '../io.js';
import { columnOptions } from './split.js';

/** `ulasan resample`: random over- or undersampling of a TRAINING file. */
export const resampleCommand: Command = {
  name: 'resample',
  summary: 'Random over/undersampling of a training file (never of data you test on)',
  help: `Usage: ulasan resample --data FILE --out FILE --strategy over|under
                       [--sampling-strategy S] [--seed N] [--text-col C] [--label-col C] [--json]

Resamples a TRAINING file to balance its classes. Split first (ulasan split) and resample only
the training part: oversampling before a split copies test rows into training and inflates scores.

Options:
  --data FILE              training data (SmSA TSV, CSV/TSV with header, JSONL); - for stdin
  --out FILE               output file (format from its extension); - for stdout (the input's format)
  --strategy over|under    random oversampling (duplicates) or undersampling (drops)
  --sampling-strategy S    auto (default), all, minority, majority, not minority, not majority,
                           a ratio minority/majority for two classes (e.g. 0.5),
                           or per-class counts: positive=500,negative=500
  --seed N                 seed (default 42)`,
  options: {
    data: { type: 'string' },
    out: { type: 'string' },
    strategy: { type: 'string' },
    'sampling-strategy': { type: 'string' },
    seed: { type: 'string' },
    'text-col': { type: 'string' },
    'label-col': { type: 'string' },
  },
  numbers: { seed: { integer: true } },
  async run(ctx) {
    const dataPath = requireString(ctx, 'data');
    const out = requireString(ctx, 'out');
    const strategy = requireString(ctx, 'strategy');
    if (strategy !== 'over' && strategy !== 'under') {
      throw new UsageError(`--strategy must be "over" or "under", got ${JSON.stringify(strategy)}`);
    }
    const seed = optionalNumber(ctx, 'seed') ?? 42;
    const samplingStrategy = parseSamplingStrategy(ctx.values['sampling-strategy']);
    if (isStdio(out) && ctx.json) throw new UsageError('--out - and --json both write to stdout; pick one');
    const ds = (await readDatasetInput(ctx, dataPath, columnOptions(ctx.values))) as Dataset;
    const options = { samplingStrategy, seed };
    const idx = strategy === 'over' ? randomOverSample(ds.labels, options) : randomUnderSample(ds.labels, options);
    const labels = idx.map((i) => ds.labels[i]!);
    const headerless = ds.columns.text.startsWith('#');
    const outExt = isStdio(out) ? extname(dataPath) || '.tsv' : extname(out);
    await withOutputFile(ctx, out, `resampled${outExt}`, (file) =>
      writeDataset(
        file,
        { texts: idx.map((i) => ds.texts[i] as string), labels },
        headerless && outExt === '.tsv' ? { format: 'smsa' } : {},
      ),
    );
    const before = Object.fromEntries([...classCounts(ds.labels)].map(([k, v]) => [String(k), v]));
    const after = Object.fromEntries([...classCounts(labels)].map(([k, v]) => [String(k), v]));
    if (ctx.json) ctx.out(`${JSON.stringify({ data: dataPath, out, strategy, seed, before, after })}\n`);
    else {
      ctx.log(`before: ${JSON.stringify(before)}`);
      ctx.log(`after:  ${JSON.stringify(after)} → ${out}`);
      ctx.log('Use the result for training only; keep validation and test files as they are.');
    }
    return 0;
  },
};

function parseSamplingStrategy(value: unknown): SamplingStrategy {
  if (value === undefined) return 'auto';
  const s = String(value).trim();
  if (['auto', 'all', 'minority', 'majority', 'not minority', 'not majority'].includes(s)) return s as SamplingStrategy;
  if (/^\d*\.?\d+$/.test(s)) return Number(s);
  if (s.includes('=')) {
    const counts: Record<string, number> = {};
    for (const pair of s.split(',')) {
      const [label, count] = pair.split('=').map((p) => p.trim());
      if (!label || !count || !/^\d+$/.test(count)) {
        throw new UsageError(
          `--sampling-strategy: expected label=count pairs like positive=500,negative=500, got "${pair}"`,
        );
      }
      counts[label] = Number(count);
    }
    return counts;
  }
  throw new UsageError(
    `--sampling-strategy must be auto, all, minority, majority, "not minority", "not majority", a ratio, or label=count pairs; got ${JSON.stringify(s)}`,
  );
}
