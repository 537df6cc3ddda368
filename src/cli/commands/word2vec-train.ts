import type { Word2VecOptions } from '../../text/word2vec/options.js';
import { Word2VecTrainer } from '../../text/word2vec/trainer.js';
import { type Command, optionalNumber, requireString, UsageError } from '../command.js';
import { createProgressBar } from '../progress-bar.js';

/** `ulasan word2vec train`: trains Word2Vec vectors on a text file (one sentence per line). */
export const word2vecTrainCommand: Command = {
  name: 'word2vec train',
  summary: 'Train Word2Vec vectors (CBOW/skip-gram) on a text file, one sentence per line',
  help: `Usage: ulasan word2vec train --input FILE --output FILE [--binary | --native] [--size N] [--window N]
                    [--min-count N] [--negative N] [--hs] [--sample X] [--alpha X] [--min-alpha X]
                    [--epochs N] [--threads N] [--cbow | --skipgram] [--seed N] [--checkpoint FILE] [--json]

Reads FILE (UTF-8, one sentence per line, tokens separated by whitespace; already tokenized and
lower-cased as you want the vocabulary) and writes the vectors in the word2vec text format
(readable by gensim's load_word2vec_format and the C tool), or binary with --binary.
Defaults are gensim's. Progress goes to stderr; --json prints a summary on stdout.

Options:
  --input FILE        training corpus
  --output FILE       where to write the vectors (written atomically)
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
  --checkpoint FILE   save the full training state after every epoch (resume with the library)`,
  options: {
    input: { type: 'string' },
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
  },
  async run(ctx) {
    const input = requireString(ctx, 'input');
    const output = requireString(ctx, 'output');
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
    const trainer = new Word2VecTrainer(options);
    // A live bar on a terminal; otherwise occasional plain lines through the command's stderr logger.
    const bar = createProgressBar(
      ctx.interactive,
      ctx.interactive ? undefined : (line) => ctx.log(line.replace(/\n$/, '')),
    );
    const started = performance.now();
    let vectors: Awaited<ReturnType<Word2VecTrainer['train']>>;
    try {
      vectors = await trainer.train(input, {
        signal: ctx.signal,
        onProgress: (event) => bar.update(event),
        checkpoint: typeof ctx.values.checkpoint === 'string' ? ctx.values.checkpoint : undefined,
      });
    } finally {
      bar.done();
    }
    const seconds = (performance.now() - started) / 1000;
    const format = ctx.values.native === true ? 'native' : ctx.values.binary === true ? 'binary' : 'text';
    await vectors.save(output, { format });
    const words = trainer.history.reduce((s, h) => s + h.words, 0);
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
    };
    if (ctx.json) ctx.out(`${JSON.stringify(summary)}\n`);
    else {
      ctx.log(
        `trained ${summary.words} words × ${summary.dims} dims in ${seconds.toFixed(1)}s (${summary.wordsPerSecond} words/s, ${summary.threads} threads)`,
      );
      ctx.log(`loss per epoch: ${summary.loss.map((l) => l.toFixed(4)).join(' ')}`);
      ctx.log(`wrote ${format} vectors to ${output}`);
    }
    return 0;
  },
};
