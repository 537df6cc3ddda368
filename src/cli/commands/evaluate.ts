/**
 * `ulasan evaluate`: scores a saved model on a labelled file, prints the classification report and
 * confusion matrix, and writes the confusion-matrix heatmap (SVG, and PNG when sharp is installed)
 * beside the model.
 */
import { type Command, requireString } from '../command.js';
import { DATA_HELP, DATA_OPTIONS, readLabelledData } from './train.js';

/** `ulasan evaluate`. */
export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'Evaluate a saved text classifier on a labelled file (report, confusion matrix, heatmap)',
  help: `Usage: ulasan evaluate [--model DIR] --data FILE [--json] [options]

Predicts every text of FILE with the model saved in DIR and compares with the labels. Prints the
classification report and the confusion matrix (stdout), or with --json one object on stdout:
{ accuracy, macroF1, weightedF1, labels, confusionMatrix, perClass, report, figures }.
Writes confusion-matrix.svg/.png, roc-curve.svg/.png and precision-recall-curve.svg/.png (one
curve per class against the rest), and training-curves.svg/.png for deep models, into DIR, or
into --figures DIR. When a figure cannot be written (disk full, read-only directory) the report
and metrics are still printed (with --json, "figuresError" says why), then it exits with 1.
A classic model labels the texts on all cores (ULASAN_THREADS=N sets how many; same numbers).

Options:
  --model DIR         a directory written by "ulasan train" or model.save() (default: the shipped
                      Indonesian model, resources/models/sentiment-id; figures then only with --figures)
  --data FILE         labelled data
${DATA_HELP}
  --absent V          multi-label models: a label value meaning "no label" (e.g. neutral) in the report
  --figures DIR       where to write the figures (default: the model directory)
  --no-figures        do not write figures
  --backend B         compute backend for deep models`,
  options: {
    model: { type: 'string' },
    data: { type: 'string' },
    ...DATA_OPTIONS,
    figures: { type: 'string' },
    'no-figures': { type: 'boolean' },
    backend: { type: 'string' },
    absent: { type: 'string' },
  },
  async run(ctx) {
    // No --model: the Indonesian model shipped in the package (never written into: figures need --figures).
    const shipped = typeof ctx.values.model !== 'string';
    const dir = shipped
      ? (await import('../../text/models/pretrained.js')).pretrainedModelPath()
      : requireString(ctx, 'model');
    const dataPath = requireString(ctx, 'data');
    const { useBackend } = await import('../../backend/backends.js');
    if (typeof ctx.values.backend === 'string') await useBackend(ctx.values.backend);
    const { existsSync } = await import('node:fs');
    if (existsSync(`${dir}/multilabel.json`)) {
      // Written by "ulasan train --label-col C1,C2,...": per-label report, micro/macro/samples F1, Hamming loss.
      const { evaluateMultiLabel } = await import('./multilabel.js');
      return evaluateMultiLabel(ctx, { dir, dataPath });
    }
    const { loadTextClassifier } = await import('../../text/models/registry.js');
    const model = await loadTextClassifier(dir);
    const data = await readLabelledData(ctx, dataPath);
    const wantFigures = ctx.values['no-figures'] !== true && (!shipped || typeof ctx.values.figures === 'string');
    // The probabilities come back with the scores when figures are drawn (ROC and PR curves).
    // A classic model labels its batches on all cores (ULASAN_THREADS), as predict does; a deep
    // model's kernels already use them.
    const { parallelPredictProba } = await import('../../text/models/parallel-predict.js');
    const ev = await model.evaluate(data.texts, data.labels, {
      probabilities: wantFigures,
      predictProba: parallelPredictProba(model, dir),
    });
    let figures: string[] = [];
    // A figure that cannot be written (disk full, read-only --figures) must not lose the report
    // and the metrics: they are printed first, then the command fails with the figure's error.
    let figureError: unknown;
    if (wantFigures) {
      const { oneVsRestCurves, writeEvaluationFigures } = await import('../../metrics/index.js');
      const figDir = typeof ctx.values.figures === 'string' ? ctx.values.figures : dir;
      try {
        figures = await writeEvaluationFigures(figDir, {
          cm: { labels: ev.labels, matrix: ev.confusionMatrix },
          history: model.history && model.history.length > 0 ? model.history : undefined,
          curves: ev.probabilities ? oneVsRestCurves(data.labels, ev.probabilities, { labels: ev.labels }) : undefined,
          title: model.kind,
          onWarning: (w: { message: string }) => ctx.log(`warning: ${w.message}`),
        } as Parameters<typeof writeEvaluationFigures>[1]);
      } catch (error) {
        figureError = error;
      }
    }
    if (ctx.json) {
      ctx.out(
        `${JSON.stringify({
          model: dir,
          kind: model.kind,
          data: dataPath,
          size: data.texts.length,
          accuracy: ev.accuracy,
          macroF1: ev.macroF1,
          weightedF1: ev.weightedF1,
          labels: ev.labels,
          confusionMatrix: ev.confusionMatrix,
          perClass: ev.perClass,
          report: ev.report,
          figures,
          ...(figureError !== undefined ? { figuresError: (figureError as Error).message ?? String(figureError) } : {}),
        })}\n`,
      );
      // One JSON document on stdout: the metrics carry the figure error; stderr says it once.
      if (figureError !== undefined) {
        ctx.log(`ulasan: error: ${(figureError as Error).message ?? String(figureError)}`);
        return 1;
      }
    } else {
      ctx.print(`${model.kind} model ${dir} on ${dataPath} (${data.texts.length} texts)\n`);
      ctx.print(ev.report);
      ctx.print('\nConfusion matrix (rows: true label, columns: predicted):');
      ctx.print(formatMatrix(ev.labels.map(String), ev.confusionMatrix));
      if (figures.length) ctx.log(`Wrote ${figures.join(', ')}`);
    }
    if (figureError !== undefined) throw figureError;
    return 0;
  },
};

/** A plain-text confusion matrix with row and column labels. */
export function formatMatrix(labels: string[], matrix: number[][]): string {
  const width = Math.max(...labels.map((l) => l.length), ...matrix.flat().map((v) => String(v).length)) + 2;
  const pad = (s: string) => s.padStart(width);
  const lines = [pad('') + labels.map(pad).join('')];
  matrix.forEach((row, i) => {
    lines.push(pad(labels[i] ?? '') + row.map((v) => pad(String(v))).join(''));
  });
  return lines.join('\n');
}
