/**
 * ROC and precision–recall figures as standalone SVG strings, one curve per class (one-vs-rest)
 * with its AUC or average precision in the legend, drawn like scikit-learn's `RocCurveDisplay`
 * and `PrecisionRecallDisplay` (the PR curve as a step function).
 */
import { invalidArgument } from '../internal/errors.js';
import type { ClassCurves } from './curves.js';
import { labelColor, legendSvg, legendWidth, linePanelSvg, svgOpen } from './figures-common.js';

/** Options of {@link rocCurvesSvg} and {@link precisionRecallCurvesSvg}. */
export interface CurvesSvgOptions {
  /** Title above the plot. */
  title?: string;
}

function checkCurves(curves: readonly ClassCurves[], fn: string): void {
  if (!Array.isArray(curves) || curves.length === 0) {
    throw invalidArgument(`${fn} needs at least one curve: pass oneVsRestCurves(yTrue, yProb).`);
  }
}

const score = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');

/**
 * ROC curves (true vs false positive rate) of every class against the rest, with the chance
 * diagonal and each class's AUC in the legend (plus the macro mean when there are several).
 *
 * @example
 * ```ts
 * const svg = rocCurvesSvg(oneVsRestCurves(yTrue, await model.predictProba(texts)), { title: 'logreg on SmSA valid' });
 * ```
 */
export function rocCurvesSvg(curves: readonly ClassCurves[], options: CurvesSvgOptions = {}): string {
  checkCurves(curves, 'rocCurvesSvg');
  const defined = curves.filter((c) => Number.isFinite(c.rocAuc));
  const entries = curves.map((c, i) => ({
    name: `${String(c.label)} (AUC ${score(c.rocAuc)})`,
    color: labelColor(String(c.label), i),
  }));
  if (curves.length > 1 && defined.length > 0) {
    const mean = defined.reduce((s, c) => s + c.rocAuc, 0) / defined.length;
    entries.push({ name: `macro mean AUC ${mean.toFixed(3)}`, color: 'none' });
  }
  entries.push({ name: 'chance (AUC 0.5)', color: '#999999' });
  const size = 420;
  const lw = legendWidth(entries);
  const width = size + lw + 24;
  const height = size + 44;
  const out = svgOpen(width, height, options.title ?? 'ROC curve', size / 2 + 10);
  out.push(
    ...linePanelSvg(
      {
        xLabel: 'False positive rate',
        yLabel: 'True positive rate',
        xDomain: [0, 1],
        yDomain: [0, 1],
        under: (sx, sy) => [
          `<line class="chance" x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" stroke="#999999" stroke-width="1.2" stroke-dasharray="5 4"/>`,
        ],
        series: curves.map((c, i) => ({
          name: String(c.label),
          x: c.roc.fpr,
          y: c.roc.tpr,
          color: labelColor(String(c.label), i),
        })),
      },
      10,
      40,
      size,
      size,
    ),
  );
  out.push(
    ...legendSvg(
      entries.map((e) => (e.name.startsWith('chance') ? { ...e, dash: '5 4' } : e)),
      size + 22,
      58,
    ),
  );
  out.push('</svg>');
  return out.join('\n');
}

/**
 * Precision–recall curves of every class against the rest (step functions, as scikit-learn draws
 * them), each class's average precision in the legend, and its prevalence as a dotted baseline
 * (the precision of a random ranking).
 *
 * @example
 * ```ts
 * const svg = precisionRecallCurvesSvg(oneVsRestCurves(yTrue, probs), { title: 'logreg on SmSA valid' });
 * ```
 */
export function precisionRecallCurvesSvg(curves: readonly ClassCurves[], options: CurvesSvgOptions = {}): string {
  checkCurves(curves, 'precisionRecallCurvesSvg');
  const total = curves.length > 1 ? curves.reduce((s, c) => s + c.support, 0) : Number.NaN;
  const entries = curves.map((c, i) => ({
    name: `${String(c.label)} (AP ${score(c.averagePrecision)})`,
    color: labelColor(String(c.label), i),
  }));
  if (curves.length > 1) {
    const mean = curves.reduce((s, c) => s + c.averagePrecision, 0) / curves.length;
    entries.push({ name: `macro mean AP ${score(mean)}`, color: 'none' });
  }
  const showBaseline = Number.isFinite(total) && total > 0;
  if (showBaseline) entries.push({ name: 'prevalence (random)', color: '#999999' });
  const size = 420;
  const lw = legendWidth(entries);
  const width = size + lw + 24;
  const height = size + 44;
  const out = svgOpen(width, height, options.title ?? 'Precision–recall curve', size / 2 + 10);
  out.push(
    ...linePanelSvg(
      {
        xLabel: 'Recall',
        yLabel: 'Precision',
        xDomain: [0, 1],
        yDomain: [0, 1.02],
        under: (sx, sy) =>
          showBaseline
            ? curves.map((c, i) => {
                const p = c.support / total;
                return `<line class="prevalence" x1="${sx(0)}" y1="${sy(p).toFixed(1)}" x2="${sx(1)}" y2="${sy(p).toFixed(1)}" stroke="${labelColor(String(c.label), i)}" stroke-opacity="0.55" stroke-width="1" stroke-dasharray="2 3"/>`;
              })
            : [],
        // In the curve's own order (recall decreasing), as matplotlib's drawstyle="steps-post".
        series: curves.map((c, i) => ({
          name: String(c.label),
          x: c.pr.recall,
          y: c.pr.precision,
          color: labelColor(String(c.label), i),
          step: true,
        })),
      },
      10,
      40,
      size,
      size,
    ),
  );
  out.push(
    ...legendSvg(
      entries.map((e) => (e.name.startsWith('prevalence') ? { ...e, dash: '2 3' } : e)),
      size + 22,
      58,
    ),
  );
  out.push('</svg>');
  return out.join('\n');
}
