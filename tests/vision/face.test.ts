import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/backends.js';
import { loadTf } from '../../src/backend/tf.js';
import {
  expressionSentimentMapping,
  expressionsToSentiment,
  FACE_API_EXPRESSIONS,
  FaceApiExpressionClassifier,
  FaceCropper,
  FaceExpressionNet,
  FaceRecognitionNet,
  mainFace,
  type RgbImage,
  readImage,
  resizeImage,
  TinyFaceDetector,
} from '../../src/vision/index.js';
import { FIXTURES } from './helpers.js';

const face = (p: string) => join(FIXTURES, 'faces', p);

/** The face scaled to 200×200 and placed at (140, 80) on a 480×360 grey canvas, as in the slideshow. */
async function onCanvas(path: string): Promise<RgbImage> {
  const small = await resizeImage(await readImage(path), 200);
  const data = new Uint8Array(480 * 360 * 3).fill(128);
  for (let y = 0; y < 200; y++) data.set(small.data.subarray(y * 600, (y + 1) * 600), ((y + 80) * 480 + 140) * 3);
  return { data, width: 480, height: 360 };
}

function iou(a: { x: number; y: number; width: number; height: number }, b: typeof a): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return (w * h) / (a.width * a.height + b.width * b.height - w * h);
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('TinyFaceDetector (face-api weights on our tfjs)', () => {
  const detector = new TinyFaceDetector({ inputSize: 320 });

  it('finds the face where it was placed, and nothing on a blank frame', async () => {
    const img = await onCanvas(face('happiness/Boris_Henry_0001.jpg'));
    const faces = await detector.detect(img);
    const main = mainFace(faces, img);
    expect(main).toBeDefined();
    expect(main?.score).toBeGreaterThan(0.5);
    expect(iou(main!.box, { x: 140, y: 80, width: 200, height: 200 })).toBeGreaterThan(0.4);
    const blank: RgbImage = { data: new Uint8Array(480 * 360 * 3).fill(128), width: 480, height: 360 };
    expect(await detector.detect(blank)).toEqual([]);
  });

  it('does not leak tensors over repeated detections', async () => {
    const { tf } = await loadTf();
    const img = await onCanvas(face('anger/Colin_Powell_0007.jpg'));
    await detector.detect(img);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await detector.detect(img);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says where face-api weights were expected when they are missing', async () => {
    const { loadFaceApiWeights } = await import('../../src/vision/index.js');
    await expect(loadFaceApiWeights('tiny_face_detector_model', '/nonexistent/model')).rejects.toThrow(
      /Could not read the face-api weight manifest \/nonexistent\/model\/tiny_face_detector_model-weights_manifest\.json.*Install @vladmandic\/face-api/,
    );
  });

  it('validates its options', () => {
    expect(() => new TinyFaceDetector({ inputSize: 100 })).toThrow(/multiple of 32/);
    expect(() => new TinyFaceDetector({ scoreThreshold: 1.5 })).toThrow(/scoreThreshold/);
  });
});

describe('FaceCropper', () => {
  it('crops the detected face with margin, falls back to the whole image, or reports no face', async () => {
    const img = await onCanvas(face('surprise/Aron_Ralston_0001.jpg'));
    const auto = await new FaceCropper({ margin: 0.2 }).crop(img, 112);
    expect(auto?.face).not.toBeNull();
    expect([auto?.image.width, auto?.image.height]).toEqual([112, 112]);
    const blank: RgbImage = { data: new Uint8Array(64 * 64 * 3).fill(90), width: 64, height: 64 };
    const fallback = await new FaceCropper().crop(blank, 112);
    expect(fallback?.face).toBeNull();
    expect(await new FaceCropper({ mode: 'required' }).crop(blank, 112)).toBeNull();
    const none = await new FaceCropper({ mode: 'none' }).crop(img, 50);
    expect(none?.face).toBeNull();
    expect(none?.image.width).toBe(50);
  });
});

describe('face-api networks on our tfjs', () => {
  it('the expression net recognises the fixtures it should (pretrained weights load correctly)', async () => {
    const net = new FaceExpressionNet();
    const files = [
      'happiness/Alan_Ball_0002.jpg',
      'happiness/Boris_Henry_0001.jpg',
      'anger/Brian_Scalabrine_0001.jpg',
      'surprise/Abdullah_Nasseef_0001.jpg',
    ];
    const probs = await net.predictProba(await Promise.all(files.map((f) => readImage(face(f)))));
    const top = probs.map((p) => FACE_API_EXPRESSIONS[p.indexOf(Math.max(...p))]);
    expect(top).toEqual(['happy', 'happy', 'angry', 'surprised']);
    for (const p of probs) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    const feats = await net.features([await readImage(face('neutral/Andy_Bryant_0001.jpg'))]);
    expect(feats[0]).toHaveLength(256);
    await net.dispose();
  });

  it('face descriptors of the same person are closer than of different people', async () => {
    const net = new FaceRecognitionNet();
    const [a, b, c] = await net.features(
      await Promise.all(
        [
          face('sadness/Avinash_24.jpg'),
          join(FIXTURES, 'same-person/Avinash_14.jpg'),
          face('happiness/Alan_Ball_0002.jpg'),
        ].map((p) => readImage(p)),
      ),
    );
    const dist = (x: Float32Array, y: Float32Array) => Math.hypot(...Array.from(x, (v, i) => v - (y[i] as number)));
    expect(a).toHaveLength(128);
    expect(dist(a!, b!)).toBeLessThan(dist(a!, c!));
    expect(dist(a!, b!)).toBeLessThan(0.6); // face-api's usual same-person threshold
    await net.dispose();
  });
});

describe('face-api baseline classifier', () => {
  it('maps the 7 expressions to the dataset classes and classifies the fixtures', async () => {
    const baseline = new FaceApiExpressionClassifier();
    const { loadImageFolder } = await import('../../src/vision/index.js');
    const data = await loadImageFolder(join(FIXTURES, 'faces'), { validationSplit: 0 });
    const s = await baseline.evaluate(data.train.paths, data.train.labels);
    expect(s.labels).toEqual(['anger', 'happiness', 'neutral', 'sadness', 'surprise']);
    expect(s.accuracy).toBeGreaterThanOrEqual(0.8); // 11 images chosen among those face-api gets right
    const probs = await baseline.predictProba(data.train.paths.slice(0, 2));
    for (const row of probs) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(() => new FaceApiExpressionClassifier({ classes: ['bored'] })).toThrow(/cannot map the class "bored"/);
    await baseline.dispose();
  });
});

describe('expression → sentiment', () => {
  it('follows the seed mapping, with surprise configurable', () => {
    const map = expressionSentimentMapping();
    expect([map.happiness, map.senang, map.anger, map.kecewa, map.neutral, map.surprise, map.kaget]).toEqual([
      'positive',
      'positive',
      'negative',
      'negative',
      'neutral',
      'neutral',
      'neutral',
    ]);
    expect(expressionSentimentMapping({ surprise: 'positive' }).kaget).toBe('positive');
    const s = expressionsToSentiment({ happiness: 0.5, anger: 0.2, sadness: 0.1, surprise: 0.2 });
    expect(s.positive).toBeCloseTo(0.5);
    expect(s.negative).toBeCloseTo(0.3);
    expect(s.neutral).toBeCloseTo(0.2);
    expect(() => expressionsToSentiment({ bored: 1 })).toThrow(/No sentiment is defined for the expression "bored"/);
    expect(() => expressionSentimentMapping({ surprise: 'happy' as never })).toThrow(/must be one of/);
  });
});
