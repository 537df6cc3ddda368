/**
 * Run figures as standalone SVG strings: the class distribution of a data set, a comparison of a
 * grid's scenarios, a video's per-second sentiment timeline, and self-training's per-iteration
 * curves. Inputs are plain data (what `results.jsonl`, `ssl-report.json` and `analyzeVideo`
 * hold), so this module loads nothing else.
 */
import { invalidArgument } from '../internal/errors.js';
import {
  esc,
  labelColor,
  legendSvg,
  legendWidth,
  linePanelSvg,
  niceTicks,
  SENTIMENT_COLORS,
  svgOpen,
  TAB10,
  textWidth,
  tickLabel,
  truncate,
} from './figures-common.js';

/** Options of {@link classDistributionSvg}. */
export interface ClassDistributionSvgOptions {
  /** Title above the bars (default "Class distribution"). */
  title?: string;
  /** Sort bars by count, largest first (default false: label order). */
  sort?: boolean;
}

/**
 * A bar chart of how many samples each class has, with counts and percentages on the bars. Takes
 * the labels themselves, or counts per class; several parts (e.g. `{ train, valid }`) are drawn as
 * grouped bars, one colour per part.
 *
 * @example
 * ```ts
 * classDistributionSvg(train.labels);
 * classDistributionSvg({ train: train.labels, valid: valid.labels }, { title: 'SmSA' });
 * ```
 */
export function classDistributionSvg(
  data: readonly (string | number)[] | Readonly<Record<string, readonly (string | number)[] | Record<string, number>>>,
  options: ClassDistributionSvgOptions = {},
): string {
  const parts: [string, Map<string, number>][] = [];
  const count = (v: readonly (string | number)[] | Record<string, number>): Map<string, number> => {
    const m = new Map<string, number>();
    if (Array.isArray(v)) for (const l of v) m.set(String(l), (m.get(String(l)) ?? 0) + 1);
    else for (const [k, n] of Object.entries(v as Record<string, number>)) if (Number.isFinite(n)) m.set(k, n);
    return m;
  };
  if (Array.isArray(data)) parts.push(['samples', count(data)]);
  else if (data && typeof data === 'object') {
    for (const [name, v] of Object.entries(data)) parts.push([name, count(v as never)]);
  }
  const labels = [...new Set(parts.flatMap(([, m]) => [...m.keys()]))];
  if (labels.length === 0) throw invalidArgument('classDistributionSvg needs labels (an array) or counts per class.');
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  if (options.sort) labels.sort((a, b) => (parts[0]![1].get(b) ?? 0) - (parts[0]![1].get(a) ?? 0));
  else labels.sort((a, b) => a.localeCompare(b, 'en'));
  const max = Math.max(...parts.flatMap(([, m]) => [...m.values()]));
  const ticks = niceTicks(0, max * 1.12);
  const hi = ticks[ticks.length - 1]!;
  const group = Math.max(70, Math.min(140, 560 / labels.length));
  const barW = Math.min(64, (group - 16) / parts.length);
  const padL = 66;
  const top = parts.length > 1 ? 64 : 48;
  const ph = 300;
  const nameSize = 13;
  const rotate = labels.some((l) => textWidth(l, nameSize) > group - 6);
  const bottom = rotate ? Math.min(160, Math.max(...labels.map((l) => textWidth(l, nameSize)))) * 0.72 + 40 : 48;
  const pw = group * labels.length;
  const width = padL + pw + 24;
  const height = top + ph + bottom;
  const sy = (v: number) => top + ph - (v / hi) * ph;
  const out = svgOpen(width, height, options.title ?? 'Class distribution', padL + pw / 2);
  if (parts.length > 1) {
    let lx = padL + pw / 2 - (parts.length * 110) / 2;
    parts.forEach(([name], p) => {
      out.push(...legendSvg([{ name, color: TAB10[p % TAB10.length]!, box: true }], lx, 38));
      lx += 110;
    });
  }
  out.push(`<rect x="${padL}" y="${top}" width="${pw}" height="${ph}" fill="#fbfbfb"/>`);
  for (const t of ticks) {
    out.push(
      `<line x1="${padL}" y1="${sy(t).toFixed(1)}" x2="${padL + pw}" y2="${sy(t).toFixed(1)}" stroke="#e3e3e3"/>`,
      `<text class="y-tick" x="${padL - 6}" y="${(sy(t) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#333">${tickLabel(t)}</text>`,
    );
  }
  labels.forEach((label, i) => {
    const gx = padL + i * group + (group - barW * parts.length) / 2;
    parts.forEach(([name, m], p) => {
      const v = m.get(label) ?? 0;
      const share = total(m) > 0 ? (v / total(m)) * 100 : 0;
      const x = gx + p * barW;
      const color = parts.length > 1 ? TAB10[p % TAB10.length]! : labelColor(label, i);
      out.push(
        `<rect class="bar" data-label="${esc(label)}" data-part="${esc(name)}" x="${x.toFixed(1)}" y="${sy(v).toFixed(1)}" width="${(barW - 3).toFixed(1)}" height="${(top + ph - sy(v)).toFixed(1)}" fill="${color}"/>`,
      );
      const lsize = parts.length > 2 ? 9.5 : 11;
      out.push(
        `<text class="bar-label" x="${(x + (barW - 3) / 2).toFixed(1)}" y="${(sy(v) - (parts.length > 1 ? 17 : 19)).toFixed(1)}" font-size="${lsize}" font-weight="bold" text-anchor="middle" fill="#222">${v}</text>`,
        `<text class="bar-share" x="${(x + (barW - 3) / 2).toFixed(1)}" y="${(sy(v) - 5).toFixed(1)}" font-size="${lsize - 1}" text-anchor="middle" fill="#555">${share.toFixed(1)}%</text>`,
      );
    });
    const cx = padL + i * group + group / 2;
    const ly = top + ph + 18;
    out.push(
      rotate
        ? `<text class="x-label" x="${cx}" y="${ly}" font-size="${nameSize}" text-anchor="end" fill="#222" transform="rotate(-35 ${cx} ${ly})">${esc(truncate(label, nameSize, 160))}</text>`
        : `<text class="x-label" x="${cx}" y="${ly}" font-size="${nameSize}" text-anchor="middle" fill="#222">${esc(label)}</text>`,
    );
  });
  out.push(
    `<rect x="${padL}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#666"/>`,
    `<text class="axis-title" x="16" y="${top + ph / 2}" font-size="13" text-anchor="middle" fill="#222" transform="rotate(-90 16 ${top + ph / 2})">samples</text>`,
    `<text class="axis-title" x="${padL + pw / 2}" y="${height - 10}" font-size="13" text-anchor="middle" fill="#222">class</text>`,
    '</svg>',
  );
  return out.join('\n');
}

/** The part of a grid scenario result that {@link gridComparisonSvg} reads (a `results.jsonl` line). */
export interface GridScenarioScores {
  name: string;
  index?: number;
  valid?: { accuracy: number | null; macroF1: number | null; weightedF1: number | null } | undefined;
  test?: { accuracy: number | null; macroF1: number | null; weightedF1: number | null } | undefined;
  cv?: { k: number; macroF1: { mean: number; std: number }; accuracy: { mean: number; std: number } } | undefined;
  fit?: { trainAccuracy?: number | null; status?: string } | undefined;
}

/** Options of {@link gridComparisonSvg}. */
export interface GridComparisonSvgOptions {
  /** Title above the chart (default "Grid comparison"). */
  title?: string;
  /** The metric bars show: `'macroF1'` (default) or `'accuracy'`. */
  metric?: 'macroF1' | 'accuracy';
  /** The scenario to highlight (default: the best by the cross-validated mean, else validation). */
  best?: string;
  /** Order: `'score'` (best first, default) or `'grid'` (grid order). */
  order?: 'score' | 'grid';
}

/**
 * Horizontal bars, one row per grid scenario: validation (or cross-validated mean ± std, as an
 * error bar), test when present, and train accuracy as a tick, the best scenario marked, so an
 * overfit scenario (train far above validation) is visible at a glance.
 *
 * @example
 * ```ts
 * const { records } = await readGridLog('runs/grid/results.jsonl');
 * const svg = gridComparisonSvg(records, { metric: 'macroF1' });
 * ```
 */
export function gridComparisonSvg(
  results: readonly GridScenarioScores[],
  options: GridComparisonSvgOptions = {},
): string {
  if (!Array.isArray(results) || results.length === 0) {
    throw invalidArgument('gridComparisonSvg needs at least one scenario result (results.jsonl records).');
  }
  const metric = options.metric ?? 'macroF1';
  const val = (r: GridScenarioScores): number | null => {
    const v = r.cv ? r.cv[metric].mean : r.valid?.[metric];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  const rows = [...results];
  if ((options.order ?? 'score') === 'score') rows.sort((a, b) => (val(b) ?? -1) - (val(a) ?? -1));
  else rows.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const best = options.best ?? rows.reduce((a, b) => ((val(b) ?? -1) > (val(a) ?? -1) ? b : a)).name;
  const hasTest = rows.some((r) => typeof r.test?.[metric] === 'number');
  const hasTrain = metric === 'accuracy' && rows.some((r) => typeof r.fit?.trainAccuracy === 'number');
  const cv = rows.some((r) => r.cv);
  const nameSize = 12;
  const names = rows.map((r) => truncate(r.name, nameSize, 260));
  const padL = Math.max(...names.map((n) => textWidth(n, nameSize))) + 24;
  const rowH = hasTest ? 30 : 24;
  const pw = 460;
  const top = 66;
  const ph = rows.length * rowH;
  const all = rows
    .flatMap((r) => [val(r), r.test?.[metric] ?? null, hasTrain ? (r.fit?.trainAccuracy ?? null) : null])
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const lo = Math.max(0, Math.floor((Math.min(...all) - 0.05) * 10) / 10);
  const hi = Math.min(1, Math.ceil((Math.max(...all) + 0.02) * 20) / 20);
  const sx = (v: number) => padL + ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo || 1)) * pw;
  const width = padL + pw + 70;
  const height = top + ph + 50;
  const label = metric === 'macroF1' ? 'macro-F1' : 'accuracy';
  const out = svgOpen(width, height, options.title ?? 'Grid comparison', width / 2);
  const entries = [
    { name: cv ? `cross-validated ${label} (mean ± std)` : `validation ${label}`, color: '#1f77b4', box: true },
    ...(hasTest ? [{ name: `test ${label}`, color: '#ff7f0e', box: true }] : []),
    ...(hasTrain ? [{ name: 'train accuracy', color: '#222222' }] : []),
  ];
  let lx = padL;
  for (const e of entries) {
    out.push(...legendSvg([e], lx, 38));
    lx += textWidth(e.name, 12) + 46;
  }
  out.push(`<rect x="${padL}" y="${top}" width="${pw}" height="${ph}" fill="#fbfbfb"/>`);
  const ticks = niceTicks(lo, hi).filter((t) => t >= lo - 1e-9 && t <= hi + 1e-9);
  for (const t of ticks) {
    out.push(
      `<line x1="${sx(t).toFixed(1)}" y1="${top}" x2="${sx(t).toFixed(1)}" y2="${top + ph}" stroke="#e3e3e3"/>`,
      `<text class="x-tick" x="${sx(t).toFixed(1)}" y="${top + ph + 16}" font-size="11" text-anchor="middle" fill="#333">${tickLabel(t)}</text>`,
    );
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const isBest = r.name === best;
    if (isBest) out.push(`<rect class="best" x="0" y="${y}" width="${width}" height="${rowH}" fill="#fff6d5"/>`);
    out.push(
      `<text class="scenario" x="${padL - 8}" y="${y + rowH / 2 + 4}" font-size="${nameSize}" text-anchor="end" fill="#222"${isBest ? ' font-weight="bold"' : ''}>${esc(names[i]!)}</text>`,
    );
    const v = val(r);
    const bh = hasTest ? 11 : 14;
    const vy = hasTest ? y + 4 : y + (rowH - bh) / 2;
    if (v !== null) {
      out.push(
        `<rect class="bar valid" x="${padL}" y="${vy}" width="${(sx(v) - padL).toFixed(1)}" height="${bh}" fill="#1f77b4"/>`,
        `<text class="value" x="${(sx(v) + 4).toFixed(1)}" y="${vy + bh - 2}" font-size="10.5" fill="#1f3f66">${v.toFixed(3)}</text>`,
      );
      if (r.cv) {
        const s = r.cv[metric].std;
        out.push(
          `<line class="std" x1="${sx(v - s).toFixed(1)}" y1="${vy + bh / 2}" x2="${sx(v + s).toFixed(1)}" y2="${vy + bh / 2}" stroke="#0b2545" stroke-width="1.5"/>`,
        );
      }
    }
    const t = r.test?.[metric];
    if (typeof t === 'number' && Number.isFinite(t)) {
      const ty = y + 4 + bh + 2;
      out.push(
        `<rect class="bar test" x="${padL}" y="${ty}" width="${(sx(t) - padL).toFixed(1)}" height="${bh}" fill="#ff7f0e"/>`,
        `<text class="value" x="${(sx(t) + 4).toFixed(1)}" y="${ty + bh - 2}" font-size="10.5" fill="#7a3d00">${t.toFixed(3)}</text>`,
      );
    }
    const tr = r.fit?.trainAccuracy;
    if (hasTrain && typeof tr === 'number' && Number.isFinite(tr)) {
      out.push(
        `<line class="train" x1="${sx(tr).toFixed(1)}" y1="${y + 2}" x2="${sx(tr).toFixed(1)}" y2="${y + rowH - 2}" stroke="#222" stroke-width="2.5"/>`,
      );
    }
  });
  out.push(
    `<rect x="${padL}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#666"/>`,
    `<text class="axis-title" x="${padL + pw / 2}" y="${height - 12}" font-size="13" text-anchor="middle" fill="#222">${label}${lo > 0 ? ` (axis from ${lo})` : ''}</text>`,
    '</svg>',
  );
  return out.join('\n');
}

/** The part of a video analysis that {@link videoTimelineSvg} reads (`analyzeVideo`'s result). */
export interface VideoTimelineData {
  file?: string;
  timeline: readonly {
    second: number;
    frames: number;
    framesWithFace: number;
    scores: Readonly<Record<string, number>> | null;
    sentiment: string | null;
  }[];
  summary?: { sentiment: string | null; confidence: number; framesAnalyzed?: number; framesWithFace?: number };
}

/** Options of {@link videoTimelineSvg}. */
export interface VideoTimelineSvgOptions {
  /** Title above the chart (default: "Sentiment over time" and the file name). */
  title?: string;
}

/**
 * A video's sentiment second by second: one line per sentiment score (positive, negative,
 * neutral), a coloured band under the plot with each second's winning sentiment, and hatched
 * seconds where no face was found.
 *
 * @example
 * ```ts
 * const r = await analyzeVideo('review.mp4', { model });
 * await writeFile('timeline.svg', videoTimelineSvg(r));
 * ```
 */
export function videoTimelineSvg(analysis: VideoTimelineData, options: VideoTimelineSvgOptions = {}): string {
  const tl = analysis?.timeline;
  if (!Array.isArray(tl) || tl.length === 0) {
    throw invalidArgument('videoTimelineSvg needs an analysis with a non-empty timeline (analyzeVideo(...) result).');
  }
  const names = [...new Set(tl.flatMap((t) => (t.scores ? Object.keys(t.scores) : [])))];
  const order = ['positive', 'neutral', 'negative'];
  names.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
  const seconds = tl.map((t) => t.second);
  const last = Math.max(...seconds);
  const w = Math.max(520, Math.min(1000, 140 + (last + 1) * 24));
  const plotH = 300;
  const entries = names.map((n, i) => ({ name: `p(${n})`, color: labelColor(n, i + 3) }));
  entries.push({ name: 'no face', color: 'url(#no-face)' });
  const lw = Math.max(legendWidth(entries), textWidth('faces in 0000/0000 frames', 12) + 10);
  const width = w + lw + 20;
  const height = 40 + plotH + 40 + 4 + 18 + 14;
  const base = analysis.file ? analysis.file.split(/[\\/]/).pop() : undefined;
  const title = options.title ?? `Sentiment over time${base ? `: ${base}` : ''}`;
  const out = svgOpen(width, height, title, w / 2);
  let bandX: (v: number) => number = (v) => v;
  out.push(
    ...linePanelSvg(
      {
        xLabel: 'second',
        yLabel: 'score',
        xDomain: [-0.5, last + 0.5],
        yDomain: [0, 1],
        integerX: true,
        under: (sx, sy) => {
          bandX = sx;
          const cells: string[] = [];
          for (const t of tl) {
            if (t.framesWithFace === 0) {
              cells.push(
                `<rect class="no-face" x="${sx(t.second - 0.5).toFixed(1)}" y="${sy(1).toFixed(1)}" width="${(sx(t.second + 0.5) - sx(t.second - 0.5)).toFixed(1)}" height="${(sy(0) - sy(1)).toFixed(1)}" fill="url(#no-face)"/>`,
              );
            }
          }
          return cells;
        },
        series: names.map((n, i) => ({
          name: n,
          x: tl.map((t) => t.second),
          y: tl.map((t) => (t.scores ? (t.scores[n] ?? Number.NaN) : Number.NaN)),
          color: labelColor(n, i + 3),
          markers: tl.length <= 80,
        })),
      },
      10,
      40,
      w,
      plotH + 40,
    ),
  );
  out.splice(
    3,
    0,
    '<defs><pattern id="no-face" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f3f3f3"/><line x1="0" y1="0" x2="0" y2="6" stroke="#cccccc" stroke-width="2"/></pattern></defs>',
  );
  // The winning sentiment of each second as a band below the plot.
  const bandY = 40 + plotH + 40 + 4;
  out.push(`<text x="${68 - 6}" y="${bandY + 13}" font-size="11" text-anchor="end" fill="#333">top</text>`);
  for (const t of tl) {
    const x0 = bandX(t.second - 0.5);
    const x1 = bandX(t.second + 0.5);
    const fill = t.sentiment ? (SENTIMENT_COLORS[t.sentiment] ?? '#1f77b4') : 'url(#no-face)';
    out.push(
      `<rect class="winner" data-second="${t.second}" x="${x0.toFixed(1)}" y="${bandY}" width="${Math.max(0, x1 - x0 - 0.5).toFixed(1)}" height="18" fill="${fill}"><title>${t.second}s: ${esc(t.sentiment ?? 'no face')}</title></rect>`,
    );
  }
  const s = analysis.summary;
  out.push(
    ...legendSvg(
      entries.map((e) => (e.name === 'no face' ? { ...e, box: true } : e)),
      w + 14,
      58,
    ),
  );
  if (s) {
    out.push(
      `<text class="summary" x="${w + 14}" y="${58 + entries.length * 21 + 24}" font-size="12" fill="#222">overall: <tspan font-weight="bold" fill="${SENTIMENT_COLORS[s.sentiment ?? ''] ?? '#222'}">${esc(s.sentiment ?? 'no face')}</tspan></text>`,
      `<text class="summary" x="${w + 14}" y="${58 + entries.length * 21 + 42}" font-size="12" fill="#222">confidence ${Number.isFinite(s.confidence) ? s.confidence.toFixed(2) : '–'}</text>`,
    );
    if (s.framesAnalyzed !== undefined) {
      out.push(
        `<text class="summary" x="${w + 14}" y="${58 + entries.length * 21 + 60}" font-size="12" fill="#222">faces in ${s.framesWithFace ?? 0}/${s.framesAnalyzed} frames</text>`,
      );
    }
  }
  out.push('</svg>');
  return out.join('\n');
}

/** The part of a self-training iteration log that {@link selfTrainingSvg} reads (`ssl-report.json`'s `log`). */
export interface SelfTrainingIteration {
  iteration: number;
  threshold: number;
  trainingSize: number;
  selected: number;
  poolAfter: number;
  meanSelectedConfidence: number | null;
  validation?: { accuracy: number; macroF1: number; weightedF1?: number } | undefined;
  labeling?: { accuracy: number | null; cumulativeAccuracy: number | null } | undefined;
}

/** Options of {@link selfTrainingSvg}. */
export interface SelfTrainingSvgOptions {
  /** Title above the panels (default "Self-training"). */
  title?: string;
}

/**
 * Self-training per iteration in two panels: scores (validation macro-F1 and accuracy, accuracy of
 * the pseudo-labels against hidden labels, mean confidence of the selected, the threshold) and
 * sizes (training set, pseudo-labels added, pool left).
 *
 * @example
 * ```ts
 * const report = JSON.parse(await readFile('runs/ssl/ssl-report.json', 'utf8'));
 * const svg = selfTrainingSvg(report.log);
 * ```
 */
export function selfTrainingSvg(log: readonly SelfTrainingIteration[], options: SelfTrainingSvgOptions = {}): string {
  if (!Array.isArray(log) || log.length === 0) {
    throw invalidArgument('selfTrainingSvg needs the iteration log (ssl-report.json "log" or selfTrain(...).log).');
  }
  const it = log.map((e) => e.iteration);
  const num = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN);
  const scoreSeries = [
    { name: 'validation macro-F1', y: log.map((e) => num(e.validation?.macroF1)), color: '#1f77b4' },
    { name: 'validation accuracy', y: log.map((e) => num(e.validation?.accuracy)), color: '#17becf', dash: '6 3' },
    { name: 'pseudo-label accuracy', y: log.map((e) => num(e.labeling?.accuracy)), color: '#2ca02c' },
    {
      name: 'cumulative pseudo-label acc.',
      y: log.map((e) => num(e.labeling?.cumulativeAccuracy)),
      color: '#2ca02c',
      dash: '6 3',
    },
    { name: 'mean selected confidence', y: log.map((e) => num(e.meanSelectedConfidence)), color: '#9467bd' },
    { name: 'threshold', y: log.map((e) => num(e.threshold)), color: '#7f7f7f', dash: '2 3' },
  ].filter((s) => s.y.some(Number.isFinite));
  const sizeSeries = [
    { name: 'training set', y: log.map((e) => num(e.trainingSize)), color: '#1f77b4' },
    { name: 'selected this iteration', y: log.map((e) => num(e.selected)), color: '#ff7f0e' },
    { name: 'pool left', y: log.map((e) => num(e.poolAfter)), color: '#8c564b', dash: '6 3' },
  ].filter((s) => s.y.some(Number.isFinite));
  const xDomain: [number, number] = it.length === 1 ? [it[0]! - 1, it[0]! + 1] : [Math.min(...it), Math.max(...it)];
  const pw = 440;
  const ph = 330;
  const lwA = legendWidth(scoreSeries);
  const lwB = legendWidth(sizeSeries);
  const width = pw + lwA + pw + lwB + 30;
  const height = ph + 50;
  const out = svgOpen(width, height, options.title ?? 'Self-training per iteration');
  const panel = (title: string, yLabel: string, series: typeof scoreSeries, yDomain?: [number, number]) => ({
    title,
    xLabel: 'iteration',
    yLabel,
    xDomain,
    yDomain,
    integerX: true,
    series: series.map((s) => ({ ...s, x: it, markers: log.length <= 40 })),
  });
  const ys = scoreSeries.flatMap((s) => s.y.filter(Number.isFinite));
  const yLo = ys.length ? Math.max(0, Math.floor((Math.min(...ys) - 0.05) * 10) / 10) : 0;
  out.push(...linePanelSvg(panel('Scores', 'score', scoreSeries, [yLo, 1]), 10, 40, pw, ph));
  out.push(...legendSvg(scoreSeries, pw + 14, 78));
  const sizeMax = Math.max(1, ...sizeSeries.flatMap((s) => s.y.filter(Number.isFinite)));
  const sizeTop = niceTicks(0, sizeMax).at(-1)!;
  out.push(...linePanelSvg(panel('Sizes', 'texts', sizeSeries, [0, sizeTop]), pw + lwA + 20, 40, pw, ph));
  out.push(...legendSvg(sizeSeries, pw + lwA + pw + 24, 78));
  out.push('</svg>');
  return out.join('\n');
}
