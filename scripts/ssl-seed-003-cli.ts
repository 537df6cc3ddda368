/**
 * Seed 003's self-training design measured through the CLI, as a user would run it.
 *
 *   1. SmSA train/valid reduced to positive/negative reviews (the seed drops neutral ratings);
 *   2. `ulasan split --test-size 0.8 --stratify`: 20% labeled (1,970), 80% pool (7,882) whose
 *      labels the `ssl` command hides from training and uses only to score the pseudo-labels;
 *   3. floor (`ulasan train` on the 20%) and ceiling (on 100%), scored with `ulasan evaluate` on valid;
 *   4. `ulasan ssl` on the split (default flags below; anything after `--` is passed on);
 *   5. a report: pseudo-labels per class and iteration, labeling accuracy overall and per class,
 *      iterations, stop reason, valid macro-F1 floor / loop / ceiling.
 *
 * Run:  node --import tsx scripts/ssl-seed-003-cli.ts [--out DIR] [--cli src|dist] [--model logreg]
 *       [--skip-bounds] [-- extra ulasan ssl flags]
 *   e.g. `-- --threshold 0.9 --balance --until-exhausted` (the default ssl flags), or
 *        `--no-labeled --pool all --skip-bounds -- --initial-labels lexicon --threshold 0.9 --balance
 *        --until-exhausted` (seed 001: no human labels, the lexicon labels all train reviews first)
 * Uses ../shared/data (or ULASAN_DATA). `--cli src` (default) runs src/cli/main.ts through tsx, so the
 * numbers follow the working tree; `--cli dist` runs the built bin.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../', import.meta.url));
const dashes = process.argv.indexOf('--');
const ownArgs = dashes === -1 ? process.argv.slice(2) : process.argv.slice(2, dashes);
const sslExtra =
  dashes === -1 ? ['--threshold', '0.9', '--balance', '--until-exhausted'] : process.argv.slice(dashes + 1);
const { values } = parseArgs({
  args: ownArgs,
  options: {
    out: { type: 'string', default: '/tmp/ulasan-ssl-seed-003' },
    cli: { type: 'string', default: 'src' },
    model: { type: 'string', default: 'logreg' },
    seed: { type: 'string', default: '42' },
    'skip-bounds': { type: 'boolean', default: false },
    'ssl-dir': { type: 'string', default: 'ssl' },
    'no-labeled': { type: 'boolean', default: false },
    pool: { type: 'string', default: 'split' },
  },
});
const out = resolve(values.out);
mkdirSync(out, { recursive: true });
const data = process.env.ULASAN_DATA ?? resolve(root, '../shared/data');

function ulasan(args: string[]): string {
  const entry =
    values.cli === 'dist' ? [join(root, 'dist/cli/main.js')] : ['--import', 'tsx', join(root, 'src/cli/main.ts')];
  const started = Date.now();
  const r = spawnSync(process.execPath, [...entry, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`ulasan ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  console.error(`$ ulasan ${args.join(' ')}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return r.stdout;
}

// 1. Positive/negative reviews only (SmSA is headerless `text<TAB>label`).
for (const part of ['train', 'valid']) {
  const lines = readFileSync(join(data, `smsa/${part}_preprocess.tsv`), 'utf8').split('\n');
  const kept = lines.filter((l) => /\t(positive|negative)\r?$/.test(l));
  writeFileSync(join(out, `${part}-binary.tsv`), `${kept.join('\n')}\n`);
}
// 2. Stratified 20% labeled / 80% pool.
const split = join(out, 'split');
ulasan([
  'split',
  '--data',
  join(out, 'train-binary.tsv'),
  '--out',
  split,
  '--test-size',
  '0.8',
  '--stratify',
  '--seed',
  values.seed,
]);
const labeledFile = join(split, 'train.tsv');
// `--pool all` (with `--no-labeled`): seed 001's design, every train review is unlabeled.
const poolFile = values.pool === 'all' ? join(out, 'train-binary.tsv') : join(split, 'test.tsv');
const validFile = join(out, 'valid-binary.tsv');

// 3. Floor and ceiling, same model kind and defaults.
const macroF1 = (dir: string) =>
  (
    JSON.parse(ulasan(['evaluate', '--model', dir, '--data', validFile, '--no-figures', '--json'])) as {
      macroF1: number;
    }
  ).macroF1;
let floor = Number.NaN;
let ceiling = Number.NaN;
if (!values['skip-bounds']) {
  for (const [name, file] of [
    ['floor', labeledFile],
    ['ceiling', join(out, 'train-binary.tsv')],
  ] as const) {
    const dir = join(out, name);
    if (!existsSync(join(dir, 'model.json'))) {
      ulasan(['train', '--data', file, '--model', values.model, '--seed', values.seed, '--out', dir]);
    }
    if (name === 'floor') floor = macroF1(dir);
    else ceiling = macroF1(dir);
  }
}

// 4. Self-training (a fresh state: --out is removed first so nothing resumes by accident).
const sslDir = join(out, values['ssl-dir']);
spawnSync('rm', ['-rf', sslDir]);
const started = Date.now();
const labeledArgs = values['no-labeled'] ? [] : ['--labeled', labeledFile];
const summary = JSON.parse(
  ulasan([
    'ssl',
    ...labeledArgs,
    '--unlabeled',
    poolFile,
    '--valid',
    validFile,
    '--model',
    values.model,
    '--seed',
    values.seed,
    '--out',
    sslDir,
    '--json',
    ...sslExtra,
  ]),
) as Summary;
const seconds = (Date.now() - started) / 1000;

interface Summary {
  labeled: number;
  pool: number;
  remaining: number;
  iterations: number;
  stoppedBecause: string;
  stopDetail?: string;
  balancePolicy?: string;
  labelingAccuracy: number | null;
  labelingByClass?: Record<
    string,
    { assigned: number; correct: number; precision: number | null; recall: number | null }
  >;
  macroF1: number | null;
  initialLabels?: { name: string; assigned: number; accuracy: number | null } | null;
  log: {
    iteration: number;
    threshold: number;
    selected: number;
    poolAfter: number;
    fallback: boolean;
    labelDistribution: Record<string, number>;
    labeling?: {
      accuracy: number | null;
      cumulativeAccuracy: number | null;
      labels: string[];
      confusionMatrix: number[][];
    };
    validation?: { macroF1: number };
  }[];
}

// 5. Report. Per-class accuracy of the pseudo-labels = share of the labels assigned as class c whose
// hidden label is c (precision), from the last iteration's cumulative confusion matrix (rows: true).
const fmt = (v: number | null | undefined, d = 4) =>
  v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(d);
console.log(
  `ulasan ssl ${[...labeledArgs.slice(0, 1), ...sslExtra].join(' ')} --model ${values.model} (${seconds.toFixed(0)} s)\n`,
);
console.log(
  '| iteration | threshold | selected | per class | labeling acc. (iteration) | valid macro-F1 | pool after |',
);
console.log('| ---: | ---: | ---: | --- | ---: | ---: | ---: |');
for (const e of summary.log) {
  const dist = Object.entries(e.labelDistribution)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  console.log(
    `| ${e.iteration}${e.fallback ? ' (fallback)' : ''} | ${fmt(e.threshold, 3)} | ${e.selected} | ${dist || '-'} | ${fmt(e.labeling?.accuracy)} | ${fmt(e.validation?.macroF1)} | ${e.poolAfter} |`,
  );
}
const last = [...summary.log].reverse().find((e) => e.labeling);
const perClass: string[] = [];
if (last?.labeling) {
  const { labels, confusionMatrix: m } = last.labeling;
  labels.forEach((c, j) => {
    const assigned = m.reduce((s, row) => s + (row[j] ?? 0), 0);
    perClass.push(`${c} ${fmt(assigned ? (m[j]![j] ?? 0) / assigned : null)} (${assigned})`);
  });
}
console.log('\n| metric | value |\n| --- | --- |');
console.log(`| pseudo-labeled | ${summary.labeled} / ${summary.pool} (remaining ${summary.remaining}) |`);
if (summary.initialLabels) {
  console.log(
    `| initial labels (${summary.initialLabels.name}, iteration 0) | ${summary.initialLabels.assigned}, accuracy ${fmt(summary.initialLabels.accuracy)} |`,
  );
}
console.log(`| labeling accuracy | ${fmt(summary.labelingAccuracy)} |`);
console.log(`| per assigned class (precision, count) | ${perClass.join('; ') || '-'} |`);
console.log(`| iterations | ${summary.iterations} |`);
console.log(`| stopped because | ${summary.stoppedBecause}${summary.stopDetail ? `: ${summary.stopDetail}` : ''} |`);
if (summary.balancePolicy) console.log(`| balance policy | ${summary.balancePolicy} |`);
console.log(`| valid macro-F1 floor / loop / ceiling | ${fmt(floor)} / ${fmt(summary.macroF1)} / ${fmt(ceiling)} |`);
writeFileSync(join(out, 'summary.json'), `${JSON.stringify({ floor, ceiling, seconds, ...summary }, null, 1)}\n`);
