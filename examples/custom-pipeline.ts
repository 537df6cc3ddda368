/**
 * Building a custom sentiment pipeline from the pieces.
 *
 * `createSentimentPipeline` is the one-call path; this script shows what it is made of, so you can
 * swap any piece:
 *   1. preprocessing steps called one by one (clean → case fold → tokenize → slang → stopwords),
 *      then the same steps composed into a serializable `TextPipeline` with your own slang entries;
 *   2. the vocabulary and TF-IDF features those tokens become (what a classic model sees);
 *   3. a classic model (TF-IDF + logistic regression) trained with that pipeline, compared with the
 *      built-in presets on SmSA's validation file;
 *   4. a metrics report (scikit-learn's classification report, confusion matrix and its SVG figure);
 *   5. saving the model, loading it back, and serving it with `createSentimentPipeline`.
 *
 * Run:  npx tsx examples/custom-pipeline.ts [--quick] [--out DIR]
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSentimentPipeline } from 'ulasan';
import { trainTestSplit } from 'ulasan/experiments';
import { classificationReport, confusionMatrix, confusionMatrixSvg } from 'ulasan/metrics';
import {
  caseFold,
  cleanText,
  createPipeline,
  createSlangLexicon,
  type Label,
  LogisticRegressionClassifier,
  loadTextClassifier,
  normalizeSlang,
  PIPELINE_PRESETS,
  type PipelineConfig,
  padSequences,
  readDataset,
  removeStopwords,
  stopwords,
  TfidfVectorizer,
  tokenize,
  Vocabulary,
} from 'ulasan/text';
import { dataPath, printTable } from './shared.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    seed: { type: 'string', default: '42' },
  },
});
const seed = Number(values.seed);
const out = values.out ?? (await mkdtemp(join(tmpdir(), 'ulasan-custom-')));
await mkdir(out, { recursive: true });

// --- 1. Preprocessing, step by step -------------------------------------------------------------
const review = 'Aplikasinya gak bisa dibuka dr kemarin!!! 😡 udh update tetep error, tolong @dana_id https://t.co/x';
const lexicon = createSlangLexicon({ entries: { tetep: 'tetap', dr: 'dari' } }); // built-in map + your entries
const cleaned = cleanText(review); // URLs, @mentions, emoji → words, elongation...
const folded = caseFold(cleaned);
const tokens = tokenize(folded);
const normalized = normalizeSlang(tokens, lexicon); // gak → tidak, udh → sudah
const kept = removeStopwords(normalized, stopwords('id')); // sentiment-safe: keeps "tidak", "bisa"
console.error('Step by step:');
for (const [name, value] of Object.entries({ cleaned, folded, tokens, normalized, kept })) {
  console.error(`  ${name.padEnd(10)} ${Array.isArray(value) ? JSON.stringify(value) : value}`);
}

// The same steps as one pipeline. Its config is plain JSON and is saved inside every model, so the
// model always preprocesses new text exactly as it did its training text.
const customConfig: PipelineConfig = {
  language: 'id',
  steps: [
    { step: 'clean' },
    { step: 'caseFold' },
    { step: 'tokenize' },
    { step: 'normalizeSlang', builtin: true, entries: { tetep: 'tetap', dr: 'dari' }, interjections: 'remove' },
    { step: 'removeStopwords', profile: 'sentiment-safe' },
  ],
};
const custom = createPipeline(customConfig);
console.error(`  pipeline  ${JSON.stringify(custom.process(review))}`);

// --- 2. Vocabulary and TF-IDF features -----------------------------------------------------------
const train = await readDataset(dataPath('smsa/train_preprocess.tsv'));
const valid = await readDataset(dataPath('smsa/valid_preprocess.tsv'));
let trainTexts = train.texts;
let trainLabels: Label[] = train.labels;
if (values.quick) {
  const sample = trainTestSplit(trainLabels, { testSize: 2500, stratify: true, seed }).test; // stratified sample
  trainTexts = sample.map((i) => train.texts[i] as string);
  trainLabels = sample.map((i) => train.labels[i] as Label);
}
const trainTokens = custom.transform(trainTexts);
// The id vocabulary a deep model would use (padding id 0, unknown id 1), and Keras-style padding.
const vocabulary = Vocabulary.build(trainTokens, { minCount: 2 });
const ids = padSequences([vocabulary.encode(custom.process(review))], { maxLen: 12 });
console.error(`\nVocabulary: ${vocabulary.size} tokens (minCount 2); the review as ids: ${JSON.stringify(ids[0])}`);
// TF-IDF on unigrams and bigrams: the features the classic model sees.
const tfidf = new TfidfVectorizer({ ngramRange: [1, 2], sublinearTf: true, minDf: 2 });
tfidf.fit(trainTokens);
const row = tfidf.transform([custom.process(review)]).row(0);
const names = tfidf.featureNames();
const top = [...row.indices]
  .map((j, n) => [names[j], row.data[n] as number] as const)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 5);
console.error(
  `TF-IDF: ${tfidf.size} features; heaviest in the review: ${top.map(([t, w]) => `${t} ${w.toFixed(2)}`).join(', ')}`,
);

// --- 3. A classic model per pipeline, scored on SmSA valid --------------------------------------
const pipelines: [string, ReturnType<typeof createPipeline>][] = [
  ['custom (above)', custom],
  ['preset sentiment (default)', createPipeline(PIPELINE_PRESETS.sentiment)],
  ['preset stemNoStopwords (full stopwords, stemming)', createPipeline(PIPELINE_PRESETS.stemNoStopwords)],
];
const table: (string | number)[][] = [];
let customModel: LogisticRegressionClassifier | undefined;
for (const [name, pipeline] of pipelines) {
  const t0 = performance.now();
  const model = new LogisticRegressionClassifier({
    pipeline,
    features: { kind: 'tfidf', ngramRange: [1, 2], sublinearTf: true },
    C: 10,
    seed,
  });
  await model.fit(trainTexts, trainLabels);
  const scores = await model.evaluate(valid.texts, valid.labels);
  table.push([name, scores.accuracy, scores.macroF1, scores.weightedF1, ((performance.now() - t0) / 1000).toFixed(1)]);
  customModel ??= model;
}
printTable(['pipeline (TF-IDF + logistic regression)', 'valid accuracy', 'macro-F1', 'weighted-F1', 'seconds'], table);

// --- 4. The metrics report -----------------------------------------------------------------------
const model = customModel as LogisticRegressionClassifier;
const predicted = await model.predict(valid.texts);
console.log(`\n${classificationReport(valid.labels, predicted, { digits: 4 })}`);
const cm = confusionMatrix(valid.labels, predicted, { labels: model.classes });
await writeFile(
  join(out, 'confusion-matrix.svg'),
  confusionMatrixSvg(cm, { title: 'TF-IDF + logistic regression, custom pipeline, SmSA valid' }),
);

// --- 5. Save, load, serve -------------------------------------------------------------------------
const dir = join(out, 'model');
await model.save(dir);
const loaded = await loadTextClassifier(dir);
const same = (await loaded.predict(valid.texts)).every((label, i) => label === predicted[i]);
console.error(`\nSaved to ${dir}; reloaded model agrees on every validation review: ${same}`);
if (!same) throw new Error('The reloaded model predicts differently from the saved one.');

const classify = await createSentimentPipeline({ model: dir, allScores: true });
const sentences = [
  'pengirimannya cepat, barang bagus',
  'aplikasinya gak bisa dibuka, kecewa bgt',
  'harganya segitu, ya biasa aja',
];
const results = await classify(sentences);
printTable(
  ['sentence', 'label', 'score'],
  results.map((r, i) => [sentences[i] as string, String(r.label), r.score]),
);
if (values.quick && !values.out)
  await rm(out, { recursive: true, force: true }); // quick runs (CI) leave nothing behind
else console.error(`Files in ${out}: model/, confusion-matrix.svg`);
