/**
 * @internal Shared drawing helpers of the figure modules: escaping, text width estimates, tick
 * choice, colours, a line-chart panel with axes and an outside legend, and writing SVG (+ PNG with
 * sharp, imported lazily) figures to a folder.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../internal/atomic-fs.js';
import { MissingDependencyError } from '../internal/errors.js';
import { emitMetricWarning, type WarningOptions } from './warnings.js';

/** @internal The font stack of every figure. */
export const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** @internal Matplotlib's "tab10" colour cycle. */
export const TAB10 = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** @internal Colours of the three sentiment classes wherever they appear. */
export const SENTIMENT_COLORS: Record<string, string> = {
  positive: '#2ca02c',
  negative: '#d62728',
  neutral: '#7f7f7f',
};

/** @internal A colour per label: sentiment names get their own colours, others the tab10 cycle. */
export function labelColor(label: string, index: number): string {
  return SENTIMENT_COLORS[label.toLowerCase()] ?? TAB10[index % TAB10.length]!;
}

/** @internal XML-escapes text and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// DejaVu Sans advance widths (em) of the printable ASCII characters 32..126, from the font's hmtx table.
// biome-ignore format: a table
const ADVANCE = [0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361, 0.318, 0.337, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838, 0.531, 1.0, 0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.39, 0.337, 0.39, 0.838, 0.5, 0.5, 0.613, 0.635, 0.55, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612, 0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636, 0.838];

/** @internal Rendered width of `s` at `size` px in DejaVu Sans (ASCII exact; other characters 0.65 em). */
export function textWidth(s: string, size: number): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w += c >= 32 && c <= 126 ? ADVANCE[c - 32]! : 0.65;
  }
  return w * size;
}

/** @internal Cuts `s` to at most `max` px wide at `size`, with an ellipsis. */
export function truncate(s: string, size: number, max: number): string {
  if (textWidth(s, size) <= max) return s;
  let out = '';
  for (const ch of s) {
    if (textWidth(`${out}${ch}…`, size) > max) break;
    out += ch;
  }
  return `${out}…`;
}

/** @internal Round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

/** @internal Formats a tick value compactly. */
export function tickLabel(v: number): string {
  return String(Number(v.toPrecision(4)));
}

/** @internal Opening tags of a standalone SVG with a white background and a bold title. */
export function svgOpen(width: number, height: number, title: string, titleX = width / 2): string[] {
  // Keep the title inside the figure: shift it from its preferred centre, or cut it.
  const shown = truncate(title, 18.7, width - 16); // bold DejaVu Sans is ~10% wider
  const half = textWidth(shown, 18.7) / 2 + 8;
  titleX = Math.min(Math.max(titleX, half), width - half);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" font-family="${FONT}">`,
    '<rect width="100%" height="100%" fill="#ffffff"/>',
    `<text class="title" x="${titleX.toFixed(1)}" y="26" font-size="17" font-weight="bold" text-anchor="middle" fill="#222">${esc(shown)}</text>`,
  ];
}

/** @internal One series of a line panel. */
export interface LineSeries {
  name: string;
  x: readonly number[];
  y: readonly number[];
  color: string;
  dash?: string;
  /** Draw as a step function (matplotlib's `drawstyle="steps-post"`). */
  step?: boolean;
  /** Mark each point with a dot. */
  markers?: boolean;
  width?: number;
}

/** @internal A line-chart panel: axes, ticks, grid, series; the legend is drawn by the caller. */
export interface LinePanel {
  title?: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  /** Fixed x domain (default: the data's range, rounded to ticks). */
  xDomain?: [number, number];
  /** Fixed y domain (default: the data's range, rounded to ticks). */
  yDomain?: [number, number];
  /** Integer x ticks only (iterations, seconds). */
  integerX?: boolean;
  /** Extra SVG drawn under the series, given the scales. */
  under?: (sx: (v: number) => number, sy: (v: number) => number) => string[];
}

/** @internal Draws a {@link LinePanel} into the box (x0, y0, w, h). */
export function linePanelSvg(p: LinePanel, x0: number, y0: number, w: number, h: number): string[] {
  const padL = 58;
  const padB = 46;
  const padT = p.title ? 30 : 10;
  const padR = 12;
  const pw = w - padL - padR;
  const ph = h - padT - padB;
  const xs = p.series.flatMap((s) => s.x.filter(Number.isFinite));
  const ys = p.series.flatMap((s) => s.y.filter(Number.isFinite));
  const xTicks = p.xDomain
    ? niceTicks(p.xDomain[0], p.xDomain[1]).filter((t) => t >= p.xDomain![0] - 1e-9 && t <= p.xDomain![1] + 1e-9)
    : niceTicks(Math.min(...xs), Math.max(...xs));
  const yTicks = p.yDomain
    ? niceTicks(p.yDomain[0], p.yDomain[1]).filter((t) => t >= p.yDomain![0] - 1e-9 && t <= p.yDomain![1] + 1e-9)
    : niceTicks(Math.min(...ys), Math.max(...ys));
  const [xlo, xhi] = p.xDomain ?? [xTicks[0]!, xTicks[xTicks.length - 1]!];
  const [ylo, yhi] = p.yDomain ?? [yTicks[0]!, yTicks[yTicks.length - 1]!];
  const sx = (v: number) => x0 + padL + (xhi === xlo ? pw / 2 : ((v - xlo) / (xhi - xlo)) * pw);
  const sy = (v: number) => y0 + padT + ph - (yhi === ylo ? ph / 2 : ((v - ylo) / (yhi - ylo)) * ph);
  const out: string[] = ['<g class="panel">'];
  if (p.title) {
    out.push(
      `<text x="${(x0 + padL + pw / 2).toFixed(1)}" y="${y0 + 18}" font-size="15" font-weight="bold" text-anchor="middle" fill="#222">${esc(p.title)}</text>`,
    );
  }
  out.push(`<rect x="${x0 + padL}" y="${y0 + padT}" width="${pw}" height="${ph}" fill="#fbfbfb"/>`);
  for (const t of yTicks) {
    const y = sy(t).toFixed(1);
    out.push(
      `<line x1="${x0 + padL}" y1="${y}" x2="${x0 + padL + pw}" y2="${y}" stroke="#e3e3e3"/>`,
      `<text class="y-tick" x="${x0 + padL - 6}" y="${(sy(t) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#333">${tickLabel(t)}</text>`,
    );
  }
  const xt = p.integerX ? integerTicks(xlo, xhi) : xTicks;
  for (const t of xt) {
    const x = sx(t).toFixed(1);
    out.push(
      `<line x1="${x}" y1="${y0 + padT}" x2="${x}" y2="${y0 + padT + ph}" stroke="#eeeeee"/>`,
      `<text class="x-tick" x="${x}" y="${y0 + padT + ph + 16}" font-size="11" text-anchor="middle" fill="#333">${tickLabel(t)}</text>`,
    );
  }
  out.push(
    `<text class="axis-title" x="${(x0 + padL + pw / 2).toFixed(1)}" y="${y0 + h - 10}" font-size="13" text-anchor="middle" fill="#222">${esc(p.xLabel)}</text>`,
    `<text class="axis-title" x="${x0 + 14}" y="${(y0 + padT + ph / 2).toFixed(1)}" font-size="13" text-anchor="middle" fill="#222" transform="rotate(-90 ${x0 + 14} ${(y0 + padT + ph / 2).toFixed(1)})">${esc(p.yLabel)}</text>`,
  );
  if (p.under) out.push(...p.under(sx, sy));
  for (const s of p.series) {
    const segments: string[][] = [[]];
    let prev: [number, number] | undefined;
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i]!;
      const y = s.y[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        segments.push([]);
        prev = undefined;
        continue;
      }
      const seg = segments[segments.length - 1]!;
      if (s.step && prev) seg.push(`${sx(x).toFixed(2)},${sy(prev[1]).toFixed(2)}`);
      seg.push(`${sx(x).toFixed(2)},${sy(y).toFixed(2)}`);
      prev = [x, y];
    }
    for (const seg of segments) {
      if (seg.length > 1) {
        out.push(
          `<polyline class="series" data-series="${esc(s.name)}" points="${seg.join(' ')}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 2.2}" stroke-linejoin="round"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
        );
      }
    }
    if (s.markers) {
      for (let i = 0; i < s.x.length; i++) {
        if (Number.isFinite(s.x[i]!) && Number.isFinite(s.y[i]!)) {
          out.push(`<circle cx="${sx(s.x[i]!).toFixed(2)}" cy="${sy(s.y[i]!).toFixed(2)}" r="3" fill="${s.color}"/>`);
        }
      }
    }
  }
  out.push(
    `<rect x="${x0 + padL}" y="${y0 + padT}" width="${pw}" height="${ph}" fill="none" stroke="#666" stroke-width="1"/>`,
    '</g>',
  );
  return out;
}

function integerTicks(lo: number, hi: number): number[] {
  const span = Math.max(1, hi - lo);
  const step = Math.max(1, Math.ceil(span / 10));
  const out: number[] = [];
  for (let v = Math.ceil(lo); v <= hi; v += step) out.push(v);
  return out;
}

/** @internal One legend entry. */
export interface LegendEntry {
  name: string;
  color: string;
  dash?: string;
  /** A filled square instead of a line. */
  box?: boolean;
}

/** @internal Width a vertical legend needs. */
export function legendWidth(entries: readonly LegendEntry[], size = 12): number {
  return Math.max(0, ...entries.map((e) => textWidth(e.name, size))) + 44;
}

/** @internal A vertical legend with its top-left corner at (x, y). */
export function legendSvg(entries: readonly LegendEntry[], x: number, y: number, size = 12): string[] {
  const out: string[] = [];
  entries.forEach((e, i) => {
    const cy = y + i * (size + 9) + size / 2;
    out.push(
      e.box
        ? `<rect x="${x}" y="${(cy - 6).toFixed(1)}" width="14" height="12" fill="${e.color}"/>`
        : `<line x1="${x}" y1="${cy.toFixed(1)}" x2="${x + 26}" y2="${cy.toFixed(1)}" stroke="${e.color}" stroke-width="2.5"${e.dash ? ` stroke-dasharray="${e.dash}"` : ''}/>`,
      `<text class="legend-entry" x="${x + (e.box ? 20 : 32)}" y="${(cy + size * 0.36).toFixed(1)}" font-size="${size}" fill="#222">${esc(e.name)}</text>`,
    );
  });
  return out;
}

type SharpFactory = (input: Buffer, options?: { density?: number }) => { png(): { toBuffer(): Promise<Buffer> } };

async function tryLoadSharp(): Promise<SharpFactory> {
  try {
    const mod = (await import('sharp')) as unknown as { default?: SharpFactory };
    return (mod.default ?? mod) as SharpFactory;
  } catch (error) {
    throw new MissingDependencyError('sharp', 'Rendering figures to PNG', error);
  }
}

/** Options of {@link writeFigures}. */
export interface WriteFiguresOptions extends WarningOptions {
  /** Also render PNGs with sharp (default true; skipped with a warning when sharp is missing). */
  png?: boolean;
  /** PNG density in DPI (default 144: twice the SVG's pixel size). */
  density?: number;
}

/**
 * Writes each SVG as `dir/NAME.svg` and, when sharp is installed, `dir/NAME.png`, atomically.
 * Without sharp the PNGs are skipped with a UserWarning. Resolves to the paths written.
 *
 * @example
 * ```ts
 * await writeFigures('runs/gru', { 'roc-curve': rocCurvesSvg(curves), 'class-distribution': classDistributionSvg(labels) });
 * ```
 */
export async function writeFigures(
  dir: string,
  figures: Readonly<Record<string, string>>,
  options: WriteFiguresOptions = {},
): Promise<string[]> {
  let sharp: SharpFactory | undefined;
  if (options.png ?? true) {
    try {
      sharp = await tryLoadSharp();
    } catch (error) {
      emitMetricWarning(options, 'UserWarning', `${(error as Error).message} Wrote the SVG figures only.`);
    }
  }
  const written: string[] = [];
  for (const [name, svg] of Object.entries(figures)) {
    const svgPath = join(dir, `${name}.svg`);
    await writeFileAtomic(svgPath, svg);
    written.push(svgPath);
    if (sharp) {
      const pngPath = join(dir, `${name}.png`);
      await writeFileAtomic(
        pngPath,
        await sharp(Buffer.from(svg), { density: options.density ?? 144 })
          .png()
          .toBuffer(),
      );
      written.push(pngPath);
    }
  }
  return written;
}
