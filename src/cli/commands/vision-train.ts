/**
 * `ulasan vision train`: trains a facial-expression classifier on a folder-per-class image set,
 * evaluates it on the validation images next to face-api's pretrained baseline, and saves it.
 */
import { join } from 'node:path';
import { writeJsonAtomic } from '../../internal/atomic-fs.js';
import { type Command, type CommandContext, optionalNumber, requireString, UsageError } from '../command.js';
import { formatMatrix } from './evaluate.js';

/** Reads `--detector` (tiny | haar | lbp) and `--cascade FILE`. */
export function faceDetectorOptions(ctx: CommandContext): {
  faceDetector?: 'tiny' | 'haar' | 'lbp';
  faceCascade?: string;
} {
  const d = ctx.values.detector;
  if (d !== undefined && d !== 'tiny' && d !== 'haar' && d !== 'lbp')
    throw new UsageError(`--detector expects tiny, haar or lbp, got "${String(d)}"`);
  const cascade = typeof ctx.values.cascade === 'string' ? ctx.values.cascade : undefined;
  if (cascade && d === undefined) throw new UsageError('--cascade needs --detector haar or --detector lbp');
  const out: { faceDetector?: 'tiny' | 'haar' | 'lbp'; faceCascade?: string } = {};
  if (d !== undefined) out.faceDetector = d;
  if (cascade) out.faceCascade = cascade;
  return out;
}

/** Reads `--face` (auto | required | none). */
export function faceModeOption(ctx: CommandContext): 'auto' | 'required' | 'none' | undefined {
  const v = ctx.values.face;
  if (v === undefined) return undefined;
  if (v !== 'auto' && v !== 'required' && v !== 'none')
    throw new UsageError(`--face expects auto, required or none, got "${String(v)}"`);
  return v;
}

/** `ulasan vision train`. */
export const visionTrainCommand: Command = {
  name: 'vision train',
  summary: 'Train a facial-expression classifier on class folders of face images',
  help: `Usage: ulasan vision train --data DIR --out DIR [--backbone NAME] [--weights PATH] [--seed N] [options]

DIR is a folder of class folders (split here, stratified) or a folder holding train/ and valid/
(or validation/, val/), optionally test/, class folders. Faces are detected and cropped, features
come from a frozen backbone (computed once, cached in --cache), a dense+dropout+softmax head is
trained on them, and the model is evaluated on the validation images next to face-api's
pretrained expression model (the baseline). Writes the model and evaluation.json into --out.

Options:
  --data DIR              training data (see above)
  --out DIR               where to save the model
  --backbone NAME         expression-net (default: face-api's pretrained expression CNN) | facenet
                          (face-api's face-recognition ResNet) | resnet50 | resnet34 | resnet18
  --weights PATH          ResNet only: a Keras HDF5 weight file (e.g. Keras' own
                          resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5; needs the optional
                          h5wasm package) or a tfjs layers model folder (tensorflowjs_converter
                          output), loaded by layer name; never downloaded
  --input-size N          ResNet input side (default 224)
  --epochs N              head epochs (default 20)
  --batch-size N          mini-batch size (default 32)
  --learning-rate X       head learning rate (default 0.001)
  --optimizer O           adam (default) | adamax | sgd | rmsprop
  --dropout X             dropout before the softmax (default 0.5)
  --hidden N              hidden units of the head, 0 for none (default 128)
  --augment N             augmented views per training image (crop/flip/rotation/colour; default 4, 0 = off)
  --fine-tune-epochs N    ResNet only: then fine-tune the last stage (conv5_*) for N epochs
  --fine-tune-lr X        fine-tuning learning rate (default learning-rate / 100)
  --face MODE             auto (default: detect, fall back to the whole image) | required | none
  --detector D            tiny (default: face-api's Tiny Face Detector) | haar | lbp (OpenCV cascades)
  --cascade FILE          haar/lbp: OpenCV cascade XML (default: Debian opencv-data's frontal-face one)
  --ensemble N            heads trained on the same cached features, probabilities averaged (default 1)
  --test-views N          test-time augmentation: also classify N augmented views per image (default 0)
  --validation-split X    held-out share when DIR has no valid/ folder (default 0.2)
  --cache DIR             feature cache folder (default: OUT/feature-cache)
  --no-baseline           skip the face-api baseline comparison
  --seed N                random seed (default 42)
  --backend B             compute backend (cpu | wasm | ...; wasm is much faster than cpu here)`,
  options: {
    data: { type: 'string' },
    out: { type: 'string' },
    backbone: { type: 'string' },
    weights: { type: 'string' },
    'input-size': { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    'learning-rate': { type: 'string' },
    optimizer: { type: 'string' },
    dropout: { type: 'string' },
    hidden: { type: 'string' },
    augment: { type: 'string' },
    'fine-tune-epochs': { type: 'string' },
    'fine-tune-lr': { type: 'string' },
    face: { type: 'string' },
    detector: { type: 'string' },
    cascade: { type: 'string' },
    ensemble: { type: 'string' },
    'test-views': { type: 'string' },
    'validation-split': { type: 'string' },
    cache: { type: 'string' },
    'no-baseline': { type: 'boolean' },
    seed: { type: 'string' },
    backend: { type: 'string' },
  },
  numbers: {
    'input-size': { integer: true, min: 32 },
    epochs: { integer: true, min: 1 },
    'batch-size': { integer: true, min: 1 },
    'learning-rate': { min: 0, minExclusive: true },
    dropout: { min: 0, max: 1 },
    hidden: { integer: true, min: 0 },
    augment: { integer: true, min: 0 },
    'fine-tune-epochs': { integer: true, min: 0 },
    'fine-tune-lr': { min: 0, minExclusive: true },
    'validation-split': { min: 0, max: 1 },
    seed: { integer: true },
  },
  async run(ctx) {
    const dataDir = requireString(ctx, 'data');
    const out = requireString(ctx, 'out');
    const backbone = (typeof ctx.values.backbone === 'string' ? ctx.values.backbone : 'expression-net') as never;
    const { BACKBONE_NAMES, FaceApiExpressionClassifier, FaceExpressionClassifier, loadImageFolder } = await import(
      '../../vision/index.js'
    );
    if (!(BACKBONE_NAMES as readonly string[]).includes(backbone)) {
      throw new UsageError(`--backbone expects one of ${BACKBONE_NAMES.join(', ')}, got "${String(backbone)}"`);
    }
    const optimizer = typeof ctx.values.optimizer === 'string' ? ctx.values.optimizer : 'adam';
    if (!['adam', 'adamax', 'sgd', 'rmsprop'].includes(optimizer)) {
      throw new UsageError(`--optimizer expects adam, adamax, sgd or rmsprop, got "${optimizer}"`);
    }
    const { useBackend, ensureBackend } = await import('../../backend/backends.js');
    if (typeof ctx.values.backend === 'string') await useBackend(ctx.values.backend);
    await ensureBackend();
    const seed = optionalNumber(ctx, 'seed') ?? 42;
    const data = await loadImageFolder(dataDir, { validationSplit: optionalNumber(ctx, 'validation-split'), seed });
    if (data.ignored.length > 0) ctx.log(`ignored ${data.ignored.length} non-image files (e.g. ${data.ignored[0]})`);
    ctx.log(
      `data: ${data.classes.length} classes (${data.classes.join(', ')}), ${data.train.paths.length} train, ${data.valid?.paths.length ?? 0} valid, ${data.test?.paths.length ?? 0} test`,
    );
    const fineTuneEpochs = optionalNumber(ctx, 'fine-tune-epochs') ?? 0;
    const faceMode = faceModeOption(ctx);
    const detectorOptions = faceDetectorOptions(ctx);
    const model = new FaceExpressionClassifier({
      backbone,
      weights: typeof ctx.values.weights === 'string' ? ctx.values.weights : null,
      inputSize: optionalNumber(ctx, 'input-size'),
      epochs: optionalNumber(ctx, 'epochs') ?? 20,
      batchSize: optionalNumber(ctx, 'batch-size') ?? 32,
      learningRate: optionalNumber(ctx, 'learning-rate') ?? 1e-3,
      optimizer: optimizer as 'adam',
      dropout: optionalNumber(ctx, 'dropout') ?? 0.5,
      hiddenUnits: optionalNumber(ctx, 'hidden') ?? 128,
      augmentViews: optionalNumber(ctx, 'augment') ?? 4,
      ensembleSize: optionalNumber(ctx, 'ensemble') ?? 1,
      testViews: optionalNumber(ctx, 'test-views') ?? 0,
      fineTune:
        fineTuneEpochs > 0 ? { epochs: fineTuneEpochs, learningRate: optionalNumber(ctx, 'fine-tune-lr') } : undefined,
      faceMode,
      ...detectorOptions,
      cacheDir: typeof ctx.values.cache === 'string' ? ctx.values.cache : join(out, 'feature-cache'),
      seed,
      onWarning: (m) => ctx.log(`warning: ${m}`),
    });
    const t0 = performance.now();
    await model.fit(data.train.paths, data.train.labels, {
      validation: data.valid ? { inputs: data.valid.paths, labels: data.valid.labels } : undefined,
      signal: ctx.signal,
      callbacks: {
        onEpochEnd: (epoch, logs) => {
          if (!logs) return;
          const parts = Object.entries(logs)
            .filter(([k]) => k !== 'epoch')
            .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`);
          ctx.log(`epoch ${epoch + 1}: ${parts.join('  ')}`);
        },
      },
    });
    const trainSeconds = (performance.now() - t0) / 1000;
    await model.save(out);
    const pick = (s: {
      accuracy: number;
      macroF1: number;
      weightedF1: number;
      labels: unknown[];
      confusionMatrix: { matrix: number[][] };
      skipped: string[];
    }) => ({
      accuracy: s.accuracy,
      macroF1: s.macroF1,
      weightedF1: s.weightedF1,
      labels: s.labels,
      confusionMatrix: s.confusionMatrix.matrix,
      skipped: s.skipped,
    });
    const result: Record<string, unknown> = {
      model: out,
      backbone,
      classes: data.classes,
      trainSize: data.train.paths.length,
      skipped: model.skipped,
      trainSeconds,
      timing: model.timing,
      lastEpoch: model.history.at(-1),
    };
    for (const split of ['valid', 'test'] as const) {
      const part = data[split];
      if (!part) continue;
      const s = await model.evaluate(part.paths, part.labels);
      result[split] = pick(s);
      ctx.log(
        `\n${split}: accuracy ${s.accuracy.toFixed(4)}  macro-F1 ${s.macroF1.toFixed(4)}  weighted-F1 ${s.weightedF1.toFixed(4)}`,
      );
      ctx.log(formatMatrix(s.labels.map(String), s.confusionMatrix.matrix));
      if (ctx.values['no-baseline'] !== true) {
        try {
          const baseline = new FaceApiExpressionClassifier({ classes: data.classes, faceMode, ...detectorOptions });
          const b = await baseline.evaluate(part.paths, part.labels);
          result[`${split}Baseline`] = pick(b);
          ctx.log(`${split} face-api baseline: accuracy ${b.accuracy.toFixed(4)}  macro-F1 ${b.macroF1.toFixed(4)}`);
          await baseline.dispose();
        } catch (error) {
          ctx.log(`baseline skipped: ${(error as Error).message}`);
        }
      }
    }
    await writeJsonAtomic(join(out, 'evaluation.json'), result);
    await model.dispose();
    if (ctx.json) ctx.out(`${JSON.stringify(result)}\n`);
    else ctx.log(`\nsaved model to ${out} (${trainSeconds.toFixed(1)} s)`);
    return 0;
  },
};
