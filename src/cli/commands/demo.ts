/**
 * `ulasan demo`: the main job end to end on the embedded SmSA reviews. Default sentiment-safe
 * preprocessing → Word2Vec CBOW on the available Indonesian text → a GRU classifier initialised
 * from it → evaluation on the validation split (report, confusion-matrix heatmap, training curves)
 * beside a TF-IDF logistic-regression baseline and the ensemble recipe of the shipped model (word +
 * char n-gram logistic regressions + lexicon, alone and with the GRU as a fourth member) → three
 * predictions on new sentences.
 *
 * Every stage caches its result in the output folder keyed by a hash of its inputs, so a second
 * run reuses what it already computed (and an interrupted GRU run resumes from its checkpoint).
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic, writeJsonAtomic } from '../../internal/atomic-fs.js';
import { UlasanError } from '../../internal/errors.js';
import { stableHash } from '../../internal/hash.js';
import type { ProgressEvent } from '../../internal/progress.js';
import { type Command, UsageError } from '../command.js';
import { createProgressBar, trainingProgress } from '../progress-bar.js';

/** Settings of the two demo profiles. */
const PROFILES = {
  // Seed 003's Word2Vec (CBOW, 100-d, window 5, min count 1, 120 epochs); a GRU that trains in minutes on 2 cores.
  full: { word2vecEpochs: 120, gruEpochs: 8, trainLimit: undefined as number | undefined },
  quick: { word2vecEpochs: 15, gruEpochs: 2, trainLimit: 3000 as number | undefined },
} as const;

const NEW_SENTENCES = [
  'pengiriman nya cepat , barang nya bagus dan sesuai pesanan',
  'aplikasi nya gak jelas , susah amat dibuka , nyesel download',
  'besok rapat warga dimulai jam 9 pagi di balai desa',
];

/** `ulasan demo`. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'Run the main job on the embedded SmSA reviews: Word2Vec → GRU → evaluation, with figures',
  help: `Usage: ulasan demo [--quick] [--out DIR] [--data-dir DIR] [--backend NAME] [--fresh]

Runs the whole pipeline on the Indonesian SmSA reviews embedded in the repository:
  1. default sentiment-safe preprocessing (slang normalized, negators kept)
  2. Word2Vec CBOW (seed 003 settings) on SmSA train + EmoT text
  3. a GRU classifier initialised from those vectors, with class weights and early stopping
  4. evaluation on SmSA valid beside a TF-IDF logistic-regression baseline and the ensemble
     recipe (word + char n-gram logistic regressions + Indonesian lexicon; and the same with the
     GRU as a fourth member, the deep + sparse + lexicon ensemble)
  5. three predictions on new sentences
Outputs (report.txt, metrics.json, confusion-matrix.svg/png, training-curves.svg/png, the saved
models and vectors) go to DIR (default ./demo-output). A second run reuses finished stages.

Options:
  --quick          a smaller profile (3,000 training reviews, 15 Word2Vec epochs, 2 GRU epochs)
  --out DIR        output folder (default demo-output)
  --data-dir DIR   folder holding smsa/ and emot/ (default: the repository's data/ folder)
  --backend NAME   compute backend (default auto)
  --fresh          ignore cached stages and recompute everything`,
  options: {
    quick: { type: 'boolean' },
    out: { type: 'string' },
    'data-dir': { type: 'string' },
    backend: { type: 'string' },
    fresh: { type: 'boolean' },
  },
  async run(ctx) {
    const profileName = ctx.values.quick ? 'quick' : 'full';
    const profile = PROFILES[profileName];
    const out = resolve(typeof ctx.values.out === 'string' ? ctx.values.out : 'demo-output');
    const dataDir = locateData(ctx.values['data-dir']);
    const fresh = ctx.values.fresh === true;
    const started = Date.now();
    const step = (n: number, text: string) => ctx.log(`\n[${n}/5] ${text}`);

    const { useBackend } = await import('../../backend/backends.js');
    const backend = await useBackend(typeof ctx.values.backend === 'string' ? ctx.values.backend : undefined);
    ctx.log(`ulasan demo (${profileName} profile) on ${backend.active}; outputs in ${out}`);

    // 1. Data and preprocessing.
    step(1, 'Reading SmSA and preprocessing with the default sentiment-safe pipeline');
    const { readDataset } = await import('../../data/index.js');
    const { createPipeline, PIPELINE_PRESETS } = await import('../../text/preprocess/index.js');
    const train = await readDataset(join(dataDir, 'smsa/train_preprocess.tsv'), { format: 'smsa' });
    const valid = await readDataset(join(dataDir, 'smsa/valid_preprocess.tsv'), { format: 'smsa' });
    const emotPath = join(dataDir, 'emot/train_preprocess.csv');
    const emot = existsSync(emotPath) ? await readDataset(emotPath, { format: 'emot' }) : undefined;
    const trainTexts = profile.trainLimit ? train.texts.slice(0, profile.trainLimit) : train.texts;
    const trainLabels = profile.trainLimit ? train.labels.slice(0, profile.trainLimit) : train.labels;
    const pipeline = createPipeline(PIPELINE_PRESETS.sentiment);
    ctx.log(
      `  SmSA train ${trainTexts.length}, valid ${valid.texts.length}; extra Word2Vec text: EmoT ${emot?.texts.length ?? 0}`,
    );
    ctx.log(`  example: "${train.texts[2]}" → [${pipeline.process(train.texts[2]!).join(', ')}]`);

    // 2. Word2Vec CBOW on all available Indonesian training text (never the validation reviews).
    step(2, `Word2Vec CBOW, 100-d, window 5, min count 1, ${profile.word2vecEpochs} epochs`);
    const { trainWord2Vec, WordVectors, WORD2VEC_PRESETS } = await import('../../text/word2vec/index.js');
    const corpus = [...trainTexts, ...(emot?.texts ?? [])].map((t) => pipeline.process(t)).filter((t) => t.length > 0);
    const w2vOptions = { ...WORD2VEC_PRESETS.cbow100, epochs: profile.word2vecEpochs, seed: 1 };
    const w2vKey = stableHash({ w2vOptions, corpus: stableHash(corpus.map((s) => s.join(' ')).join('\n')) });
    const vectorsPath = join(out, 'word2vec.bin');
    let vectors: InstanceType<typeof WordVectors>;
    if (!fresh && (await cacheMatches(out, 'word2vec', w2vKey)) && existsSync(vectorsPath)) {
      vectors = await WordVectors.load(vectorsPath, { binary: true });
      ctx.log(`  reused ${vectorsPath} (${vectors.size} words)`);
    } else {
      const bar = createProgressBar(ctx.interactive);
      vectors = await trainWord2Vec(corpus, w2vOptions, {
        signal: ctx.signal,
        onProgress: (e: ProgressEvent) => bar.update({ ...e, task: 'word2vec' }),
      });
      bar.done();
      await vectors.save(vectorsPath, { binary: true });
      await markCache(out, 'word2vec', w2vKey);
      ctx.log(
        `  ${vectors.size} words; e.g. nearest to "enak": ${vectors
          .mostSimilar('enak', undefined, 5)
          .map((s) => s.word)
          .join(', ')}`,
      );
    }

    // 3. GRU classifier initialised from the vectors.
    step(
      3,
      `GRU(64) ×2 with Word2Vec embeddings, class weights, ${profile.gruEpochs} epochs max, early stopping on valid`,
    );
    const { createTextClassifier, loadTextClassifier } = await import('../../text/models/registry.js');
    const gruOptions = {
      model: 'gru',
      embeddings: vectors,
      trainableEmbeddings: true,
      units: 64,
      maxLen: 50,
      epochs: profile.gruEpochs,
      batchSize: 64,
      learningRate: 0.002,
      classWeight: 'balanced',
      earlyStopping: { monitor: 'valMacroF1', patience: 2 },
      seed: 42,
    };
    const gruKey = stableHash({ ...gruOptions, embeddings: w2vKey, data: stableHash([trainTexts, trainLabels]) });
    const gruDir = join(out, 'gru-model');
    let gru: Awaited<ReturnType<typeof loadTextClassifier>>;
    if (!fresh && (await cacheMatches(out, 'gru', gruKey)) && existsSync(join(gruDir, 'model.json'))) {
      gru = await loadTextClassifier(gruDir);
      ctx.log(`  reused ${gruDir}`);
    } else {
      gru = await createTextClassifier({
        ...gruOptions,
        pipeline,
        checkpointDir: join(out, 'gru-checkpoint'),
        resume: !fresh,
      });
      const bar = createProgressBar(ctx.interactive);
      await gru.fit(trainTexts, trainLabels, {
        validation: { inputs: valid.texts, labels: valid.labels },
        signal: ctx.signal,
        callbacks: trainingProgress('gru', bar, ctx.log, '  '),
      });
      bar.done();
      await gru.save(gruDir);
      await rm(join(out, 'gru-checkpoint'), { recursive: true, force: true });
      await markCache(out, 'gru', gruKey);
    }

    // 4. Evaluation on valid, beside the TF-IDF baseline every deep result is shown with.
    step(4, 'Evaluating on SmSA valid beside a TF-IDF logistic-regression baseline and the ensemble recipe');
    const baseline = await createTextClassifier({ model: 'logreg', pipeline, C: 10, classWeight: 'balanced' });
    await baseline.fit(trainTexts, trainLabels);
    const gruEval = await gru.evaluate(valid.texts, valid.labels);
    const baseEval = await baseline.evaluate(valid.texts, valid.labels);
    // The shipped model's recipe (docs/pretrained-model.md), trained on the same reviews.
    const ensembleKey = stableHash({ recipe: 'ensemble-default-v1', data: stableHash([trainTexts, trainLabels]) });
    const ensembleDir = join(out, 'ensemble-model');
    let ensemble: Awaited<ReturnType<typeof loadTextClassifier>>;
    if (!fresh && (await cacheMatches(out, 'ensemble', ensembleKey)) && existsSync(join(ensembleDir, 'model.json'))) {
      ensemble = await loadTextClassifier(ensembleDir);
      ctx.log(`  reused ${ensembleDir}`);
    } else {
      ctx.log('  training the ensemble recipe (word n-gram LR, char n-gram LR, lexicon)...');
      ensemble = await createTextClassifier({ model: 'ensemble', seed: 42 });
      const memberNames = ['word LR', 'char LR', 'lexicon'];
      await ensemble.fit(trainTexts, trainLabels, {
        signal: ctx.signal,
        callbacks: { onEpochEnd: (i: number) => ctx.log(`    ${memberNames[i] ?? `member ${i + 1}`} trained`) },
      });
      await ensemble.save(ensembleDir);
      await markCache(out, 'ensemble', ensembleKey);
    }
    const ensEval = await ensemble.evaluate(valid.texts, valid.labels);
    // Deep + sparse + lexicon: the GRU as a fourth equal member beside the ensemble's three.
    const { evaluationSummary } = await import('../../metrics/index.js');
    const gruProba = await gru.predictProba(valid.texts);
    const ensProba = await ensemble.predictProba(valid.texts);
    const classes = ensemble.classes;
    const mixedPred = ensProba.map((row, i) => {
      const mixed = row.map((p, k) => (3 * p + gruProba[i]![gru.classes.indexOf(classes[k]!)]!) / 4);
      return classes[mixed.indexOf(Math.max(...mixed))]!;
    });
    const mixed = evaluationSummary(valid.labels, mixedPred, { labels: [...classes] });
    const mixedEval = { accuracy: mixed.accuracy, macroF1: mixed.macroF1, weightedF1: mixed.weightedF1 };
    const { writeEvaluationFigures } = await import('../../metrics/index.js');
    const figures = await writeEvaluationFigures(out, {
      cm: { labels: gruEval.labels, matrix: gruEval.confusionMatrix },
      history: gru.history,
      title: 'GRU + Word2Vec on SmSA valid',
    } as never);
    const table = [
      '| model | accuracy | macro-F1 | weighted-F1 |',
      '| --- | ---: | ---: | ---: |',
      `| GRU + Word2Vec CBOW | ${gruEval.accuracy.toFixed(4)} | ${gruEval.macroF1.toFixed(4)} | ${gruEval.weightedF1.toFixed(4)} |`,
      `| TF-IDF + logistic regression | ${baseEval.accuracy.toFixed(4)} | ${baseEval.macroF1.toFixed(4)} | ${baseEval.weightedF1.toFixed(4)} |`,
      `| ensemble: word LR + char LR + lexicon | ${ensEval.accuracy.toFixed(4)} | ${ensEval.macroF1.toFixed(4)} | ${ensEval.weightedF1.toFixed(4)} |`,
      `| ensemble + GRU (deep + sparse + lexicon) | ${mixedEval.accuracy.toFixed(4)} | ${mixedEval.macroF1.toFixed(4)} | ${mixedEval.weightedF1.toFixed(4)} |`,
    ].join('\n');
    const reportText = `ulasan demo (${profileName}) — SmSA valid (${valid.texts.length} reviews)\n\n${table}\n\nGRU classification report:\n\n${gruEval.report}\n`;
    await writeFileAtomic(join(out, 'report.txt'), reportText);
    await writeJsonAtomic(join(out, 'metrics.json'), {
      profile: profileName,
      backend: backend.active,
      gru: {
        accuracy: gruEval.accuracy,
        macroF1: gruEval.macroF1,
        weightedF1: gruEval.weightedF1,
        labels: gruEval.labels,
        confusionMatrix: gruEval.confusionMatrix,
      },
      baseline: { accuracy: baseEval.accuracy, macroF1: baseEval.macroF1, weightedF1: baseEval.weightedF1 },
      ensemble: { accuracy: ensEval.accuracy, macroF1: ensEval.macroF1, weightedF1: ensEval.weightedF1 },
      gruEnsemble: mixedEval,
      history: gru.history ?? [],
    });
    ctx.log(`\n${table}\n\n${gruEval.report}`);

    // 5. Predictions on new sentences through the one-call facade.
    step(5, 'Predictions on new sentences');
    const { createSentimentPipeline } = await import('../../sentiment-pipeline.js');
    const classify = await createSentimentPipeline({ model: gruDir });
    const predictions = await classify(NEW_SENTENCES);
    predictions.forEach((p, i) => {
      ctx.log(`  ${String(p.label).padEnd(8)} ${p.score.toFixed(3)}  ${NEW_SENTENCES[i]}`);
    });

    const seconds = (Date.now() - started) / 1000;
    ctx.log(`\nDone in ${seconds.toFixed(0)} s. Files:`);
    for (const f of [join(out, 'report.txt'), join(out, 'metrics.json'), ...figures, gruDir, ensembleDir, vectorsPath])
      ctx.log(`  ${f}`);
    if (ctx.json) {
      ctx.out(
        `${JSON.stringify({
          profile: profileName,
          out,
          seconds,
          gru: { accuracy: gruEval.accuracy, macroF1: gruEval.macroF1, weightedF1: gruEval.weightedF1 },
          baseline: { accuracy: baseEval.accuracy, macroF1: baseEval.macroF1, weightedF1: baseEval.weightedF1 },
          ensemble: { accuracy: ensEval.accuracy, macroF1: ensEval.macroF1, weightedF1: ensEval.weightedF1 },
          gruEnsemble: mixedEval,
          predictions: predictions.map((p, i) => ({ text: NEW_SENTENCES[i], ...p })),
        })}\n`,
      );
    }
    return 0;
  },
};

function locateData(given: unknown): string {
  if (typeof given === 'string') {
    if (!existsSync(join(given, 'smsa/train_preprocess.tsv'))) {
      throw new UsageError(`--data-dir ${given} has no smsa/train_preprocess.tsv (IndoNLU SmSA).`);
    }
    return given;
  }
  // The repository's data/ folder, from src/cli/commands (tests) or dist/cli (built CLI).
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'data');
    if (existsSync(join(candidate, 'smsa/train_preprocess.tsv'))) return candidate;
    dir = dirname(dir);
  }
  throw new UlasanError(
    'FILE_NOT_FOUND',
    'The demo data (data/smsa) ships with the ulasan repository, not the npm package. Clone the repository, or pass --data-dir pointing at a folder with smsa/ (IndoNLU SmSA) and optionally emot/.',
  );
}

async function cacheMatches(out: string, stage: string, key: string): Promise<boolean> {
  try {
    const cache = JSON.parse(await readFile(join(out, 'cache.json'), 'utf8')) as Record<string, string>;
    return cache[stage] === key;
  } catch {
    return false;
  }
}

async function markCache(out: string, stage: string, key: string): Promise<void> {
  let cache: Record<string, string> = {};
  try {
    cache = JSON.parse(await readFile(join(out, 'cache.json'), 'utf8')) as Record<string, string>;
  } catch {
    // first run
  }
  cache[stage] = key;
  await writeJsonAtomic(join(out, 'cache.json'), cache);
}
