/**
 * Word2Vec: ulasan vs gensim on the same corpus (SmSA + EmoT training text), same settings
 * (gensim defaults: CBOW, 100 dims, window 5, minCount 5, negative 5, sample 1e-3, 5 epochs), at
 * 1 and 2 threads/workers, measured in one run, interleaved, each in a fresh child process.
 *
 * - speed: raw corpus tokens × epochs / training seconds (vocabulary pass excluded on both sides;
 *   end-to-end seconds including it are in the notes);
 * - quality: Spearman correlation of cosine similarities over all pairs of 200 fixed mid-frequency
 *   words, and mean top-10 neighbour overlap, between our vectors and gensim's; the reference is
 *   the same numbers between two gensim runs with different seeds (gensim's own noise);
 * - memory (see {@link memoryRows}): what training adds to a process's RSS, ours and gensim's,
 *   against the model's own bytes, on the real corpus and on a generated large-vocabulary corpus.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../src/internal/random.js';
import { WordVectors } from '../src/text/word2vec/word-vectors.js';
import { realCorpus } from '../tests/text/word2vec/real-corpus.js';
import { type Bench, type BenchRow, median } from './harness.js';
import type { MemoryCase } from './word2vec-memory-child.js';

const PYTHON = '/usr/bin/python3';
const SRC = fileURLToPath(new URL('../src/text/word2vec/index.ts', import.meta.url));
const EPOCHS = 5;
const MEMORY_CHILD = fileURLToPath(new URL('./word2vec-memory-child.ts', import.meta.url));

interface RunResult {
  trainSeconds: number;
  /** CPU seconds of the training (all threads), less sensitive than wall time to other load. */
  trainCpuSeconds: number;
  totalSeconds: number;
  rawWords: number;
  vocab: number;
  baselineMiB: number;
  peakMiB: number;
}

const GENSIM_SCRIPT = `
import json, sys, time
from gensim.models import Word2Vec
path, workers, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def status(key):
    for line in open('/proc/self/status'):
        if line.startswith(key):
            return int(line.split()[1]) / 1024
with open(path, encoding='utf-8') as f:
    sentences = [line.split() for line in f]
base = status('VmRSS:')
t0 = time.perf_counter()
m = Word2Vec(vector_size=100, window=5, min_count=5, sg=0, negative=5, sample=1e-3, workers=workers, seed=seed)
m.build_vocab(sentences)
t1 = time.perf_counter()
c1 = time.process_time()
m.train(sentences, total_examples=m.corpus_count, epochs=${EPOCHS})
t2 = time.perf_counter()
c2 = time.process_time()
peak = status('VmHWM:')
m.wv.save_word2vec_format(out, binary=True)
print(json.dumps({'trainSeconds': t2 - t1, 'trainCpuSeconds': c2 - c1, 'totalSeconds': t2 - t0, 'rawWords': m.corpus_total_words,
                  'vocab': len(m.wv), 'baselineMiB': base, 'peakMiB': peak}))
`;

const OURS_SCRIPT = `
import { readFileSync } from 'node:fs';
const [path, threads, seed, out] = process.argv.slice(-4);
const status = (key) => Number(new RegExp(key + '\\\\s+(\\\\d+)').exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
const { Word2VecTrainer } = await import(${JSON.stringify(SRC)});
const sentences = readFileSync(path, 'utf8').split('\\n').map((l) => l.trim()).filter((l) => l !== '').map((l) => l.split(/\\s+/));
let rawWords = 0;
for (const s of sentences) rawWords += s.length;
const base = status('VmRSS:');
const t0 = performance.now();
const trainer = new Word2VecTrainer({ vectorSize: 100, window: 5, minCount: 5, sg: 0, negative: 5, sample: 1e-3, epochs: ${EPOCHS}, threads: Number(threads), seed: Number(seed) });
let cpu0;
const wv = await trainer.train(sentences, { callbacks: { onTrainBegin: () => { cpu0 = process.cpuUsage(); } } });
const cpu = process.cpuUsage(cpu0);
const trainCpuSeconds = (cpu.user + cpu.system) / 1e6;
const totalSeconds = (performance.now() - t0) / 1000;
const peak = status('VmHWM:');
await wv.save(out, { binary: true });
const trainSeconds = trainer.history.reduce((s, h) => s + h.seconds, 0);
console.log(JSON.stringify({ trainSeconds, trainCpuSeconds, totalSeconds, rawWords, vocab: wv.size, baselineMiB: base, peakMiB: peak }));
`;

function runGensim(corpus: string, workers: number, seed: number, out: string): RunResult {
  const stdout = execFileSync(PYTHON, ['-c', GENSIM_SCRIPT, corpus, String(workers), String(seed), out], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as RunResult;
}

function runOurs(corpus: string, threads: number, seed: number, out: string): RunResult {
  const stdout = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', OURS_SCRIPT, corpus, String(threads), String(seed), out],
    { encoding: 'utf8', timeout: 600_000 },
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string) as RunResult;
}

/** Spearman rank correlation (average ranks for ties). */
function spearman(a: number[], b: number[]): number {
  const rank = (x: number[]) => {
    const idx = x.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(x.length);
    for (let i = 0; i < idx.length; ) {
      let j = i;
      while (j + 1 < idx.length && idx[j + 1]![0] === idx[i]![0]) j++;
      for (let k = i; k <= j; k++) r[idx[k]![1]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const mean = (ra.length - 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i]! - mean) * (rb[i]! - mean);
    da += (ra[i]! - mean) ** 2;
    db += (rb[i]! - mean) ** 2;
  }
  return num / Math.sqrt(da * db);
}

/** Quality agreement of `x` with `ref` over fixed mid-frequency words of `ref`. */
function agreement(x: WordVectors, ref: WordVectors): { spearman: number; overlap: number; words: number } {
  const words = ref.words.slice(50, 250).filter((w) => x.has(w));
  const sx: number[] = [];
  const sr: number[] = [];
  for (let i = 0; i < words.length; i++) {
    for (let j = i + 1; j < words.length; j++) {
      sx.push(x.similarity(words[i]!, words[j]!));
      sr.push(ref.similarity(words[i]!, words[j]!));
    }
  }
  let overlap = 0;
  for (const w of words) {
    const a = new Set(x.mostSimilar(w, [], 10).map((r) => r.word));
    overlap += ref.mostSimilar(w, [], 10).filter((r) => a.has(r.word)).length / 10;
  }
  return { spearman: spearman(sx, sr), overlap: overlap / words.length, words: words.length };
}

/** What one memory child reports. */
interface MemoryResult {
  baselineMiB: number;
  peakMiB: number;
  retainedMiB: number;
  resetPeak: boolean;
  vocab: number;
  trainCpuSeconds: number;
  /** UTF-8 bytes of the vocabulary's words (ulasan's child reports it). */
  wordBytes?: number;
}

/** gensim measured exactly as `word2vec-memory-child.ts` measures ulasan. */
const GENSIM_MEMORY_SCRIPT = `
import gc, json, sys, time
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence
o = json.loads(sys.argv[1])
def status(key):
    for line in open('/proc/self/status'):
        if line.startswith(key):
            return int(line.split()[1]) / 1024
def load():
    if o['input'] == 'file':
        return LineSentence(o['corpus'])
    with open(o['corpus'], encoding='utf-8') as f:
        return [l.split() for l in f if l.strip()]
corpus = load()
gc.collect()
base = status('VmRSS:')
reset = True
try:
    with open('/proc/self/clear_refs', 'w') as f:
        f.write('5')
except OSError:
    reset = False
c0 = time.process_time()
if o.get('resume'):
    m = Word2Vec.load(o['resume'])
    m.train(corpus, total_examples=m.corpus_count, epochs=1)
else:
    m = Word2Vec(corpus, vector_size=o['vectorSize'], min_count=o['minCount'], epochs=o['epochs'], workers=o['threads'], seed=1)
c1 = time.process_time()
if o.get('checkpoint'):
    m.save(o['checkpoint'])
peak = status('VmHWM:')
gc.collect()
print(json.dumps({'baselineMiB': base, 'peakMiB': peak, 'retainedMiB': status('VmRSS:'), 'resetPeak': reset,
                  'vocab': len(m.wv), 'trainCpuSeconds': c1 - c0}))
`;

function runMemoryOurs(c: MemoryCase): MemoryResult {
  const stdout = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', MEMORY_CHILD, JSON.stringify(c)], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as MemoryResult;
}

function runMemoryGensim(c: MemoryCase): MemoryResult {
  const stdout = execFileSync(PYTHON, ['-c', GENSIM_MEMORY_SCRIPT, JSON.stringify(c)], {
    encoding: 'utf8',
    timeout: 600_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as MemoryResult;
}

/**
 * A Zipfian corpus with exactly `vocab` distinct words (each once, plus `tokens - vocab` draws with
 * P(rank r) ∝ 1/r), shuffled, 20 tokens per line. Made-up words of 4-8 letters. Memory depends on
 * the vocabulary size, the dimensions and the token count, not on what the text says, so this
 * is fine for memory and for nothing else.
 */
function writeZipfCorpus(path: string, vocab: number, tokens: number): void {
  const word = (i: number) => `w${(Math.imul(i + 1, 0x9e3779b1) >>> 0).toString(36)}`;
  const rng = new Random(7);
  const ids = new Int32Array(tokens);
  for (let i = 0; i < vocab; i++) ids[i] = i;
  const lnV = Math.log(vocab + 1);
  for (let i = vocab; i < tokens; i++) ids[i] = Math.min(vocab - 1, Math.floor(Math.exp(rng.next() * lnV)) - 1);
  for (let i = tokens - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = ids[i] as number;
    ids[i] = ids[j] as number;
    ids[j] = t;
  }
  const lines: string[] = [];
  for (let i = 0; i < tokens; i += 20)
    lines.push(Array.from(ids.subarray(i, Math.min(tokens, i + 20)), word).join(' '));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const mib = (bytes: number) => bytes / 2 ** 20;

/**
 * Training memory, ours and gensim's, each in a fresh child process measured the same way:
 * increment = peak RSS during training (VmHWM after resetting it) − RSS before training (after
 * imports, with the corpus loaded, after a full GC). It is compared with
 *
 * - model bytes: what the result holds: vectors (V × d × 4) + vocabulary strings (UTF-8) +
 *   counts (V × 8);
 * - training state: model bytes + the output weights (syn1neg, V × d × 4), which negative
 *   sampling needs while training (gensim holds them too): 2 × model bytes at least, so the
 *   issue's "1.5 × vectors + vocabulary" cannot hold for the peak of any trainer of this model.
 *
 * At two scales: the real corpus (a 3.8 MiB model: fixed runtime costs dominate) and a generated
 * Zipfian corpus of 500,000 distinct words (a 200 MiB model: the model dominates).
 */
async function memoryRows(
  realCorpusFile: string,
  realTokens: number,
  dir: string,
  hasGensim: boolean,
  log: (line: string) => void,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const zipf = join(dir, 'zipf.txt');
  const zipfVocab = 500_000;
  const zipfTokens = 4_000_000;
  writeZipfCorpus(zipf, zipfVocab, zipfTokens);
  const scales = [
    {
      label: `SmSA + EmoT (${realTokens} tokens, gensim defaults, ${EPOCHS} epochs)`,
      base: { corpus: realCorpusFile, vectorSize: 100, minCount: 5, epochs: EPOCHS },
      note: '',
    },
    {
      label: `generated Zipf (${zipfVocab} words, ${zipfTokens} tokens, 100 dims, minCount 1, 1 epoch)`,
      base: { corpus: zipf, vectorSize: 100, minCount: 1, epochs: 1 },
      note: '; generated text: valid for memory only (memory depends on vocabulary size, dimensions and token count, not on the words)',
    },
  ];
  const settings: { input: 'array' | 'file'; threads: number; what: string; gensimWhat: string }[] = [
    { input: 'array', threads: 1, what: 'token arrays in memory', gensimWhat: 'list of lists' },
    { input: 'file', threads: 1, what: 'file path (streamed)', gensimWhat: 'LineSentence' },
    { input: 'array', threads: 2, what: 'token arrays in memory', gensimWhat: 'list of lists' },
  ];
  for (const scale of scales) {
    for (const s of settings) {
      const c: MemoryCase = { ...scale.base, input: s.input, threads: s.threads };
      const ours = runMemoryOurs(c);
      const ref = hasGensim ? runMemoryGensim(c) : undefined;
      const v = ours.vocab;
      const model = v * scale.base.vectorSize * 4 + (ours.wordBytes ?? 0) + v * 8;
      const state = model + v * scale.base.vectorSize * 4;
      const inc = (r: MemoryResult) => r.peakMiB - r.baselineMiB;
      const ratios = (r: MemoryResult) =>
        `${(inc(r) / mib(model)).toFixed(2)}× model, ${(inc(r) / mib(state)).toFixed(2)}× training state`;
      log(
        `memory ${scale.label}, ${s.input}, ${s.threads} thread(s): ulasan +${inc(ours).toFixed(1)} MiB (${ratios(ours)})` +
          (ref ? `, gensim +${inc(ref).toFixed(1)} MiB (${ratios(ref)})` : ''),
      );
      const reset =
        ours.resetPeak && (ref?.resetPeak ?? true) ? '' : '; peak counter could not be reset: peak includes loading';
      rows.push({
        name: `training memory over baseline, ${scale.label}, ${s.what}, ${s.threads} thread${s.threads > 1 ? 's' : ''}`,
        metric: 'MiB',
        value: inc(ours),
        ...(ref ? { reference: inc(ref), referenceName: `gensim ${s.gensimWhat}, workers=${s.threads}` } : {}),
        notes:
          `peak − baseline RSS; model bytes (vectors + words + counts) ${mib(model).toFixed(1)} MiB, training state (+ syn1neg) ${mib(state).toFixed(1)} MiB; ` +
          `ulasan ${ratios(ours)} (baseline ${ours.baselineMiB.toFixed(0)}, peak ${ours.peakMiB.toFixed(0)} MiB, ${v} words)` +
          (ref
            ? `; gensim ${ratios(ref)} (baseline ${ref.baselineMiB.toFixed(0)}, peak ${ref.peakMiB.toFixed(0)} MiB, ${ref.vocab} words)`
            : '; gensim not installed (apt install python3-gensim): reference skipped') +
          reset +
          scale.note,
      });
    }
  }
  // Resuming: a 1-epoch model of the large corpus saved (ours: a checkpoint with the output
  // weights; gensim: model.save), then loaded in a fresh process and trained one more epoch.
  const large = scales[1] as (typeof scales)[number];
  const save: MemoryCase = { ...large.base, input: 'file', threads: 1, checkpoint: join(dir, 'ours.w2v') };
  const oursSave = runMemoryOurs(save);
  const ours = runMemoryOurs({ ...save, checkpoint: undefined, resume: save.checkpoint, epochs: 2 });
  let ref: MemoryResult | undefined;
  let refSave: MemoryResult | undefined;
  if (hasGensim) {
    const gensimSave = { ...save, checkpoint: join(dir, 'gensim.model') };
    refSave = runMemoryGensim(gensimSave);
    ref = runMemoryGensim({ ...gensimSave, checkpoint: undefined, resume: gensimSave.checkpoint });
  }
  const v = ours.vocab;
  const model = v * large.base.vectorSize * 4 + (ours.wordBytes ?? 0) + v * 8;
  const state = model + v * large.base.vectorSize * 4;
  const inc = (r: MemoryResult) => r.peakMiB - r.baselineMiB;
  const ratios = (r: MemoryResult) =>
    `${(inc(r) / mib(model)).toFixed(2)}× model, ${(inc(r) / mib(state)).toFixed(2)}× training state`;
  log(
    `memory resume ${large.label}: ulasan +${inc(ours).toFixed(1)} MiB (${ratios(ours)})` +
      (ref ? `, gensim +${inc(ref).toFixed(1)} MiB (${ratios(ref)})` : ''),
  );
  rows.push({
    name: `training memory with a checkpoint, ${large.label}, file path (streamed), 1 thread`,
    metric: 'MiB',
    value: inc(oursSave),
    ...(refSave ? { reference: inc(refSave), referenceName: 'gensim + model.save, LineSentence, workers=1' } : {}),
    notes:
      `peak − baseline RSS, writing the state included (ours: checkpoint after the epoch; gensim: model.save after training); ulasan ${ratios(oursSave)}` +
      (refSave ? `; gensim ${ratios(refSave)}` : '; gensim not installed: reference skipped') +
      large.note,
  });
  rows.push({
    name: `memory to resume a saved training state and train 1 epoch, ${large.label}, file path (streamed), 1 thread`,
    metric: 'MiB',
    value: inc(ours),
    ...(ref ? { reference: inc(ref), referenceName: 'gensim Word2Vec.load + train, LineSentence, workers=1' } : {}),
    notes:
      `peak − baseline RSS, loading included; training state ${mib(state).toFixed(1)} MiB; ulasan ${ratios(ours)}` +
      (ref ? `; gensim ${ratios(ref)}` : '; gensim not installed: reference skipped') +
      large.note,
  });
  return rows;
}

const bench: Bench = async ({ quick, log }) => {
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ulasan-w2v-bench-'));
  try {
    const base = realCorpus();
    const copies = quick ? 1 : 2;
    const sentences = Array.from({ length: copies }, () => base).flat();
    const corpus = join(dir, 'corpus.txt');
    writeFileSync(corpus, `${sentences.map((s) => s.join(' ')).join('\n')}\n`);
    const tokens = sentences.reduce((s, x) => s + x.length, 0);
    log(`corpus: SmSA + EmoT train ×${copies}: ${sentences.length} sentences, ${tokens} tokens`);
    const hasGensim = spawnSync(PYTHON, ['-c', 'import gensim'], { stdio: 'ignore' }).status === 0;
    const gensimNote = hasGensim ? undefined : 'gensim not installed (apt install python3-gensim): reference skipped';
    const repeats = quick ? 1 : 3;
    for (const threads of [1, 2]) {
      const ours: RunResult[] = [];
      const ref: RunResult[] = [];
      for (let r = 0; r < repeats; r++) {
        // Interleaved so that load from other processes hits both sides alike.
        if (hasGensim) ref.push(runGensim(corpus, threads, 1, join(dir, `gensim-${threads}.bin`)));
        ours.push(runOurs(corpus, threads, 1, join(dir, `ours-${threads}.bin`)));
        const o = ours[ours.length - 1]!;
        const g = ref[ref.length - 1];
        log(
          `threads=${threads} run ${r + 1}: ulasan ${((o.rawWords * EPOCHS) / o.trainSeconds / 1e6).toFixed(3)}M words/s ` +
            `(${o.trainCpuSeconds.toFixed(2)} CPU-s)` +
            (g
              ? `, gensim ${((g.rawWords * EPOCHS) / g.trainSeconds / 1e6).toFixed(3)}M words/s (${g.trainCpuSeconds.toFixed(2)} CPU-s)`
              : ''),
        );
      }
      const speed = (xs: RunResult[]) => median(xs.map((x) => (x.rawWords * EPOCHS) / x.trainSeconds));
      const total = (xs: RunResult[]) => median(xs.map((x) => x.totalSeconds));
      rows.push({
        name: `CBOW train, ${threads} thread${threads > 1 ? 's' : ''} (gensim workers=${threads})`,
        metric: 'words/s',
        value: speed(ours),
        ...(hasGensim ? { reference: speed(ref), referenceName: `gensim workers=${threads}` } : {}),
        notes:
          `median of ${repeats}; ${tokens} tokens × ${EPOCHS} epochs; end-to-end incl. vocabulary ${total(ours).toFixed(2)} s` +
          (hasGensim ? ` vs gensim ${total(ref).toFixed(2)} s` : `; ${gensimNote}`),
      });
      const perCpu = (xs: RunResult[]) => median(xs.map((x) => (x.rawWords * EPOCHS) / x.trainCpuSeconds));
      rows.push({
        name: `CBOW train, ${threads} thread${threads > 1 ? 's' : ''}, per CPU-second`,
        metric: 'words/CPU-s',
        value: perCpu(ours),
        ...(hasGensim ? { reference: perCpu(ref), referenceName: `gensim workers=${threads}` } : {}),
        notes: 'training CPU time of all threads (gensim: process_time incl. its producer thread)',
      });
    }
    if (hasGensim) {
      runGensim(corpus, 1, 2, join(dir, 'gensim-seed2.bin'));
      const g1 = await WordVectors.load(join(dir, 'gensim-1.bin'), { binary: true });
      const g2 = await WordVectors.load(join(dir, 'gensim-seed2.bin'), { binary: true });
      const o1 = await WordVectors.load(join(dir, 'ours-1.bin'), { binary: true });
      const o2 = await WordVectors.load(join(dir, 'ours-2.bin'), { binary: true });
      const ours1 = agreement(o1, g1);
      const ours2 = agreement(o2, g1);
      const noise = agreement(g2, g1);
      const note = `${ours1.words} words ranked 50-250 by gensim, all pairs; reference = gensim seed 2 vs gensim seed 1`;
      rows.push({
        name: 'similarity agreement with gensim, 1 thread',
        metric: 'Spearman',
        value: ours1.spearman,
        reference: noise.spearman,
        referenceName: 'gensim vs gensim (seed)',
        notes: note,
      });
      rows.push({
        name: 'similarity agreement with gensim, 2 threads',
        metric: 'Spearman',
        value: ours2.spearman,
        reference: noise.spearman,
        referenceName: 'gensim vs gensim (seed)',
        notes: note,
      });
      rows.push({
        name: 'top-10 neighbour overlap with gensim, 1 thread',
        metric: 'share',
        value: ours1.overlap,
        reference: noise.overlap,
        referenceName: 'gensim vs gensim (seed)',
        notes: note,
      });
    } else {
      rows.push({ name: 'similarity agreement with gensim', metric: 'Spearman', value: Number.NaN, notes: gensimNote });
    }
    rows.push(...(await memoryRows(corpus, tokens, dir, hasGensim, log)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
};

export default bench;
