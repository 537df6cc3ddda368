/**
 * One entry point for "a model the user named": the string `face-api` means the pretrained
 * face-api baseline; anything else is a folder saved by `FaceExpressionClassifier.save`.
 */
import { existsSync } from 'node:fs';
import { FaceExpressionClassifier, type FaceExpressionClassifierOptions } from './expression-classifier.js';
import { FaceApiExpressionClassifier } from './face-api-baseline.js';
import { FacePredictorEnsemble } from './predictor-ensemble.js';

/**
 * Loads `face-api` (the pretrained baseline) or a saved {@link FaceExpressionClassifier} folder.
 * Several comma-separated specs (`models/auto,models/none`) load a {@link FacePredictorEnsemble}
 * averaging their probabilities (when the whole string is not itself an existing path).
 *
 * @example
 * ```ts
 * const model = await loadFacePredictor(process.argv[2] ?? 'face-api');
 * const [p] = await model.predictImages(['face.jpg']);
 * ```
 */
export async function loadFacePredictor(
  spec: string,
  overrides: Pick<
    FaceExpressionClassifierOptions,
    'cacheDir' | 'modelDir' | 'faceMode' | 'faceDetector' | 'faceCascade' | 'onWarning'
  > = {},
): Promise<FaceExpressionClassifier | FaceApiExpressionClassifier | FacePredictorEnsemble> {
  if (spec.includes(',') && !existsSync(spec)) {
    const parts = spec.split(',').filter((p) => p.trim() !== '');
    const members: (FaceExpressionClassifier | FaceApiExpressionClassifier)[] = [];
    try {
      for (const part of parts)
        members.push((await loadFacePredictor(part.trim(), overrides)) as FaceExpressionClassifier);
    } catch (error) {
      for (const m of members) await m.dispose();
      throw error;
    }
    return new FacePredictorEnsemble(members);
  }
  if (spec === 'face-api') {
    return new FaceApiExpressionClassifier({
      faceMode: overrides.faceMode,
      modelDir: overrides.modelDir,
      faceDetector: overrides.faceDetector,
      faceCascade: overrides.faceCascade,
    });
  }
  return FaceExpressionClassifier.load(spec, overrides);
}
