import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/backends.js';
import { UlasanError } from '../../src/internal/errors.js';
import {
  analyzeVideo,
  extractFrames,
  FaceApiExpressionClassifier,
  probeVideo,
  resolveFfmpeg,
} from '../../src/vision/index.js';
import { FIXTURES, tempDir } from './helpers.js';

const VIDEO = join(FIXTURES, 'slideshow.mp4');

beforeAll(async () => {
  await useBackend('wasm');
});

describe('ffmpeg frames', () => {
  it('finds ffmpeg, probes the video and samples frames at the requested rate', async () => {
    expect(await resolveFfmpeg()).toMatch(/ffmpeg/);
    const info = await probeVideo(VIDEO);
    expect(info).toEqual({ durationSeconds: 4, width: 480, height: 360 });
    const frames = await extractFrames(VIDEO, { fps: 2 });
    try {
      expect(frames.files).toHaveLength(8);
      expect(frames.times).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    } finally {
      await frames.cleanup();
    }
    const few = await extractFrames(VIDEO, { fps: 1, maxFrames: 2 });
    expect(few.files).toHaveLength(2);
    await few.cleanup();
  });

  it('gives clear errors for audio-only files, non-videos, missing files and a missing ffmpeg', async () => {
    const dir = await tempDir('ulasan-video-');
    const audio = join(dir, 'tone.wav');
    await promisify(execFile)(await resolveFfmpeg(), [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=0.5',
      audio,
    ]);
    await expect(probeVideo(audio)).rejects.toThrow(/has no video stream \(it holds audio only\)/);
    await expect(probeVideo(join(FIXTURES, 'README.md'))).rejects.toThrow(
      /could not read .* as a video|no video stream/,
    );
    const missing = await probeVideo(join(dir, 'nope.mp4')).catch((e: unknown) => e);
    expect(UlasanError.isInstance(missing) && missing.code).toBe('FILE_NOT_FOUND');
    await expect(resolveFfmpeg(join(dir, 'no-ffmpeg'))).rejects.toThrow(/ffmpeg was not found at/);
    await expect(extractFrames(VIDEO, { fps: 0 })).rejects.toThrow(/fps must be/);
  });
});

describe('analyzeVideo', () => {
  it('gives per-frame expressions, a per-second timeline, a summary, and reports frames without a face', async () => {
    const r = await analyzeVideo(VIDEO, { model: new FaceApiExpressionClassifier(), fps: 2 });
    expect(r.frames).toHaveLength(8);
    expect(r.framesWithoutFace).toEqual([6, 7]); // second 3 is a blank frame
    expect(r.frames.slice(0, 4).map((f) => f.expression)).toEqual(['happiness', 'happiness', 'happiness', 'happiness']);
    expect(r.frames.slice(4, 6).map((f) => f.sentiment)).toEqual(['negative', 'negative']);
    expect(r.timeline.map((t) => t.sentiment)).toEqual(['positive', 'positive', 'negative', null]);
    expect(r.timeline[3]).toMatchObject({ frames: 2, framesWithFace: 0, scores: null });
    expect(r.summary.sentiment).toBe('positive');
    expect(r.summary.shares.positive).toBeCloseTo(4 / 6, 5);
    expect(r.summary.framesWithoutFace).toBe(2);
    expect(r.summary.confidence).toBeGreaterThan(0.5);
    const face = r.frames[0]?.face;
    expect(face && face.x > 100 && face.x < 200 && face.width > 120 && face.width < 280).toBe(true);
  });
});
