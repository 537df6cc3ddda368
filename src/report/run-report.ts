/**
 * One self-contained HTML page per run folder: it detects what wrote the folder (a text model from
 * `ulasan train`, a grid from `ulasan grid`, self-training from `ulasan ssl`, a vision model from
 * `ulasan vision train`, or a video analysis JSON from `ulasan video analyze --json`) and lays out
 * every figure and table it can draw from what is on disk. Figures are inline SVG, styles inline,
 * and a Content-Security-Policy forbids any load: the page works offline, from a file or a mail.
 */
import { existsSync, promises as fs, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Label } from '../core/classifier.js';
import { compareLabels } from '../core/labels.js';
import { writeFileAtomic } from '../internal/atomic-fs.js';
import { UlasanError } from '../internal/errors.js';
import {
  classDistributionSvg,
  classWordCloudsSvg,
  confusionMatrixSvg,
  gridComparisonSvg,
  oneVsRestCurves,
  precisionRecallCurvesSvg,
  rocCurvesSvg,
  selfTrainingSvg,
  trainingCurvesSvg,
  videoTimelineSvg,
} from '../metrics/index.js';

/** What kind of run a folder holds. */
export type RunType = 'training' | 'grid' | 'ssl' | 'vision' | 'video';

/** Options of {@link renderRunReport}. */
export interface RunReportOptions {
  /**
   * A labelled data file to evaluate a text model on (training and ssl runs): adds the class
   * distribution, word clouds, confusion matrix, ROC and precision–recall curves and the
   * per-class table. Read with `readDataset` (SmSA TSV, EmoT CSV, CSV/TSV with header, JSONL).
   */
  data?: string;
  /** Page title (default: the run type and folder name). */
  title?: string;
  /** Seed of the word-cloud layouts (default 42). */
  seed?: number;
  /** Words left out of the word clouds (default: ulasan's Indonesian stopwords plus `nya`). */
  stopWords?: ReadonlySet<string> | readonly string[];
}

/** A rendered report. */
export interface RunReport {
  /** The run type found. */
  type: RunType;
  /** The whole HTML page. */
  html: string;
  /** Titles of the sections, in page order. */
  sections: string[];
  /** Names of the figures drawn. */
  figures: string[];
}

/**
 * What wrote `path`: `grid` (results.jsonl), `ssl` (ssl-report.json), `vision` (evaluation.json of
 * `ulasan vision train`), `training` (a text model's model.json), or `video` (a JSON file, or a
 * folder holding one, with a video analysis `timeline`). Undefined when nothing matches.
 *
 * @example
 * ```ts
 * await detectRunType('runs/grid'); // 'grid'
 * ```
 */
export async function detectRunType(path: string): Promise<RunType | undefined> {
  if (!existsSync(path)) return undefined;
  if (statSync(path).isFile()) return (await readVideoJson(path)) ? 'video' : undefined;
  if (existsSync(join(path, 'results.jsonl'))) return 'grid';
  if (existsSync(join(path, 'ssl-report.json'))) return 'ssl';
  if (existsSync(join(path, 'evaluation.json'))) return 'vision';
  if (existsSync(join(path, 'model.json'))) return 'training';
  if (await findVideoJson(path)) return 'video';
  return undefined;
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(path, 'utf8'));
  } catch (error) {
    throw new UlasanError('FILE_FORMAT', `${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

interface VideoJson {
  file?: string;
  durationSeconds?: number | null;
  fps?: number;
  timeline: Parameters<typeof videoTimelineSvg>[0]['timeline'];
  summary: NonNullable<Parameters<typeof videoTimelineSvg>[0]['summary']> & {
    meanScores?: Record<string, number>;
    shares?: Record<string, number>;
    expressionShares?: Record<string, number>;
    framesWithoutFace?: number;
  };
  frames?: { index: number; time: number; expression: string | null; sentiment: string | null; error?: string }[];
}

async function readVideoJson(path: string): Promise<VideoJson | undefined> {
  if (!path.endsWith('.json')) return undefined;
  try {
    const v = JSON.parse(await fs.readFile(path, 'utf8')) as Partial<VideoJson>;
    return Array.isArray(v.timeline) && v.summary && typeof v.summary === 'object' ? (v as VideoJson) : undefined;
  } catch {
    return undefined;
  }
}

async function findVideoJson(dir: string): Promise<string | undefined> {
  for (const f of (await fs.readdir(dir)).sort()) {
    if (f.endsWith('.json') && (await readVideoJson(join(dir, f)))) return join(dir, f);
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------
// HTML building blocks
// ------------------------------------------------------------------------------------------------

function esc(s: unknown): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function num(v: unknown, digits = 4): string {
  if (typeof v !== 'number') return v === null || v === undefined ? '–' : esc(v);
  if (!Number.isFinite(v)) return '–';
  return Number.isInteger(v) ? String(v) : v.toFixed(digits);
}

/** A table: header cells and rows of already-escaped cells. */
function table(head: string[], rows: string[][], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function keyValues(pairs: [string, string][]): string {
  return `<table class="kv"><tbody>${pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

class Page {
  readonly sections: string[] = [];
  readonly figures: string[] = [];
  private readonly parts: string[] = [];

  section(title: string, body: string, note?: string): void {
    const id = `s-${this.sections.length + 1}`;
    this.sections.push(title);
    this.parts.push(
      `<section id="${id}"><h2>${esc(title)}</h2>${note ? `<p class="note">${note}</p>` : ''}${body}</section>`,
    );
  }

  figure(name: string, svg: string, caption?: string): string {
    this.figures.push(name);
    // Each SVG's own ids (gradients, patterns) are made unique on the page.
    const n = this.figures.length;
    const own = svg.replace(/id="([^"]+)"/g, `id="$1-f${n}"`).replace(/url\(#([^)]+)\)/g, `url(#$1-f${n})`);
    return `<figure data-figure="${esc(name)}">${own}${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`;
  }

  html(title: string, subtitle: string): string {
    const toc = this.sections.map((s, i) => `<li><a href="#s-${i + 1}">${esc(s)}</a></li>`).join('');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="ulasan report">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(title)}</h1><p class="sub">${subtitle}</p><nav><ol>${toc}</ol></nav></header>
<main>
${this.parts.join('\n')}
</main>
<footer>Written by <code>ulasan report</code>. Figures are inline SVG; the page loads nothing.</footer>
</body>
</html>
`;
  }
}

const CSS = `
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; background: #f4f5f7; margin: 0; line-height: 1.45; }
header { background: #1f3a5f; color: #fff; padding: 18px 28px 10px; }
header h1 { margin: 0 0 4px; font-size: 24px; }
header .sub { margin: 0 0 8px; color: #d6e2f0; font-size: 14px; }
header nav ol { margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; }
header nav a { color: #fff; }
main { max-width: 1500px; margin: 0 auto; padding: 8px 24px 24px; }
section { background: #fff; border: 1px solid #dde1e6; border-radius: 8px; margin: 18px 0; padding: 12px 20px 16px; }
h2 { font-size: 19px; margin: 4px 0 10px; color: #1f3a5f; }
.note { color: #555; font-size: 13px; margin: 0 0 10px; }
figure { display: inline-block; margin: 8px 16px 8px 0; vertical-align: top; max-width: 100%; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: #555; margin-top: 2px; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 10px; }
th, td { border: 1px solid #dde1e6; padding: 4px 9px; text-align: right; }
th { background: #f0f3f7; font-weight: 600; }
td:first-child, th:first-child { text-align: left; }
table.kv th { text-align: left; width: 210px; }
table.kv td { text-align: left; }
tr.best td { background: #fff6d5; font-weight: 600; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; }
footer { text-align: center; color: #777; font-size: 12px; padding: 8px 0 20px; }
`;

// ------------------------------------------------------------------------------------------------
// Sections shared by run types
// ------------------------------------------------------------------------------------------------

interface PerClass {
  label: Label;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

function perClassTable(rows: readonly PerClass[], curves?: ReturnType<typeof oneVsRestCurves>): string {
  const byLabel = new Map(curves?.map((c) => [String(c.label), c]) ?? []);
  const head = ['class', 'precision', 'recall', 'F1', 'support', ...(curves ? ['ROC AUC', 'average precision'] : [])];
  return table(
    head,
    rows.map((r) => [
      esc(r.label),
      num(r.precision),
      num(r.recall),
      num(r.f1),
      num(r.support, 0),
      ...(curves
        ? [num(byLabel.get(String(r.label))?.rocAuc), num(byLabel.get(String(r.label))?.averagePrecision)]
        : []),
    ]),
  );
}

async function defaultStopWords(): Promise<Set<string>> {
  const { stopwords } = await import('../text/preprocess/stopwords.js');
  return new Set([...stopwords('id'), 'nya', 'yg', 'dgn', 'utk', 'aja', 'sih']);
}

/** Evaluates a saved text model on a data file and adds data and evaluation sections. */
async function textEvaluationSections(page: Page, modelDir: string, dataPath: string, options: RunReportOptions) {
  const { loadTextClassifier } = await import('../text/models/registry.js');
  const { readDataset } = await import('../data/read-dataset.js');
  const model = await loadTextClassifier(modelDir);
  const data = await readDataset(dataPath);
  const ev = await model.evaluate(data.texts, data.labels);
  const name = basename(dataPath);
  page.section(
    'Data',
    page.figure('class-distribution', classDistributionSvg(data.labels, { title: `Class distribution: ${name}` })) +
      page.figure(
        'word-clouds',
        classWordCloudsSvg(data.texts, data.labels, {
          stopWords: options.stopWords ?? (await defaultStopWords()),
          seed: options.seed ?? 42,
          title: `Word clouds per class: ${name}`,
        }),
      ),
    `${data.texts.length} texts from <code>${esc(dataPath)}</code>.`,
  );
  let curves: ReturnType<typeof oneVsRestCurves> | undefined;
  let curveFigures = '';
  try {
    const probs = await model.predictProba(data.texts);
    const classes = model.classes;
    const known = new Set(classes.map(String));
    const keep = data.labels.map((l, i) => (known.has(String(l)) ? i : -1)).filter((i) => i >= 0);
    curves = oneVsRestCurves(
      keep.map((i) => data.labels[i]!),
      keep.map((i) => probs[i]!),
      { labels: classes },
    );
    curveFigures =
      page.figure('roc-curve', rocCurvesSvg(curves, { title: `ROC, one vs rest: ${model.kind} on ${name}` })) +
      page.figure(
        'precision-recall-curve',
        precisionRecallCurvesSvg(curves, { title: `Precision–recall: ${model.kind} on ${name}` }),
      );
  } catch {
    // A model without probabilities (e.g. the lexicon) still gets the confusion matrix.
  }
  page.section(
    'Evaluation',
    keyValues([
      ['accuracy', num(ev.accuracy)],
      ['macro-F1', num(ev.macroF1)],
      ['weighted-F1', num(ev.weightedF1)],
      ['texts', String(data.texts.length)],
    ]) +
      perClassTable(ev.perClass as PerClass[], curves) +
      page.figure(
        'confusion-matrix',
        confusionMatrixSvg({ labels: ev.labels, matrix: ev.confusionMatrix }, { title: `${model.kind} on ${name}` }),
      ) +
      curveFigures +
      `<pre class="report">${esc(ev.report)}</pre>`,
  );
  return model;
}

function historySection(page: Page, history: unknown, title: string): void {
  if (!Array.isArray(history) || history.length === 0) return;
  try {
    page.section('Training curves', page.figure('training-curves', trainingCurvesSvg(history, { title })));
  } catch {
    // No loss or accuracy in the history: nothing to draw.
  }
}

// ------------------------------------------------------------------------------------------------
// Run types
// ------------------------------------------------------------------------------------------------

async function trainingReport(page: Page, dir: string, options: RunReportOptions): Promise<string> {
  const meta = (await readJson(join(dir, 'model.json'))) as { kind?: string; classes?: Label[]; format?: string };
  const files = (await fs.readdir(dir)).sort();
  page.section(
    'Model',
    keyValues([
      ['folder', `<code>${esc(dir)}</code>`],
      ['kind', esc(meta.kind ?? 'unknown')],
      ['classes', esc((meta.classes ?? []).join(', '))],
      ['files', esc(files.join(', '))],
    ]),
  );
  if (options.data) {
    const model = await textEvaluationSections(page, dir, options.data, options);
    historySection(page, model.history, `${meta.kind ?? 'model'}: training curves`);
  } else {
    const { loadTextClassifier } = await import('../text/models/registry.js');
    const model = await loadTextClassifier(dir);
    historySection(page, model.history, `${meta.kind ?? 'model'}: training curves`);
    page.section(
      'Evaluation',
      '<p>Pass <code>--data FILE</code> (a labelled file) for the class distribution, word clouds, confusion matrix, ROC and precision–recall curves.</p>',
    );
  }
  return `text model <code>${esc(meta.kind ?? '')}</code>`;
}

interface GridRecord {
  type: 'scenario';
  name: string;
  index: number;
  key: string;
  params: Record<string, unknown>;
  classes: Label[];
  valid?: {
    accuracy: number;
    macroF1: number;
    weightedF1: number;
    support: number;
    labels: Label[];
    confusionMatrix: number[][];
    perClass: PerClass[];
  };
  test?: { accuracy: number; macroF1: number; weightedF1: number; support: number };
  cv?: { k: number; accuracy: { mean: number; std: number }; macroF1: { mean: number; std: number } };
  fit: { status: string; trainAccuracy?: number | null; gap?: number | null };
  history?: Record<string, number>[];
  seconds: number;
}

async function gridReport(page: Page, dir: string): Promise<string> {
  const { readGridLog } = await import('../experiments/results-log.js');
  const log = await readGridLog<GridRecord>(join(dir, 'results.jsonl'));
  const summary = existsSync(join(dir, 'results.json'))
    ? ((await readJson(join(dir, 'results.json'))) as { metric?: string; best?: string; scenarios?: number })
    : {};
  const metric = summary.metric === 'accuracy' ? 'accuracy' : 'macroF1';
  const records = [...log.records].sort((a, b) => a.index - b.index);
  if (records.length === 0) {
    throw new UlasanError(
      'INVALID_DATA',
      `${dir}/results.jsonl has no finished scenario yet: run or resume the grid first.`,
    );
  }
  const score = (r: GridRecord) => (r.cv ? r.cv[metric].mean : (r.valid?.[metric] ?? Number.NEGATIVE_INFINITY));
  const best = summary.best ?? records.reduce((a, b) => (score(b) > score(a) ? b : a)).name;
  page.section(
    'Grid',
    keyValues([
      ['name', esc(log.header?.name ?? basename(dir))],
      ['scenarios finished', `${records.length}${log.header ? ` of ${log.header.scenarios}` : ''}`],
      ['ranked by', esc(records.some((r) => r.cv) ? `cross-validated ${metric}` : `validation ${metric}`)],
      ['best', `<b>${esc(best)}</b>`],
    ]),
  );
  if (existsSync(join(dir, 'data.json'))) {
    const data = (await readJson(join(dir, 'data.json'))) as { classCounts?: Record<string, Record<string, number>> };
    if (data.classCounts && Object.keys(data.classCounts).length > 0) {
      page.section(
        'Data',
        page.figure(
          'class-distribution',
          classDistributionSvg(data.classCounts, { title: 'Class distribution per part' }),
        ),
      );
    }
  }
  const keys = [...new Set(records.flatMap((r) => Object.keys(r.params)))];
  const hasTest = records.some((r) => r.test);
  const hasCv = records.some((r) => r.cv);
  const head = [
    'scenario',
    ...keys,
    ...(hasCv ? ['cv macro-F1', 'cv accuracy'] : []),
    'valid accuracy',
    'valid macro-F1',
    'valid weighted-F1',
    ...(hasTest ? ['test accuracy', 'test macro-F1'] : []),
    'train accuracy',
    'gap',
    'fit',
    'seconds',
  ];
  const rows = records.map((r) => [
    r.name === best ? `<b>${esc(r.name)}</b>` : esc(r.name),
    ...keys.map((k) => esc(typeof r.params[k] === 'object' ? JSON.stringify(r.params[k]) : (r.params[k] ?? ''))),
    ...(hasCv
      ? [
          r.cv ? `${num(r.cv.macroF1.mean)} ± ${num(r.cv.macroF1.std)}` : '',
          r.cv ? `${num(r.cv.accuracy.mean)} ± ${num(r.cv.accuracy.std)}` : '',
        ]
      : []),
    num(r.valid?.accuracy),
    num(r.valid?.macroF1),
    num(r.valid?.weightedF1),
    ...(hasTest ? [num(r.test?.accuracy), num(r.test?.macroF1)] : []),
    num(r.fit.trainAccuracy),
    num(r.fit.gap),
    esc(r.fit.status),
    num(r.seconds, 1),
  ]);
  const tableHtml = table(head, rows).replace(
    /<tr>(<td><b>)/,
    '<tr class="best">$1', // the best scenario's row
  );
  page.section(
    'Scenarios',
    page.figure(
      'grid-comparison',
      gridComparisonSvg(records, {
        metric,
        best,
        title: `Grid comparison: ${metric === 'macroF1' ? 'macro-F1' : metric}`,
      }),
    ) +
      (records.some((r) => typeof r.fit.trainAccuracy === 'number')
        ? page.figure(
            'grid-comparison-accuracy',
            gridComparisonSvg(records, { metric: 'accuracy', best, title: 'Accuracy: validation, test and train' }),
          )
        : '') +
      tableHtml,
  );
  const b = records.find((r) => r.name === best);
  if (b?.valid) {
    page.section(
      `Best scenario: ${b.name}`,
      perClassTable(b.valid.perClass) +
        page.figure(
          'best-confusion-matrix',
          confusionMatrixSvg(
            { labels: b.valid.labels, matrix: b.valid.confusionMatrix },
            { title: `${b.name} on validation` },
          ),
        ),
    );
    historySection(page, b.history, `${b.name}: training curves`);
  }
  return `grid <code>${esc(log.header?.name ?? basename(dir))}</code>`;
}

interface SslReport {
  model: string;
  labeledInput: number;
  pool: number;
  labeled: number;
  usedPseudoLabels: number;
  remaining: number;
  iterations: number;
  stoppedBecause: string;
  labelingAccuracy: number | null;
  accuracy: number | null;
  macroF1: number | null;
  weightedF1: number | null;
  log: (Parameters<typeof selfTrainingSvg>[0][number] & {
    labelDistribution?: Record<string, number>;
    fallback?: boolean;
    labeling?: { labels?: Label[]; confusionMatrix?: number[][] };
  })[];
}

async function sslReport(page: Page, dir: string, options: RunReportOptions): Promise<string> {
  const r = (await readJson(join(dir, 'ssl-report.json'))) as SslReport;
  page.section(
    'Self-training',
    keyValues([
      ['model', esc(r.model)],
      ['labeled texts given', num(r.labeledInput, 0)],
      ['pool', num(r.pool, 0)],
      ['pseudo-labeled', `${num(r.labeled, 0)} (${num(r.usedPseudoLabels, 0)} used by the final model)`],
      ['left unlabeled', num(r.remaining, 0)],
      ['iterations', `${num(r.iterations, 0)} (stopped: ${esc(r.stoppedBecause)})`],
      ['pseudo-label accuracy', num(r.labelingAccuracy)],
      ['validation accuracy', num(r.accuracy)],
      ['validation macro-F1', num(r.macroF1)],
    ]),
  );
  if (Array.isArray(r.log) && r.log.length > 0) {
    const labels = [...new Set(r.log.flatMap((e) => Object.keys(e.labelDistribution ?? {})))].sort(compareLabels);
    page.section(
      'Iterations',
      page.figure('self-training', selfTrainingSvg(r.log, { title: `Self-training per iteration: ${r.model}` })) +
        table(
          [
            'iteration',
            'threshold',
            'training size',
            'selected',
            'pool left',
            ...labels.map((l) => `+${l}`),
            'mean confidence',
            'validation macro-F1',
            'pseudo-label accuracy',
          ],
          r.log.map((e) => [
            String(e.iteration),
            num(e.threshold),
            num(e.trainingSize, 0),
            num(e.selected, 0),
            num(e.poolAfter, 0),
            ...labels.map((l) => num(e.labelDistribution?.[l] ?? 0, 0)),
            num(e.meanSelectedConfidence),
            num(e.validation?.macroF1),
            num(e.labeling?.accuracy),
          ]),
        ),
    );
    const last = [...r.log].reverse().find((e) => e.labeling?.confusionMatrix && e.labeling.labels);
    if (last?.labeling?.labels && last.labeling.confusionMatrix) {
      page.section(
        'Pseudo-labels against the hidden labels',
        page.figure(
          'pseudo-label-confusion-matrix',
          confusionMatrixSvg(
            { labels: last.labeling.labels, matrix: last.labeling.confusionMatrix },
            { title: `All pseudo-labels up to iteration ${last.iteration}` },
          ),
        ),
      );
    }
  }
  if (options.data && existsSync(join(dir, 'model', 'model.json'))) {
    await textEvaluationSections(page, join(dir, 'model'), options.data, options);
  }
  return `self-training of <code>${esc(r.model)}</code>`;
}

interface VisionScores {
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  labels: Label[];
  confusionMatrix: number[][];
  skipped?: string[];
}

async function visionReport(page: Page, dir: string): Promise<string> {
  const e = (await readJson(join(dir, 'evaluation.json'))) as Record<string, unknown> & {
    backbone?: string;
    classes?: Label[];
    trainSize?: number;
    trainSeconds?: number;
    lastEpoch?: Record<string, number>;
  };
  page.section(
    'Vision model',
    keyValues([
      ['folder', `<code>${esc(dir)}</code>`],
      ['backbone', esc(e.backbone ?? '–')],
      ['classes', esc((e.classes ?? []).join(', '))],
      ['training images', num(e.trainSize, 0)],
      ['training seconds', num(e.trainSeconds, 1)],
      ...(e.lastEpoch
        ? ([
            [
              'last epoch',
              esc(
                Object.entries(e.lastEpoch)
                  .map(([k, v]) => `${k} ${num(v)}`)
                  .join(', '),
              ),
            ],
          ] as [string, string][])
        : []),
    ]),
  );
  const rows: string[][] = [];
  const figs: string[] = [];
  for (const split of ['valid', 'test']) {
    for (const [key, who] of [
      [split, 'model'],
      [`${split}Baseline`, 'face-api baseline'],
    ] as const) {
      const s = e[key] as VisionScores | undefined;
      if (!s || !Array.isArray(s.confusionMatrix)) continue;
      rows.push([
        esc(split),
        esc(who),
        num(s.accuracy),
        num(s.macroF1),
        num(s.weightedF1),
        num(s.skipped?.length ?? 0, 0),
      ]);
      figs.push(
        page.figure(
          `${key}-confusion-matrix`,
          confusionMatrixSvg({ labels: s.labels, matrix: s.confusionMatrix }, { title: `${who} on ${split}` }),
        ),
      );
    }
  }
  if (rows.length > 0) {
    page.section(
      'Evaluation',
      table(['split', 'model', 'accuracy', 'macro-F1', 'weighted-F1', 'unreadable'], rows) + figs.join(''),
    );
  }
  if (existsSync(join(dir, 'vision-model.json'))) {
    const saved = (await readJson(join(dir, 'vision-model.json'))) as { history?: unknown };
    historySection(page, saved.history, `${e.backbone ?? 'vision model'}: training curves`);
  }
  return `vision model <code>${esc(e.backbone ?? basename(dir))}</code>`;
}

async function videoReport(page: Page, path: string): Promise<string> {
  const file = statSync(path).isFile() ? path : await findVideoJson(path);
  const v = file ? await readVideoJson(file) : undefined;
  if (!v) throw new UlasanError('FILE_FORMAT', `${path} holds no video analysis JSON (ulasan video analyze --json).`);
  const s = v.summary;
  const shares = s.shares ?? {};
  page.section(
    'Video',
    keyValues([
      ['file', `<code>${esc(v.file ?? '–')}</code>`],
      ['duration', v.durationSeconds ? `${num(v.durationSeconds, 1)} s` : '–'],
      ['frames per second sampled', num(v.fps)],
      ['overall sentiment', `<b>${esc(s.sentiment ?? 'no face found')}</b> (confidence ${num(s.confidence, 3)})`],
      ['frames with a face', `${num(s.framesWithFace, 0)} of ${num(s.framesAnalyzed, 0)}`],
      [
        'sentiment shares',
        esc(
          Object.entries(shares)
            .map(([k, x]) => `${k} ${num(x, 3)}`)
            .join(', '),
        ),
      ],
      [
        'expression shares',
        esc(
          Object.entries(s.expressionShares ?? {})
            .map(([k, x]) => `${k} ${num(x, 3)}`)
            .join(', '),
        ),
      ],
    ]),
  );
  page.section(
    'Timeline',
    page.figure('video-timeline', videoTimelineSvg(v)) +
      table(
        ['second', 'frames', 'with a face', 'sentiment', 'p(positive)', 'p(negative)', 'p(neutral)'],
        v.timeline.map((t) => [
          String(t.second),
          String(t.frames),
          String(t.framesWithFace),
          esc(t.sentiment ?? '–'),
          num(t.scores?.positive, 3),
          num(t.scores?.negative, 3),
          num(t.scores?.neutral, 3),
        ]),
      ),
  );
  return `video analysis of <code>${esc(v.file ? basename(v.file) : basename(path))}</code>`;
}

/**
 * Renders the HTML report of a run folder (or a video analysis JSON file): the run's summary,
 * every figure (inline SVG) and table it can draw. The page is self-contained: no scripts, no
 * external URLs, and a Content-Security-Policy that blocks any load.
 *
 * @example
 * ```ts
 * const { html, type } = await renderRunReport('runs/logreg', { data: 'data/smsa/valid_preprocess.tsv' });
 * await writeFile('runs/logreg/report.html', html);
 * ```
 * @throws UlasanError `FILE_NOT_FOUND` when `dir` does not exist, `INVALID_DATA` when nothing in it
 *   looks like a ulasan run.
 */
export async function renderRunReport(dir: string, options: RunReportOptions = {}): Promise<RunReport> {
  if (!existsSync(dir)) {
    throw new UlasanError(
      'FILE_NOT_FOUND',
      `${dir} does not exist: pass a run folder (ulasan train/grid/ssl/vision train --out DIR).`,
    );
  }
  const type = await detectRunType(dir);
  if (!type) {
    throw new UlasanError(
      'INVALID_DATA',
      `${dir} does not look like a ulasan run: expected results.jsonl (grid), ssl-report.json (ssl), evaluation.json (vision train), model.json (train) or a video analysis JSON (video analyze --json).`,
    );
  }
  const page = new Page();
  const what =
    type === 'training'
      ? await trainingReport(page, dir, options)
      : type === 'grid'
        ? await gridReport(page, dir)
        : type === 'ssl'
          ? await sslReport(page, dir, options)
          : type === 'vision'
            ? await visionReport(page, dir)
            : await videoReport(page, dir);
  const names: Record<RunType, string> = {
    training: 'Training run',
    grid: 'Grid run',
    ssl: 'Self-training run',
    vision: 'Vision run',
    video: 'Video analysis',
  };
  const title = options.title ?? `${names[type]}: ${basename(dir.replace(/[\\/]+$/, ''))}`;
  const html = page.html(title, `${what} · <code>${esc(dir)}</code>`);
  return { type, html, sections: [...page.sections], figures: [...page.figures] };
}

/** Options of {@link writeRunReport}. */
export interface WriteRunReportOptions extends RunReportOptions {
  /** Where to write the page (default `DIR/report.html`, or beside a JSON file). */
  out?: string;
}

/**
 * Renders {@link renderRunReport} and writes it atomically. Resolves to the report and its path.
 *
 * @example
 * ```ts
 * const { path } = await writeRunReport('runs/grid'); // runs/grid/report.html
 * ```
 */
export async function writeRunReport(
  dir: string,
  options: WriteRunReportOptions = {},
): Promise<RunReport & { path: string }> {
  const report = await renderRunReport(dir, options);
  const isFile = statSync(dir).isFile();
  const path = options.out ?? (isFile ? dir.replace(/\.json$/, '') + '.report.html' : join(dir, 'report.html'));
  await writeFileAtomic(path, report.html);
  return { ...report, path };
}
