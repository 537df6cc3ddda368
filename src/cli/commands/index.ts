/**
 * The registry of CLI subcommands. Each command lives in its own module and is imported only when
 * it runs, so `ulasan --help` stays fast and never loads TensorFlow.js.
 */
import type { Command } from '../command.js';

/** Command name → lazy loader. Nested commands use a space (`word2vec train`). */
export const commandLoaders: Record<string, () => Promise<Command>> = {
  demo: async () => (await import('./demo.js')).demoCommand,
  info: async () => (await import('./info.js')).infoCommand,
  train: async () => (await import('./train.js')).trainCommand,
  evaluate: async () => (await import('./evaluate.js')).evaluateCommand,
  predict: async () => (await import('./predict.js')).predictCommand,
  preprocess: async () => (await import('./preprocess.js')).preprocessCommand,
  ssl: async () => (await import('./ssl.js')).sslCommand,
  grid: async () => (await import('./grid.js')).gridCommand,
  worker: async () => (await import('./worker.js')).workerCommand,
  split: async () => (await import('./split.js')).splitCommand,
  resample: async () => (await import('./resample.js')).resampleCommand,
  'word2vec train': async () => (await import('./word2vec-train.js')).word2vecTrainCommand,
  'word2vec similar': async () => (await import('./word2vec-similar.js')).word2vecSimilarCommand,
  'vision train': async () => (await import('./vision-train.js')).visionTrainCommand,
  'vision evaluate': async () => (await import('./vision-evaluate.js')).visionEvaluateCommand,
  'vision predict': async () => (await import('./vision-predict.js')).visionPredictCommand,
  'video analyze': async () => (await import('./video-analyze.js')).videoAnalyzeCommand,
  report: async () => (await import('./report.js')).reportCommand,
};
