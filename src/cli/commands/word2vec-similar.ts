import { WordVectors } from '../../text/word2vec/word-vectors.js';
import { type Command, optionalNumber, requireString, UsageError } from '../command.js';
import { withInputFile } from '../io.js';

/** `ulasan word2vec similar`: nearest neighbours (and analogies) from a vectors file. */
export const word2vecSimilarCommand: Command = {
  name: 'word2vec similar',
  summary: 'Show the words nearest to a word (or an analogy) in a word-vectors file',
  help: `Usage: ulasan word2vec similar --vectors FILE WORD [WORD...] [--negative WORD]... [--topn N] [--json]

Loads word2vec text/binary (gensim, word2vec.c; detected) or ulasan native vectors and prints the
--topn words with the highest cosine similarity to the mean of the given words (gensim's
most_similar). With --negative: analogies, e.g. "raja wanita --negative pria".

Options:
  --vectors FILE     the word vectors; - for stdin
  --negative WORD    subtract this word (repeatable)
  --topn N           how many neighbours (default 10)
  --binary           force the word2vec binary format (default: detect)`,
  options: {
    vectors: { type: 'string' },
    negative: { type: 'string', multiple: true },
    topn: { type: 'string' },
    binary: { type: 'boolean' },
  },
  numbers: { topn: { integer: true, min: 1 } },
  async run(ctx) {
    const path = requireString(ctx, 'vectors');
    const positive = ctx.positionals;
    const negative = (ctx.values.negative as string[] | undefined) ?? [];
    if (positive.length === 0 && negative.length === 0) throw new UsageError('give at least one WORD');
    const topn = optionalNumber(ctx, 'topn') ?? 10;
    if (!Number.isInteger(topn) || topn < 1) throw new UsageError(`--topn expects a positive integer, got ${topn}`);
    const vectors = await withInputFile(ctx, path, '--vectors', 'vectors', (file) =>
      WordVectors.load(file, ctx.values.binary === true ? { binary: true } : {}),
    );
    const result = vectors.mostSimilar(positive, negative, topn);
    if (ctx.json) ctx.out(`${JSON.stringify({ positive, negative, topn, result })}\n`);
    else for (const r of result) ctx.print(`${r.word.padEnd(24)} ${r.similarity.toFixed(4)}`);
    return 0;
  },
};
