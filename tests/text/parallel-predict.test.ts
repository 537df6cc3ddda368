/**
 * Batch inference on several threads (src/text/models/parallel-predict.ts): the shipped model's
 * predictions over real SmSA reviews are the same, in the same order, with 1, 2 and 3 threads and
 * chunk sizes that leave a short last chunk; `ulasan predict` writes the same bytes either way; a
 * broken model directory is reported, not hung on.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { parallelPredictProba, predictTextStreamParallel } from '../../src/text/models/parallel-predict.js';
import { loadTextClassifier } from '../../src/text/models/registry.js';

const modelDir = fileURLToPath(new URL('../../resources/models/sentiment-id', import.meta.url));
const reviews = readFileSync(fileURLToPath(new URL('../fixtures/data/smsa-sample.tsv', import.meta.url)), 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split('\t')[0] as string);
const work = mkdtempSync(join(tmpdir(), 'ulasan-parallel-predict-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function collect(threads: number, chunkSize: number) {
  const model = await loadTextClassifier(modelDir);
  const out = [];
  for await (const p of predictTextStreamParallel(model, modelDir, reviews, { threads, chunkSize })) out.push(p);
  return out;
}

describe('predictTextStreamParallel', () => {
  it('gives one thread’s predictions, in input order, on 2 and 3 threads', async () => {
    expect(reviews.length).toBeGreaterThan(50);
    const one = await collect(1, 512);
    expect(one.map((p) => p.text)).toEqual(reviews);
    for (const [threads, chunkSize] of [
      [2, 7],
      [3, 16],
    ] as const) {
      expect(await collect(threads, chunkSize)).toEqual(one);
    }
  });

  it('ulasan predict writes the same bytes with ULASAN_THREADS=1 and 2', async () => {
    const input = join(work, 'reviews.txt');
    writeFileSync(input, `${reviews.join('\n')}\n`);
    const run = async (threads: string) => {
      const before = process.env.ULASAN_THREADS;
      process.env.ULASAN_THREADS = threads;
      const out: string[] = [];
      try {
        const io = { out: (s: string | Uint8Array) => void out.push(String(s)), err: () => {}, interactive: false };
        expect(await runCli(['predict', '--data', input, '--batch-size', '9'], io)).toBe(0);
      } finally {
        if (before === undefined) delete process.env.ULASAN_THREADS;
        else process.env.ULASAN_THREADS = before;
      }
      return out.join('');
    };
    const one = await run('1');
    expect(one.split('\n').length).toBe(reviews.length + 2); // header + rows + final newline
    expect(await run('2')).toBe(one);
  });

  it('evaluate on 2 threads (parallelPredictProba, what ulasan evaluate uses) scores like one', async () => {
    const model = await loadTextClassifier(modelDir);
    const labels = readFileSync(fileURLToPath(new URL('../fixtures/data/smsa-sample.tsv', import.meta.url)), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('\t')[1] as string);
    const serial = await model.evaluate(reviews, labels, { probabilities: true });
    const threaded = await model.evaluate(reviews, labels, {
      probabilities: true,
      predictProba: parallelPredictProba(model, modelDir, { threads: 2, chunkSize: 11 }),
    });
    expect(threaded).toEqual(serial);
    await expect(
      model.evaluate(reviews, labels, { predictProba: async (t) => t.slice(1).map(() => [1, 0, 0]) }),
    ).rejects.toThrow(/predictProba returned \d+ rows for \d+ texts/);
  });

  it('reports a model directory the threads cannot load', async () => {
    const model = await loadTextClassifier(modelDir);
    const missing = join(work, 'no-model-here');
    const run = async () => {
      for await (const _ of predictTextStreamParallel(model, missing, reviews, { threads: 2, chunkSize: 5 })) {
        // drain
      }
    };
    await expect(run()).rejects.toThrow(/could not load the model/);
  });
});
