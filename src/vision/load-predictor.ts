/**
 * One entry point for "a model the user named": the string `face-api` means the pretrained
 * face-api baseline; anything else is a folder saved by `FaceExpressionClassifier.save`.
 */
import { FaceExpressionClassifier, type FaceExpressionClassifierOptions } from './expression-classifier.js';
import { FaceApiExpressionClassifier } from './face-api-baseline.js';

/**
 * Loads `face-api` (the pretrained baseline) or a saved {@link FaceExpressionClassifier} folder.
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
): Promise<FaceExpressionClassifier | FaceApiExpressionClassifier> {
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
