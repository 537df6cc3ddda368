/**
 * Viola–Jones face detection with OpenCV's own cascade files (`haarcascade_frontalface_default.xml`,
 * `lbpcascade_frontalface_improved.xml`, ...), read from a local path: Debian's `opencv-data` puts
 * them in `/usr/share/opencv4/haarcascades/` and `/usr/share/opencv4/lbpcascades/`. Nothing is
 * bundled or downloaded.
 *
 * It follows OpenCV's `CascadeClassifier::detectMultiScale` (OpenCV ≥ 3, the "new" cascade format):
 * grayscale (`0.299 R + 0.587 G + 0.114 B`), an image pyramid (scale factor 1.1 by default) with a
 * fixed-size window, integral images, HAAR features normalised by the window's standard deviation
 * (low-contrast windows are skipped), LBP features as 8-bit codes looked up in categorical splits,
 * boosted stages of stumps or small trees with early rejection, a step of 2 pixels (1 above scale
 * 2), and `groupRectangles` (eps 0.2, `minNeighbors`) to merge the raw hits. Tilted (45°) HAAR
 * features, used by some eye/body cascades but not by the frontal-face ones, are not supported.
 */
import { promises as fs } from 'node:fs';
import { invalidArgument, UlasanError } from '../internal/errors.js';
import type { FaceDetection } from './face-detector.js';
import type { Box, RgbImage } from './image.js';

/** Debian's `opencv-data` Haar frontal-face cascade (the default of `detector: 'haar'`). */
export const DEBIAN_HAAR_FRONTALFACE = '/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml';
/** Debian's `opencv-data` LBP frontal-face cascade (the default of `detector: 'lbp'`). */
export const DEBIAN_LBP_FRONTALFACE = '/usr/share/opencv4/lbpcascades/lbpcascade_frontalface_improved.xml';

/** Options of {@link CascadeFaceDetector}. */
export interface CascadeDetectorOptions {
  /** Path of an OpenCV cascade XML file (HAAR or LBP, OpenCV ≥ 3 format). Default {@link DEBIAN_HAAR_FRONTALFACE}. */
  cascade?: string;
  /** Pyramid step (`scaleFactor` in OpenCV), > 1. Default 1.1. */
  scaleFactor?: number;
  /** Hits a face needs after grouping (`minNeighbors` in OpenCV); 0 returns the raw windows. Default 3. */
  minNeighbors?: number;
  /** Smallest face side in pixels. Default: the cascade's window (24 for the default Haar cascade). */
  minSize?: number;
  /** Largest face side in pixels. Default: the image. */
  maxSize?: number;
  /**
   * Images whose longer side exceeds this are downscaled first (boxes are mapped back): detection
   * cost grows with the pixel count. Default 640; 0 keeps the full size.
   */
  maxSide?: number;
}

/** A cascade detection: the merged box, its neighbour count (OpenCV's `rejectLevels`-free weight) and a 0–1 score. */
export interface CascadeDetection extends FaceDetection {
  /** How many raw windows were merged into this box. */
  neighbors: number;
}

interface Node {
  left: number;
  right: number;
  feature: number;
  threshold: number;
  subset: Int32Array | null;
}
interface Weak {
  nodes: Node[];
  leaves: Float64Array;
}
interface Stage {
  threshold: number;
  weak: Weak[];
}
interface HaarRect {
  x: number;
  y: number;
  w: number;
  h: number;
  weight: number;
}
/** A cascade parsed from OpenCV XML. */
interface Cascade {
  type: 'HAAR' | 'LBP';
  width: number;
  height: number;
  stages: Stage[];
  haar: HaarRect[][];
  lbp: { x: number; y: number; w: number; h: number }[];
}

// ---------------------------------------------------------------- a minimal XML reader

interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

/** Parses the subset of XML OpenCV writes (elements, text, comments, attributes ignored). */
function parseXml(source: string, file: string): XmlElement {
  const root: XmlElement = { name: '#root', children: [], text: '' };
  const stack: XmlElement[] = [root];
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<\/([^\s>]+)\s*>|<([^\s/>!?]+)[^>]*?(\/?)>|([^<]+)/g;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const top = stack[stack.length - 1] as XmlElement;
    if (m[1] !== undefined) {
      if (top.name !== m[1]) {
        throw new UlasanError(
          'FILE_FORMAT',
          `${file}: XML closes <${m[1]}> inside <${top.name}>. Is it an OpenCV cascade file?`,
        );
      }
      stack.pop();
    } else if (m[2] !== undefined) {
      const el: XmlElement = { name: m[2], children: [], text: '' };
      top.children.push(el);
      if (m[3] !== '/') stack.push(el);
    } else if (m[4] !== undefined) {
      top.text += m[4];
    }
  }
  return root;
}

function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}
function numbers(el: XmlElement | undefined): number[] {
  const t = el?.text.trim() ?? '';
  return t === '' ? [] : t.split(/\s+/).map(Number);
}

function formatError(file: string, what: string): UlasanError {
  return new UlasanError(
    'FILE_FORMAT',
    `${file} is not a usable OpenCV cascade: ${what}. Expected an OpenCV ≥ 3 cascade XML (e.g. ${DEBIAN_HAAR_FRONTALFACE} from Debian's opencv-data).`,
  );
}

/** Parses an OpenCV (≥ 3 format) cascade XML. */
function parseCascade(xml: string, file: string): Cascade {
  const doc = parseXml(xml, file);
  const storage = child(doc, 'opencv_storage');
  const top = storage?.children[0];
  if (!top) throw formatError(file, 'no <opencv_storage> element');
  const stagesEl = child(top, 'stages');
  if (!stagesEl || !child(top, 'featureType')) {
    throw formatError(
      file,
      `<${top.name}> has no <stages>/<featureType> (old-format "opencv-haar-classifier" files must be converted with OpenCV's opencv_traincascade tools)`,
    );
  }
  const type = child(top, 'featureType')?.text.trim();
  if (type !== 'HAAR' && type !== 'LBP')
    throw formatError(file, `featureType ${type} (only HAAR and LBP are supported)`);
  if (child(top, 'stageType')?.text.trim() !== 'BOOST') throw formatError(file, 'stageType is not BOOST');
  const width = Number(child(top, 'width')?.text);
  const height = Number(child(top, 'height')?.text);
  if (!(width > 0 && height > 0)) throw formatError(file, 'no window <width>/<height>');
  const categorical = type === 'LBP';
  const stages: Stage[] = stagesEl.children.map((s) => {
    const weak = (child(s, 'weakClassifiers')?.children ?? []).map((w) => {
      const raw = numbers(child(w, 'internalNodes'));
      const per = categorical ? 3 + 8 : 4;
      const nodes: Node[] = [];
      for (let i = 0; i + per <= raw.length; i += per) {
        nodes.push({
          left: raw[i] as number,
          right: raw[i + 1] as number,
          feature: raw[i + 2] as number,
          threshold: categorical ? 0 : (raw[i + 3] as number),
          subset: categorical ? Int32Array.from(raw.slice(i + 3, i + 11)) : null,
        });
      }
      return { nodes, leaves: Float64Array.from(numbers(child(w, 'leafValues'))) };
    });
    return { threshold: Number(child(s, 'stageThreshold')?.text), weak };
  });
  if (stages.length === 0) throw formatError(file, 'no stages');
  const featuresEl = child(top, 'features')?.children ?? [];
  const haar: HaarRect[][] = [];
  const lbp: Cascade['lbp'] = [];
  for (const f of featuresEl) {
    if (type === 'HAAR') {
      if (child(f, 'tilted') && child(f, 'tilted')?.text.trim() !== '0') {
        throw new UlasanError(
          'INVALID_ARGUMENT',
          `${file} uses tilted (45°) Haar features, which ulasan's cascade detector does not support. Use a frontal-face cascade (haarcascade_frontalface_*.xml) or an LBP cascade.`,
        );
      }
      haar.push(
        (child(f, 'rects')?.children ?? []).map((r) => {
          const [x, y, w, h, weight] = numbers(r) as [number, number, number, number, number];
          return { x, y, w, h, weight };
        }),
      );
    } else {
      const [x, y, w, h] = numbers(child(f, 'rect')) as [number, number, number, number];
      lbp.push({ x, y, w, h });
    }
  }
  const maxFeature = Math.max(...stages.flatMap((s) => s.weak.flatMap((w) => w.nodes.map((n) => n.feature))));
  if (maxFeature >= (type === 'HAAR' ? haar.length : lbp.length))
    throw formatError(file, 'a node refers to a missing feature');
  return { type, width, height, stages, haar, lbp };
}

// ---------------------------------------------------------------- image helpers

/** RGB → 8-bit gray, OpenCV's weights (fixed-point rounding as in cvtColor). */
function toGray(image: RgbImage): Uint8Array {
  const n = image.width * image.height;
  const out = new Uint8Array(n);
  const d = image.data;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    out[i] = (4899 * (d[j] as number) + 9617 * (d[j + 1] as number) + 1868 * (d[j + 2] as number) + 8192) >> 14;
  }
  return out;
}

/** Source index and 8-bit fixed-point weight per destination coordinate (OpenCV's INTER_LINEAR_EXACT). */
function linearTaps(src: number, dst: number): { i0: Int32Array; i1: Int32Array; w1: Int32Array } {
  const i0 = new Int32Array(dst);
  const i1 = new Int32Array(dst);
  const w1 = new Int32Array(dst);
  const scale = src / dst;
  for (let d = 0; d < dst; d++) {
    const f = (d + 0.5) * scale - 0.5;
    let s0 = Math.floor(f);
    let frac = f - s0;
    if (s0 < 0) {
      s0 = 0;
      frac = 0;
    }
    if (s0 >= src - 1) {
      s0 = src - 1;
      frac = 0;
    }
    i0[d] = s0;
    i1[d] = Math.min(s0 + 1, src - 1);
    w1[d] = Math.round(frac * 256);
  }
  return { i0, i1, w1 };
}

/**
 * Bilinear resize of a gray image, bit-exact with OpenCV's `resize(..., INTER_LINEAR_EXACT)` (what
 * `detectMultiScale` uses for its pyramid): 8-bit fixed-point weights, horizontal then vertical
 * pass, rounding once at the end.
 */
function resizeGray(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  if (sw === dw && sh === dh) return src;
  const out = new Uint8Array(dw * dh);
  const tx = linearTaps(sw, dw);
  const ty = linearTaps(sh, dh);
  const row0 = new Int32Array(dw);
  const row1 = new Int32Array(dw);
  const hline = (y: number, row: Int32Array) => {
    const o = y * sw;
    for (let x = 0; x < dw; x++) {
      const w = tx.w1[x] as number;
      row[x] = (src[o + (tx.i0[x] as number)] as number) * (256 - w) + (src[o + (tx.i1[x] as number)] as number) * w;
    }
  };
  for (let y = 0; y < dh; y++) {
    hline(ty.i0[y] as number, row0);
    hline(ty.i1[y] as number, row1);
    const w = ty.w1[y] as number;
    for (let x = 0; x < dw; x++) {
      const v = ((row0[x] as number) * (256 - w) + (row1[x] as number) * w + 32768) >> 16;
      out[y * dw + x] = v; // ≤ 255: the weights sum to 256 × 256
    }
  }
  return out;
}

/** Integral image and squared integral, (w+1)×(h+1), row-major. */
function integrals(gray: Uint8Array, w: number, h: number): { sum: Float64Array; sq: Float64Array } {
  const W = w + 1;
  const sum = new Float64Array(W * (h + 1));
  const sq = new Float64Array(W * (h + 1));
  for (let y = 0; y < h; y++) {
    let rs = 0;
    let rq = 0;
    for (let x = 0; x < w; x++) {
      const v = gray[y * w + x] as number;
      rs += v;
      rq += v * v;
      const i = (y + 1) * W + x + 1;
      sum[i] = (sum[i - W] as number) + rs;
      sq[i] = (sq[i - W] as number) + rq;
    }
  }
  return { sum, sq };
}

// ---------------------------------------------------------------- grouping (cv::groupRectangles)

function similar(a: Box, b: Box, eps: number): boolean {
  const delta = (eps * (Math.min(a.width, b.width) + Math.min(a.height, b.height))) / 2;
  return (
    Math.abs(a.x - b.x) <= delta &&
    Math.abs(a.y - b.y) <= delta &&
    Math.abs(a.x + a.width - b.x - b.width) <= delta &&
    Math.abs(a.y + a.height - b.y - b.height) <= delta
  );
}

/**
 * OpenCV's `groupRectangles(rects, groupThreshold, eps)`: clusters similar rectangles, keeps
 * clusters with more than `groupThreshold` members as their average, then drops clusters lying
 * inside a stronger one. Returns the boxes with their member counts.
 *
 * @example
 * ```ts
 * groupRectangles([{ x: 10, y: 10, width: 50, height: 50 }, { x: 12, y: 11, width: 50, height: 50 }], 1);
 * // [{ box: { x: 11, y: 11, width: 50, height: 50 }, neighbors: 2 }]
 * ```
 */
export function groupRectangles(rects: Box[], groupThreshold: number, eps = 0.2): { box: Box; neighbors: number }[] {
  if (groupThreshold <= 0 || rects.length === 0) return rects.map((box) => ({ box: { ...box }, neighbors: 1 }));
  // Union-find partition by the similarity predicate (cv::partition).
  const parent = rects.map((_, i) => i);
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] as number;
    while (parent[i] !== r) {
      const next = parent[i] as number;
      parent[i] = r;
      i = next;
    }
    return r;
  };
  for (let i = 0; i < rects.length; i++) {
    for (let j = i + 1; j < rects.length; j++) {
      if (similar(rects[i] as Box, rects[j] as Box, eps)) {
        const a = find(i);
        const b = find(j);
        if (a !== b) parent[b] = a;
      }
    }
  }
  const groups = new Map<number, { x: number; y: number; w: number; h: number; n: number }>();
  rects.forEach((r, i) => {
    const k = find(i);
    const g = groups.get(k) ?? { x: 0, y: 0, w: 0, h: 0, n: 0 };
    g.x += r.x;
    g.y += r.y;
    g.w += r.width;
    g.h += r.height;
    g.n++;
    groups.set(k, g);
  });
  const avg = [...groups.values()]
    .filter((g) => g.n > groupThreshold)
    .map((g) => ({
      box: {
        x: Math.round(g.x / g.n),
        y: Math.round(g.y / g.n),
        width: Math.round(g.w / g.n),
        height: Math.round(g.h / g.n),
      },
      neighbors: g.n,
    }));
  return avg.filter((a, i) => {
    const r1 = a.box;
    return !avg.some((b, j) => {
      if (i === j) return false;
      const r2 = b.box;
      const dx = Math.round(r2.width * eps);
      const dy = Math.round(r2.height * eps);
      return (
        r1.x >= r2.x - dx &&
        r1.y >= r2.y - dy &&
        r1.x + r1.width <= r2.x + r2.width + dx &&
        r1.y + r1.height <= r2.y + r2.height + dy &&
        (b.neighbors > Math.max(3, a.neighbors) || a.neighbors < 3)
      );
    });
  });
}

// ---------------------------------------------------------------- the detector

const cascadeCache = new Map<string, Promise<Cascade>>();

/**
 * A Haar or LBP cascade face detector reading OpenCV's XML cascades, with the same `detect`
 * interface as `TinyFaceDetector`. The constructor only stores options; the cascade file
 * is read (once per path) on the first `detect`.
 *
 * @example
 * ```ts
 * const detector = new CascadeFaceDetector({ cascade: '/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml' });
 * const faces = await detector.detect(await readImage('photo.jpg'));
 * faces[0]?.box; // { x, y, width, height }
 * ```
 */
export class CascadeFaceDetector {
  /** The options given to the constructor, with defaults filled in. */
  readonly options: Readonly<Required<Omit<CascadeDetectorOptions, 'minSize' | 'maxSize'>>> &
    Pick<CascadeDetectorOptions, 'minSize' | 'maxSize'>;

  constructor(options: CascadeDetectorOptions = {}) {
    const scaleFactor = options.scaleFactor ?? 1.1;
    if (!(scaleFactor > 1)) throw invalidArgument(`CascadeFaceDetector: scaleFactor must be > 1, got ${scaleFactor}.`);
    const minNeighbors = options.minNeighbors ?? 3;
    if (!(Number.isInteger(minNeighbors) && minNeighbors >= 0)) {
      throw invalidArgument(`CascadeFaceDetector: minNeighbors must be an integer ≥ 0, got ${minNeighbors}.`);
    }
    const maxSide = options.maxSide ?? 640;
    if (!(Number.isInteger(maxSide) && maxSide >= 0)) {
      throw invalidArgument(`CascadeFaceDetector: maxSide must be an integer ≥ 0, got ${maxSide}.`);
    }
    this.options = {
      ...options,
      cascade: options.cascade ?? DEBIAN_HAAR_FRONTALFACE,
      scaleFactor,
      minNeighbors,
      maxSide,
    };
  }

  private load(): Promise<Cascade> {
    const path = this.options.cascade;
    let p = cascadeCache.get(path);
    if (!p) {
      p = (async () => {
        let xml: string;
        try {
          xml = await fs.readFile(path, 'utf8');
        } catch (error) {
          throw new UlasanError(
            'FILE_NOT_FOUND',
            `Cascade file ${path} could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Install Debian's opencv-data (apt-get install opencv-data) or pass the path of an OpenCV cascade XML.`,
            { cause: error },
          );
        }
        return parseCascade(xml, path);
      })();
      p.catch(() => cascadeCache.delete(path));
      cascadeCache.set(path, p);
    }
    return p;
  }

  /** The cascade's window size and feature type (reads the file). */
  async info(): Promise<{ type: 'HAAR' | 'LBP'; width: number; height: number; stages: number }> {
    const c = await this.load();
    return { type: c.type, width: c.width, height: c.height, stages: c.stages.length };
  }

  /** Finds faces in an RGB image; boxes are in source pixels, best (most neighbours) first. */
  async detect(image: RgbImage): Promise<CascadeDetection[]> {
    const cascade = await this.load();
    let gray = toGray(image);
    let w = image.width;
    let h = image.height;
    let down = 1;
    const maxSide = this.options.maxSide;
    if (maxSide > 0 && Math.max(w, h) > maxSide) {
      down = Math.max(w, h) / maxSide;
      const nw = Math.max(1, Math.round(w / down));
      const nh = Math.max(1, Math.round(h / down));
      gray = resizeGray(gray, w, h, nw, nh);
      w = nw;
      h = nh;
    }
    const raw = detectRaw(cascade, gray, w, h, {
      scaleFactor: this.options.scaleFactor,
      minSize: (this.options.minSize ?? 0) / down,
      maxSize: this.options.maxSize ? this.options.maxSize / down : Number.POSITIVE_INFINITY,
    });
    const grouped = groupRectangles(raw, this.options.minNeighbors, 0.2);
    const k = this.options.minNeighbors;
    return grouped
      .map(({ box, neighbors }) => ({
        box: {
          x: box.x * down,
          y: box.y * down,
          width: box.width * down,
          height: box.height * down,
        },
        neighbors,
        score: neighbors / (neighbors + k + 1),
      }))
      .sort((a, b) => b.neighbors - a.neighbors);
  }

  /** Nothing to free (kept for the detector interface). */
  async dispose(): Promise<void> {}
}

/** The cascade flattened into typed arrays, for the inner loop. */
interface Flat {
  stageEnd: Int32Array; // per stage: end index into weak*
  stageThreshold: Float64Array;
  weakNode: Int32Array; // per weak: first node index (global)
  weakLeaf: Int32Array; // per weak: first leaf index (global)
  nodeLeft: Int32Array;
  nodeRight: Int32Array;
  nodeFeature: Int32Array;
  nodeThreshold: Float64Array;
  nodeSubset: Int32Array; // 8 per node (LBP)
  leaves: Float64Array;
}

const flatCache = new WeakMap<Cascade, Flat>();

function flatten(c: Cascade): Flat {
  const cached = flatCache.get(c);
  if (cached) return cached;
  const weak = c.stages.flatMap((s) => s.weak);
  const nNodes = weak.reduce((n, w) => n + w.nodes.length, 0);
  const nLeaves = weak.reduce((n, w) => n + w.leaves.length, 0);
  const f: Flat = {
    stageEnd: new Int32Array(c.stages.length),
    stageThreshold: Float64Array.from(c.stages.map((s) => s.threshold)),
    weakNode: new Int32Array(weak.length),
    weakLeaf: new Int32Array(weak.length),
    nodeLeft: new Int32Array(nNodes),
    nodeRight: new Int32Array(nNodes),
    nodeFeature: new Int32Array(nNodes),
    nodeThreshold: new Float64Array(nNodes),
    nodeSubset: new Int32Array(nNodes * 8),
    leaves: new Float64Array(nLeaves),
  };
  let wi = 0;
  let ni = 0;
  let li = 0;
  c.stages.forEach((s, si) => {
    for (const w of s.weak) {
      f.weakNode[wi] = ni;
      f.weakLeaf[wi] = li;
      for (const n of w.nodes) {
        f.nodeLeft[ni] = n.left;
        f.nodeRight[ni] = n.right;
        f.nodeFeature[ni] = n.feature;
        f.nodeThreshold[ni] = n.threshold;
        if (n.subset) f.nodeSubset.set(n.subset, ni * 8);
        ni++;
      }
      f.leaves.set(w.leaves, li);
      li += w.leaves.length;
      wi++;
    }
    f.stageEnd[si] = wi;
  });
  flatCache.set(c, f);
  return f;
}

/** All raw windows the cascade accepts, over the pyramid, in image pixels. */
function detectRaw(
  c: Cascade,
  gray: Uint8Array,
  w: number,
  h: number,
  o: { scaleFactor: number; minSize: number; maxSize: number },
): Box[] {
  const out: Box[] = [];
  const ww = c.width;
  const wh = c.height;
  const f = flatten(c);
  const nStages = f.stageEnd.length;
  const {
    stageEnd,
    stageThreshold,
    weakNode,
    weakLeaf,
    nodeLeft,
    nodeRight,
    nodeFeature,
    nodeThreshold,
    nodeSubset,
    leaves,
  } = f;
  const haar = c.type === 'HAAR';
  const nFeat = haar ? c.haar.length : c.lbp.length;
  for (let f64 = 1; ; f64 *= o.scaleFactor) {
    const factor = Math.fround(f64); // OpenCV keeps the scales as floats
    const winW = Math.round(ww * factor);
    const winH = Math.round(wh * factor);
    const sw = Math.round(w / factor);
    const sh = Math.round(h / factor);
    if (sw < ww || sh < wh || winW > w || winH > h) break;
    if (winW > o.maxSize || winH > o.maxSize) break;
    if (winW < o.minSize || winH < o.minSize) continue;
    const scaled = resizeGray(gray, w, h, sw, sh);
    const { sum, sq } = integrals(scaled, sw, sh);
    const W = sw + 1;
    // Offsets of every feature's corner points relative to the window's top-left, at this width.
    const ofs = new Int32Array(nFeat * 16);
    const wts = new Float64Array(nFeat * 3);
    for (let k = 0; k < nFeat; k++) {
      if (haar) {
        (c.haar[k] as HaarRect[]).slice(0, 3).forEach((r, q) => {
          const b = k * 16 + q * 4;
          ofs[b] = r.y * W + r.x;
          ofs[b + 1] = r.y * W + r.x + r.w;
          ofs[b + 2] = (r.y + r.h) * W + r.x;
          ofs[b + 3] = (r.y + r.h) * W + r.x + r.w;
          wts[k * 3 + q] = r.weight;
        });
      } else {
        const r = c.lbp[k] as { x: number; y: number; w: number; h: number };
        for (let i = 0; i < 4; i++)
          for (let j = 0; j < 4; j++) ofs[k * 16 + i * 4 + j] = (r.y + i * r.h) * W + r.x + j * r.w;
      }
    }
    const n0 = W + 1; // the normalisation rect: window shrunk by one pixel
    const n1 = W + 1 + (ww - 2);
    const n2 = (1 + wh - 2) * W + 1;
    const n3 = (1 + wh - 2) * W + 1 + (ww - 2);
    const area = (ww - 2) * (wh - 2);
    const step = factor >= 2 ? 1 : 2;
    for (let y = 0; y + wh <= sh; y += step) {
      for (let x = 0; x + ww <= sw; x += step) {
        const p = y * W + x;
        let inv = 1;
        if (haar) {
          const vs =
            (sum[p + n0] as number) - (sum[p + n1] as number) - (sum[p + n2] as number) + (sum[p + n3] as number);
          const vq = (sq[p + n0] as number) - (sq[p + n1] as number) - (sq[p + n2] as number) + (sq[p + n3] as number);
          const nf = area * vq - vs * vs;
          if (!(nf > 0)) continue;
          inv = 1 / Math.sqrt(nf);
          if (area * inv >= 0.1) continue; // too flat to hold a face (OpenCV's setWindow)
        }
        let accepted = true;
        let wi = 0;
        for (let si = 0; si < nStages; si++) {
          const end = stageEnd[si] as number;
          let total = 0;
          for (; wi < end; wi++) {
            const nodeBase = weakNode[wi] as number;
            let idx = 0;
            do {
              const ni = nodeBase + idx;
              const k = nodeFeature[ni] as number;
              let goLeft: boolean;
              if (haar) {
                const o = k * 16;
                const wk = k * 3;
                let v =
                  (wts[wk] as number) *
                    ((sum[p + (ofs[o] as number)] as number) -
                      (sum[p + (ofs[o + 1] as number)] as number) -
                      (sum[p + (ofs[o + 2] as number)] as number) +
                      (sum[p + (ofs[o + 3] as number)] as number)) +
                  (wts[wk + 1] as number) *
                    ((sum[p + (ofs[o + 4] as number)] as number) -
                      (sum[p + (ofs[o + 5] as number)] as number) -
                      (sum[p + (ofs[o + 6] as number)] as number) +
                      (sum[p + (ofs[o + 7] as number)] as number));
                const w2 = wts[wk + 2] as number;
                if (w2 !== 0) {
                  v +=
                    w2 *
                    ((sum[p + (ofs[o + 8] as number)] as number) -
                      (sum[p + (ofs[o + 9] as number)] as number) -
                      (sum[p + (ofs[o + 10] as number)] as number) +
                      (sum[p + (ofs[o + 11] as number)] as number));
                }
                goLeft = v * inv < (nodeThreshold[ni] as number);
              } else {
                const o = p;
                const q = k * 16;
                // The 4×4 grid of corner sums, then the 3×3 block sums around the centre block.
                const s0 = sum[o + (ofs[q] as number)] as number;
                const s1 = sum[o + (ofs[q + 1] as number)] as number;
                const s2 = sum[o + (ofs[q + 2] as number)] as number;
                const s3 = sum[o + (ofs[q + 3] as number)] as number;
                const s4 = sum[o + (ofs[q + 4] as number)] as number;
                const s5 = sum[o + (ofs[q + 5] as number)] as number;
                const s6 = sum[o + (ofs[q + 6] as number)] as number;
                const s7 = sum[o + (ofs[q + 7] as number)] as number;
                const s8 = sum[o + (ofs[q + 8] as number)] as number;
                const s9 = sum[o + (ofs[q + 9] as number)] as number;
                const s10 = sum[o + (ofs[q + 10] as number)] as number;
                const s11 = sum[o + (ofs[q + 11] as number)] as number;
                const s12 = sum[o + (ofs[q + 12] as number)] as number;
                const s13 = sum[o + (ofs[q + 13] as number)] as number;
                const s14 = sum[o + (ofs[q + 14] as number)] as number;
                const s15 = sum[o + (ofs[q + 15] as number)] as number;
                const cv = s5 - s6 - s9 + s10;
                const code =
                  (s0 - s1 - s4 + s5 >= cv ? 128 : 0) |
                  (s1 - s2 - s5 + s6 >= cv ? 64 : 0) |
                  (s2 - s3 - s6 + s7 >= cv ? 32 : 0) |
                  (s6 - s7 - s10 + s11 >= cv ? 16 : 0) |
                  (s10 - s11 - s14 + s15 >= cv ? 8 : 0) |
                  (s9 - s10 - s13 + s14 >= cv ? 4 : 0) |
                  (s8 - s9 - s12 + s13 >= cv ? 2 : 0) |
                  (s4 - s5 - s8 + s9 >= cv ? 1 : 0);
                goLeft = ((nodeSubset[ni * 8 + (code >> 5)] as number) & (1 << (code & 31))) !== 0;
              }
              idx = goLeft ? (nodeLeft[ni] as number) : (nodeRight[ni] as number);
            } while (idx > 0);
            total += leaves[(weakLeaf[wi] as number) - idx] as number;
          }
          if (total < (stageThreshold[si] as number)) {
            accepted = false;
            // Rejected by the first stage: OpenCV skips the next position too.
            if (si === 0) x += step;
            break;
          }
        }
        if (accepted) out.push({ x: Math.round(x * factor), y: Math.round(y * factor), width: winW, height: winH });
      }
    }
  }
  return out;
}
