/**
 * `ulasan video analyze`: per-video sentiment of a review video from the reviewer's facial
 * expressions, with a per-second timeline; frames without a face are reported.
 */
import { type Command, optionalNumber, requireString, UsageError } from '../command.js';
import { createProgressBar } from '../progress-bar.js';

/** `ulasan video analyze`. */
export const videoAnalyzeCommand: Command = {
  name: 'video analyze',
  summary: 'Sentiment of a review video from facial expressions (timeline and summary)',
  help: `Usage: ulasan video analyze FILE --model DIR|face-api [--fps 2] [--json]

Samples frames with ffmpeg, finds the main face in each, predicts its expression and maps it to
positive / negative / neutral. Prints the summary and a per-second timeline (stdout), or with
--json one object on stdout: { file, durationSeconds, fps, summary, timeline, framesWithoutFace, frames }.

Options:
  --model DIR|face-api   a folder written by "ulasan vision train", or face-api (pretrained baseline)
  --fps N                frames sampled per second (default 2)
  --max-frames N         stop after N frames
  --surprise S           sentiment of surprise: neutral (default) | positive | negative
  --ffmpeg PATH          ffmpeg binary (default: ULASAN_FFMPEG, @ffmpeg-installer/ffmpeg, or ffmpeg on PATH)
  --figures DIR          also write the timeline chart, video-timeline.svg/.png, into DIR
  --backend B            compute backend`,
  options: {
    model: { type: 'string' },
    fps: { type: 'string' },
    'max-frames': { type: 'string' },
    surprise: { type: 'string' },
    ffmpeg: { type: 'string' },
    figures: { type: 'string' },
    backend: { type: 'string' },
  },
  numbers: { fps: { min: 0, minExclusive: true }, 'max-frames': { integer: true, min: 1 } },
  async run(ctx) {
    const file = ctx.positionals[0];
    if (!file) throw new UsageError('give the video FILE to analyze');
    if (ctx.positionals.length > 1) throw new UsageError('give exactly one video FILE');
    const spec = requireString(ctx, 'model');
    const surprise = (typeof ctx.values.surprise === 'string' ? ctx.values.surprise : 'neutral') as 'neutral';
    if (!['neutral', 'positive', 'negative'].includes(surprise)) {
      throw new UsageError(`--surprise expects neutral, positive or negative, got "${surprise}"`);
    }
    const { useBackend } = await import('../../backend/backends.js');
    if (typeof ctx.values.backend === 'string') await useBackend(ctx.values.backend);
    const { analyzeVideo, loadFacePredictor } = await import('../../vision/index.js');
    const model = await loadFacePredictor(spec);
    const bar = createProgressBar(ctx.interactive);
    try {
      const r = await analyzeVideo(file, {
        model,
        fps: optionalNumber(ctx, 'fps') ?? 2,
        maxFrames: optionalNumber(ctx, 'max-frames'),
        ffmpegPath: typeof ctx.values.ffmpeg === 'string' ? ctx.values.ffmpeg : undefined,
        sentiment: { surprise },
        signal: ctx.signal,
        onProgress: (e) => bar.update(e),
      });
      bar.done();
      if (typeof ctx.values.figures === 'string') {
        const { mkdir } = await import('node:fs/promises');
        const { videoTimelineSvg, writeFigures } = await import('../../metrics/index.js');
        await mkdir(ctx.values.figures, { recursive: true });
        const written = await writeFigures(
          ctx.values.figures,
          { 'video-timeline': videoTimelineSvg(r) },
          {
            onWarning: (w) => ctx.log(`warning: ${w.message}`),
          },
        );
        ctx.log(`Wrote ${written.join(', ')}`);
      }
      if (ctx.json) {
        ctx.out(`${JSON.stringify(r)}\n`);
        return 0;
      }
      const s = r.summary;
      ctx.print(
        `${file}: ${s.sentiment ?? 'no face found'}${s.sentiment ? ` (confidence ${s.confidence.toFixed(3)})` : ''}, ${s.framesWithFace}/${s.framesAnalyzed} frames with a face`,
      );
      ctx.print(
        `shares: positive ${s.shares.positive.toFixed(3)}  negative ${s.shares.negative.toFixed(3)}  neutral ${s.shares.neutral.toFixed(3)}`,
      );
      ctx.print('\nsecond  frames  faces  sentiment  p(pos)  p(neg)  p(neu)');
      for (const t of r.timeline) {
        const p = t.scores;
        ctx.print(
          `${String(t.second).padStart(6)}  ${String(t.frames).padStart(6)}  ${String(t.framesWithFace).padStart(5)}  ${(t.sentiment ?? '-').padEnd(9)}  ${p ? `${p.positive.toFixed(3)}   ${p.negative.toFixed(3)}   ${p.neutral.toFixed(3)}` : '-'}`,
        );
      }
      if (r.framesWithoutFace.length > 0) {
        ctx.print(
          `\nframes without a face at: ${r.framesWithoutFace.map((i) => `${(r.frames[i]?.time ?? 0).toFixed(1)}s`).join(', ')}`,
        );
      }
      return 0;
    } finally {
      bar.done();
      await model.dispose();
    }
  },
};
