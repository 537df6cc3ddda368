/**
 * Text classifier throughput: training samples/s and inference texts/s for every deep kind
 * (LSTM, GRU, BiLSTM, CNN-LSTM) on each available CPU backend (`cpu`, `wasm`), plus the classic
 * TF-IDF baselines for scale. Shapes follow the issue: maxLen 50, 64 units, embedding 100,
 * batch 64, real SmSA text. Training time is one full `fit` epoch (preprocessing, vocabulary,
 * forward, backward, Adam); inference is `predictProba` end to end (preprocessing included).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { useBackend } from '../src/backend/backends.js';
import { createTextClassifier } from '../src/text/models/registry.js';
import { WhitespacePipeline } from '../src/text/models/text-classifier.js';
import { type Bench, type BenchRow, median, peakRssMiB, timeRepeats } from './harness.js';

const DATA = fileURLToPath(new URL('../../shared/data/smsa/', import.meta.url));

function readSmsa(file: string): { texts: string[]; labels: string[] } {
  const rows = readFileSync(`${DATA}${file}`, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  return {
    texts: rows.map((l) => l.slice(0, l.lastIndexOf('\t'))),
    labels: rows.map((l) => l.slice(l.lastIndexOf('\t') + 1)),
  };
}

const bench: Bench = async ({ quick, log }) => {
  const rows: BenchRow[] = [];
  const train = readSmsa('train_preprocess.tsv');
  const valid = readSmsa('valid_preprocess.tsv');
  const pipeline = new WhitespacePipeline();

  for (const kind of ['nb', 'logreg', 'svm']) {
    const n = quick ? 2000 : train.texts.length;
    const model = await createTextClassifier({ model: kind, pipeline });
    const t0 = process.hrtime.bigint();
    await model.fit(train.texts.slice(0, n), train.labels.slice(0, n));
    const trainS = Number(process.hrtime.bigint() - t0) / 1e9;
    const inf = median(await timeRepeats(() => model.predictProba(valid.texts), quick ? 1 : 3));
    rows.push({ name: `${kind} (TF-IDF) train`, metric: 'samples/s', value: n / trainS, notes: `${n} SmSA texts` });
    rows.push({ name: `${kind} (TF-IDF) inference`, metric: 'texts/s', value: valid.texts.length / inf });
    log(
      `${kind}: train ${(n / trainS).toFixed(0)} samples/s, inference ${(valid.texts.length / inf).toFixed(0)} texts/s`,
    );
  }

  for (const backend of ['cpu', 'wasm']) {
    try {
      await useBackend(backend);
    } catch (error) {
      rows.push({
        name: `deep models on ${backend}`,
        metric: 'samples/s',
        value: Number.NaN,
        notes: `skipped: ${(error as Error).message.split('\n')[0]}`,
      });
      continue;
    }
    for (const kind of ['lstm', 'gru', 'bilstm', 'cnn-lstm']) {
      // The cpu backend is ~5× slower than wasm: fewer samples keep the run short.
      const n = (backend === 'cpu' ? 128 : 512) / (quick ? 2 : 1);
      const m = quick ? 128 : 512;
      const model = await createTextClassifier({
        model: kind,
        pipeline,
        units: 64,
        embeddingDim: 100,
        maxLen: 50,
        batchSize: 64,
        epochs: 1,
        minCount: 1,
        earlyStopping: false,
      });
      const t0 = process.hrtime.bigint();
      await model.fit(train.texts.slice(0, n), train.labels.slice(0, n));
      const trainS = Number(process.hrtime.bigint() - t0) / 1e9;
      const texts = valid.texts.slice(0, m);
      const inf = median(await timeRepeats(() => model.predictProba(texts), quick ? 1 : 3));
      const shape = 'units 64, maxLen 50, emb 100, batch 64';
      rows.push({
        name: `${kind} train ${backend}`,
        metric: 'samples/s',
        value: n / trainS,
        notes: `${shape}; ${n} texts, 1 epoch incl. warm-up`,
      });
      rows.push({
        name: `${kind} inference ${backend}`,
        metric: 'texts/s',
        value: m / inf,
        notes: `${m} texts, batches of 256`,
      });
      log(`${kind} ${backend}: train ${(n / trainS).toFixed(1)} samples/s, inference ${(m / inf).toFixed(1)} texts/s`);
      (model as { dispose?: () => void }).dispose?.();
    }
  }
  rows.push({ name: 'text-models peak RSS', metric: 'peak RSS MiB', value: peakRssMiB() });
  return rows;
};

export default bench;
