/**
 * Review-video analysis (seed 000 end to end): frames sampled at a chosen rate with ffmpeg → main
 * face per frame → expression probabilities → sentiment per frame, a per-second timeline and a
 * per-video summary. Frames without a detectable face are reported, not dropped silently.
 *
 * ffmpeg comes from, in order: the `ffmpegPath` option, the `ULASAN_FFMPEG` environment variable,
 * the optional `@ffmpeg-installer/ffmpeg` package (which ships a static binary), or `ffmpeg` on PATH.
 */
import { spawn } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invalidArgument, MissingDependencyError, throwIfAborted, UlasanError } from '../internal/errors.js';
import type { ProgressCallback } from '../internal/progress.js';
import type { Box } from './image.js';
import {
  expressionSentimentMapping,
  expressionsToSentiment,
  SENTIMENTS,
  type Sentiment,
  type SentimentMappingOptions,
  topSentiment,
} from './sentiment.js';
import type { FaceExpressionPredictor } from './types.js';

async function isExecutable(path: string): Promise<boolean> {
  try {
    await fs.access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(
  cmd: string,
  args: string[],
  signal?: AbortSignal,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      if (stdout.length < 1e6) stdout += String(d);
    });
    child.stderr.on('data', (d) => {
      if (stderr.length < 1e6) stderr += String(d);
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/**
 * Finds an ffmpeg binary (see the module description for the search order).
 *
 * @throws UlasanError `FILE_NOT_FOUND` when a given path is not an executable;
 * MissingDependencyError when no ffmpeg can be found at all.
 */
export async function resolveFfmpeg(ffmpegPath?: string): Promise<string> {
  const explicit = ffmpegPath ?? process.env.ULASAN_FFMPEG;
  if (explicit) {
    if (await isExecutable(explicit)) return explicit;
    throw new UlasanError(
      'FILE_NOT_FOUND',
      `ffmpeg was not found at ${explicit}${ffmpegPath ? '' : ' (from ULASAN_FFMPEG)'}. Pass the path of an ffmpeg executable, or install @ffmpeg-installer/ffmpeg.`,
    );
  }
  let cause: unknown;
  try {
    const mod = (await import('@ffmpeg-installer/ffmpeg' as string)) as { path?: string; default?: { path?: string } };
    const p = mod.path ?? mod.default?.path;
    if (p && (await isExecutable(p))) return p;
  } catch (error) {
    cause = error;
  }
  try {
    const r = await run('ffmpeg', ['-hide_banner', '-version']);
    if (r.code === 0) return 'ffmpeg';
  } catch (error) {
    cause ??= error;
  }
  throw new MissingDependencyError(
    '@ffmpeg-installer/ffmpeg',
    'Video analysis (frame extraction; alternatively put ffmpeg on PATH or pass its path)',
    cause,
  );
}

/** What {@link probeVideo} finds out about a file. */
export interface VideoInfo {
  /** Duration in seconds, when ffmpeg reports it. */
  durationSeconds: number | null;
  /** Frame width and height of the first video stream. */
  width: number;
  /** See width. */
  height: number;
}

/**
 * Reads a video's duration and frame size with ffmpeg.
 *
 * @throws UlasanError `FILE_NOT_FOUND` (missing file), `FILE_FORMAT` (not a media file),
 * `INVALID_DATA` (no video stream, e.g. an audio file).
 */
export async function probeVideo(
  file: string,
  options: { ffmpegPath?: string; signal?: AbortSignal } = {},
): Promise<VideoInfo> {
  try {
    await fs.access(file);
  } catch (error) {
    throw new UlasanError('FILE_NOT_FOUND', `Video file ${file} does not exist.`, { cause: error });
  }
  const ffmpeg = await resolveFfmpeg(options.ffmpegPath);
  const { stderr } = await run(ffmpeg, ['-hide_banner', '-i', file], options.signal);
  if (
    /Invalid data found|could not find codec parameters|moov atom not found|End of file/i.test(stderr) &&
    !/Stream #/.test(stderr)
  ) {
    throw new UlasanError(
      'FILE_FORMAT',
      `ffmpeg could not read ${file} as a video (${lastLine(stderr)}). The file may be corrupt, truncated or not a media file.`,
    );
  }
  const videoLine = stderr.split('\n').find((l) => /Stream #.*Video:/.test(l) && !/attached pic/.test(l));
  if (!videoLine) {
    throw new UlasanError(
      'INVALID_DATA',
      `${file} has no video stream${/Stream #.*Audio:/.test(stderr) ? ' (it holds audio only)' : ''}. Pass a video file (mp4, mkv, webm, mov...).`,
    );
  }
  const size = /,\s*(\d{2,5})x(\d{2,5})[\s,[]/.exec(videoLine);
  const dur = /Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
  return {
    durationSeconds: dur ? Number(dur[1]) * 3600 + Number(dur[2]) * 60 + Number(dur[3]) : null,
    width: size ? Number(size[1]) : 0,
    height: size ? Number(size[2]) : 0,
  };
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((l) => l.trim())
      .at(-1) ?? 'no output'
  ).trim();
}

/** Options of {@link extractFrames}. */
export interface ExtractFramesOptions {
  /** Frames per second to sample. Default 2. */
  fps?: number;
  /** Stop after this many frames. Default: the whole video. */
  maxFrames?: number;
  /** ffmpeg binary (see {@link resolveFfmpeg}). */
  ffmpegPath?: string;
  /** Cancels extraction (kills ffmpeg). */
  signal?: AbortSignal;
}

/** Sampled frames written to a temporary folder; call `cleanup()` when done. */
export interface ExtractedFrames {
  /** JPEG frame files in time order. */
  files: string[];
  /** Timestamp of each frame in seconds (`index / fps`). */
  times: number[];
  /** The temporary folder. */
  dir: string;
  /** Removes the folder. */
  cleanup(): Promise<void>;
}

/**
 * Samples frames from a video at `fps` with ffmpeg into a temporary folder.
 *
 * @example
 * ```ts
 * const frames = await extractFrames('review.mp4', { fps: 2 });
 * try { console.log(frames.files.length); } finally { await frames.cleanup(); }
 * ```
 */
export async function extractFrames(file: string, options: ExtractFramesOptions = {}): Promise<ExtractedFrames> {
  const fps = options.fps ?? 2;
  if (!(fps > 0 && fps <= 120)) throw invalidArgument(`fps must be in (0, 120], got ${fps}.`);
  if (options.maxFrames !== undefined && !(Number.isInteger(options.maxFrames) && options.maxFrames > 0)) {
    throw invalidArgument(`maxFrames must be a positive integer, got ${options.maxFrames}.`);
  }
  await probeVideo(file, options);
  const ffmpeg = await resolveFfmpeg(options.ffmpegPath);
  const dir = await fs.mkdtemp(join(tmpdir(), 'ulasan-frames-'));
  const cleanup = () => fs.rm(dir, { recursive: true, force: true });
  try {
    const args = ['-hide_banner', '-loglevel', 'error', '-i', file, '-vf', `fps=${fps}`, '-q:v', '2'];
    if (options.maxFrames) args.push('-frames:v', String(options.maxFrames));
    args.push(join(dir, 'frame_%06d.jpg'));
    const r = await run(ffmpeg, args, options.signal);
    throwIfAborted(options.signal, 'Frame extraction');
    if (r.code !== 0) {
      throw new UlasanError('FILE_FORMAT', `ffmpeg failed to extract frames from ${file}: ${lastLine(r.stderr)}`);
    }
    const files = (await fs.readdir(dir))
      .filter((f) => f.endsWith('.jpg'))
      .sort()
      .map((f) => join(dir, f));
    return { files, times: files.map((_, i) => i / fps), dir, cleanup };
  } catch (error) {
    await cleanup();
    if ((error as { name?: string }).name === 'AbortError' && !UlasanError.isInstance(error)) {
      throwIfAborted(options.signal, 'Frame extraction');
    }
    throw error;
  }
}

/** One analysed frame. */
export interface FrameAnalysis {
  /** Frame number (0-based). */
  index: number;
  /** Time in seconds. */
  time: number;
  /** The main face box, or null when no face was found. */
  face: Box | null;
  /** The most probable expression, or null without a face. */
  expression: string | null;
  /** Expression probabilities, or null without a face. */
  probabilities: Record<string, number> | null;
  /** The most probable sentiment, or null without a face. */
  sentiment: Sentiment | null;
  /** Sentiment probabilities (expression probabilities summed by the mapping), or null. */
  sentimentScores: Record<Sentiment, number> | null;
  /** Set when the frame could not be read. */
  error?: string;
}

/** One second of the timeline. */
export interface TimelineEntry {
  /** The second (`floor(time)`). */
  second: number;
  /** Frames sampled in this second. */
  frames: number;
  /** Of those, frames with a face. */
  framesWithFace: number;
  /** Mean sentiment probabilities over frames with a face, or null when there was none. */
  scores: Record<Sentiment, number> | null;
  /** The top sentiment of `scores`, or null. */
  sentiment: Sentiment | null;
}

/** The per-video verdict. */
export interface VideoSummary {
  /** The video's sentiment: the top of `meanScores`, or null when no frame had a face. */
  sentiment: Sentiment | null;
  /** Mean probability of that sentiment over frames with a face (0–1). */
  confidence: number;
  /** Mean sentiment probabilities over frames with a face. */
  meanScores: Record<Sentiment, number>;
  /** Share of face frames whose top sentiment is each polarity. */
  shares: Record<Sentiment, number>;
  /** Share of face frames per top expression. */
  expressionShares: Record<string, number>;
  /** Frames sampled. */
  framesAnalyzed: number;
  /** Frames with a face. */
  framesWithFace: number;
  /** Frames without a face (or unreadable). */
  framesWithoutFace: number;
}

/** The result of {@link analyzeVideo}. */
export interface VideoAnalysis {
  /** The video file. */
  file: string;
  /** Duration in seconds, when known. */
  durationSeconds: number | null;
  /** The sampling rate used. */
  fps: number;
  /** Every sampled frame. */
  frames: FrameAnalysis[];
  /** Indices of frames without a face (reported, not dropped). */
  framesWithoutFace: number[];
  /** Per-second aggregation. */
  timeline: TimelineEntry[];
  /** The per-video verdict. */
  summary: VideoSummary;
}

/** Options of {@link analyzeVideo}. */
export interface AnalyzeVideoOptions extends ExtractFramesOptions {
  /** The expression model: a trained `FaceExpressionClassifier` or the face-api baseline. */
  model: FaceExpressionPredictor;
  /** Expression → sentiment mapping options (surprise is neutral by default). */
  sentiment?: SentimentMappingOptions;
  /** Progress per batch of frames (`task: 'video'`). */
  onProgress?: ProgressCallback;
}

/**
 * Analyses a review video: sentiment per frame, per second and for the whole video.
 *
 * @example
 * ```ts
 * const model = await FaceExpressionClassifier.load('models/faces');
 * const result = await analyzeVideo('review.mp4', { model, fps: 2 });
 * console.log(result.summary.sentiment, result.summary.confidence);
 * ```
 */
export async function analyzeVideo(file: string, options: AnalyzeVideoOptions): Promise<VideoAnalysis> {
  if (!options?.model || typeof options.model.predictImages !== 'function') {
    throw invalidArgument(
      'analyzeVideo needs options.model: a FaceExpressionClassifier or FaceApiExpressionClassifier.',
    );
  }
  const fps = options.fps ?? 2;
  const mapping = expressionSentimentMapping(options.sentiment);
  const info = await probeVideo(file, options);
  const frames = await extractFrames(file, options);
  const results: FrameAnalysis[] = [];
  try {
    const batch = 16;
    for (let s = 0; s < frames.files.length; s += batch) {
      throwIfAborted(options.signal, 'Video analysis');
      const files = frames.files.slice(s, s + batch);
      // Pass bytes, not temp paths, so feature caches are not filled with throwaway frames.
      const buffers = await Promise.all(files.map(async (f) => new Uint8Array(await fs.readFile(f))));
      const preds = await options.model.predictImages(buffers, { requireFace: true, signal: options.signal });
      preds.forEach((p, j) => {
        const index = s + j;
        const time = frames.times[index] as number;
        if (!p.probabilities || !p.face) {
          results.push({
            index,
            time,
            face: null,
            expression: null,
            probabilities: null,
            sentiment: null,
            sentimentScores: null,
            ...(p.error ? { error: p.error.message } : {}),
          });
          return;
        }
        const scores = expressionsToSentiment(p.probabilities, mapping);
        results.push({
          index,
          time,
          face: p.face.box,
          expression: p.label,
          probabilities: p.probabilities,
          sentiment: topSentiment(scores),
          sentimentScores: scores,
        });
      });
      options.onProgress?.({ task: 'video', done: results.length, total: frames.files.length });
    }
  } finally {
    await frames.cleanup();
  }
  return {
    file,
    durationSeconds: info.durationSeconds,
    fps,
    frames: results,
    framesWithoutFace: results.filter((r) => !r.sentimentScores).map((r) => r.index),
    timeline: buildTimeline(results),
    summary: summarize(results),
  };
}

function meanScores(frames: FrameAnalysis[]): Record<Sentiment, number> {
  const out: Record<Sentiment, number> = { positive: 0, negative: 0, neutral: 0 };
  const withFace = frames.filter((f) => f.sentimentScores);
  for (const f of withFace)
    for (const s of SENTIMENTS) out[s] += (f.sentimentScores as Record<Sentiment, number>)[s] / withFace.length;
  return out;
}

function buildTimeline(frames: FrameAnalysis[]): TimelineEntry[] {
  const bySecond = new Map<number, FrameAnalysis[]>();
  for (const f of frames) {
    const sec = Math.floor(f.time + 1e-9);
    bySecond.set(sec, [...(bySecond.get(sec) ?? []), f]);
  }
  return [...bySecond.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([second, fs2]) => {
      const withFace = fs2.filter((f) => f.sentimentScores).length;
      const scores = withFace > 0 ? meanScores(fs2) : null;
      return {
        second,
        frames: fs2.length,
        framesWithFace: withFace,
        scores,
        sentiment: scores ? topSentiment(scores) : null,
      };
    });
}

function summarize(frames: FrameAnalysis[]): VideoSummary {
  const withFace = frames.filter((f) => f.sentimentScores);
  const mean = meanScores(frames);
  const shares: Record<Sentiment, number> = { positive: 0, negative: 0, neutral: 0 };
  const expressionShares: Record<string, number> = {};
  for (const f of withFace) {
    shares[f.sentiment as Sentiment] += 1 / withFace.length;
    const e = f.expression as string;
    expressionShares[e] = (expressionShares[e] ?? 0) + 1 / withFace.length;
  }
  const sentiment = withFace.length > 0 ? topSentiment(mean) : null;
  return {
    sentiment,
    confidence: sentiment ? mean[sentiment] : 0,
    meanScores: mean,
    shares,
    expressionShares,
    framesAnalyzed: frames.length,
    framesWithFace: withFace.length,
    framesWithoutFace: frames.length - withFace.length,
  };
}
