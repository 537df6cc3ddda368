/**
 * ulasan's port of face-api's networks vs face-api's OWN JavaScript on the same pixels: detector
 * boxes and scores, the 7 expression probabilities, and the 128-d face descriptors must agree
 * within float tolerance (not only the labels). face-api runs in a child process
 * (tests/vision/face-api-reference.mjs) so its TensorFlow.js state never mixes with ours.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/backends.js';
import {
  FACE_API_EXPRESSIONS,
  FaceExpressionNet,
  FaceRecognitionNet,
  type RgbImage,
  readImage,
  resolveFaceApiModelDir,
  TinyFaceDetector,
} from '../../src/vision/index.js';
import { FIXTURES, tempDir } from './helpers.js';

const SCRIPT = fileURLToPath(new URL('./face-api-reference.mjs', import.meta.url));

interface Reference {
  version: string;
  outputs: {
    boxes?: { x: number; y: number; width: number; height: number; score: number }[];
    expressions?: Record<string, number>;
    descriptor?: number[];
  }[];
}

function pad(image: RgbImage, p: number): RgbImage {
  const width = image.width + 2 * p;
  const height = image.height + 2 * p;
  const data = new Uint8Array(width * height * 3).fill(128);
  for (let y = 0; y < image.height; y++) {
    data.set(image.data.subarray(y * image.width * 3, (y + 1) * image.width * 3), ((y + p) * width + p) * 3);
  }
  return { data, width, height };
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
};

beforeAll(async () => {
  await useBackend('wasm');
});

describe('face-api port vs face-api 1.7 JavaScript (numerical parity)', () => {
  it('boxes, expression probabilities and descriptors agree within float tolerance', async () => {
    const dir = await tempDir('ulasan-faceapi-');
    const files = readdirSync(join(FIXTURES, 'faces'))
      .flatMap((c) => readdirSync(join(FIXTURES, 'faces', c)).map((f) => join(FIXTURES, 'faces', c, f)))
      .sort()
      .slice(0, 3);
    const images = await Promise.all(files.map((f) => readImage(f)));
    const jobs: { image: RgbImage; kind: 'detect' | 'expression' | 'recognition' }[] = [];
    for (const image of images) {
      jobs.push({ image: pad(image, Math.round(Math.max(image.width, image.height) * 0.5)), kind: 'detect' });
      jobs.push({ image, kind: 'expression' });
      jobs.push({ image, kind: 'recognition' });
    }
    const input = {
      images: await Promise.all(
        jobs.map(async (j, i) => {
          const file = join(dir, `${i}.rgb`);
          await fs.writeFile(file, j.image.data);
          return {
            file,
            width: j.image.width,
            height: j.image.height,
            kind: j.kind,
            inputSize: 320,
            scoreThreshold: 0.5,
          };
        }),
      ),
    };
    await fs.writeFile(join(dir, 'input.json'), JSON.stringify(input));
    const stdout = execFileSync(process.execPath, [SCRIPT, resolveFaceApiModelDir(), join(dir, 'input.json')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const ref = JSON.parse(stdout.slice(stdout.indexOf('{"version"'))) as Reference;
    expect(ref.version).toMatch(/^1\.7\./);

    const detector = new TinyFaceDetector({ inputSize: 320, scoreThreshold: 0.5 });
    const expr = new FaceExpressionNet();
    const rec = new FaceRecognitionNet();
    const diffs = { box: 0, score: 0, expression: 0, descriptor: 0, detections: 0 };
    try {
      for (let i = 0; i < jobs.length; i++) {
        const job = jobs[i] as (typeof jobs)[number];
        const r = ref.outputs[i] as Reference['outputs'][number];
        if (job.kind === 'detect') {
          const ours = await detector.detect(job.image);
          const theirs = r.boxes ?? [];
          expect(ours.length).toBe(theirs.length);
          diffs.detections += ours.length;
          ours.forEach((d, k) => {
            const t = theirs[k] as (typeof theirs)[number];
            diffs.box = Math.max(
              diffs.box,
              maxAbs([d.box.x, d.box.y, d.box.width, d.box.height], [t.x, t.y, t.width, t.height]),
            );
            diffs.score = Math.max(diffs.score, Math.abs(d.score - t.score));
          });
        } else if (job.kind === 'expression') {
          const [p] = await expr.predictProba([job.image]);
          const t = FACE_API_EXPRESSIONS.map((e) => (r.expressions as Record<string, number>)[e] as number);
          diffs.expression = Math.max(diffs.expression, maxAbs(p as Float32Array, t));
        } else {
          const [d] = await rec.features([job.image]);
          diffs.descriptor = Math.max(diffs.descriptor, maxAbs(d as Float32Array, r.descriptor as number[]));
        }
      }
    } finally {
      await detector.dispose();
      await expr.dispose();
      await rec.dispose();
    }
    console.log(`face-api parity (wasm vs face-api on tfjs cpu), max abs diff: ${JSON.stringify(diffs)}`);
    expect(diffs.detections).toBeGreaterThan(0);
    expect(diffs.box).toBeLessThan(1e-3); // pixels
    expect(diffs.score).toBeLessThan(1e-5);
    expect(diffs.expression).toBeLessThan(1e-5);
    expect(diffs.descriptor).toBeLessThan(1e-5);
  }, 120_000);
});
