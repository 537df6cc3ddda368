/**
 * Seed 002 — classic baselines with 10-fold stratified cross-validation, against a deep model.
 *
 * Seed 002 surveys sentiment-analysis methods: features (Bag of Words, TF-IDF, Word2Vec) ×
 * classifiers (naive Bayes, logistic regression, SVM, LSTM/GRU...), evaluated with k-fold
 * cross-validation (10-fold recommended) on accuracy, precision, recall and F1. Its survey table
 * shows TF-IDF + SVM often matching deep models on small data. This script builds that table on
 * SmSA (positive / neutral / negative): every row is cross-validated on the same stratified folds
 * (mean ± std over folds), then refitted on the whole training file and scored once on SmSA's
 * validation file, which no fold ever saw.
 *
 * Run:  npx tsx examples/seed-002-baselines.ts [--quick] [--folds 10] [--rows N] [--epochs 3] [--no-deep]
 *
 * The same classic comparison as a resumable scenario grid (with results files and figures):
 *   ulasan grid --config examples/configs/seed-002-baselines-cv.yaml [--quick]
 */
import { parseArgs } from 'node:util';
import { stratifiedKFold, trainTestSplit } from 'ulasan/experiments';
import { accuracyScore, precisionRecallFscoreSupport } from 'ulasan/metrics';
import {
  createPipeline,
  createTextClassifier,
  dropDuplicates,
  GruClassifier,
  type Label,
  readDataset,
  type TextClassifier,
  trainWord2Vec,
} from 'ulasan/text';
import { dataPath, printTable } from './shared.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    folds: { type: 'string' },
    rows: { type: 'string' },
    epochs: { type: 'string' },
    'no-deep': { type: 'boolean', default: false },
    seed: { type: 'string', default: '42' },
  },
});
const quick = values.quick;
const seed = Number(values.seed);
const k = Number(values.folds ?? (quick ? 3 : 10));
const epochs = Number(values.epochs ?? (quick ? 2 : 3));
const started = performance.now();

// --- Data: SmSA train for cross-validation, SmSA valid as the untouched test set ---------------
const smsa = await readDataset(dataPath('smsa/train_preprocess.tsv'));
const unique = dropDuplicates(smsa.texts); // SmSA repeats some reviews; a repeat across folds would leak
let texts = unique.texts;
let labels = unique.kept.map((i) => smsa.labels[i] as Label);
const rows = values.rows ? Number(values.rows) : quick ? 1200 : undefined;
if (rows !== undefined && rows < texts.length) {
  const sample = trainTestSplit(labels, { testSize: rows, stratify: true, seed }).test; // stratified sample
  texts = sample.map((i) => texts[i] as string);
  labels = sample.map((i) => labels[i] as Label);
}
const valid = await readDataset(dataPath('smsa/valid_preprocess.tsv'));
console.error(
  `SmSA: ${texts.length} training reviews, ${k}-fold stratified CV; ${valid.texts.length} held-out reviews`,
);

// --- The models: the survey's feature × classifier pairs, plus Word2Vec + GRU --------------------
const pipeline = createPipeline(); // the sentiment-safe default (negators kept), shared by every row
const tfidf = { kind: 'tfidf', ngramRange: [1, 2], sublinearTf: true, norm: 'l2' } as const;
const bow = { kind: 'count', ngramRange: [1, 2] } as const;

interface Row {
  features: string;
  model: string;
  make: (trainTexts: string[]) => Promise<TextClassifier>;
}
const rowsToRun: Row[] = [
  { features: 'BoW', model: 'naive Bayes', make: () => createTextClassifier({ model: 'nb', pipeline, features: bow }) },
  {
    features: 'TF-IDF',
    model: 'naive Bayes',
    make: () => createTextClassifier({ model: 'nb', pipeline, features: tfidf }),
  },
  {
    features: 'BoW',
    model: 'logistic regression',
    make: () => createTextClassifier({ model: 'logreg', pipeline, features: bow, C: 1 }),
  },
  {
    features: 'TF-IDF',
    model: 'logistic regression',
    make: () => createTextClassifier({ model: 'logreg', pipeline, features: tfidf, C: 10 }),
  },
  {
    features: 'TF-IDF',
    model: 'linear SVM',
    make: () => createTextClassifier({ model: 'svm', pipeline, features: tfidf, C: 1 }),
  },
];
if (!values['no-deep']) {
  rowsToRun.push({
    features: 'Word2Vec (CBOW)',
    model: 'GRU',
    make: async (trainTexts) => {
      // Word2Vec is trained per fold on that fold's training reviews only.
      const vectors = await trainWord2Vec(pipeline.transform(trainTexts), {
        vectorSize: quick ? 32 : 100,
        window: 5,
        minCount: 1,
        sg: 0,
        epochs: quick ? 3 : 10,
        threads: 1,
        seed,
      });
      return new GruClassifier({
        pipeline,
        embeddings: vectors,
        units: quick ? 16 : 64,
        maxLen: 40,
        epochs,
        batchSize: 64,
        learningRate: 0.002,
        l2: 0.001,
        earlyStopping: false,
        seed,
      });
    },
  });
}

// --- Cross-validation ---------------------------------------------------------------------------
interface Scores {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
}
async function score(model: TextClassifier, xs: string[], ys: Label[]): Promise<Scores> {
  const predicted = await model.predict(xs);
  const macro = precisionRecallFscoreSupport(ys, predicted, { average: 'macro', zeroDivision: 0 });
  return { accuracy: accuracyScore(ys, predicted), precision: macro.precision, recall: macro.recall, f1: macro.fscore };
}
// Mean ± standard deviation over folds (population std, like numpy's default in cross_val_score reports).
function meanStd(xs: number[]): string {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  return `${mean.toFixed(4)} ± ${std.toFixed(4)}`;
}

const folds = stratifiedKFold(labels, { k, shuffle: true, seed }); // the same folds for every row
const table: (string | number)[][] = [];
for (const row of rowsToRun) {
  const t0 = performance.now();
  const perFold: Scores[] = [];
  for (const [f, fold] of folds.entries()) {
    const trainTexts = fold.train.map((i) => texts[i] as string);
    const model = await row.make(trainTexts);
    await model.fit(
      trainTexts,
      fold.train.map((i) => labels[i] as Label),
    );
    perFold.push(
      await score(
        model,
        fold.test.map((i) => texts[i] as string),
        fold.test.map((i) => labels[i] as Label),
      ),
    );
    console.error(`  ${row.features} + ${row.model}: fold ${f + 1}/${k} macro-F1 ${perFold.at(-1)?.f1.toFixed(4)}`);
  }
  // Refit on all training reviews, score once on the held-out file.
  const final = await row.make(texts);
  await final.fit(texts, labels);
  const held = await score(final, valid.texts, valid.labels);
  const seconds = (performance.now() - t0) / 1000;
  console.error(`${row.features} + ${row.model}: ${seconds.toFixed(1)} s`);
  table.push([
    row.features,
    row.model,
    meanStd(perFold.map((s) => s.accuracy)),
    meanStd(perFold.map((s) => s.precision)),
    meanStd(perFold.map((s) => s.recall)),
    meanStd(perFold.map((s) => s.f1)),
    held.accuracy,
    held.f1,
    seconds.toFixed(0),
  ]);
}

printTable(
  [
    'features',
    'classifier',
    `CV accuracy (${k}-fold)`,
    'CV macro precision',
    'CV macro recall',
    'CV macro-F1',
    'valid accuracy',
    'valid macro-F1',
    'seconds (CV + refit)',
  ],
  table,
);
console.error(
  `\n${texts.length} reviews, ${k} folds, GRU ${epochs} epoch(s); ${((performance.now() - started) / 1000).toFixed(0)} s in all.`,
);
