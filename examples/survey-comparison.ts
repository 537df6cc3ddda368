/**
 * Seed 002's survey, run end to end: every classifier × feature set on SmSA, the lexicon baseline
 * beside them, and the three multi-label transformations on CASA's aspect sentiments.
 *
 * Table 1 (SmSA valid): naive Bayes, logistic regression, linear SVM, random forest and gradient-
 * boosted trees, each on TF-IDF and on bag-of-words counts (unigrams + bigrams), with and without
 * chi-square selection of the top-k features; plus the VADER-style lexicon analyzer (no training).
 * Models train on SmSA train only; gradient boosting early-stops on a 10% slice of train, so the
 * valid file is never seen before scoring.
 *
 * Table 2 (CASA valid): Binary Relevance, Classifier Chains and Label Powerset over naive Bayes,
 * logistic regression and SVM; micro/macro/samples F1 over the aspect-sentiment pairs a review
 * expresses (`neutral` = aspect not mentioned), Hamming loss and subset accuracy.
 *
 * Run:  npx tsx examples/survey-comparison.ts [--quick] [--seed 42] [--models nb,logreg,svm,random-forest,gbdt]
 * `--quick` trains on a 3,000-review stratified sample of SmSA with smaller ensembles (~1–2 min).
 */
import { parseArgs } from 'node:util';
import { trainTestSplit } from 'ulasan/experiments';
import {
  BinaryRelevance,
  ClassifierChain,
  createTextClassifier,
  type FeatureOptions,
  LabelPowerset,
  LexiconSentimentAnalyzer,
  type MultiLabelTextClassifier,
  readDataset,
  type TextClassifier,
  WhitespacePipeline,
} from 'ulasan/text';
import { dataPath, printTable } from './shared.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seed: { type: 'string', default: '42' },
    models: { type: 'string' },
  },
});
const quick = values.quick === true;
const seed = Number(values.seed);
const log = (msg: string) => process.stderr.write(`${msg}\n`);

// SmSA is already lower-cased and tokenized by spaces.
const pipeline = new WhitespacePipeline();
const smsaTrainFull = await readDataset(dataPath('smsa/train_preprocess.tsv'));
const smsaValid = await readDataset(dataPath('smsa/valid_preprocess.tsv'));
let smsaTrain = { texts: smsaTrainFull.texts, labels: smsaTrainFull.labels };
if (quick) {
  const { train } = trainTestSplit(smsaTrainFull.labels, { trainSize: 3000, stratify: true, seed });
  smsaTrain = { texts: train.map((i) => smsaTrainFull.texts[i]!), labels: train.map((i) => smsaTrainFull.labels[i]!) };
}
log(`SmSA: ${smsaTrain.texts.length} train, ${smsaValid.texts.length} valid${quick ? ' (quick)' : ''}`);

const k = quick ? 2000 : 5000;
const featureSets: { name: string; features: FeatureOptions; select: boolean }[] = [
  { name: 'TF-IDF', features: { kind: 'tfidf', ngramRange: [1, 2], sublinearTf: true, minDf: 2 }, select: false },
  {
    name: `TF-IDF + chi2 top ${k}`,
    features: { kind: 'tfidf', ngramRange: [1, 2], sublinearTf: true, minDf: 2 },
    select: true,
  },
  { name: 'BoW', features: { kind: 'count', ngramRange: [1, 2], minDf: 2 }, select: false },
  { name: `BoW + chi2 top ${k}`, features: { kind: 'count', ngramRange: [1, 2], minDf: 2 }, select: true },
];
const models: { name: string; options: Record<string, unknown> }[] = [
  { name: 'naive Bayes', options: { model: 'nb' } },
  { name: 'logistic regression', options: { model: 'logreg' } },
  { name: 'linear SVM', options: { model: 'svm' } },
  { name: 'random forest', options: { model: 'random-forest', nEstimators: quick ? 20 : 50 } },
  {
    name: 'gradient boosting',
    options: {
      model: 'gbdt',
      nEstimators: quick ? 40 : 150,
      learningRate: quick ? 0.3 : 0.2,
      numLeaves: 31,
      earlyStoppingRounds: quick ? 20 : 10,
    },
  },
];

// --models nb,gbdt runs a subset of the SmSA rows (the lexicon and CASA tables always run).
const only = typeof values.models === 'string' ? new Set(values.models.split(',')) : undefined;
const smsaRows: (string | number)[][] = [];
for (const m of models.filter((x) => !only || only.has(String(x.options.model)))) {
  for (const f of featureSets) {
    const model: TextClassifier = await createTextClassifier({
      ...m.options,
      model: String(m.options.model),
      pipeline,
      seed,
      features: f.features,
      ...(f.select ? { featureSelection: { method: 'chi2', k } } : {}),
    });
    const t0 = performance.now();
    await model.fit(smsaTrain.texts, smsaTrain.labels);
    const seconds = (performance.now() - t0) / 1000;
    const r = await model.evaluate(smsaValid.texts, smsaValid.labels);
    log(
      `${m.name} / ${f.name}: accuracy ${r.accuracy.toFixed(4)}, macro-F1 ${r.macroF1.toFixed(4)} (${seconds.toFixed(1)} s)`,
    );
    smsaRows.push([m.name, f.name, r.accuracy, r.macroF1, seconds.toFixed(1)]);
  }
}
{
  const lexicon = new LexiconSentimentAnalyzer({ language: 'id' });
  const t0 = performance.now();
  await lexicon.fit(smsaTrain.texts, smsaTrain.labels); // records the label set only
  const r = await lexicon.evaluate(smsaValid.texts, smsaValid.labels);
  const seconds = (performance.now() - t0) / 1000;
  smsaRows.push([
    'lexicon (VADER-style, no training)',
    'ulasan Indonesian lexicon',
    r.accuracy,
    r.macroF1,
    seconds.toFixed(1),
  ]);
}
console.log(`\n### SmSA valid (${smsaValid.texts.length} reviews), trained on ${smsaTrain.texts.length}\n`);
printTable(['classifier', 'features', 'accuracy', 'macro-F1', 'fit s'], smsaRows);

// CASA: six aspects, each positive / neutral / negative.
const ASPECTS = ['fuel', 'machine', 'others', 'part', 'price', 'service'];
const casaTrain = await readDataset(dataPath('casa/train_preprocess.csv'), { labelColumn: ASPECTS });
const casaValid = await readDataset(dataPath('casa/valid_preprocess.csv'), { labelColumn: ASPECTS });
const bases = quick ? ['logreg', 'svm'] : ['nb', 'logreg', 'svm'];
const casaRows: (string | number)[][] = [];
for (const base of bases) {
  const transforms: [string, MultiLabelTextClassifier][] = [
    ['Binary Relevance', new BinaryRelevance({ base: { model: base, seed }, outputs: ASPECTS })],
    ['Classifier Chain', new ClassifierChain({ base: { model: base, seed }, outputs: ASPECTS, seed })],
    ['Label Powerset', new LabelPowerset({ base: { model: base, seed }, outputs: ASPECTS })],
  ];
  for (const [name, model] of transforms) {
    await model.fit(casaTrain.texts, casaTrain.labels);
    const r = await model.evaluate(casaValid.texts, casaValid.labels, { absent: 'neutral' });
    casaRows.push([name, base, r.micro.f1, r.macro.f1, r.samples.f1, r.hammingLoss, r.subsetAccuracy]);
  }
}
console.log(`\n### CASA valid (${casaValid.texts.length} reviews, 6 aspects), trained on ${casaTrain.texts.length}\n`);
printTable(
  ['transformation', 'base', 'micro-F1', 'macro-F1', 'samples-F1', 'Hamming loss', 'subset accuracy'],
  casaRows,
);
