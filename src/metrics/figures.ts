/**
 * Evaluation pictures without a browser: a confusion-matrix heatmap and train/validation curves as
 * self-contained SVG strings, rendered to PNG by `sharp` (an optional peer, imported only when a
 * PNG is asked for).
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../internal/atomic-fs.js';
import { invalidArgument, MissingDependencyError } from '../internal/errors.js';
import { ConfusionMatrix, type ConfusionMatrixResult, type ConfusionNormalize } from './confusion-matrix.js';
import type { ClassCurves } from './curves.js';
import { esc, FONT, niceTicks, textWidth } from './figures-common.js';
import { precisionRecallCurvesSvg, rocCurvesSvg } from './figures-curves.js';
import { emitMetricWarning, type WarningOptions } from './warnings.js';

function fmt(n: number, d = 1): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(d);
}

// Matplotlib's "Blues" colour map, sampled at nine stops.
const BLUES = ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'];

function hexToRgb(h: string): [number, number, number] {
  return [Number.parseInt(h.slice(1, 3), 16), Number.parseInt(h.slice(3, 5), 16), Number.parseInt(h.slice(5, 7), 16)];
}

/** Colour of value `t` in [0, 1] on the Blues scale. */
function blues(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (BLUES.length - 1);
  const i = Math.min(BLUES.length - 2, Math.floor(x));
  const f = x - i;
  const a = hexToRgb(BLUES[i]!);
  const b = hexToRgb(BLUES[i + 1]!);
  const c = a.map((v, k) => Math.round(v + (b[k]! - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Options of {@link confusionMatrixSvg}. */
export interface ConfusionMatrixSvgOptions {
  /** Title above the matrix (default "Confusion matrix"). */
  title?: string;
  /**
   * What the percentages and colours show: `'true'` (default, share of each true class: recall
   * on the diagonal), `'pred'` (share of each predicted class: precision) or `'all'`.
   */
  normalize?: ConfusionNormalize;
}

/**
 * A confusion-matrix heatmap as a standalone SVG string: each cell shows its count and its
 * normalized percentage, coloured on a Blues scale with a legend; rows are true labels ("True
 * label"), columns predicted labels ("Predicted label"), with class names on both axes.
 *
 * @example
 * ```ts
 * const svg = confusionMatrixSvg(confusionMatrix(yTrue, yPred), { title: 'GRU on SmSA valid' });
 * await writeFile('cm.svg', svg);
 * await writeFile('cm.png', await svgToPng(svg));
 * ```
 */
export function confusionMatrixSvg(
  cm: ConfusionMatrixResult | ConfusionMatrix,
  options: ConfusionMatrixSvgOptions = {},
): string {
  const { labels, matrix } = cm instanceof ConfusionMatrix ? cm.toResult() : cm;
  const n = labels.length;
  if (n === 0 || !Array.isArray(matrix) || matrix.length !== n || matrix.some((r) => r.length !== n)) {
    throw invalidArgument(
      `confusionMatrixSvg needs an n×n matrix with n labels (got ${n} labels and ${matrix?.length ?? 0} rows).`,
    );
  }
  const mode = options.normalize ?? 'true';
  if (mode !== 'true' && mode !== 'pred' && mode !== 'all') {
    throw invalidArgument(`normalize must be 'true', 'pred' or 'all'; got ${JSON.stringify(mode)}.`);
  }
  const rowSum = matrix.map((r) => r.reduce((a, b) => a + b, 0));
  const colSum = labels.map((_, j) => matrix.reduce((a, r) => a + r[j]!, 0));
  const total = rowSum.reduce((a, b) => a + b, 0);
  const share = (i: number, j: number): number => {
    const d = mode === 'true' ? rowSum[i]! : mode === 'pred' ? colSum[j]! : total;
    return d === 0 ? 0 : matrix[i]![j]! / d;
  };
  const names = labels.map((l) => String(l));
  const cell = Math.max(54, Math.min(96, Math.floor(640 / n)));
  const nameSize = 13;
  const leftNames = Math.min(220, Math.max(...names.map((s) => textWidth(s, nameSize)))) + 14;
  const rotate = names.some((s) => textWidth(s, nameSize) > cell - 6);
  const bottomNames = rotate ? Math.min(200, Math.max(...names.map((s) => textWidth(s, nameSize)))) * 0.72 + 22 : 24;
  const left = 36 + leftNames;
  const top = 58;
  const grid = cell * n;
  const legendX = left + grid + 26;
  const width = legendX + 100;
  const height = top + grid + bottomNames + 40;
  const title = options.title ?? 'Confusion matrix';
  const what = mode === 'true' ? '% of true label' : mode === 'pred' ? '% of predicted label' : '% of all samples';
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${left + grid / 2}" y="28" font-size="17" font-weight="bold" text-anchor="middle" fill="#222">${esc(title)}</text>`,
  );
  const countSize = Math.max(11, Math.min(17, cell / 4.6));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const s = share(i, j);
      const x = left + j * cell;
      const y = top + i * cell;
      const fg = s > 0.5 ? '#ffffff' : '#1a1a1a';
      out.push(
        `<rect class="cell" data-row="${i}" data-col="${j}" x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${blues(s)}" stroke="#ffffff" stroke-width="1"/>`,
        `<text class="count" x="${x + cell / 2}" y="${y + cell / 2 - 2}" font-size="${countSize.toFixed(1)}" font-weight="bold" text-anchor="middle" fill="${fg}">${fmt(matrix[i]![j]!)}</text>`,
        `<text class="share" x="${x + cell / 2}" y="${y + cell / 2 + countSize * 0.95}" font-size="${(countSize * 0.72).toFixed(1)}" text-anchor="middle" fill="${fg}">${(s * 100).toFixed(1)}%</text>`,
      );
    }
  }
  out.push(
    `<rect x="${left}" y="${top}" width="${grid}" height="${grid}" fill="none" stroke="#444" stroke-width="1"/>`,
  );
  for (let i = 0; i < n; i++) {
    const y = top + i * cell + cell / 2 + nameSize * 0.35;
    out.push(
      `<text class="row-label" x="${left - 8}" y="${y}" font-size="${nameSize}" text-anchor="end" fill="#222">${esc(names[i]!)}</text>`,
    );
  }
  for (let j = 0; j < n; j++) {
    const x = left + j * cell + cell / 2;
    const y = top + grid + 18;
    out.push(
      rotate
        ? `<text class="col-label" x="${x}" y="${y - 4}" font-size="${nameSize}" text-anchor="end" fill="#222" transform="rotate(-40 ${x} ${y - 4})">${esc(names[j]!)}</text>`
        : `<text class="col-label" x="${x}" y="${y}" font-size="${nameSize}" text-anchor="middle" fill="#222">${esc(names[j]!)}</text>`,
    );
  }
  out.push(
    `<text class="axis-title" x="${left + grid / 2}" y="${top + grid + bottomNames + 22}" font-size="14" text-anchor="middle" fill="#222">Predicted label</text>`,
    `<text class="axis-title" x="18" y="${top + grid / 2}" font-size="14" text-anchor="middle" fill="#222" transform="rotate(-90 18 ${top + grid / 2})">True label</text>`,
  );
  // Colour scale legend: a vertical gradient from 0% (bottom) to 100% (top).
  out.push('<defs><linearGradient id="cm-scale" x1="0" y1="1" x2="0" y2="0">');
  BLUES.forEach((c, k) => {
    out.push(`<stop offset="${((k / (BLUES.length - 1)) * 100).toFixed(1)}%" stop-color="${c}"/>`);
  });
  out.push('</linearGradient></defs>');
  out.push(
    `<rect class="legend" x="${legendX}" y="${top}" width="16" height="${grid}" fill="url(#cm-scale)" stroke="#444" stroke-width="0.8"/>`,
  );
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const y = top + grid - t * grid;
    out.push(
      `<line x1="${legendX + 16}" y1="${y}" x2="${legendX + 20}" y2="${y}" stroke="#444"/>`,
      `<text class="legend-tick" x="${legendX + 23}" y="${y + 4}" font-size="11" fill="#222">${t * 100}%</text>`,
    );
  }
  out.push(
    `<text x="${legendX + 8}" y="${top + grid + 18}" font-size="10" text-anchor="middle" fill="#555">${esc(what)}</text>`,
    '</svg>',
  );
  return out.join('\n');
}

/** Per-epoch logs (tfjs `onEpochEnd` logs) or Keras-style `{ loss: [...], val_loss: [...] }`. */
export type TrainingHistory = readonly Record<string, number>[] | Readonly<Record<string, readonly number[]>>;

function toSeries(history: TrainingHistory): Map<string, number[]> {
  const series = new Map<string, number[]>();
  if (Array.isArray(history)) {
    history.forEach((logs, epoch) => {
      for (const [k, v] of Object.entries(logs as Record<string, number>)) {
        if (!series.has(k)) series.set(k, new Array(history.length).fill(Number.NaN));
        series.get(k)![epoch] = typeof v === 'number' ? v : Number.NaN;
      }
    });
  } else if (history && typeof history === 'object') {
    for (const [k, v] of Object.entries(history as Record<string, readonly number[]>)) {
      if (Array.isArray(v))
        series.set(
          k,
          v.map((x) => (typeof x === 'number' ? x : Number.NaN)),
        );
    }
  } else {
    throw invalidArgument('trainingCurvesSvg needs a history: an array of per-epoch logs or an object of arrays.');
  }
  return series;
}

interface Panel {
  title: string;
  yLabel: string;
  lines: { name: string; values: number[]; color: string; dash?: string }[];
}

function panelSvg(p: Panel, x0: number, y0: number, w: number, h: number, epochs: number, id: string): string[] {
  const out: string[] = [];
  const padL = 56;
  const padB = 44;
  const padT = 30;
  const padR = 14;
  const pw = w - padL - padR;
  const ph = h - padT - padB;
  const all = p.lines.flatMap((l) => l.values.filter((v) => Number.isFinite(v)));
  const ticks = niceTicks(Math.min(...all), Math.max(...all));
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const sx = (e: number) => x0 + padL + (epochs === 1 ? pw / 2 : (e / (epochs - 1)) * pw);
  const sy = (v: number) => y0 + padT + ph - ((v - lo) / (hi - lo)) * ph;
  out.push(
    `<g class="panel" data-panel="${id}">`,
    `<text x="${x0 + padL + pw / 2}" y="${y0 + 18}" font-size="15" font-weight="bold" text-anchor="middle" fill="#222">${esc(p.title)}</text>`,
    `<rect x="${x0 + padL}" y="${y0 + padT}" width="${pw}" height="${ph}" fill="#fbfbfb"/>`,
  );
  for (const t of ticks) {
    const y = sy(t);
    out.push(
      `<line x1="${x0 + padL}" y1="${y}" x2="${x0 + padL + pw}" y2="${y}" stroke="#e3e3e3"/>`,
      `<text class="y-tick" x="${x0 + padL - 6}" y="${y + 4}" font-size="11" text-anchor="end" fill="#333">${Number(t.toPrecision(4))}</text>`,
    );
  }
  const step = Math.max(1, Math.ceil(epochs / 10));
  for (let e = 0; e < epochs; e += step) {
    out.push(
      `<text class="x-tick" x="${sx(e)}" y="${y0 + padT + ph + 16}" font-size="11" text-anchor="middle" fill="#333">${e + 1}</text>`,
    );
  }
  out.push(
    `<text x="${x0 + padL + pw / 2}" y="${y0 + h - 8}" font-size="13" text-anchor="middle" fill="#222">Epoch</text>`,
    `<text x="${x0 + 14}" y="${y0 + padT + ph / 2}" font-size="13" text-anchor="middle" fill="#222" transform="rotate(-90 ${x0 + 14} ${y0 + padT + ph / 2})">${esc(p.yLabel)}</text>`,
  );
  for (const line of p.lines) {
    const pts = line.values.map((v, e) => (Number.isFinite(v) ? `${sx(e).toFixed(2)},${sy(v).toFixed(2)}` : null));
    const segments: string[][] = [[]];
    for (const pt of pts) {
      if (pt === null) segments.push([]);
      else segments[segments.length - 1]!.push(pt);
    }
    for (const seg of segments) {
      if (seg.length > 1) {
        out.push(
          `<polyline class="series" data-series="${esc(line.name)}" points="${seg.join(' ')}" fill="none" stroke="${line.color}" stroke-width="2.2"${line.dash ? ` stroke-dasharray="${line.dash}"` : ''}/>`,
        );
      }
    }
    if (epochs <= 60) {
      for (const pt of pts) {
        if (pt) {
          const [cx, cy] = pt.split(',');
          out.push(`<circle cx="${cx}" cy="${cy}" r="2.8" fill="${line.color}"/>`);
        }
      }
    }
  }
  out.push(
    `<rect x="${x0 + padL}" y="${y0 + padT}" width="${pw}" height="${ph}" fill="none" stroke="#666" stroke-width="1"/>`,
  );
  out.push('</g>');
  return out;
}

/** Options of {@link trainingCurvesSvg}. */
export interface TrainingCurvesSvgOptions {
  /** Title above the panels (default "Training curves"). */
  title?: string;
}

/**
 * Train and validation curves per epoch as a standalone SVG: a loss panel (`loss`, `val_loss`)
 * and an accuracy panel (`acc`/`accuracy`, `val_acc`/`val_accuracy`) when present. Accepts
 * tfjs-style per-epoch logs or Keras-style `history.history` objects.
 *
 * @example
 * ```ts
 * const svg = trainingCurvesSvg(model.history, { title: 'GRU, SmSA' });
 * ```
 */
export function trainingCurvesSvg(history: TrainingHistory, options: TrainingCurvesSvgOptions = {}): string {
  const s = toSeries(history);
  const pick = (...names: string[]) => names.map((n) => s.get(n)).find((v) => v !== undefined);
  const epochs = Math.max(0, ...[...s.values()].map((v) => v.length));
  const TRAIN = '#1f77b4';
  const VALID = '#ff7f0e';
  const panels: Panel[] = [];
  const loss = pick('loss');
  const valLoss = pick('val_loss', 'valLoss');
  if (loss || valLoss) {
    const lines: Panel['lines'] = [];
    if (loss) lines.push({ name: 'train', values: loss, color: TRAIN });
    if (valLoss) lines.push({ name: 'validation', values: valLoss, color: VALID, dash: '6 3' });
    panels.push({ title: 'Loss', yLabel: 'loss', lines });
  }
  const acc = pick('acc', 'accuracy');
  const valAcc = pick('val_acc', 'val_accuracy', 'valAccuracy');
  if (acc || valAcc) {
    const lines: Panel['lines'] = [];
    if (acc) lines.push({ name: 'train', values: acc, color: TRAIN });
    if (valAcc) lines.push({ name: 'validation', values: valAcc, color: VALID, dash: '6 3' });
    panels.push({ title: 'Accuracy', yLabel: 'accuracy', lines });
  }
  const finite = panels.some((p) => p.lines.some((l) => l.values.some((v) => Number.isFinite(v))));
  if (panels.length === 0 || epochs === 0 || !finite) {
    throw invalidArgument(
      `trainingCurvesSvg found no loss or accuracy values in the history (keys: ${JSON.stringify([...s.keys()])}): expected loss/val_loss and acc/val_acc (or accuracy/val_accuracy).`,
    );
  }
  const pw = 430;
  const ph = 320;
  const width = pw * panels.length + 20;
  const height = ph + 74;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    '<rect width="100%" height="100%" fill="#ffffff"/>',
    `<text x="${width / 2}" y="26" font-size="17" font-weight="bold" text-anchor="middle" fill="#222">${esc(options.title ?? 'Training curves')}</text>`,
  ];
  // One legend for both panels, between the title and the plots, so it never hides a curve.
  const entries = [
    { name: 'train', color: TRAIN, dash: undefined as string | undefined },
    { name: 'validation', color: VALID, dash: '6 3' },
  ].filter((e) => panels.some((p) => p.lines.some((l) => l.name === e.name)));
  let lx = width / 2 - (entries.length * 120) / 2;
  for (const e of entries) {
    out.push(
      `<line x1="${lx}" y1="48" x2="${lx + 26}" y2="48" stroke="${e.color}" stroke-width="2.5"${e.dash ? ` stroke-dasharray="${e.dash}"` : ''}/>`,
      `<text class="legend-entry" x="${lx + 32}" y="52" font-size="13" fill="#222">${e.name}</text>`,
    );
    lx += 120;
  }
  panels.forEach((p, i) => {
    out.push(...panelSvg(p, 10 + i * pw, 64, pw, ph, epochs, p.title.toLowerCase()));
  });
  out.push('</svg>');
  return out.join('\n');
}

type SharpFactory = (input: Buffer, options?: { density?: number }) => { png(): { toBuffer(): Promise<Buffer> } };

/** @internal Loads sharp lazily; a missing package becomes a MissingDependencyError. */
export async function loadSharp(importer: () => Promise<unknown> = () => import('sharp')): Promise<SharpFactory> {
  try {
    const mod = (await importer()) as { default?: SharpFactory };
    return (mod.default ?? mod) as SharpFactory;
  } catch (error) {
    throw new MissingDependencyError('sharp', 'Rendering figures to PNG', error);
  }
}

/** Options of {@link svgToPng}. */
export interface SvgToPngOptions {
  /** Rendering density in DPI (default 144: twice the SVG's pixel size). */
  density?: number;
}

/**
 * Renders an SVG string to PNG bytes with `sharp` (an optional peer dependency, imported only
 * here). Throws `MissingDependencyError` when sharp is not installed.
 *
 * @example
 * ```ts
 * await writeFile('cm.png', await svgToPng(confusionMatrixSvg(cm)));
 * ```
 */
export async function svgToPng(svg: string, options: SvgToPngOptions = {}): Promise<Uint8Array> {
  const sharp = await loadSharp();
  return sharp(Buffer.from(svg), { density: options.density ?? 144 })
    .png()
    .toBuffer();
}

/** What {@link writeEvaluationFigures} draws. */
export interface EvaluationFigures extends WarningOptions {
  /** The confusion matrix (e.g. `evaluationSummary(...).confusionMatrix`). */
  cm: ConfusionMatrixResult | ConfusionMatrix;
  /** Training history for the curves (skipped when absent or empty). */
  history?: TrainingHistory;
  /**
   * One-vs-rest curves (`oneVsRestCurves(yTrue, probabilities)`): adds `roc-curve` and
   * `precision-recall-curve` figures.
   */
  curves?: readonly ClassCurves[];
  /** Title prefix for the figures. */
  title?: string;
}

/**
 * Writes `confusion-matrix.svg/.png` (and `training-curves.svg/.png` when a history is given,
 * `roc-curve` and `precision-recall-curve` when curves are given) into `dir`, each file
 * atomically. Without sharp the PNGs are skipped with a warning. Resolves to the paths written.
 *
 * @example
 * ```ts
 * const s = evaluationSummary(yTrue, yPred);
 * const curves = oneVsRestCurves(yTrue, await model.predictProba(texts));
 * await writeEvaluationFigures('runs/gru', { cm: s.confusionMatrix, history: model.history, curves });
 * ```
 */
export async function writeEvaluationFigures(dir: string, figures: EvaluationFigures): Promise<string[]> {
  const svgs: [string, string][] = [
    [
      'confusion-matrix',
      confusionMatrixSvg(figures.cm, { title: figures.title ? `${figures.title}: confusion matrix` : undefined }),
    ],
  ];
  const h = figures.history;
  const hasHistory = h !== undefined && (Array.isArray(h) ? h.length > 0 : Object.keys(h).length > 0);
  if (hasHistory) {
    svgs.push([
      'training-curves',
      trainingCurvesSvg(h, { title: figures.title ? `${figures.title}: training curves` : undefined }),
    ]);
  }
  if (figures.curves && figures.curves.length > 0) {
    svgs.push(
      ['roc-curve', rocCurvesSvg(figures.curves, { title: figures.title ? `${figures.title}: ROC` : undefined })],
      [
        'precision-recall-curve',
        precisionRecallCurvesSvg(figures.curves, {
          title: figures.title ? `${figures.title}: precision–recall` : undefined,
        }),
      ],
    );
  }
  const written: string[] = [];
  let sharp: SharpFactory | undefined;
  try {
    sharp = await loadSharp();
  } catch (error) {
    emitMetricWarning(figures, 'UserWarning', `${(error as Error).message} Wrote the SVG figures only.`);
  }
  for (const [name, svg] of svgs) {
    const svgPath = join(dir, `${name}.svg`);
    await writeFileAtomic(svgPath, svg);
    written.push(svgPath);
    if (sharp) {
      const pngPath = join(dir, `${name}.png`);
      await writeFileAtomic(pngPath, await sharp(Buffer.from(svg), { density: 144 }).png().toBuffer());
      written.push(pngPath);
    }
  }
  return written;
}
