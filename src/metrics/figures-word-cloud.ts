/**
 * Word clouds as standalone SVG, laid out like d3-cloud (words in decreasing weight, each walked
 * out along an Archimedean spiral from the centre until it overlaps nothing already placed), with
 * rectangle collision on exact DejaVu Sans advance widths, horizontal and vertical words, and a
 * seed that makes the layout reproducible. No canvas, no browser.
 */
import { compareLabels } from '../core/labels.js';
import { invalidArgument } from '../internal/errors.js';
import { Random } from '../internal/random.js';
import { esc, labelColor, svgOpen, textWidth, truncate } from './figures-common.js';

/** A word and its weight (a count or any positive score). */
export interface WeightedWord {
  text: string;
  weight: number;
}

/** Options of {@link wordCloudSvg}. */
export interface WordCloudOptions {
  /** Title above the cloud (default none). */
  title?: string;
  /** Width of the cloud area in px (default 520). */
  width?: number;
  /** Height of the cloud area in px (default 320). */
  height?: number;
  /** Most words drawn (default 60, the heaviest first). */
  maxWords?: number;
  /** Font size of the lightest and heaviest word (default [11, 46]). */
  fontSize?: [number, number];
  /** Share of vertical words (default 0.2). */
  verticalShare?: number;
  /** Base colour; words get darker and lighter shades of it (default tab10 blue). */
  color?: string;
  /** Seed of the layout (default 42). */
  seed?: number;
}

/** A placed word (what {@link wordCloudLayout} returns). */
export interface PlacedWord {
  text: string;
  weight: number;
  /** Font size in px. */
  size: number;
  /** Centre of the word. */
  x: number;
  /** Centre of the word. */
  y: number;
  /** 0 (horizontal) or -90 (reads bottom to top). */
  rotate: 0 | -90;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Places words d3-cloud style: heaviest first, each starting near the centre and following an
 * Archimedean spiral until its box overlaps no placed word and fits the area. Words that fit
 * nowhere are left out. Same words + same seed → same layout.
 *
 * @example
 * ```ts
 * const placed = wordCloudLayout([{ text: 'enak', weight: 40 }, { text: 'mahal', weight: 12 }], { seed: 1 });
 * ```
 */
export function wordCloudLayout(words: readonly WeightedWord[], options: WordCloudOptions = {}): PlacedWord[] {
  if (!Array.isArray(words)) throw invalidArgument('wordCloudLayout needs an array of { text, weight }.');
  const width = options.width ?? 520;
  const height = options.height ?? 320;
  const [minSize, maxSize] = options.fontSize ?? [11, 46];
  const rng = new Random(options.seed ?? 42);
  const list = words
    .filter((w) => typeof w.text === 'string' && w.text.length > 0 && Number.isFinite(w.weight) && w.weight > 0)
    .sort((a, b) => b.weight - a.weight || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
    .slice(0, options.maxWords ?? 60);
  if (list.length === 0) return [];
  const hi = Math.sqrt(list[0]!.weight);
  const lo = Math.sqrt(list[list.length - 1]!.weight);
  const placed: PlacedWord[] = [];
  const boxes: Box[] = [];
  const vertical = options.verticalShare ?? 0.2;
  const ratio = width / height;
  for (const [i, w] of list.entries()) {
    const t = hi === lo ? 1 : (Math.sqrt(w.weight) - lo) / (hi - lo);
    let size = Math.round(minSize + t * (maxSize - minSize));
    const text = truncate(w.text, size, width * 0.9);
    const rotate: 0 | -90 = i > 0 && rng.next() < vertical ? -90 : 0;
    // Box of the glyphs: advance width × (ascent + descent) of DejaVu Sans, plus a small gap.
    const box = (s: number): [number, number] => {
      const w = textWidth(text, s) + 2;
      const h = s * 1.16 + 1;
      return rotate === -90 ? [h, w] : [w, h];
    };
    let [bw, bh] = box(size);
    while ((bw > width || bh > height) && size > 1) [bw, bh] = box(--size);
    const startX = width / 2 + (rng.next() - 0.5) * width * 0.1;
    const startY = height / 2 + (rng.next() - 0.5) * height * 0.1;
    const maxT = Math.hypot(width, height) * 1.2;
    let found: Box | undefined;
    for (let a = 0; a < maxT; a += 0.1) {
      const cx = startX + ratio * a * 0.5 * Math.cos(a);
      const cy = startY + a * 0.5 * Math.sin(a);
      const b = { x0: cx - bw / 2, y0: cy - bh / 2, x1: cx + bw / 2, y1: cy + bh / 2 };
      if (b.x0 < 0 || b.y0 < 0 || b.x1 > width || b.y1 > height) continue;
      if (boxes.some((o) => b.x0 < o.x1 && b.x1 > o.x0 && b.y0 < o.y1 && b.y1 > o.y0)) continue;
      found = b;
      break;
    }
    if (!found) continue;
    boxes.push(found);
    placed.push({
      text,
      weight: w.weight,
      size,
      x: (found.x0 + found.x1) / 2,
      y: (found.y0 + found.y1) / 2,
      rotate,
    });
  }
  return placed;
}

function shade(hex: string, f: number): string {
  const c = [1, 3, 5].map((k) => Number.parseInt(hex.slice(k, k + 2), 16));
  const m = c.map((v) => Math.round(f < 0 ? v * (1 + f) : v + (255 - v) * f));
  return `rgb(${m[0]},${m[1]},${m[2]})`;
}

/** @internal The `<g>` of a placed cloud, its top-left corner at (x0, y0). */
export function wordCloudGroup(placed: readonly PlacedWord[], x0: number, y0: number, color: string): string[] {
  const shades = [shade(color, -0.35), shade(color, 0), shade(color, -0.15), shade(color, 0.12)];
  const out = [`<g class="word-cloud" transform="translate(${x0} ${y0})">`];
  placed.forEach((p, i) => {
    // Centre the glyphs vertically: the baseline sits 0.35 em below the middle of the box.
    const fill = shades[i === 0 ? 0 : i % shades.length]!;
    const attrs = `font-size="${p.size}" text-anchor="middle" fill="${fill}"`;
    if (p.rotate === 0) {
      out.push(
        `<text class="word" x="${p.x.toFixed(1)}" y="${(p.y + p.size * 0.35).toFixed(1)}" ${attrs}>${esc(p.text)}</text>`,
      );
    } else {
      out.push(
        `<text class="word" transform="translate(${(p.x + p.size * 0.35).toFixed(1)} ${p.y.toFixed(1)}) rotate(-90)" x="0" y="0" ${attrs}>${esc(p.text)}</text>`,
      );
    }
  });
  out.push('</g>');
  return out;
}

/**
 * One word cloud as a standalone SVG (see {@link wordCloudLayout} for the placement).
 *
 * @example
 * ```ts
 * const svg = wordCloudSvg(wordCounts(texts, { stopWords: stopwords('id') }), { title: 'positive', seed: 7 });
 * ```
 */
export function wordCloudSvg(words: readonly WeightedWord[], options: WordCloudOptions = {}): string {
  const width = options.width ?? 520;
  const height = options.height ?? 320;
  const top = options.title ? 40 : 8;
  const out = svgOpen(width + 16, height + top + 8, options.title ?? '');
  if (!options.title) out.pop();
  out.push(...wordCloudGroup(wordCloudLayout(words, options), 8, top, options.color ?? '#1f77b4'), '</svg>');
  return out.join('\n');
}

/** Options of {@link wordCounts}. */
export interface WordCountOptions {
  /** Words to leave out (e.g. `stopwords('id')` from `ulasan/text`). */
  stopWords?: ReadonlySet<string> | readonly string[];
  /** Shortest word kept (default 2 characters). */
  minLength?: number;
  /** Lower-case before counting (default true). */
  lowercase?: boolean;
}

/**
 * Word counts of texts (split on anything that is not a letter, digit, `-` or `'`), most
 * frequent first, ready for {@link wordCloudSvg}. Pure numbers are left out.
 *
 * @example
 * ```ts
 * wordCounts(['makanan enak', 'enak dan murah'], { stopWords: ['dan'] }); // [{ text: 'enak', weight: 2 }, ...]
 * ```
 */
export function wordCounts(texts: readonly string[], options: WordCountOptions = {}): WeightedWord[] {
  const stop = new Set(options.stopWords ?? []);
  const minLength = options.minLength ?? 2;
  const counts = new Map<string, number>();
  for (const t of texts) {
    const s = options.lowercase === false ? String(t) : String(t).toLowerCase();
    for (const w of s.split(/[^\p{L}\p{N}'-]+/u)) {
      const word = w.replace(/^['-]+|['-]+$/g, '');
      if ([...word].length < minLength || stop.has(word) || /^\p{N}+$/u.test(word)) continue;
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .map(([text, weight]) => ({ text, weight }))
    .sort((a, b) => b.weight - a.weight || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

/** Options of {@link classWordCloudsSvg}. */
export interface ClassWordCloudsOptions extends WordCountOptions {
  /** Title above the clouds (default "Word clouds per class"). */
  title?: string;
  /** Clouds per row (default 3, or 2 for four classes). */
  columns?: number;
  /** Size of each cloud in px (default 440 × 270). */
  cloudWidth?: number;
  /** Size of each cloud in px (default 440 × 270). */
  cloudHeight?: number;
  /** Most words per cloud (default 70). */
  maxWords?: number;
  /** Seed of the layouts (default 42). */
  seed?: number;
}

/**
 * One word cloud per class, side by side in a grid, each in its class's colour with the class name
 * and its number of texts: seed 004's word cloud per rating, drawn without a browser.
 *
 * @example
 * ```ts
 * const svg = classWordCloudsSvg(data.texts, data.labels, { stopWords: stopwords('id') });
 * ```
 */
export function classWordCloudsSvg(
  texts: readonly string[],
  labels: readonly (string | number)[],
  options: ClassWordCloudsOptions = {},
): string {
  if (!Array.isArray(texts) || !Array.isArray(labels) || texts.length !== labels.length || texts.length === 0) {
    throw invalidArgument(
      `classWordCloudsSvg needs texts and labels of the same non-zero length (got ${texts?.length} texts and ${labels?.length} labels).`,
    );
  }
  const classes = [...new Set(labels)].sort(compareLabels);
  const cols = options.columns ?? (classes.length === 4 ? 2 : Math.min(3, classes.length));
  const cw = options.cloudWidth ?? 440;
  const ch = options.cloudHeight ?? 270;
  const gap = 16;
  const rows = Math.ceil(classes.length / cols);
  const width = cols * cw + (cols + 1) * gap;
  const height = 44 + rows * (ch + 34 + gap);
  const out = svgOpen(width, height, options.title ?? 'Word clouds per class');
  classes.forEach((c, i) => {
    const x = gap + (i % cols) * (cw + gap);
    const y = 44 + Math.floor(i / cols) * (ch + 34 + gap);
    const own = texts.filter((_, k) => labels[k] === c);
    const color = labelColor(String(c), i);
    const words = wordCounts(own, options);
    out.push(
      `<rect class="cloud-frame" x="${x}" y="${y}" width="${cw}" height="${ch + 30}" fill="#fcfcfc" stroke="#dddddd" rx="6"/>`,
      `<text class="cloud-title" x="${x + cw / 2}" y="${y + 21}" font-size="15" font-weight="bold" text-anchor="middle" fill="${color}">${esc(String(c))} <tspan font-weight="normal" fill="#555" font-size="12">(${own.length} texts)</tspan></text>`,
      ...wordCloudGroup(
        wordCloudLayout(words, {
          width: cw - 12,
          height: ch - 6,
          maxWords: options.maxWords ?? 70,
          seed: (options.seed ?? 42) + i,
          fontSize: [11, 40],
        }),
        x + 6,
        y + 32,
        color,
      ),
    );
  });
  out.push('</svg>');
  return out.join('\n');
}
