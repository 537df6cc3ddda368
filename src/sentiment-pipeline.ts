/**
 * The one-call entry for the common case: classify texts with no training. With no options it loads
 * the Indonesian model shipped in the package (`resources/models/sentiment-id`); `{ language: 'en' }`
 * uses VADER's English lexicon, `{ model: 'lexicon' }` the Indonesian lexicon, and `{ model: DIR }`
 * any saved model. Built only from public pieces (`loadTextClassifier`, `predictProba`), like
 * transformers.js' `pipeline('sentiment-analysis')`.
 */
import type { Label } from './core/classifier.js';
import { invalidArgument } from './internal/errors.js';
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
  /**
   * What classifies:
   * - left out: the shipped model for `language` (Indonesian: the `sentiment-id` ensemble trained on
   *   SmSA, see `docs/pretrained-model.md`; English: VADER's lexicon);
   * - `'pretrained'`: the shipped Indonesian model, whatever `language` says;
   * - `'lexicon'`: the lexicon of `language` (Indonesian by default), no training;
   * - a saved model directory (from `ulasan train --out DIR` or `model.save(dir)`; write `./lexicon`
   *   for a directory of that name);
   * - a fitted classifier.
   */
  model?: string | TextClassifier;
  /** `'id'` (default) or `'en'`; picks the default model and the lexicon. */
  language?: 'id' | 'en';
  /** Compute backend for deep models (`cpu`, `wasm`, ..., `auto`); default `ULASAN_BACKEND` or auto. */
  backend?: string;
  /** Include every class's probability in each result. Default false. */
  allScores?: boolean;
  /** Texts per inference batch (and per chunk of an async iterable). Default 256. */
  batchSize?: number;
  /**
   * Threads that label the batches of a classic model loaded from a directory (the shipped model
   * included), each with its own copy of the model, started when a call has more than one batch.
   * Default: `ULASAN_THREADS`, else the cores (at most 4); 1 = this thread only. The predictions are
   * the same for any number. Deep models' kernels use the cores by themselves.
   */
  threads?: number;
}

/**
 * Classifies one text, an array, or an async iterable of texts. A string resolves to one
 * prediction, an array to one prediction per text; an async iterable (a file read line by line, a
 * stream) gives back an async iterable of predictions in input order, classified in chunks of
 * `batchSize` (a chunk is classified when it is full or the input ends).
 */
export type SentimentPipeline = {
  (text: string): Promise<SentimentPrediction>;
  (texts: readonly string[]): Promise<SentimentPrediction[]>;
  (texts: AsyncIterable<string>): AsyncIterableIterator<SentimentPrediction>;
  /** The underlying classifier (for `evaluate`, `classes`, `save`...). */
  readonly classifier: TextClassifier;
};

/**
 * Returns a function that classifies texts. With no options it uses the Indonesian sentiment model
 * shipped in the package (positive / neutral / negative; no download, no training); the model's own
 * preprocessing (cleaning, slang normalization, tokenizing...) is applied automatically.
 *
 * @example
 * ```ts
 * import { createSentimentPipeline } from 'ulasan';
 * const classify = await createSentimentPipeline();
 * await classify(['barangnya bagus banget']);
 * // [{ label: 'positive', score: 0.93 }]
 *
 * const english = await createSentimentPipeline({ language: 'en', allScores: true });
 * await english('The delivery was fast and the seller is friendly');
 *
 * const own = await createSentimentPipeline({ model: 'models/smsa-gru' });
 * for await (const p of own(readLines('reviews.txt'))) console.log(p.label);
 * ```
 */
export async function createSentimentPipeline(options: SentimentPipelineOptions = {}): Promise<SentimentPipeline> {
  if (!options || typeof options !== 'object') {
    throw invalidArgument('createSentimentPipeline takes an options object, e.g. { model: "models/smsa-gru" }.');
  }
  const model = options.model;
  if (model !== undefined && typeof model !== 'string' && typeof model?.predictProba !== 'function') {
    throw invalidArgument(
      'createSentimentPipeline: `model` must be a saved model directory, "pretrained", "lexicon" or a fitted text classifier.',
    );
  }
  const language = options.language ?? 'id';
  if (language !== 'id' && language !== 'en')
    throw invalidArgument(`createSentimentPipeline: language must be 'id' or 'en', got ${JSON.stringify(language)}.`);
  const batchSize = options.batchSize ?? 256;
  if (!(Number.isInteger(batchSize) && batchSize > 0))
    throw invalidArgument(`batchSize must be a positive integer, got ${batchSize}.`);
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1))
    throw invalidArgument(`threads must be a whole number ≥ 1, got ${options.threads}.`);
  const { classifier, dir } = await resolveClassifier(model, language, options.backend);
  const allScores = options.allScores === true;
  // A model saved in a directory can be loaded again by worker threads: its batches go to them.
  const parallel = dir === undefined ? undefined : await import('./text/models/parallel-predict.js');
  const parallelOptions = {
    chunkSize: batchSize,
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  };

  const classifyMany = async (texts: readonly string[]): Promise<SentimentPrediction[]> => {
    const out: SentimentPrediction[] = [];
    if (parallel && dir !== undefined && texts.length > batchSize) {
      for await (const p of parallel.predictTextStreamParallel(classifier, dir, texts, parallelOptions))
        out.push(toPrediction(p.probabilities, classifier.classes, allScores));
      return out;
    }
    for (let i = 0; i < texts.length; i += batchSize) {
      const proba = await classifier.predictProba(texts.slice(i, i + batchSize));
      for (const row of proba) out.push(toPrediction(row, classifier.classes, allScores));
    }
    return out;
  };
  async function* classifyStream(texts: AsyncIterable<string>): AsyncIterableIterator<SentimentPrediction> {
    if (parallel && dir !== undefined) {
      for await (const p of parallel.predictTextStreamParallel(classifier, dir, texts, parallelOptions))
        yield toPrediction(p.probabilities, classifier.classes, allScores);
      return;
    }
    let chunk: string[] = [];
    for await (const text of texts) {
      chunk.push(text);
      if (chunk.length >= batchSize) {
        yield* await classifyMany(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) yield* await classifyMany(chunk);
  }
  const pipeline = ((input: string | readonly string[] | AsyncIterable<string>) => {
    if (typeof input === 'string') return classifyMany([input]).then((r) => r[0]);
    if (Array.isArray(input)) return classifyMany(input);
    if (input && typeof (input as AsyncIterable<string>)[Symbol.asyncIterator] === 'function')
      return classifyStream(input as AsyncIterable<string>);
    return Promise.reject(
      invalidArgument('Pass a text, an array of texts or an async iterable of texts to the sentiment pipeline.'),
    );
  }) as SentimentPipeline;
  Object.defineProperty(pipeline, 'classifier', { value: classifier, enumerable: true });
  return pipeline;
}

/** The classifier, and the directory it was loaded from (for worker threads to load it too). */
async function resolveClassifier(
  model: string | TextClassifier | undefined,
  language: 'id' | 'en',
  backend: string | undefined,
): Promise<{ classifier: TextClassifier; dir?: string }> {
  if (typeof model === 'object') {
    if (backend !== undefined) await (await import('./backend/backends.js')).useBackend(backend);
    return { classifier: model };
  }
  if (model === 'lexicon' || (model === undefined && language === 'en')) {
    return { classifier: await untrainedLexicon(language) };
  }
  if (model === undefined || model === 'pretrained') {
    // The shipped model is classic + lexicon: no compute backend (and no TensorFlow.js) is loaded.
    const { loadPretrainedModel, pretrainedModelPath } = await import('./text/models/pretrained.js');
    return { classifier: await loadPretrainedModel('sentiment-id'), dir: pretrainedModelPath('sentiment-id') };
  }
  // A saved directory may hold a deep model, which needs a backend; selecting it here keeps the first call fast.
  const { useBackend, backendInfo } = await import('./backend/backends.js');
  if (backend !== undefined || backendInfo().active === null) await useBackend(backend);
  const { loadTextClassifier } = await import('./text/models/registry.js');
  return { classifier: await loadTextClassifier(model), dir: model };
}

/**
 * The lexicon classifier of a language, ready to predict with no training data: `fit` on one
 * placeholder text per class only records the label set (thresholds stay VADER's ±0.05).
 */
async function untrainedLexicon(language: 'id' | 'en'): Promise<TextClassifier> {
  const { LexiconSentimentAnalyzer } = await import('./text/lexicon/index.js');
  const lexicon = new LexiconSentimentAnalyzer({ language });
  const labels = ['negative', 'neutral', 'positive'];
  await lexicon.fit(labels, labels);
  return lexicon;
}

function toPrediction(row: readonly number[], classes: readonly Label[], allScores: boolean): SentimentPrediction {
  let best = 0;
  for (let k = 1; k < row.length; k++) if ((row[k] as number) > (row[best] as number)) best = k;
  const prediction: SentimentPrediction = { label: classes[best] as Label, score: row[best] as number };
  if (allScores) prediction.scores = Object.fromEntries(classes.map((c, k) => [String(c), row[k] as number]));
  return prediction;
}
