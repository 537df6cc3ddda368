/**
 * Seed 003 — semi-supervised labeling on SmSA positive/negative reviews.
 *
 * The study labels part of a review corpus, trains a model and lets it pseudo-label the rest. Here:
 * 20% of SmSA train is "labeled", the other 80% is a pool whose labels are HIDDEN from training and
 * used only to score the pseudo-labels. Three rows, side by side, selected and scored on `valid`:
 *   1. supervised on the 20% only (the floor),
 *   2. self-training from the 20% (pseudo-labels added until the pool is exhausted),
 *   3. supervised on 100% of train (the ceiling).
 *
 * Deep models (`--model gru|lstm|bilstm|cnn-lstm`) get the seed's other half too: Word2Vec vectors
 * trained on the text of the labeled part AND the pool (unlabeled text is available to everyone;
 * only its labels are hidden), used by all three rows alike. Those vectors are what lets
 * self-training pay: they place words never seen with a label near words that were, so the
 * model's confident pseudo-labels carry that knowledge into the classifier (see docs/ssl.md).
 *
 * Run:  npx tsx examples/seed-003-ssl.ts [--quick] [--model logreg|nb|svm|gru|lstm] [--threshold 0.9]
 *       [--top-k N] [--max-iterations N] [--embeddings cbow|skipgram|none] [--w2v-epochs N]
 */
import { parseArgs } from 'node:util';
import { trainTestSplit } from 'ulasan/experiments';
import { selfTrain } from 'ulasan/ssl';
import {
  createPipeline,
  createTextClassifier,
  type Label,
  PIPELINE_PRESETS,
  readDataset,
  trainWord2Vec,
  WORD2VEC_PRESETS,
} from 'ulasan/text';
import { dataPath, printTable } from './shared.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    model: { type: 'string', default: 'logreg' },
    threshold: { type: 'string', default: '0.9' },
    'top-k': { type: 'string' },
    'max-iterations': { type: 'string', default: '30' },
    seed: { type: 'string', default: '42' },
    embeddings: { type: 'string', default: 'cbow' },
    'w2v-epochs': { type: 'string' },
  },
});
const seed = Number(values.seed);
const deep = ['gru', 'lstm', 'bilstm', 'cnn-lstm'].includes(values.model);
const modelOptions: { model: string; [option: string]: unknown } = {
  model: values.model,
  seed,
  classWeight: 'balanced',
  ...(deep ? { epochs: values.quick ? 2 : 4, maxLen: 50 } : values.model === 'nb' ? {} : { C: 10 }),
};
if (!['cbow', 'skipgram', 'none'].includes(values.embeddings)) {
  throw new Error(`--embeddings must be cbow, skipgram or none, got "${values.embeddings}".`);
}

// Positive/negative reviews only, as in the seed (its ratings 1–2 / 4–5).
const binary = (l: Label) => l === 'positive' || l === 'negative';
const train = await readDataset(dataPath('smsa/train_preprocess.tsv'));
const valid = await readDataset(dataPath('smsa/valid_preprocess.tsv'));
let trainIdx = train.labels.map((_, i) => i).filter((i) => binary(train.labels[i]!));
if (values.quick) trainIdx = trainIdx.slice(0, 1500);
const texts = trainIdx.map((i) => train.texts[i]!);
const labels = trainIdx.map((i) => train.labels[i]!);
const validIdx = valid.labels.map((_, i) => i).filter((i) => binary(valid.labels[i]!));
const validation = { inputs: validIdx.map((i) => valid.texts[i]!), labels: validIdx.map((i) => valid.labels[i]!) };

// 20% labeled, 80% pool — stratified and seeded.
const { train: labeledIdx, test: poolIdx } = trainTestSplit(labels, { testSize: 0.8, stratify: true, seed });
const labeled = { inputs: labeledIdx.map((i) => texts[i]!), labels: labeledIdx.map((i) => labels[i]!) };
const pool = { inputs: poolIdx.map((i) => texts[i]!), labels: poolIdx.map((i) => labels[i]!) };
console.error(
  `SmSA pos/neg: ${labeled.inputs.length} labeled, ${pool.inputs.length} pool, ${validation.inputs.length} valid; model ${values.model}`,
);

if (deep && values.embeddings !== 'none') {
  // Seed 003: CBOW, 100 dimensions, window 5, min count 1, 120 epochs (20 by default here to keep the
  // run short; `--w2v-epochs 120` for the seed's). Trained on labeled + pool TEXT, never on valid.
  const sg = values.embeddings === 'skipgram' ? 1 : 0;
  const epochs = values['w2v-epochs'] ? Number(values['w2v-epochs']) : values.quick ? 3 : 20;
  const pipeline = createPipeline(PIPELINE_PRESETS.sentiment); // the deep models' default pipeline
  const started = Date.now();
  modelOptions.embeddings = await trainWord2Vec(pipeline.transform(texts), {
    ...WORD2VEC_PRESETS.seed003,
    vectorSize: values.quick ? 50 : 100,
    sg,
    epochs,
    threads: 1,
    seed,
  });
  console.error(
    `Word2Vec (${sg ? 'skip-gram' : 'CBOW'}, ${epochs} epochs) on ${texts.length} texts: ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}

const score = async (model: Awaited<ReturnType<typeof createTextClassifier>>) =>
  model.evaluate(validation.inputs, validation.labels);

const floor = await createTextClassifier(modelOptions);
// Every model sees `validation` the same way (deep models early-stop on it), so the three rows compare fairly.
await floor.fit(labeled.inputs, labeled.labels, { validation });
const floorScores = await score(floor);

const ssl = await selfTrain({
  classifier: await createTextClassifier(modelOptions),
  labeled,
  unlabeled: pool,
  validation,
  threshold: Number(values.threshold),
  balance: true, // 'cap': every iteration keeps the labeled prior (see docs/ssl.md)
  termination: 'exhaust', // until the pool is empty; the last allowed iteration labels what is left
  topK: values['top-k'] ? Number(values['top-k']) : undefined,
  maxIterations: Number(values['max-iterations']),
  onIteration: (e) =>
    console.error(
      `  iteration ${e.iteration}: threshold ${e.threshold.toFixed(3)}, +${e.selected} ${JSON.stringify(e.labelDistribution)} (pool ${e.poolAfter}), ` +
        `labeling acc ${e.labeling?.cumulativeAccuracy?.toFixed(4) ?? '-'}, valid macro-F1 ${e.validation?.macroF1.toFixed(4) ?? '-'}` +
        (e.note ? ` — ${e.note}` : ''),
    ),
});

const ceiling = await createTextClassifier(modelOptions);
await ceiling.fit(texts, labels, { validation });
const ceilingScores = await score(ceiling);

printTable(
  ['setting', 'training labels', 'pseudo-label accuracy', 'valid accuracy', 'valid macro-F1'],
  [
    ['supervised, 20% labeled', String(labeled.inputs.length), '-', floorScores.accuracy, floorScores.macroF1],
    [
      `self-training (${ssl.stoppedBecause}, ${ssl.log.length} it.)`,
      `${labeled.inputs.length} + ${ssl.usedPseudoLabels} pseudo`,
      ssl.labelingAccuracy ?? Number.NaN,
      ssl.validation!.accuracy,
      ssl.validation!.macroF1,
    ],
    ['supervised, 100% labeled (ceiling)', String(texts.length), '-', ceilingScores.accuracy, ceilingScores.macroF1],
  ],
);
console.error(`Stopped: ${ssl.stoppedBecause} (${ssl.stopDetail})`);
console.log('');
printTable(
  ['pseudo-labels assigned as', 'count', 'labeling accuracy (hidden labels)'],
  Object.entries(ssl.labelingByClass ?? {}).map(([label, c]) => [label, String(c.assigned), c.accuracy ?? Number.NaN]),
);
