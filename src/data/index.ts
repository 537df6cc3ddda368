/**
 * Dataset input/output (re-exported from `ulasan/text`).
 *
 * @packageDocumentation
 */

export type {
  ColumnRef,
  Dataset,
  DatasetFormat,
  MultiLabelDataset,
  RatingRule,
  ReadDatasetOptions,
  SkippedRow,
} from './read-dataset.js';
export { parseDataset, RATING_RULES, readDataset } from './read-dataset.js';
export type { WriteDatasetOptions } from './write-dataset.js';
export { writeDataset } from './write-dataset.js';
