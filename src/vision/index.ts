/**
 * `ulasan/vision`: facial-expression sentiment from images and review videos (seed 000).
 *
 * Images are decoded with `sharp` (optional peer), faces found with face-api's Tiny Face Detector
 * (weights from the optional `@vladmandic/face-api` package, run on ulasan's own TensorFlow.js),
 * features come from a frozen backbone (face-api's pretrained expression or face-recognition
 * networks, or ResNet50/34/18 with Keras layer names), and a small head is trained on top.
 * Videos are sampled with ffmpeg (`@ffmpeg-installer/ffmpeg` or ffmpeg on PATH).
 *
 * @example
 * ```ts
 * import { loadImageFolder, FaceExpressionClassifier, analyzeVideo } from 'ulasan/vision';
 * const data = await loadImageFolder('faces');
 * const model = await new FaceExpressionClassifier().fit(data.train.paths, data.train.labels);
 * const video = await analyzeVideo('review.mp4', { model, fps: 2 });
 * console.log(video.summary.sentiment);
 * ```
 *
 * @packageDocumentation
 */

export type { AugmentOptions } from './augment.js';
export { augmentImage, DEFAULT_AUGMENT } from './augment.js';
export type { BackboneName, BackboneOptions, FeatureBackbone } from './backbone.js';
export { BACKBONE_NAMES, createBackbone } from './backbone.js';
export type { CascadeDetection, CascadeDetectorOptions } from './cascade-detector.js';
export {
  CascadeFaceDetector,
  DEBIAN_HAAR_FRONTALFACE,
  DEBIAN_LBP_FRONTALFACE,
  groupRectangles,
} from './cascade-detector.js';
export type { ImageFolderDataset, ImageFolderOptions, ImageSplit } from './dataset.js';
export { IMAGE_EXTENSIONS, loadImageFolder, readClassFolders, stratifiedSplit } from './dataset.js';
export type {
  FaceExpressionClassifierOptions,
  VisionFitTiming,
  VisionModelMeta,
  VisionOptimizer,
} from './expression-classifier.js';
export {
  evaluatePredictor,
  FaceExpressionClassifier,
  readVisionModelMeta,
  VISION_CLASSIFIER_PARAMS,
} from './expression-classifier.js';
export type { FaceApiBaselineOptions } from './face-api-baseline.js';
export { FACE_API_LABEL_ALIASES, FaceApiExpressionClassifier } from './face-api-baseline.js';
export type { FaceApiModelName, WeightMap } from './face-api-weights.js';
export { loadFaceApiWeights, resolveFaceApiModelDir } from './face-api-weights.js';
export type { FaceCrop, FaceCropOptions, FaceDetectorName, FaceMode } from './face-crop.js';
export { FACE_DETECTORS, FaceCropper } from './face-crop.js';
export type { FaceDetection, FaceDetectorOptions } from './face-detector.js';
export { mainFace, nonMaxSuppression, TinyFaceDetector } from './face-detector.js';
export type { FaceApiExpression } from './face-nets.js';
export { FACE_API_EXPRESSIONS, FaceExpressionNet, FaceRecognitionNet } from './face-nets.js';
export type { FeatureCacheStats } from './feature-cache.js';
export { FeatureCache } from './feature-cache.js';
export { VISION_GRID_OPTIONS, visionClassifierFactory } from './grid.js';
export type { Box, ImageSource, ReadImageOptions, ResizeFit, RgbImage } from './image.js';
export {
  cropImage,
  DEFAULT_MAX_PIXELS,
  encodeImage,
  isRgbImage,
  loadSharp,
  readImage,
  resizeImage,
} from './image.js';
export type { KerasH5Weight, KerasH5Weights, LoadKerasWeightsOptions } from './keras-h5.js';
export { isHdf5File, loadKerasWeights, readKerasH5Weights } from './keras-h5.js';
export type { WeightLoadReport } from './layers-io.js';
export { loadLayersModel, loadWeightsByName, readLayersArtifacts, saveLayersModel } from './layers-io.js';
export { loadFacePredictor } from './load-predictor.js';
export type { FacePredictorEnsembleOptions } from './predictor-ensemble.js';
export { FacePredictorEnsemble } from './predictor-ensemble.js';
export type { PreprocessMode } from './preprocess.js';
export { CAFFE_MEAN_BGR, PREPROCESS_MODES, preprocessPixels, preprocessTensor } from './preprocess.js';
export type { ResNetDepth, ResNetModel, ResNetOptions } from './resnet.js';
export { buildResNet, buildResNet18, buildResNet34, buildResNet50, LAST_STAGE_PREFIX } from './resnet.js';
export type { Sentiment, SentimentMappingOptions } from './sentiment.js';
export { expressionSentimentMapping, expressionsToSentiment, SENTIMENTS, topSentiment } from './sentiment.js';
export type { FaceExpressionPredictor, ImagePrediction, PredictImagesOptions } from './types.js';
export { describeSource } from './types.js';
export type {
  AnalyzeVideoOptions,
  ExtractedFrames,
  ExtractFramesOptions,
  FrameAnalysis,
  TimelineEntry,
  VideoAnalysis,
  VideoInfo,
  VideoSummary,
} from './video.js';
export { analyzeVideo, extractFrames, probeVideo, resolveFfmpeg } from './video.js';
