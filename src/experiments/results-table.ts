/**
 * Results tables of a grid as Markdown, CSV and JSON, rows in grid order. Durations are kept out of
 * the Markdown and CSV tables so a resumed grid produces byte-identical tables to an uninterrupted one.
 */
import type { Label } from '../core/classifier.js';
import type { Logs } from '../internal/progress.js';
import type { PartScores } from './evaluation.js';
import type { FitDiagnosis } from './fit-diagnosis.js';
import type { GridMetric } from './grid-config.js';

/** Mean and standard deviation (population, like scikit-learn's `cross_val_score(...).std()`). */
export interface MeanStd {
  /** Mean over folds. */
  mean: number;
  /** Standard deviation over folds. */
  std: number;
}

/** Cross-validation results of one scenario. */
export interface CvScores {
  /** Number of folds. */
  k: number;
  /** Scores of each held-out fold. */
  folds: Pick<PartScores, 'accuracy' | 'macroF1' | 'weightedF1' | 'support'>[];
  /** Mean ± std per metric. */
  accuracy: MeanStd;
  /** Mean ± std per metric. */
  macroF1: MeanStd;
  /** Mean ± std per metric. */
  weightedF1: MeanStd;
}

/** One finished scenario, as stored in `results.jsonl` (NaN numbers are stored as null). */
export interface ScenarioResult {
  /** Always `'scenario'`. */
  type: 'scenario';
  /** Content hash of the scenario's options and data (the log key). */
  key: string;
  /** Position in the grid. */
  index: number;
  /** Seed-style name, e.g. `0.002-LSTM-50-128`. */
  name: string;
  /** The varying options. */
  params: Record<string, unknown>;
  /** All classifier options used. */
  options: Record<string, unknown>;
  /** Class order of the confusion matrices. */
  classes: Label[];
  /** Validation scores (absent under cross-validation without a validation part). */
  valid?: PartScores;
  /** Test scores, when there is a test part (and no cross-validation). */
  test?: PartScores;
  /** Cross-validated scores, when `cv` is set. */
  cv?: CvScores;
  /** Good-fit / overfit verdict. */
  fit: FitDiagnosis;
  /** Per-epoch training history (deep models). */
  history?: Logs[];
  /** Wall-clock seconds of the scenario. */
  seconds: number;
  /** ISO time it finished. */
  finishedAt: string;
}

/** The score a grid ranks a scenario by: the cross-validated mean, else the validation score. */
export function scenarioScore(result: ScenarioResult, metric: GridMetric): number {
  const v = result.cv ? result.cv[metric].mean : result.valid?.[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : Number.NEGATIVE_INFINITY;
}

interface Column {
  header: string;
  value: (r: ScenarioResult) => string;
}

function columns(results: readonly ScenarioResult[], paramKeys: string[], forCsv: boolean): Column[] {
  const cols: Column[] = [{ header: 'scenario', value: (r) => r.name }];
  for (const key of paramKeys) cols.push({ header: key, value: (r) => formatParam(r.params[key]) });
  const any = (f: (r: ScenarioResult) => unknown) => results.some((r) => f(r) !== undefined);
  const metrics = ['accuracy', 'macroF1', 'weightedF1'] as const;
  if (any((r) => r.cv)) {
    for (const m of metrics) {
      if (forCsv) {
        cols.push({ header: `cv_${m}_mean`, value: (r) => num(r.cv?.[m].mean) });
        cols.push({ header: `cv_${m}_std`, value: (r) => num(r.cv?.[m].std) });
      } else {
        cols.push({
          header: `cv ${m}`,
          value: (r) => (r.cv ? `${num(r.cv[m].mean)} ± ${num(r.cv[m].std)}` : ''),
        });
      }
    }
  }
  for (const part of ['valid', 'test'] as const) {
    if (!any((r) => r[part])) continue;
    for (const m of metrics) {
      cols.push({ header: forCsv ? `${part}_${m}` : `${part} ${m}`, value: (r) => num(r[part]?.[m]) });
    }
  }
  cols.push({ header: forCsv ? 'train_accuracy' : 'train accuracy', value: (r) => num(r.fit.trainAccuracy) });
  cols.push({ header: 'gap', value: (r) => num(r.fit.gap) });
  cols.push({ header: 'fit', value: (r) => r.fit.status });
  return cols;
}

/** The option keys that vary across the finished scenarios (the table's parameter columns). */
export function paramColumns(results: readonly ScenarioResult[]): string[] {
  const keys: string[] = [];
  for (const r of results) for (const k of Object.keys(r.params)) if (!keys.includes(k)) keys.push(k);
  return keys;
}

/** A Markdown table of the results, best scenario marked, followed by a one-line summary. */
export function resultsMarkdown(
  results: readonly ScenarioResult[],
  options: {
    title: string;
    metric: GridMetric;
    best?: ScenarioResult;
    total?: number;
    refit?: { trainSize: number; test?: Pick<PartScores, 'accuracy' | 'macroF1' | 'weightedF1'> };
  },
): string {
  const sorted = [...results].sort((a, b) => a.index - b.index);
  const cols = columns(sorted, paramColumns(sorted), false);
  const lines = [`# ${options.title}`, ''];
  const done =
    options.total !== undefined ? `${sorted.length} of ${options.total} scenarios` : `${sorted.length} scenarios`;
  const basis = sorted.some((r) => r.cv) ? 'cross-validated mean' : 'validation';
  lines.push(`${done}; best by ${basis} ${options.metric}.`, '');
  lines.push(`| ${cols.map((c) => c.header).join(' | ')} |`);
  lines.push(`|${cols.map(() => ' --- ').join('|')}|`);
  for (const r of sorted) {
    const cells = cols.map((c) => escapeMd(c.value(r)));
    if (options.best && r.key === options.best.key) cells[0] = `**${cells[0]}**`;
    lines.push(`| ${cells.join(' | ')} |`);
  }
  if (options.best) {
    lines.push(
      '',
      `Best: **${options.best.name}** (${options.metric} ${num(scenarioScore(options.best, options.metric))}).`,
    );
  }
  const refit = options.refit;
  if (refit) {
    const scores = refit.test
      ? `: test accuracy ${num(refit.test.accuracy)}, macroF1 ${num(refit.test.macroF1)}, weightedF1 ${num(refit.test.weightedF1)}`
      : ' (no test set)';
    lines.push('', `Refitted on ${refit.trainSize} training + validation rows${scores}.`);
  }
  return `${lines.join('\n')}\n`;
}

/** The results as CSV (RFC 4180 quoting), one row per scenario in grid order. */
export function resultsCsv(results: readonly ScenarioResult[]): string {
  const sorted = [...results].sort((a, b) => a.index - b.index);
  const cols = columns(sorted, paramColumns(sorted), true);
  const rows = [cols.map((c) => c.header), ...sorted.map((r) => cols.map((c) => c.value(r)))];
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}

function num(v: number | null | undefined): string {
  if (v === undefined) return '';
  if (v === null || !Number.isFinite(v)) return '–';
  return v.toFixed(4);
}

function formatParam(v: unknown): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) return v.map(formatParam).join(', ');
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function escapeMd(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
