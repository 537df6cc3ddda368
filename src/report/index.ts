/**
 * `ulasan/report`: one self-contained HTML page per run folder, what `ulasan report DIR` writes.
 * It reads the outputs of `ulasan train`, `grid`, `ssl`, `vision train` and `video analyze --json`
 * and lays out every figure (inline SVG from `ulasan/metrics`) and table they allow.
 *
 * Importing this module loads neither TensorFlow.js nor sharp; a training or ssl report with
 * `data` loads the saved text model (and so TensorFlow.js for deep models) when it runs.
 *
 * @packageDocumentation
 */

export type { RunReport, RunReportOptions, RunType, WriteRunReportOptions } from './run-report.js';
export { detectRunType, renderRunReport, writeRunReport } from './run-report.js';
