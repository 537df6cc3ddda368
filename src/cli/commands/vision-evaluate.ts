/**
 * `ulasan vision evaluate`: scores a saved vision model (or the face-api baseline) on labelled
 * face images, with the same JSON keys as the text `evaluate`.
 */
import { type Command, requireString, UsageError } from '../command.js';
import { formatMatrix } from './evaluate.js';
import { faceDetectorOptions, faceModeOption } from './vision-train.js';

/** `ulasan vision evaluate`. */
export const visionEvaluateCommand: Command = {
  name: 'vision evaluate',
  summary: 'Evaluate a vision model (or the face-api baseline) on class folders of images',
  help: `Usage: ulasan vision evaluate --model DIR|face-api --data DIR [--split S] [--json]

Predicts every image of DIR and compares with its class folder. Several comma-separated models
(--model models/auto,models/none) are evaluated as one ensemble averaging their probabilities. DIR is a folder of class folders
(all images are used) or holds train/ valid/ test/ class folders (--split picks one; default valid).
Prints the classification report and confusion matrix (stdout), or with --json one object on
stdout (size counts the images scored; unreadable ones are listed in skipped): { model, data, size, accuracy, macroF1, weightedF1, labels, confusionMatrix, report, skipped }.

Options:
  --model DIR|face-api    a folder written by "ulasan vision train", or face-api for the pretrained baseline
  --data DIR              labelled images
  --split S               valid (default) | test | train, when DIR has split folders
  --face MODE             auto | required | none (default: the model's own setting)
  --detector D            tiny | haar | lbp (default: the model's own setting)
  --cascade FILE          haar/lbp: OpenCV cascade XML (default: Debian opencv-data's frontal-face one)
  --figures DIR           also write confusion-matrix.svg/.png (PNG when sharp is installed) into DIR
  --backend B             compute backend`,
  options: {
    model: { type: 'string' },
    data: { type: 'string' },
    split: { type: 'string' },
    face: { type: 'string' },
    detector: { type: 'string' },
    cascade: { type: 'string' },
    figures: { type: 'string' },
    backend: { type: 'string' },
  },
  async run(ctx) {
    const spec = requireString(ctx, 'model');
    const dataDir = requireString(ctx, 'data');
    const split = typeof ctx.values.split === 'string' ? ctx.values.split : 'valid';
    if (!['valid', 'test', 'train'].includes(split))
      throw new UsageError(`--split expects valid, test or train, got "${split}"`);
    const { useBackend } = await import('../../backend/backends.js');
    if (typeof ctx.values.backend === 'string') await useBackend(ctx.values.backend);
    const { loadImageFolder, loadFacePredictor } = await import('../../vision/index.js');
    const data = await loadImageFolder(dataDir, { validationSplit: 0 });
    const part =
      data.layout === 'split' ? data.train : split === 'train' ? data.train : split === 'test' ? data.test : data.valid;
    if (!part) throw new UsageError(`${dataDir} has no ${split}/ folder; pass --split train|valid|test`);
    const model = await loadFacePredictor(spec, { faceMode: faceModeOption(ctx), ...faceDetectorOptions(ctx) });
    // face-api maps its 7 expressions onto the dataset's classes in fit(); also inside an ensemble.
    const specs = spec.split(',').map((p) => p.trim());
    const members = 'members' in model ? model.members : [model];
    for (const [i, m] of members.entries()) {
      if ((members.length === 1 ? spec : specs[i]) === 'face-api') {
        await (m as unknown as { fit(p: string[], l: string[]): Promise<unknown> }).fit(part.paths, part.labels);
      }
    }
    const s = await model.evaluate(part.paths, part.labels);
    await model.dispose();
    const result = {
      model: spec,
      data: dataDir,
      split: data.layout === 'split' ? 'all' : split,
      // The images scored: unreadable ones are listed in skipped, not counted.
      size: part.paths.length - s.skipped.length,
      accuracy: s.accuracy,
      macroF1: s.macroF1,
      weightedF1: s.weightedF1,
      labels: s.labels,
      confusionMatrix: s.confusionMatrix.matrix,
      report: s.report,
      skipped: s.skipped,
    };
    if (typeof ctx.values.figures === 'string') {
      const { writeEvaluationFigures } = await import('../../metrics/index.js');
      const figures = await writeEvaluationFigures(ctx.values.figures, {
        cm: s.confusionMatrix,
        title: spec === 'face-api' ? 'face-api' : (spec.split(/[\\/]/).filter(Boolean).pop() ?? spec),
        onWarning: (w) => ctx.log(`warning: ${w.message}`),
      });
      Object.assign(result, { figures });
      if (!ctx.json) ctx.log(`Wrote ${figures.join(', ')}`);
    }
    if (ctx.json) ctx.out(`${JSON.stringify(result)}\n`);
    else {
      ctx.print(
        `${spec} on ${dataDir} (${result.split}, ${result.size} images scored, ${s.skipped.length} unreadable left out)\n`,
      );
      ctx.print(
        `accuracy ${s.accuracy.toFixed(4)}  macro-F1 ${s.macroF1.toFixed(4)}  weighted-F1 ${s.weightedF1.toFixed(4)}\n`,
      );
      ctx.print(`${'class'.padEnd(14)}precision  recall  f1-score  support`);
      for (const label of s.labels.map(String)) {
        const row = s.report[label] as
          | { precision: number; recall: number; 'f1-score': number; support: number }
          | undefined;
        if (row && typeof row === 'object') {
          ctx.print(
            `${label.padEnd(14)}${row.precision.toFixed(3).padStart(9)}  ${row.recall.toFixed(3).padStart(6)}  ${row['f1-score'].toFixed(3).padStart(8)}  ${String(row.support).padStart(7)}`,
          );
        }
      }
      ctx.print('\nConfusion matrix (rows: true label, columns: predicted):');
      ctx.print(formatMatrix(s.labels.map(String), s.confusionMatrix.matrix));
    }
    return 0;
  },
};
