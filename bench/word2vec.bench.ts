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
 * - memory: peak RSS of each child, and the growth over its RSS after loading the corpus, next to
 *   the size of the vectors plus vocabulary.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WordVectors } from '../src/text/word2vec/word-vectors.js';
import { realCorpus } from '../tests/text/word2vec/real-corpus.js';
import { type Bench, type BenchRow, median } from './harness.js';

const PYTHON = '/usr/bin/python3';
const SRC = fileURLToPath(new URL('../src/text/word2vec/index.ts', import.meta.url));
const EPOCHS = 5;

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
    let oursMem: RunResult | undefined;
    let gensimMem: RunResult | undefined;
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
      if (threads === 1) {
        oursMem = ours[0];
        gensimMem = ref[0];
      }
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
    if (oursMem) {
      const model = (oursMem.vocab * (100 * 4 + 16)) / 2 ** 20;
      rows.push({
        name: 'peak RSS, 1 thread',
        metric: 'MiB',
        value: oursMem.peakMiB,
        ...(gensimMem ? { reference: gensimMem.peakMiB, referenceName: 'gensim workers=1' } : {}),
        notes:
          `growth during training ${(oursMem.peakMiB - oursMem.baselineMiB).toFixed(1)} MiB` +
          (gensimMem ? ` (gensim ${(gensimMem.peakMiB - gensimMem.baselineMiB).toFixed(1)} MiB)` : '') +
          `; vectors + vocabulary ${model.toFixed(1)} MiB (${oursMem.vocab} words × 100 dims)`,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
};

export default bench;
