import type { Word2VecOptions } from '../../text/word2vec/options.js';
import { Word2VecTrainer } from '../../text/word2vec/trainer.js';
import { type Command, optionalNumber, requireString, UsageError } from '../command.js';
import { withInputFile, withOutputFile } from '../io.js';
import { createProgressBar } from '../progress-bar.js';

/** Flags whose values the checkpoint fixes (with --resume the saved ones are used), and their option. */
const SAVED_WITH_STATE: Record<string, keyof Word2VecOptions> = {
  size: 'vectorSize',
  window: 'window',
  'min-count': 'minCount',
  negative: 'negative',
  hs: 'hs',
  sample: 'sample',
  alpha: 'alpha',
  'min-alpha': 'minAlpha',
  cbow: 'sg',
  skipgram: 'sg',
  seed: 'seed',
};

const round3 = (x: number) => Number(x.toFixed(3));

/** `ulasan word2vec train`: trains Word2Vec vectors on a text file (one sentence per line). */
export const word2vecTrainCommand: Command = {
  name: 'word2vec train',
  summary: 'Train Word2Vec vectors (CBOW/skip-gram) on a text file, one sentence per line',
  help: `Usage: ulasan word2vec train --input FILE --out FILE [--binary | --native] [--size N] [--window N]
                    [--min-count N] [--negative N] [--hs] [--sample X] [--alpha X] [--min-alpha X]
                    [--epochs N] [--threads N] [--cbow | --skipgram] [--seed N]
                    [--checkpoint FILE [--resume]] [--json]

Reads FILE (UTF-8, one sentence per line, tokens separated by whitespace; already tokenized and
lower-cased as you want the vocabulary) and writes the vectors in the word2vec text format
(readable by gensim's load_word2vec_format and the C tool), or binary with --binary.
Defaults are gensim's. Progress goes to stderr; --json prints a summary on stdout, with the
seconds of each phase (startup, vocabulary, threads, epochs, write).

Options:
  --input FILE        training corpus; - for stdin (kept in a temporary file: it is read every epoch)
  --out FILE          where to write the vectors (written atomically); - for stdout
  --output FILE       deprecated alias of --out
  --binary            word2vec binary format instead of text
  --native            ulasan's native format (fast to load, keeps word counts)
  --size N            vector dimensions (default 100)
  --window N          context window (default 5)
  --min-count N       ignore words rarer than this (default 5)
  --negative N        negative samples, 0 = off (default 5)
  --hs                hierarchical softmax
  --sample X          frequent-word subsampling threshold (default 0.001)
  --alpha X           initial learning rate (default 0.025)
  --min-alpha X       final learning rate (default 0.0001)
  --epochs N          passes over the corpus (default 5)
  --threads N         training threads (default: all cores; 1 = deterministic)
  --cbow | --skipgram architecture (default CBOW)
  --seed N            random seed (default 1)
  --checkpoint FILE   save the full training state after every epoch
  --resume            continue the remaining epochs from --checkpoint (its saved options are used;
                      --epochs may raise the total, --threads may change). Without a checkpoint
                      file, a notice on stderr says so and training starts from the first epoch`,
  options: {
    input: { type: 'string' },
    out: { type: 'string' },
    output: { type: 'string' },
    binary: { type: 'boolean' },
    native: { type: 'boolean' },
    size: { type: 'string' },
    window: { type: 'string' },
    'min-count': { type: 'string' },
    negative: { type: 'string' },
    hs: { type: 'boolean' },
    sample: { type: 'string' },
    alpha: { type: 'string' },
    'min-alpha': { type: 'string' },
    epochs: { type: 'string' },
    threads: { type: 'string' },
    cbow: { type: 'boolean' },
    skipgram: { type: 'boolean' },
    seed: { type: 'string' },
    checkpoint: { type: 'string' },
    resume: { type: 'boolean' },
  },
  numbers: {
    size: { integer: true, min: 1 },
    window: { integer: true, min: 1 },
    'min-count': { integer: true, min: 1 },
    negative: { integer: true, min: 0 },
    sample: { min: 0 },
    alpha: { min: 0, minExclusive: true },
    'min-alpha': { min: 0 },
    epochs: { integer: true, min: 1 },
    threads: { integer: true, min: 1 },
    seed: { integer: true },
  },
  async run(ctx) {
    const input = requireString(ctx, 'input');
    if (typeof ctx.values.output === 'string') {
      if (typeof ctx.values.out === 'string')
        throw new UsageError('pass --out only (--output is its deprecated alias)');
      ctx.log('warning: --output is deprecated; use --out (the same option, named like every other command)');
      ctx.values.out = ctx.values.output;
    }
    const output = requireString(ctx, 'out');
    if (output === '-' && ctx.json) throw new UsageError('--out - and --json both write to stdout; pick one');
    const checkpoint = typeof ctx.values.checkpoint === 'string' ? ctx.values.checkpoint : undefined;
    if (ctx.values.resume === true && !checkpoint)
      throw new UsageError('--resume needs --checkpoint FILE (the state the interrupted run saved)');
    if (ctx.values.cbow === true && ctx.values.skipgram === true)
      throw new UsageError('pass either --cbow or --skipgram, not both');
    if (ctx.values.binary === true && ctx.values.native === true)
      throw new UsageError('pass either --binary or --native, not both');
    const options: Word2VecOptions = {
      vectorSize: optionalNumber(ctx, 'size'),
      window: optionalNumber(ctx, 'window'),
      minCount: optionalNumber(ctx, 'min-count'),
      negative: optionalNumber(ctx, 'negative'),
      hs: ctx.values.hs === true ? 1 : undefined,
      sample: optionalNumber(ctx, 'sample'),
      alpha: optionalNumber(ctx, 'alpha'),
      minAlpha: optionalNumber(ctx, 'min-alpha'),
      epochs: optionalNumber(ctx, 'epochs'),
      threads: optionalNumber(ctx, 'threads'),
      sg: ctx.values.skipgram === true ? 1 : 0,
      seed: optionalNumber(ctx, 'seed'),
    };
    let trainer: Word2VecTrainer | undefined;
    if (ctx.values.resume === true && checkpoint) {
      const { existsSync } = await import('node:fs');
      if (existsSync(checkpoint)) {
        trainer = await Word2VecTrainer.resume(checkpoint, {
          ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
          ...(options.threads !== undefined ? { threads: options.threads } : {}),
        });
        const saved = trainer.options as unknown as Record<string, unknown>;
        const ignored = Object.entries(SAVED_WITH_STATE)
          .filter(([flag, key]) => ctx.values[flag] !== undefined && options[key] !== saved[key])
          .map(([flag, key]) => `--${flag} (the checkpoint has ${key} ${String(saved[key])})`);
        if (ignored.length > 0)
          ctx.log(`--resume: ${ignored.join(', ')} ignored: the checkpoint's saved options are used`);
        ctx.log(
          `--resume: continuing from ${checkpoint} (${trainer.history.length} of ${trainer.options.epochs} epochs done)`,
        );
      } else {
        ctx.log(`--resume: no checkpoint at ${checkpoint} (nothing to resume): training from the first epoch`);
      }
    }
    trainer ??= new Word2VecTrainer(options);
    // A live bar on a terminal; otherwise occasional plain lines through the command's stderr logger.
    const bar = createProgressBar(
      ctx.interactive,
      ctx.interactive ? undefined : (line) => ctx.log(line.replace(/\n$/, '')),
    );
    // performance.now() counts from process start: what came before is start-up and module loading.
    const started = performance.now();
    const epochsBefore = trainer.history.length;
    let countedAt = started;
    let vectors: Awaited<ReturnType<Word2VecTrainer['train']>>;
    try {
      const t = trainer;
      vectors = await withInputFile(ctx, input, '--input', 'corpus.txt', (corpus) =>
        t.train(corpus, {
          signal: ctx.signal,
          onProgress: (event) => bar.update(event),
          checkpoint,
          // Called once the corpus is read, counted and converted to ids, before the threads start.
          callbacks: {
            onTrainBegin: () => {
              countedAt = performance.now();
            },
          },
        }),
      );
    } finally {
      bar.done();
    }
    const trained = performance.now();
    const seconds = (trained - started) / 1000;
    const format = ctx.values.native === true ? 'native' : ctx.values.binary === true ? 'binary' : 'text';
    await withOutputFile(ctx, output, format === 'text' ? 'vectors.txt' : 'vectors.bin', (file) =>
      vectors.save(file, { format }),
    );
    const written = performance.now();
    const words = trainer.history.reduce((s, h) => s + h.words, 0);
    // This run's epochs only (a resumed trainer's history also lists the epochs trained before).
    const epochSeconds = trainer.history.slice(epochsBefore).reduce((s, h) => s + h.seconds, 0);
    const trainSeconds = trainer.history.reduce((s, h) => s + h.seconds, 0);
    const summary = {
      input,
      output,
      format,
      words: vectors.size,
      dims: vectors.dims,
      epochs: trainer.history.length,
      threads: trainer.options.threads,
      seconds: Number(seconds.toFixed(3)),
      wordsPerSecond: Math.round(trainSeconds > 0 ? words / trainSeconds : 0),
      loss: trainer.history.map((h) => Number(h.loss.toFixed(6))),
      // Where the wall time went, in seconds (issue 18): process start and module loading; reading,
      // counting and converting the corpus to ids; starting the threads and the epochs; writing.
      phases: {
        startup: round3(started / 1000),
        vocabulary: round3((countedAt - started) / 1000),
        threads: round3((trained - countedAt) / 1000 - epochSeconds),
        epochs: round3(epochSeconds),
        write: round3((written - trained) / 1000),
      },
    };
    if (ctx.json) ctx.out(`${JSON.stringify(summary)}\n`);
    else {
      ctx.log(
        `trained ${summary.words} words × ${summary.dims} dims in ${seconds.toFixed(1)}s (${summary.wordsPerSecond} words/s, ${summary.threads} threads)`,
      );
      ctx.log(`loss per epoch: ${summary.loss.map((l) => l.toFixed(4)).join(' ')}`);
      ctx.log(`wrote ${format} vectors to ${output === '-' ? 'stdout' : output}`);
    }
    return 0;
  },
};
