import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { WordVectors } from '../../../src/text/index.js';
import { smsaSentences } from './real-corpus.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), interactive: false }, out, err };
}

describe('ulasan word2vec CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ulasan-w2v-cli-'));
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(
    corpus,
    `${smsaSentences(1500)
      .map((s) => s.join(' '))
      .join('\n')}\n`,
  );

  it('trains, writes gensim-readable binary vectors and prints a JSON summary', async () => {
    const c = capture();
    const output = join(dir, 'v.bin');
    const args = ['word2vec', 'train', '--input', corpus, '--output', output, '--binary', '--size', '32'];
    args.push('--min-count', '3', '--epochs', '3', '--threads', '1', '--seed', '5', '--skipgram', '--json');
    expect(await runCli(args, c.io), c.err.join('')).toBe(0);
    const summary = JSON.parse(c.out.join(''));
    expect(summary).toMatchObject({ output, format: 'binary', dims: 32, epochs: 3, threads: 1 });
    expect(summary.loss).toHaveLength(3);
    expect(summary.loss[2]).toBeLessThan(summary.loss[0]);
    expect(summary.wordsPerSecond).toBeGreaterThan(0);
    // Where the time went (issue 18): every phase measured, and together no more than the run.
    const phases = summary.phases as Record<string, number>;
    expect(Object.keys(phases)).toEqual(['startup', 'vocabulary', 'threads', 'epochs', 'write']);
    for (const seconds of Object.values(phases)) expect(seconds).toBeGreaterThanOrEqual(0);
    expect(phases.epochs).toBeGreaterThan(0);
    expect(phases.vocabulary + phases.threads + phases.epochs).toBeCloseTo(summary.seconds, 2);
    const wv = await WordVectors.load(output, { binary: true });
    expect(wv.size).toBe(summary.words);
    expect(readFileSync(output).subarray(0, 8).toString()).toBe(`${wv.size} 32\n`.slice(0, 8));
    // Progress lines went to stderr (non-interactive: plain lines), nothing else to stdout.
    expect(c.err.join('')).toMatch(/word2vec .*words\/s=/);
  });

  it('answers similar queries in text and JSON, and names unknown words', async () => {
    const output = join(dir, 'v.txt');
    expect(
      await runCli(
        ['word2vec', 'train', '--input', corpus, '--output', output, '--min-count', '3', '--epochs', '2'],
        capture().io,
      ),
    ).toBe(0);
    const c = capture();
    expect(await runCli(['word2vec', 'similar', '--vectors', output, 'enak', '--topn', '3', '--json'], c.io)).toBe(0);
    const parsed = JSON.parse(c.out.join(''));
    expect(parsed.result).toHaveLength(3);
    expect(parsed.result[0]).toHaveProperty('similarity');
    const human = capture();
    expect(await runCli(['word2vec', 'similar', '--vectors', output, 'enak'], human.io)).toBe(0);
    expect(human.out.join('').trim().split('\n')).toHaveLength(10); // results on stdout
    const bad = capture();
    expect(await runCli(['word2vec', 'similar', '--vectors', output, 'xyzzy'], bad.io)).toBe(2);
    expect(bad.err.join('')).toMatch(/"xyzzy" is not in the vocabulary/);
  });

  it('reports usage errors and bad options with the right exit codes', async () => {
    const c = capture();
    expect(await runCli(['word2vec', 'train', '--output', join(dir, 'x.txt')], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/--input/);
    const both = capture();
    expect(
      await runCli(['word2vec', 'train', '--input', corpus, '--output', 'x', '--cbow', '--skipgram'], both.io),
    ).toBe(2);
    const threads = capture();
    expect(await runCli(['word2vec', 'train', '--input', corpus, '--output', 'x', '--threads', '0'], threads.io)).toBe(
      2,
    );
    expect(threads.err.join('')).toMatch(/--threads expects an integer >= 1/);
    const help = capture();
    expect(await runCli(['word2vec', 'train', '--help'], help.io)).toBe(0);
    expect(help.out.join('')).toMatch(/--skipgram/);
  });
});
