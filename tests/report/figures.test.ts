/**
 * The run figures of `ulasan/metrics` on real data: SmSA sample texts and labels, the recorded
 * video analysis and vision history (tests/fixtures/report). Layout properties (word-cloud boxes
 * never overlap and stay inside, same seed → same layout), what each figure marks, errors, and
 * that sharp (librsvg) parses every SVG into a PNG.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { textWidth } from '../../src/metrics/figures-common.js';
import {
  classDistributionSvg,
  classWordCloudsSvg,
  gridComparisonSvg,
  oneVsRestCurves,
  precisionRecallCurvesSvg,
  rocCurvesSvg,
  selfTrainingSvg,
  videoTimelineSvg,
  wordCloudLayout,
  wordCloudSvg,
  wordCounts,
  writeEvaluationFigures,
  writeFigures,
} from '../../src/metrics/index.js';
import { stopwords } from '../../src/text/preprocess/stopwords.js';

const fixtures = new URL('../fixtures/', import.meta.url);
const rows = readFileSync(new URL('data/smsa-sample.tsv', fixtures), 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split('\t'));
const texts = rows.map((r) => r[0]!);
const labels = rows.map((r) => r[1]!);
const video = JSON.parse(readFileSync(new URL('report/video-analysis.json', fixtures), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'ulasan-figures-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('word clouds', () => {
  const words = wordCounts(texts, { stopWords: stopwords('id') });

  it('counts words without stopwords or numbers, most frequent first', () => {
    expect(words[0]!.weight).toBeGreaterThanOrEqual(words[1]!.weight);
    expect(words.some((w) => w.text === 'yang')).toBe(false); // a stopword
    expect(words.some((w) => /^\d+$/.test(w.text))).toBe(false);
    expect(words.find((w) => w.text === 'enak')!.weight).toBeGreaterThan(5);
  });

  it('places words without overlap, inside the area, reproducibly from the seed', () => {
    const opts = { width: 500, height: 300, maxWords: 60, seed: 3 };
    const placed = wordCloudLayout(words, opts);
    expect(placed.length).toBeGreaterThan(40);
    expect(placed[0]!.text).toBe(words[0]!.text); // the heaviest word is placed first, biggest
    const boxes = placed.map((p) => {
      const w = textWidth(p.text, p.size) + 2;
      const h = p.size * 1.16 + 1;
      const [bw, bh] = p.rotate === 0 ? [w, h] : [h, w];
      return { x0: p.x - bw / 2, x1: p.x + bw / 2, y0: p.y - bh / 2, y1: p.y + bh / 2 };
    });
    for (const [i, a] of boxes.entries()) {
      expect(a.x0).toBeGreaterThanOrEqual(-1e-9);
      expect(a.y0).toBeGreaterThanOrEqual(-1e-9);
      expect(a.x1).toBeLessThanOrEqual(500 + 1e-9);
      expect(a.y1).toBeLessThanOrEqual(300 + 1e-9);
      for (const b of boxes.slice(i + 1)) {
        const overlap = a.x0 < b.x1 - 1e-9 && a.x1 > b.x0 + 1e-9 && a.y0 < b.y1 - 1e-9 && a.y1 > b.y0 + 1e-9;
        expect(overlap, `${placed[i]!.text} overlaps another word`).toBe(false);
      }
    }
    expect(wordCloudLayout(words, opts)).toEqual(placed);
    expect(wordCloudLayout(words, { ...opts, seed: 4 })).not.toEqual(placed);
    expect(wordCloudSvg(words, { seed: 3 })).toBe(wordCloudSvg(words, { seed: 3 }));
  });

  it('draws one cloud per class with its size', () => {
    const svg = classWordCloudsSvg(texts, labels, { stopWords: stopwords('id') });
    expect(svg.match(/class="word-cloud"/g)).toHaveLength(3);
    const n = labels.filter((l) => l === 'negative').length;
    expect(svg).toContain(`negative <tspan font-weight="normal" fill="#555" font-size="12">(${n} texts)`);
    expect(() => classWordCloudsSvg([], [])).toThrow(/same non-zero length/);
  });
});

describe('curve figures', () => {
  // Scores from a keyword count, so the curves come from real texts, without training a model.
  const pos = ['enak', 'bagus', 'mantap', 'suka', 'ramah', 'nyaman', 'puas', 'murah'];
  const neg = ['tidak', 'kecewa', 'buruk', 'jelek', 'mahal', 'lama', 'kotor', 'lambat'];
  const probs = texts.map((t) => {
    const w = t.toLowerCase().split(/\s+/);
    const p = w.filter((x) => pos.includes(x)).length;
    const n = w.filter((x) => neg.includes(x)).length;
    const e = [Math.exp(n), 1, Math.exp(p)];
    const s = e[0]! + e[1]! + e[2]!;
    return e.map((v) => v / s);
  });
  const curves = oneVsRestCurves(labels, probs);

  it('draw one curve per class with its AUC or AP in the legend', () => {
    const roc = rocCurvesSvg(curves, { title: 'keywords on SmSA' });
    expect(roc.match(/class="series"/g)).toHaveLength(3);
    for (const c of curves) expect(roc).toContain(`${c.label} (AUC ${c.rocAuc.toFixed(3)})`);
    expect(roc).toContain('class="chance"');
    const pr = precisionRecallCurvesSvg(curves);
    for (const c of curves) expect(pr).toContain(`${c.label} (AP ${c.averagePrecision.toFixed(3)})`);
    expect(pr.match(/class="prevalence"/g)).toHaveLength(3);
    expect(() => rocCurvesSvg([])).toThrow(/at least one curve/);
  });
});

describe('run charts', () => {
  it('class distribution: one bar per class and part, with counts', () => {
    const svg = classDistributionSvg(labels);
    expect(svg.match(/class="bar"/g)).toHaveLength(3);
    expect(svg).toContain(`>${labels.filter((l) => l === 'positive').length}</text>`);
    const parts = classDistributionSvg({ train: labels, valid: { negative: 3, positive: 5 } });
    expect(parts.match(/class="bar"/g)).toHaveLength(6);
    expect(() => classDistributionSvg([])).toThrow(/needs labels/);
  });

  it('grid comparison: one row per scenario, the best highlighted', () => {
    const results = [
      {
        name: 'NB-alpha=1',
        index: 0,
        valid: { accuracy: 0.6, macroF1: 0.58, weightedF1: 0.58 },
        fit: { trainAccuracy: 1 },
      },
      {
        name: 'LOGREG',
        index: 1,
        valid: { accuracy: 0.77, macroF1: 0.76, weightedF1: 0.76 },
        test: { accuracy: 0.72, macroF1: 0.72, weightedF1: 0.72 },
      },
    ];
    const svg = gridComparisonSvg(results);
    expect(svg.match(/class="scenario"/g)).toHaveLength(2);
    expect(svg).toMatch(/font-weight="bold">LOGREG</);
    expect(svg.indexOf('LOGREG')).toBeLessThan(svg.indexOf('NB-alpha=1')); // best first
    expect(gridComparisonSvg(results, { metric: 'accuracy' })).toContain('class="train"');
    expect(() => gridComparisonSvg([])).toThrow(/at least one scenario/);
  });

  it('video timeline: a point per second and score, the seconds without a face hatched', () => {
    const svg = videoTimelineSvg(video);
    expect(svg.match(/class="winner"/g)).toHaveLength(video.timeline.length);
    const noFace = video.timeline.filter((t: { framesWithFace: number }) => t.framesWithFace === 0).length;
    expect(noFace).toBeGreaterThan(0);
    expect(svg.match(/class="no-face"/g)).toHaveLength(noFace);
    expect(svg).toContain('Sentiment over time: slideshow.mp4');
    expect(() => videoTimelineSvg({ timeline: [] })).toThrow(/non-empty timeline/);
  });

  it('self-training: scores and sizes per iteration', () => {
    const log = [1, 2, 3].map((iteration) => ({
      iteration,
      threshold: 0.9,
      trainingSize: 240 + iteration * 50,
      selected: 50,
      poolAfter: 300 - iteration * 50,
      meanSelectedConfidence: 0.95,
      validation: { accuracy: 0.8, macroF1: 0.78 + iteration / 100 },
      labeling: { accuracy: 0.9, cumulativeAccuracy: 0.9 },
    }));
    const svg = selfTrainingSvg(log);
    expect(svg).toContain('data-series="validation macro-F1"');
    expect(svg).toContain('data-series="pool left"');
    expect(() => selfTrainingSvg([])).toThrow(/iteration log/);
  });

  it('writeFigures renders every figure to SVG and PNG', async () => {
    const written = await writeFigures(work, {
      dist: classDistributionSvg(labels),
      clouds: classWordCloudsSvg(texts, labels),
      video: videoTimelineSvg(video),
    });
    expect(written.map((p) => p.slice(work.length + 1)).sort()).toEqual(
      ['clouds.png', 'clouds.svg', 'dist.png', 'dist.svg', 'video.png', 'video.svg'].sort(),
    );
    const png = readFileSync(join(work, 'clouds.png'));
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
  });
});

describe('writeEvaluationFigures with curves', () => {
  it('adds the ROC and precision–recall figures', async () => {
    const dir = join(work, 'evaluation');
    const y = labels.slice(0, 60);
    const p = y.map((l, i) => {
      const hit = i % 3 === 0 ? 0.4 : 0.8; // a noisy but informative score
      const row = [0, 1, 2].map(() => (1 - hit) / 2);
      row[['negative', 'neutral', 'positive'].indexOf(l)] = hit;
      return row;
    });
    const written = await writeEvaluationFigures(dir, {
      cm: {
        labels: ['negative', 'neutral', 'positive'],
        matrix: [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
      },
      curves: oneVsRestCurves(y, p),
      title: 'sample',
    });
    for (const name of ['confusion-matrix', 'roc-curve', 'precision-recall-curve']) {
      expect(written).toContain(join(dir, `${name}.svg`));
      expect(written).toContain(join(dir, `${name}.png`));
    }
    expect(readFileSync(join(dir, 'roc-curve.svg'), 'utf8')).toContain('sample: ROC');
  });
});
