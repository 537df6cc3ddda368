/**
 * Runs face-api's OWN JavaScript (@vladmandic/face-api's esm-nobundle build) on raw RGB images and
 * prints its outputs as JSON, for tests/vision/face-api-parity.test.ts to compare ulasan's port
 * with. Runs in a child process: face-api brings its own TensorFlow.js engine state and backend
 * choice, which must not mix with ulasan's. face-api imports the `@tensorflow/tfjs` umbrella
 * package, which ulasan does not install; a module hook maps it to tfjs-core + tfjs-backend-cpu
 * (everything face-api's inference uses) and the unused webgl backend to an empty module.
 *
 * Usage: node face-api-reference.mjs MODEL_DIR INPUT.json  (INPUT: { images: [{ file, width, height, kind }] },
 * each file raw RGB bytes; kind "detect" | "expression" | "recognition")
 */
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { join } from 'node:path';

// face-api calls ops as tensor methods (x.div(y), x.as3D(...)), which the umbrella package
// registers ("chained ops") and tfjs-core's Node build does not: add them as tf.op(this, ...args).
const tfjsShim = `
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
const P = tf.Tensor.prototype;
for (const [name, fn] of Object.entries(tf)) {
  if (typeof fn === 'function' && /^[a-z]/.test(name) && !(name in P)) {
    P[name] = function (...args) { return fn(this, ...args); };
  }
}
P.as1D = function () { return tf.reshape(this, [this.size]); };
P.as2D = function (r, c) { return tf.reshape(this, [r, c]); };
P.as3D = function (r, c, d) { return tf.reshape(this, [r, c, d]); };
P.as4D = function (r, c, d, d2) { return tf.reshape(this, [r, c, d, d2]); };
P.as5D = function (r, c, d, d2, d3) { return tf.reshape(this, [r, c, d, d2, d3]); };
export * from '@tensorflow/tfjs-core';
`;
const hook = `
const map = {
  '@tensorflow/tfjs/dist/index.js': ${JSON.stringify(`data:text/javascript,${encodeURIComponent(tfjsShim)}`)},
  '@tensorflow/tfjs-backend-webgl/dist/index.js': 'data:text/javascript,export {};',
  '@tensorflow/tfjs-backend-wasm/dist/index.js': 'data:text/javascript,export {};',
};
export async function resolve(specifier, context, next) {
  if (map[specifier]) return { url: map[specifier], shortCircuit: true };
  if (context.parentURL && context.parentURL.startsWith('data:')) return next(specifier, { ...context, parentURL: ${JSON.stringify(import.meta.url)} });
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, import.meta.url);

const faceapi = await import('@vladmandic/face-api/dist/face-api.esm-nobundle.js');
const tf = faceapi.tf;
await tf.setBackend('cpu');
await tf.ready();

const [modelDir, inputFile] = process.argv.slice(2);
function load(net, name) {
  const manifest = JSON.parse(readFileSync(join(modelDir, `${name}-weights_manifest.json`), 'utf8'));
  const specs = manifest.flatMap((g) => g.weights);
  const parts = manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(modelDir, p))));
  const buf = Buffer.concat(parts);
  net.loadFromWeightMap(tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), specs));
}
load(faceapi.nets.tinyFaceDetector, 'tiny_face_detector_model');
load(faceapi.nets.faceExpressionNet, 'face_expression_model');
load(faceapi.nets.faceRecognitionNet, 'face_recognition_model');

const input = JSON.parse(readFileSync(inputFile, 'utf8'));
const out = [];
for (const im of input.images) {
  const rgb = readFileSync(im.file);
  const x = tf.tensor3d(Float32Array.from(rgb), [im.height, im.width, 3], 'float32');
  if (im.kind === 'detect') {
    const dets = await faceapi.nets.tinyFaceDetector.locateFaces(
      x,
      new faceapi.TinyFaceDetectorOptions({ inputSize: im.inputSize, scoreThreshold: im.scoreThreshold }),
    );
    out.push({
      boxes: dets.map((d) => ({ x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height, score: d.score })),
    });
  } else if (im.kind === 'expression') {
    const e = await faceapi.nets.faceExpressionNet.predictExpressions(x);
    out.push({ expressions: { ...e } });
  } else {
    const d = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(x);
    out.push({ descriptor: Array.from(d) });
  }
  x.dispose();
}
process.stdout.write(JSON.stringify({ version: faceapi.version, tfjs: tf.version_core, outputs: out }));
