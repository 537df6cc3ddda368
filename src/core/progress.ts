/**
 * The public callback protocol of long loops (tfjs-layers' `onEpochEnd(epoch, logs)` and ulasan's
 * progress events). Implemented in `src/internal/progress.ts`; exported from here.
 */
export type { Logs, ProgressCallback, ProgressEvent, TrainingCallbacks } from '../internal/progress.js';
