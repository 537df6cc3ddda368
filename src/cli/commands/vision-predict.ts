/**
 * `ulasan vision predict`: expression and sentiment of face images, one line per image; a bad
 * image gets an error line and never stops the others.
 */
import { type Command, UsageError } from '../command.js';
import { faceDetectorOptions, faceModeOption } from './vision-train.js';

/** `ulasan vision predict`. */
export const visionPredictCommand: Command = {
  name: 'vision predict',
  summary: 'Predict the facial expression and sentiment of images',
  help: `Usage: ulasan vision predict IMAGE... [--model DIR|face-api] [--json]

For each image: finds the main face, predicts the expression, and maps it to a sentiment. Prints
one line per image (stdout), or with --json one JSON object per line on stdout:
{ source, label, probabilities, sentiment, face, error }. Unreadable images get an error entry;
the exit code is 1 when any image failed.

Options:
  --model DIR|face-api   a folder written by "ulasan vision train" (default: face-api, the pretrained baseline)
  --face MODE            auto | required | none
  --detector D           tiny | haar | lbp (default: the model's own setting)
  --cascade FILE         haar/lbp: OpenCV cascade XML (default: Debian opencv-data's frontal-face one)
  --surprise S           sentiment of surprise: neutral (default) | positive | negative
  --backend B            compute backend`,
  options: {
    model: { type: 'string' },
    face: { type: 'string' },
    detector: { type: 'string' },
    cascade: { type: 'string' },
    surprise: { type: 'string' },
    backend: { type: 'string' },
  },
  async run(ctx) {
    if (ctx.positionals.length === 0) throw new UsageError('give at least one IMAGE path');
    const surprise = (typeof ctx.values.surprise === 'string' ? ctx.values.surprise : 'neutral') as 'neutral';
    if (!['neutral', 'positive', 'negative'].includes(surprise)) {
      throw new UsageError(`--surprise expects neutral, positive or negative, got "${surprise}"`);
    }
    const { useBackend } = await import('../../backend/backends.js');
    if (typeof ctx.values.backend === 'string') await useBackend(ctx.values.backend);
    const { loadFacePredictor, expressionSentimentMapping, expressionsToSentiment, topSentiment } = await import(
      '../../vision/index.js'
    );
    const spec = typeof ctx.values.model === 'string' ? ctx.values.model : 'face-api';
    const model = await loadFacePredictor(spec, { faceMode: faceModeOption(ctx), ...faceDetectorOptions(ctx) });
    const mapping = expressionSentimentMapping({ surprise });
    const preds = await model.predictImages(ctx.positionals, { signal: ctx.signal });
    await model.dispose();
    let failed = 0;
    for (const p of preds) {
      const sentiment = p.probabilities ? topSentiment(expressionsToSentiment(p.probabilities, mapping)) : null;
      if (!p.probabilities) failed++;
      if (ctx.json) ctx.out(`${JSON.stringify({ ...p, sentiment })}\n`);
      else if (p.probabilities) {
        const conf = (p.probabilities[p.label as string] ?? 0).toFixed(3);
        ctx.print(`${p.source}\t${p.label} (${conf})\t${sentiment}\t${p.face ? 'face' : 'whole image'}`);
      } else ctx.print(`${p.source}\terror: ${p.error?.message ?? 'no face found'}`);
    }
    return failed > 0 ? 1 : 0;
  },
};
