/**
 * Corpus input for Word2Vec: arrays of token arrays, (async) iterables of lines or token arrays,
 * a restartable source function, or a file path (one sentence per line, UTF-8). Everything is
 * turned into batches of token arrays, so the trainer has one loop for all of them.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { invalidArgument, throwIfAborted, UlasanError } from '../../internal/errors.js';

/** One sentence: a line of whitespace-separated tokens, or the tokens themselves. */
export type Word2VecSentence = string | readonly string[];

/** A one-pass sequence of sentences. */
export type SentenceSource = Iterable<Word2VecSentence> | AsyncIterable<Word2VecSentence>;

/**
 * What {@link Word2VecTrainer.train} accepts.
 *
 * - `string[][]` or any (async) iterable of token arrays or lines: read once while counting the
 *   vocabulary and kept in memory as 4-byte word ids for the epochs (so one-shot streams work).
 * - a file path (`string` or `URL`): one sentence per line, tokens separated by whitespace;
 *   streamed from disk on every pass, so corpora larger than memory work.
 * - a function returning a fresh (async) iterable: called once per pass and streamed the same way.
 */
export type Word2VecCorpus = string | URL | SentenceSource | (() => SentenceSource | Promise<SentenceSource>);

/** Sentences per batch handed to the trainer. */
const BATCH = 512;

/** Splits a line into tokens on any whitespace, like gensim's `LineSentence` (`line.split()`). */
export function tokenizeLine(line: string): string[] {
  const t = line.trim();
  return t === '' ? [] : t.split(/\s+/);
}

/** True when the corpus is re-read from its source on every pass (file path or source function). */
export function isStreamingCorpus(corpus: Word2VecCorpus): boolean {
  return typeof corpus === 'string' || corpus instanceof URL || typeof corpus === 'function';
}

/** A description of the corpus for error messages. */
export function describeCorpus(corpus: Word2VecCorpus): string {
  if (typeof corpus === 'string') return `file ${corpus}`;
  if (corpus instanceof URL) return `file ${corpus.href}`;
  if (typeof corpus === 'function') return 'the corpus source function';
  if (Array.isArray(corpus)) return `an array of ${corpus.length} sentences`;
  return 'the corpus iterable';
}

/** One pass over the corpus in batches of token arrays. */
export async function* sentenceBatches(corpus: Word2VecCorpus, signal?: AbortSignal): AsyncGenerator<string[][]> {
  if (typeof corpus === 'string' || corpus instanceof URL) {
    yield* fileBatches(corpus instanceof URL ? fileURLToPath(corpus) : corpus, signal);
    return;
  }
  let source: SentenceSource;
  if (typeof corpus === 'function') {
    source = await corpus();
    if (
      source === null ||
      typeof source !== 'object' ||
      !(Symbol.iterator in source || Symbol.asyncIterator in source)
    ) {
      throw invalidArgument('The Word2Vec corpus function must return an iterable or async iterable of sentences.');
    }
  } else if (
    corpus !== null &&
    typeof corpus === 'object' &&
    (Symbol.iterator in corpus || Symbol.asyncIterator in corpus)
  ) {
    source = corpus;
  } else {
    throw invalidArgument(
      `Word2Vec expects a corpus: an array of token arrays, an (async) iterable of lines or token arrays, a file path, or a function returning one of these; got ${corpus === null ? 'null' : typeof corpus}.`,
    );
  }
  let batch: string[][] = [];
  let index = 0;
  if (Symbol.asyncIterator in source) {
    for await (const sentence of source as AsyncIterable<Word2VecSentence>) {
      batch.push(toTokens(sentence, index++));
      if (batch.length === BATCH) {
        throwIfAborted(signal, 'Word2Vec training');
        yield batch;
        batch = [];
      }
    }
  } else {
    for (const sentence of source as Iterable<Word2VecSentence>) {
      batch.push(toTokens(sentence, index++));
      if (batch.length === BATCH) {
        throwIfAborted(signal, 'Word2Vec training');
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

function toTokens(sentence: Word2VecSentence, index: number): string[] {
  if (typeof sentence === 'string') return tokenizeLine(sentence);
  if (Array.isArray(sentence)) {
    for (const token of sentence) {
      if (typeof token !== 'string') {
        throw invalidArgument(
          `Sentence ${index} of the Word2Vec corpus contains a ${typeof token} (${String(token)}); sentences must be strings or arrays of string tokens.`,
        );
      }
    }
    // Empty tokens would become an unsavable '' word: drop them (copying only when there are any).
    return sentence.includes('') ? sentence.filter((t) => t !== '') : (sentence as string[]);
  }
  if (sentence instanceof Uint8Array) {
    throw invalidArgument(
      `Sentence ${index} of the Word2Vec corpus is a Buffer: a byte stream is not a stream of lines. Pass the file path itself, or lines, e.g. readline.createInterface({ input: stream }).`,
    );
  }
  throw invalidArgument(
    `Sentence ${index} of the Word2Vec corpus is a ${sentence === null ? 'null' : typeof sentence}; expected a line (string) or an array of tokens.`,
  );
}

async function* fileBatches(path: string, signal?: AbortSignal): AsyncGenerator<string[][]> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw invalidArgument(`Word2Vec corpus ${path} is not a file (one sentence per line expected).`);
  } catch (error) {
    if (UlasanError.isInstance(error)) throw error;
    throw new UlasanError(
      'FILE_NOT_FOUND',
      `Word2Vec corpus file ${path} cannot be read (${(error as Error).message}). Check the path.`,
      { cause: error },
    );
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  let line = 0;
  let batch: string[][] = [];
  const stream = createReadStream(path, { highWaterMark: 1 << 16 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      throwIfAborted(signal, 'Word2Vec training');
      let text: string;
      try {
        text = rest + decoder.decode(chunk, { stream: true });
      } catch (error) {
        // Locate the bad bytes for the message: a lenient decode marks them with U+FFFD.
        const loose = new TextDecoder('utf-8').decode(chunk);
        const bad = loose.indexOf('\uFFFD');
        throw invalidUtf8(path, line + countNewlines(rest + loose.slice(0, Math.max(0, bad))) + 1, error);
      }
      let start = 0;
      for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
        batch.push(tokenizeLine(text.slice(start, nl)));
        line++;
        start = nl + 1;
        if (batch.length === BATCH) {
          yield batch;
          batch = [];
        }
      }
      rest = text.slice(start);
    }
    try {
      rest += decoder.decode();
    } catch (error) {
      throw invalidUtf8(path, line + 1, error);
    }
  } finally {
    stream.destroy();
  }
  if (rest !== '') batch.push(tokenizeLine(rest));
  if (batch.length > 0) yield batch;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function invalidUtf8(path: string, line: number, cause: unknown): UlasanError {
  return new UlasanError(
    'INVALID_DATA',
    `Word2Vec corpus ${path} is not valid UTF-8 (invalid bytes on line ${line}). Convert it to UTF-8 first (e.g. iconv -f latin1 -t utf-8).`,
    { cause },
  );
}
