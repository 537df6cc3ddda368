/**
 * `Word2VecTrainer`: counts the vocabulary, trains CBOW or skip-gram vectors on all cores, and
 * returns frozen {@link WordVectors}. Training state can be checkpointed after every epoch and
 * resumed (`Word2VecTrainer.resume`), continuing the learning-rate schedule where it stopped.
 */

import { fileURLToPath } from 'node:url';
import { invalidArgument, throwIfAborted, UlasanError } from '../../internal/errors.js';
import type { Logs, ProgressCallback, TrainingCallbacks } from '../../internal/progress.js';
import { describeCorpus, isStreamingCorpus, sentenceBatches, type Word2VecCorpus } from './corpus.js';
import { type CorpusCache, CorpusCacheWriter } from './corpus-cache.js';
import {
  type EngineRun,
  type EpochStats,
  JOB_WORDS,
  type Job,
  type JobSource,
  runTraining,
  type Weights,
} from './engine.js';
import { countFile } from './file-count.js';
import {
  type NativeArraysOnDisk,
  readNativeArraySync,
  readNativeArrays,
  readNativeHeader,
  writeNative,
} from './formats.js';
import { type ResolvedWord2VecOptions, resolveWord2VecOptions, type Word2VecOptions } from './options.js';
import { finalizeVocabulary, VocabCounter, type Vocabulary, vocabularyFrom } from './vocab.js';
import { WordVectors } from './word-vectors.js';

/** Options of {@link Word2VecTrainer.train}. */
export interface Word2VecTrainOptions {
  /** Progress reports (about 10 per second): in-vocabulary words done/total (before subsampling), ETA, and `info` with epoch, words/s, alpha and the epoch's running loss. */
  onProgress?: ProgressCallback;
  /** tfjs-style callbacks; `onEpochEnd(epoch, { loss, wordsPerSecond, alpha })`. */
  callbacks?: TrainingCallbacks;
  /** Cancels training (between jobs of ~10,000 words); the promise rejects with an `ABORTED` error. */
  signal?: AbortSignal;
  /** Saves the full training state here (atomically) after every epoch, for {@link Word2VecTrainer.resume}. */
  checkpoint?: string;
}

// Per-epoch statistics recorded by `Word2VecTrainer.train`, public under a self-explaining name.
export type { EpochStats as Word2VecEpochStats } from './engine.js';

interface TrainingState {
  vocab: Vocabulary;
  /**
   * The weights, or where they lie in a resumed file: they are read from there straight into the
   * training memory when training starts (no in-between copy of the whole state).
   */
  weights: Weights | NativeArraysOnDisk;
  epochsDone: number;
  wordsPerEpoch: number;
}

/**
 * Trains Word2Vec embeddings (CBOW or skip-gram, negative sampling or hierarchical softmax) with
 * gensim's options and defaults, on worker threads over shared memory.
 *
 * @example
 * ```ts
 * import { Word2VecTrainer, WORD2VEC_PRESETS } from 'ulasan/text';
 *
 * const trainer = new Word2VecTrainer({ vectorSize: 100, minCount: 2, epochs: 10 });
 * const vectors = await trainer.train('corpus.txt', {
 *   onProgress: (e) => console.error(e.info),
 * });
 * vectors.mostSimilar('enak', undefined, 5);
 * await vectors.save('vectors.bin', { binary: true });
 *
 * // the seed study's configuration in one line
 * const seedVectors = await new Word2VecTrainer(WORD2VEC_PRESETS.cbow100).train(sentences);
 * ```
 */
export class Word2VecTrainer {
  /** The resolved options (defaults filled in). */
  readonly options: Readonly<ResolvedWord2VecOptions>;
  /** Statistics of each epoch of the last {@link Word2VecTrainer.train} call (and of resumed epochs before it). */
  history: EpochStats[] = [];
  private state: TrainingState | undefined;
  private resumable = false;
  private cachedVectors: WordVectors | undefined;

  /** Stores the options (validated); no work happens until {@link Word2VecTrainer.train}. */
  constructor(options: Word2VecOptions = {}) {
    this.options = Object.freeze(resolveWord2VecOptions(options));
  }

  /** The vectors of the last training (or of a resumed state), or undefined before training. */
  get vectors(): WordVectors | undefined {
    if (!this.state) return undefined;
    const { vocab, weights } = this.state;
    this.cachedVectors ??= WordVectors.adopt(
      vocab.words,
      vocab.index,
      isOnDisk(weights) ? readNativeArraySync(weights, 'syn0') : weights.syn0,
      this.options.vectorSize,
      vocab.counts,
    );
    return this.cachedVectors;
  }

  /** Epochs completed in the current training state (equal to `options.epochs` after a full run). */
  get epochsDone(): number {
    return this.state?.epochsDone ?? 0;
  }

  /**
   * Trains on `corpus` and returns the vectors. Starts from scratch, except on a trainer returned
   * by {@link Word2VecTrainer.resume}, which continues its remaining epochs (pass the same corpus).
   */
  async train(corpus: Word2VecCorpus, trainOptions: Word2VecTrainOptions = {}): Promise<WordVectors> {
    const { signal, onProgress, callbacks, checkpoint } = trainOptions;
    throwIfAborted(signal, 'Word2Vec training');
    const o = this.options;
    const name = describeCorpus(corpus);
    let vocab: Vocabulary;
    let weights: EngineRun['weights'] = null;
    let startEpoch = 0;
    let jobs: JobSource;
    let wordsPerEpoch: number;
    let inMemory = !isStreamingCorpus(corpus);
    let previous = this.resumable ? this.state : undefined;
    this.resumable = false;
    if (previous) {
      vocab = previous.vocab;
      const stored = previous.weights;
      weights = isOnDisk(stored) ? (live) => readNativeArrays(stored, { ...live }) : stored;
      // The loaded weights are copied into the training memory: hold them nowhere else meanwhile.
      this.state = undefined;
      this.cachedVectors = undefined;
      startEpoch = previous.epochsDone;
      if (isStreamingCorpus(corpus)) {
        jobs = streamingJobs(corpus, vocab, signal);
        wordsPerEpoch = previous.wordsPerEpoch;
      } else {
        const cached = await encodeWithVocabulary(corpus, vocab, signal);
        jobs = cached.jobs;
        wordsPerEpoch = cached.words;
      }
      previous = undefined;
    } else {
      this.history = [];
      ({ vocab, jobs, wordsPerEpoch, inMemory } = await countAndEncode(corpus, o, name, signal));
    }
    if (wordsPerEpoch === 0) {
      throw new UlasanError(
        'INVALID_DATA',
        `The Word2Vec corpus (${name}) has no words of the vocabulary to train on.`,
      );
    }
    await callbacks?.onTrainBegin?.();
    const run: EngineRun = {
      options: o,
      vocab,
      wordsPerEpoch,
      weights,
      startEpoch,
      jobs,
      jobsInMemory: inMemory,
      signal,
      onProgress,
      onEpochEnd: async (stats, snapshot) => {
        this.history.push(stats);
        if (checkpoint) {
          const state = { vocab, weights: snapshot(), epochsDone: stats.epoch + 1, wordsPerEpoch };
          await saveState(checkpoint, o, state, this.history);
        }
        const logs: Logs = { loss: stats.loss, wordsPerSecond: stats.wordsPerSecond, alpha: stats.alpha };
        await callbacks?.onEpochEnd?.(stats.epoch, logs);
      },
    };
    weights = null; // run.weights alone holds them now, and the engine drops it once copied
    const { weights: trained } = await runTraining(run);
    this.state = { vocab, weights: trained, epochsDone: o.epochs, wordsPerEpoch };
    this.cachedVectors = undefined;
    const last = this.history[this.history.length - 1];
    await callbacks?.onTrainEnd?.(last ? { loss: last.loss } : undefined);
    return this.vectors as WordVectors;
  }

  /** Saves the full training state (vocabulary, counts, input and output weights, schedule) in the native format. */
  async save(path: string): Promise<void> {
    if (!this.state)
      throw new UlasanError('NOT_FITTED', 'Word2VecTrainer has no training state to save: call train() first.');
    const state = this.state;
    if (isOnDisk(state.weights)) {
      // A resumed state not trained yet: its weights are still in the file it came from.
      const { layout } = state.weights;
      const load = (name: string) => (layout[name] ? new Float32Array(layout[name].length) : null);
      const weights: Weights = { syn0: load('syn0') as Float32Array, syn1neg: load('syn1neg'), syn1: load('syn1') };
      await readNativeArrays(state.weights, { ...weights });
      await saveState(path, this.options, { ...state, weights }, this.history);
      return;
    }
    await saveState(path, this.options, { ...state, weights: state.weights }, this.history);
  }

  /**
   * Loads a training state saved by {@link Word2VecTrainer.save} or a `checkpoint`. Calling
   * `train(corpus)` on the result continues the remaining epochs with the same learning-rate
   * schedule (with `threads: 1` the result equals an uninterrupted run). The saved options are
   * kept, including `threads`; `overrides` may change `threads` or raise `epochs` (to train more).
   */
  static async resume(
    path: string,
    overrides: Pick<Word2VecOptions, 'threads' | 'epochs'> = {},
  ): Promise<Word2VecTrainer> {
    const { header, onDisk } = await readNativeHeader(path);
    const training = header.training as
      | { options: Word2VecOptions; epochsDone: number; wordsPerEpoch: number; history?: EpochStats[] }
      | undefined;
    if (header.kind !== 'training-state' || !training) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${path} holds word vectors only, not a training state; save one with trainer.save() or train(..., { checkpoint }).`,
      );
    }
    for (const key of Object.keys(overrides)) {
      if (key !== 'threads' && key !== 'epochs')
        throw invalidArgument(`resume() can override threads and epochs only, got "${key}".`);
    }
    const trainer = new Word2VecTrainer({ ...training.options, ...overrides });
    const o = trainer.options;
    if (o.epochs < training.epochsDone) {
      throw invalidArgument(
        `resume(): epochs (${o.epochs}) is below the ${training.epochsDone} epochs already trained.`,
      );
    }
    const counts = header.counts ?? [];
    if (counts.length !== header.words.length)
      throw new UlasanError('FILE_FORMAT', `${path}: the training state lacks word counts.`);
    const v = header.words.length;
    const dim = o.vectorSize;
    if (header.dims !== dim)
      throw new UlasanError('FILE_FORMAT', `${path}: dims ${header.dims} differ from vectorSize ${dim}.`);
    const syn1neg = onDisk.layout.syn1neg ?? null;
    const syn1 = onDisk.layout.syn1 ?? null;
    if (o.negative > 0 !== (syn1neg !== null) || (syn1neg && syn1neg.length !== v * dim)) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${path}: the negative-sampling weights are missing or have the wrong size.`,
      );
    }
    if ((o.hs === 1) !== (syn1 !== null) || (syn1 && syn1.length !== Math.max(0, v - 1) * dim)) {
      throw new UlasanError(
        'FILE_FORMAT',
        `${path}: the hierarchical-softmax weights are missing or have the wrong size.`,
      );
    }
    trainer.state = {
      vocab: vocabularyFrom(header.words, counts),
      weights: onDisk,
      epochsDone: training.epochsDone,
      wordsPerEpoch: training.wordsPerEpoch,
    };
    trainer.history = training.history ?? [];
    trainer.resumable = true;
    return trainer;
  }
}

/**
 * Trains Word2Vec vectors in one call: `new Word2VecTrainer(options).train(corpus, trainOptions)`.
 *
 * @example
 * ```ts
 * const vectors = await trainWord2Vec(sentences, { minCount: 2, threads: 1, seed: 7 });
 * ```
 */
export async function trainWord2Vec(
  corpus: Word2VecCorpus,
  options: Word2VecOptions = {},
  trainOptions: Word2VecTrainOptions = {},
): Promise<WordVectors> {
  return new Word2VecTrainer(options).train(corpus, trainOptions);
}

function isOnDisk(weights: Weights | NativeArraysOnDisk): weights is NativeArraysOnDisk {
  return 'layout' in weights;
}

async function saveState(
  path: string,
  o: ResolvedWord2VecOptions,
  state: TrainingState & { weights: Weights },
  history: EpochStats[],
): Promise<void> {
  const arrays: Record<string, Float32Array> = { syn0: state.weights.syn0 };
  if (state.weights.syn1neg) arrays.syn1neg = state.weights.syn1neg;
  if (state.weights.syn1) arrays.syn1 = state.weights.syn1;
  const options = { ...o };
  await writeNative(
    path,
    {
      kind: 'training-state',
      dims: o.vectorSize,
      words: state.vocab.words,
      counts: [...state.vocab.counts],
      training: { options, epochsDone: state.epochsDone, wordsPerEpoch: state.wordsPerEpoch, history },
    },
    arrays,
  );
}

/**
 * Most tokens of a file corpus kept in memory as word ids after the counting pass (4 bytes each:
 * 64 MiB). Below it, the epochs train from memory like an array corpus, and no epoch re-reads,
 * decodes and tokenizes the file on the main thread (which was slower than two training threads
 * consume: issue 18); above it, the file is streamed on every pass and memory stays bounded.
 * Internal (not exported by the package); an object so that tests can lower it.
 */
export const fileCache = { maxTokens: 1 << 24 };

async function countVocabulary(
  corpus: Word2VecCorpus,
  o: ResolvedWord2VecOptions,
  signal: AbortSignal | undefined,
  keepTokens: number,
): Promise<{ counter: VocabCounter; cache: CorpusCache | undefined }> {
  if ((typeof corpus === 'string' || corpus instanceof URL) && o.maxVocabSize === null) {
    // A file: counted on its bytes (issue 18). Undefined for a file it cannot take (invalid UTF-8,
    // missing): the string path below then reads it and reports the problem.
    const counted = await countFile(corpus instanceof URL ? fileURLToPath(corpus) : corpus, keepTokens, signal);
    if (counted) return counted;
  }
  const counter = new VocabCounter(o.maxVocabSize);
  let writer: CorpusCacheWriter | undefined = keepTokens > 0 ? new CorpusCacheWriter() : undefined;
  let kept = 0;
  for await (const batch of sentenceBatches(corpus, signal)) {
    for (const tokens of batch) {
      if (writer) {
        kept += tokens.length;
        if (kept > keepTokens) {
          // Too large to keep: count only, and stream the corpus on every epoch instead.
          writer = undefined;
          counter.add(tokens);
          continue;
        }
        const { ids, at } = writer.reserve(tokens.length);
        counter.add(tokens, ids, at);
        writer.commit(tokens.length);
      } else {
        counter.add(tokens);
      }
    }
  }
  return { counter, cache: writer?.cache };
}

/** How many tokens of `corpus` the counting pass may keep as word ids for the epochs. */
function tokensToKeep(corpus: Word2VecCorpus): number {
  if (!isStreamingCorpus(corpus)) return Number.POSITIVE_INFINITY;
  return typeof corpus === 'function' ? 0 : fileCache.maxTokens;
}

/**
 * The counting pass of a fresh training: the vocabulary, and the jobs (from the in-memory cache,
 * or streamed per epoch). A function of its own so that the counter and the slot remap are
 * released before training starts.
 */
async function countAndEncode(
  corpus: Word2VecCorpus,
  o: ResolvedWord2VecOptions,
  name: string,
  signal: AbortSignal | undefined,
): Promise<{ vocab: Vocabulary; jobs: JobSource; wordsPerEpoch: number; inMemory: boolean }> {
  const counted = await countVocabulary(corpus, o, signal, tokensToKeep(corpus));
  const { vocab, remap } = finalizeVocabulary(counted.counter, o.minCount, o.maxFinalVocab, name);
  if (counted.cache) {
    const cached = cachedJobs(counted.cache, remap);
    return { vocab, jobs: cached.jobs, wordsPerEpoch: cached.words, inMemory: true };
  }
  let wordsPerEpoch = 0;
  for (const c of vocab.counts) wordsPerEpoch += c;
  return { vocab, jobs: streamingJobs(corpus, vocab, signal), wordsPerEpoch, inMemory: false };
}

/**
 * Packs sentences into jobs, dropping words outside the vocabulary; long sentences are split at
 * JOB_WORDS. Streaming a corpus makes a job per ~10,000 words on every epoch, so the packer
 * allocates nothing per sentence and reuses the arrays of jobs handed back by
 * {@link JobPacker.recycle}: a stream then adds no garbage beyond its own strings.
 */
class JobPacker {
  private ids: Int32Array = new Int32Array(JOB_WORDS);
  private lens: Int32Array = new Int32Array(JOB_WORDS);
  private nWords = 0;
  private nSent = 0;
  private sentence = new Int32Array(256);
  private readonly spare: Job[] = [];

  /** Adds a sentence of tokens; finished jobs go to `out`. Returns its in-vocabulary words. */
  add(tokens: readonly string[], index: Map<string, number>, out: Job[]): number {
    if (tokens.length > this.sentence.length)
      this.sentence = new Int32Array(Math.max(tokens.length, this.sentence.length * 2));
    const sentence = this.sentence;
    let length = 0;
    for (let i = 0; i < tokens.length; i++) {
      const id = index.get(tokens[i] as string);
      if (id !== undefined) sentence[length++] = id;
    }
    let start = 0;
    while (start < length) {
      const n = Math.min(length - start, JOB_WORDS);
      if (this.nWords + n > JOB_WORDS) out.push(this.flush() as Job);
      const ids = this.ids;
      const at = this.nWords;
      for (let i = 0; i < n; i++) ids[at + i] = sentence[start + i] as number;
      this.lens[this.nSent++] = n;
      this.nWords += n;
      start += n;
    }
    return length;
  }

  /** The job filled so far (its arrays are JOB_WORDS long; `nWords`/`nSent` say how much is used). */
  flush(): Job | undefined {
    if (this.nWords === 0) return undefined;
    const job: Job = { ids: this.ids, lens: this.lens, nWords: this.nWords, nSent: this.nSent };
    const spare = this.spare.pop();
    this.ids = spare?.ids ?? new Int32Array(JOB_WORDS);
    this.lens = spare?.lens ?? new Int32Array(JOB_WORDS);
    this.nWords = 0;
    this.nSent = 0;
    return job;
  }

  /** Takes back a job whose arrays are no longer read. */
  recycle(job: Job): void {
    if (job.ids.length === JOB_WORDS && job.lens.length === JOB_WORDS) this.spare.push(job);
  }
}

/**
 * Remaps the counting pass's slot ids to vocabulary ids in place (dropping words outside the
 * vocabulary) and cuts jobs once for all epochs, as views of the cache (no second copy of the
 * corpus). Jobs are cut exactly as {@link JobPacker} cuts a stream, so every input kind trains alike.
 */
function cachedJobs(cache: CorpusCache, remap: Int32Array): { jobs: JobSource; words: number } {
  const jobs: Job[] = [];
  let parts: Int32Array[] = [];
  let lens: number[] = [];
  let jobWords = 0;
  let words = 0;
  const emit = () => {
    if (jobWords === 0) return;
    let ids = parts[0] as Int32Array;
    if (parts.length > 1) {
      // A job that spans two chunks (once per chunk) is the only copy.
      ids = new Int32Array(jobWords);
      let at = 0;
      for (const p of parts) {
        ids.set(p, at);
        at += p.length;
      }
    }
    jobs.push({ ids, lens: Int32Array.from(lens), nWords: jobWords, nSent: lens.length });
    parts = [];
    lens = [];
    jobWords = 0;
  };
  for (const chunk of cache.chunks) {
    const ids = chunk.ids;
    let w = 0;
    let r = 0;
    let partStart = 0;
    for (const len of chunk.lens) {
      const start = w;
      for (let i = r; i < r + len; i++) {
        const id = remap[ids[i] as number] as number;
        if (id >= 0) ids[w++] = id;
      }
      r += len;
      words += w - start;
      for (let s = start; s < w; ) {
        const piece = Math.min(w - s, JOB_WORDS);
        if (jobWords + piece > JOB_WORDS) {
          if (s > partStart) parts.push(ids.subarray(partStart, s));
          emit();
          partStart = s;
        }
        lens.push(piece);
        jobWords += piece;
        s += piece;
      }
    }
    if (w > partStart) parts.push(ids.subarray(partStart, w));
  }
  emit();
  return { jobs: () => jobs, words };
}

async function encodeWithVocabulary(
  corpus: Word2VecCorpus,
  vocab: Vocabulary,
  signal: AbortSignal | undefined,
): Promise<{ jobs: JobSource; words: number }> {
  const packer = new JobPacker();
  const jobs: Job[] = [];
  const out: Job[] = [];
  let words = 0;
  // Kept for all epochs: trimmed to their size, and the packer's full-size arrays reused.
  const keep = (job: Job) => {
    jobs.push({ ...job, ids: job.ids.slice(0, job.nWords), lens: job.lens.slice(0, job.nSent) });
    packer.recycle(job);
  };
  for await (const batch of sentenceBatches(corpus, signal)) {
    for (const tokens of batch) words += packer.add(tokens, vocab.index, out);
    for (const job of out.splice(0)) keep(job);
  }
  const last = packer.flush();
  if (last) keep(last);
  return { jobs: () => jobs, words };
}

/**
 * Re-reads the corpus on every epoch (file paths and source functions): memory stays bounded.
 * A yielded job's arrays are reused once the next job is asked for (the engine has copied them
 * into its shared memory by then).
 */
function streamingJobs(corpus: Word2VecCorpus, vocab: Vocabulary, signal: AbortSignal | undefined): JobSource {
  return async function* () {
    const packer = new JobPacker();
    const out: Job[] = [];
    for await (const batch of sentenceBatches(corpus, signal)) {
      for (const tokens of batch) packer.add(tokens, vocab.index, out);
      while (out.length > 0) {
        const job = out.shift() as Job;
        yield job;
        packer.recycle(job);
      }
    }
    const last = packer.flush();
    if (last) yield last;
  };
}
