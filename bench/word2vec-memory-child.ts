/**
 * One Word2Vec memory measurement of ulasan, run by `word2vec.bench.ts` in a fresh child process
 * (`node --expose-gc --import tsx bench/word2vec-memory-child.ts '<json options>'`); prints one
 * JSON line. gensim is measured the same way by the Python script in `word2vec.bench.ts`.
 *
 * - baseline: RSS (`VmRSS`) after the imports and after the corpus is available (an array of
 *   token arrays read from the file, or just the file path, which training streams), after a
 *   full GC;
 * - peak: the kernel's peak-RSS counter is reset (`/proc/self/clear_refs` ← 5, Linux ≥ 4.0), the
 *   trainer runs (vocabulary, training, the returned vectors), and `VmHWM` is read;
 * - the increment (peak − baseline) is what training costs on top of the process and the corpus.
 *
 * With `resume`, the trainer is loaded from that checkpoint after the baseline (so loading counts).
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** A memory measurement: corpus file, how it is handed over, and the training settings (the bench sends it as JSON). */
export interface MemoryCase {
  corpus: string;
  input: 'array' | 'file';
  vectorSize: number;
  minCount: number;
  epochs: number;
  threads: number;
  /** Write a checkpoint here after every epoch (gensim's script: `model.save` after training). */
  checkpoint?: string;
  /** Resume this checkpoint (its remaining epochs up to `epochs`) instead of training afresh. */
  resume?: string;
}

const o = JSON.parse(process.argv[process.argv.length - 1] as string) as MemoryCase;
const statusMiB = (key: string) =>
  Number((new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8')) as RegExpExecArray)[1]) /
  1024;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

const { Word2VecTrainer } = await import('../src/text/word2vec/index.js');

// In a function of its own, so that no register of this module's frame keeps the file text alive.
function loadCorpus(): string | string[][] {
  if (o.input === 'file') return o.corpus;
  return readFileSync(o.corpus, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.split(/\s+/));
}
const corpus = loadCorpus();
gc();
gc();
const baselineMiB = statusMiB('VmRSS');
let resetPeak = true;
try {
  writeFileSync('/proc/self/clear_refs', '5');
} catch {
  resetPeak = false;
}
const trainer = o.resume
  ? await Word2VecTrainer.resume(o.resume, { epochs: o.epochs, threads: o.threads })
  : new Word2VecTrainer({
      vectorSize: o.vectorSize,
      minCount: o.minCount,
      epochs: o.epochs,
      threads: o.threads,
      seed: 1,
    });
let cpu0 = process.cpuUsage();
const wv = await trainer.train(corpus, {
  ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}),
  callbacks: {
    onTrainBegin: () => {
      cpu0 = process.cpuUsage();
    },
  },
});
const cpu = process.cpuUsage(cpu0);
const peakMiB = statusMiB('VmHWM');
gc();
const retainedMiB = statusMiB('VmRSS');
let wordBytes = 0;
for (const w of wv.words) wordBytes += Buffer.byteLength(w, 'utf8');
let words = 0;
let trainSeconds = 0;
for (const h of trainer.history) {
  words += h.words;
  trainSeconds += h.seconds;
}
console.log(
  JSON.stringify({
    baselineMiB,
    peakMiB,
    retainedMiB,
    resetPeak,
    vocab: wv.size,
    wordBytes,
    words,
    trainCpuSeconds: (cpu.user + cpu.system) / 1e6,
    trainSeconds,
  }),
);
// The vectors stay reachable until the retained RSS was read.
if (wv.size < 0) console.log(wv.words[0], corpus.length);
