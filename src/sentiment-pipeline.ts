/**
 * The one-call entry for the common case: load a saved sentiment model and classify texts.
 * Built only from public pieces (`loadTextClassifier`, `predictProba`), like transformers.js'
 * `pipeline('sentiment-analysis')`.
 */
import type { Label } from './core/classifier.js';
import { invalidArgument } from './internal/errors.js';
import { loadTextClassifier } from './text/models/registry.js';
import type { TextClassifier } from './text/models/text-classifier.js';

/** One classification. */
export interface SentimentPrediction {
  /** The most probable label. */
  label: Label;
  /** Its probability. */
  score: number;
  /** Probability of every class, when `allScores` was asked for. */
  scores?: Record<string, number>;
}

/** Options of {@link createSentimentPipeline}. */
export interface SentimentPipelineOptions {
  /** A saved model directory (from `ulasan train --out DIR` or `model.save(dir)`), or a fitted classifier. */
  model: string | TextClassifier;
  /** Compute backend for deep models (`cpu`, `wasm`, ..., `auto`); default `ULASAN_BACKEND` or auto. */
  backend?: string;
  /** Include every class's probability in each result. Default false. */
  allScores?: boolean;
  /** Texts per inference batch. Default 256. */
  batchSize?: number;
}

/** Classifies one text or many; resolves to one prediction per text. */
export type SentimentPipeline = {
  (text: string): Promise<SentimentPrediction>;
  (texts: readonly string[]): Promise<SentimentPrediction[]>;
  /** The underlying classifier (for `evaluate`, `classes`, `save`...). */
  readonly classifier: TextClassifier;
};

/**
 * Loads a sentiment model and returns a function that classifies texts. The model's own
 * preprocessing (cleaning, slang normalization, tokenizing...) is applied automatically.
 *
 * @example
 * ```ts
 * import { createSentimentPipeline } from 'ulasan';
 * const classify = await createSentimentPipeline({ model: 'models/smsa-gru' });
 * await classify(['pengirimannya cepat, barang bagus']);
 * // [{ label: 'positive', score: 0.97 }]
 * ```
 */
export async function createSentimentPipeline(options: SentimentPipelineOptions): Promise<SentimentPipeline> {
  if (!options || (typeof options.model !== 'string' && typeof options.model?.predictProba !== 'function')) {
    throw invalidArgument(
      'createSentimentPipeline needs { model: a saved model directory or a fitted text classifier }.',
    );
  }
  const batchSize = options.batchSize ?? 256;
  if (!(Number.isInteger(batchSize) && batchSize > 0))
    throw invalidArgument(`batchSize must be a positive integer, got ${batchSize}.`);
  if (options.backend !== undefined || typeof options.model === 'string') {
    // Deep models need a backend; classic ones ignore it. Selecting it here keeps the first call fast.
    const { useBackend, backendInfo } = await import('./backend/backends.js');
    if (options.backend !== undefined || backendInfo().active === null) await useBackend(options.backend);
  }
  const classifier = typeof options.model === 'string' ? await loadTextClassifier(options.model) : options.model;

  const classifyMany = async (texts: readonly string[]): Promise<SentimentPrediction[]> => {
    const out: SentimentPrediction[] = [];
    for (let i = 0; i < texts.length; i += batchSize) {
      const proba = await classifier.predictProba(texts.slice(i, i + batchSize));
      for (const row of proba) out.push(toPrediction(row, classifier.classes, options.allScores === true));
    }
    return out;
  };
  const pipeline = (async (input: string | readonly string[]) => {
    if (typeof input === 'string') return (await classifyMany([input]))[0];
    if (!Array.isArray(input)) throw invalidArgument('Pass a text or an array of texts to the sentiment pipeline.');
    return classifyMany(input);
  }) as SentimentPipeline;
  Object.defineProperty(pipeline, 'classifier', { value: classifier, enumerable: true });
  return pipeline;
}

function toPrediction(row: readonly number[], classes: readonly Label[], allScores: boolean): SentimentPrediction {
  let best = 0;
  for (let k = 1; k < row.length; k++) if ((row[k] as number) > (row[best] as number)) best = k;
  const prediction: SentimentPrediction = { label: classes[best] as Label, score: row[best] as number };
  if (allScores) prediction.scores = Object.fromEntries(classes.map((c, k) => [String(c), row[k] as number]));
  return prediction;
}
