/**
 * Preprocessing throughput on SmSA train (11,000 reviews): texts/s of each preset pipeline, and
 * stemmer words/s (Tala without dictionary, ECS with the Sastrawi root list), cold cache and warm.
 * Reference: PySastrawi (pure Python) stemming the same words in the same run, when importable
 * (installed, or its source folder in PYSASTRAWI_SRC).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPipeline, createStemmer, PIPELINE_PRESETS, tokenize } from '../src/text/preprocess/index.js';
import { type Bench, type BenchRow, median, timeRepeats } from './harness.js';

const SHARED = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const SMSA = join(SHARED, 'smsa/train_preprocess.tsv');
const DICT = join(SHARED, 'lexicons/sastrawi-kata-dasar.txt');

const bench: Bench = async ({ quick, log }) => {
  const rows: BenchRow[] = [];
  if (!existsSync(SMSA)) {
    return [{ name: 'preprocess', metric: 'texts/s', value: Number.NaN, notes: `skipped: ${SMSA} not found` }];
  }
  const all = readFileSync(SMSA, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.slice(0, l.lastIndexOf('\t')));
  const texts = quick ? all.slice(0, 2000) : all;
  const repeats = quick ? 1 : 3;

  for (const name of ['sentiment', 'seed003', 'seed004'] as const) {
    const pipeline = createPipeline(PIPELINE_PRESETS[name]);
    let tokens = 0;
    const times = await timeRepeats(() => {
      tokens = 0;
      for (const t of texts) tokens += pipeline.process(t).length;
    }, repeats);
    const s = median(times);
    log(`${name}: ${texts.length} texts in ${s.toFixed(3)}s`);
    rows.push({
      name: `pipeline ${name}${name === 'sentiment' ? ' (default)' : ''}, SmSA train ${texts.length} texts`,
      metric: 'texts/s',
      value: texts.length / s,
      notes: `${tokens} output tokens; median of ${repeats} runs after a warm-up run`,
    });
  }

  // Stemmers over every token of the corpus.
  const words = texts.flatMap((t) => tokenize(t.toLowerCase())).filter((w) => /^[a-z]+$/.test(w));
  const distinct = new Set(words).size;
  const stemRow = (label: string, make: () => { stem(w: string): string }, notes: string) => {
    let s = make();
    const cold = median(
      timeRepeatsSync(() => {
        s = make();
        for (const w of words) s.stem(w);
      }, repeats),
    );
    const warm = median(
      timeRepeatsSync(() => {
        for (const w of words) s.stem(w);
      }, repeats),
    );
    log(`${label}: cold ${(words.length / cold).toFixed(0)} words/s, warm ${(words.length / warm).toFixed(0)} words/s`);
    rows.push({ name: `${label}, cold cache`, metric: 'words/s', value: words.length / cold, notes });
    rows.push({ name: `${label}, warm cache`, metric: 'words/s', value: words.length / warm, notes });
  };
  const tokNote = `${words.length} tokens (${distinct} distinct) of SmSA train`;
  stemRow('Tala stemmer (no dictionary)', () => createStemmer(), tokNote);
  if (existsSync(DICT)) {
    const dict = readFileSync(DICT, 'utf8')
      .split(/\r?\n/)
      .map((w) => w.trim())
      .filter((w) => w !== '' && !/\s/.test(w));
    let ecsUncached = 0;
    const ecs = createStemmer({ dictionary: dict, cacheSize: 0 });
    const uniq = [...new Set(words)];
    const t = median(
      timeRepeatsSync(() => {
        for (const w of uniq) ecs.stem(w);
      }, repeats),
    );
    ecsUncached = uniq.length / t;
    const ref = pySastrawiWordsPerSecond(uniq, log);
    rows.push({
      name: 'ECS stemmer (Sastrawi dictionary), distinct words, no cache',
      metric: 'words/s',
      value: ecsUncached,
      ...(ref.value ? { reference: ref.value, referenceName: 'PySastrawi (no cache)' } : {}),
      notes: ref.note,
    });
    stemRow('ECS stemmer (Sastrawi dictionary)', () => createStemmer({ dictionary: dict }), tokNote);
  } else {
    rows.push({ name: 'ECS stemmer', metric: 'words/s', value: Number.NaN, notes: `skipped: ${DICT} not found` });
  }
  return rows;
};

function timeRepeatsSync(fn: () => void, repeats: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return out;
}

/** Runs PySastrawi on the same distinct words (no cache) and returns its words/s, or why it was skipped. */
function pySastrawiWordsPerSecond(words: string[], log: (l: string) => void): { value?: number; note: string } {
  const src = process.env.PYSASTRAWI_SRC;
  const wordsFile = join(tmpdir(), `ulasan-bench-words-${process.pid}.txt`);
  writeFileSync(wordsFile, words.join('\n'));
  const script = [
    'import sys, time',
    src ? `sys.path.insert(0, ${JSON.stringify(src)})` : '',
    'from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary',
    'from Sastrawi.Stemmer.Stemmer import Stemmer',
    `d = [w.strip() for w in open(${JSON.stringify(DICT)}, encoding='utf-8') if w.strip()]`,
    `ws = open(${JSON.stringify(wordsFile)}, encoding='utf-8').read().split('\\n')`,
    's = Stemmer(ArrayDictionary(d))',
    't = time.perf_counter()',
    'for w in ws: s.stem_word(w)',
    'print(len(ws) / (time.perf_counter() - t))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0)
    return {
      note: `PySastrawi reference skipped: ${(r.stderr || r.error?.message || 'python3 failed').trim().split('\n').at(-1)}`,
    };
  const value = Number(r.stdout.trim());
  log(`PySastrawi: ${value.toFixed(0)} words/s`);
  return { value, note: 'same distinct words, both without cache' };
}

export default bench;
