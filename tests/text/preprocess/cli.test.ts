import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { TextPipeline } from '../../../src/text/preprocess/index.js';
import { FIXTURES, smsaSample } from './helpers.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), interactive: false }, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'ulasan-preprocess-'));

describe('ulasan preprocess', () => {
  it('processes SmSA TSV (no header) row for row, keeping labels aligned, with a JSON summary', async () => {
    const c = capture();
    const out = join(dir, 'smsa.tsv');
    expect(await runCli(['preprocess', '--data', `${FIXTURES}smsa-sample.tsv`, '--out', out, '--json'], c.io)).toBe(0);
    const summary = JSON.parse(c.out.join(''));
    expect(summary.rows).toBe(smsaSample().length);
    expect(summary.textsPerSecond).toBeGreaterThan(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length).toBe(smsaSample().length);
    expect(lines.map((l) => l.split('\t')[1])).toEqual(smsaSample().map(([, label]) => label));
    expect(lines.join('\n')).not.toMatch(/\b(gak|bgt|yg)\b/);
  });

  it('reads CSV with a header by column name, seed 003 preset, and writes a trace as JSONL', async () => {
    const c = capture();
    const out = join(dir, 'emot.csv');
    expect(
      await runCli(['preprocess', '--data', `${FIXTURES}emot-sample.csv`, '--out', out, '--preset', 'seed003'], c.io),
    ).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('label,tweet\n')).toBe(true);
    expect(text).not.toMatch(/[#@]\w/);
    const tracePath = join(dir, 'trace.jsonl');
    const cfg = join(dir, 'pipeline.json');
    expect(
      await runCli(
        [
          'preprocess',
          '--data',
          `${FIXTURES}emot-sample.csv`,
          '--out',
          tracePath,
          '--trace',
          '--text-col',
          'tweet',
          '--save-config',
          cfg,
        ],
        c.io,
      ),
    ).toBe(0);
    const first = JSON.parse(readFileSync(tracePath, 'utf8').split('\n')[0] as string);
    expect(first.line).toBe(2);
    expect(first.steps.map((s: { step: string }) => s.step)).toEqual([
      'clean',
      'caseFold',
      'tokenize',
      'normalizeSlang',
      'removeStopwords',
    ]);
    const saved = JSON.parse(readFileSync(cfg, 'utf8'));
    expect(TextPipeline.fromJSON(saved).process(first.input)).toEqual(first.tokens);
    // --config reuses a saved pipeline
    const again = join(dir, 'again.csv');
    expect(
      await runCli(['preprocess', '--data', `${FIXTURES}emot-sample.csv`, '--out', again, '--config', cfg], c.io),
    ).toBe(0);
  });

  it('handles plain lines and JSONL', async () => {
    const c = capture();
    const txt = join(dir, 'in.txt');
    writeFileSync(txt, 'Gak bagus bgt\n\nMantaaap 😍\n');
    expect(await runCli(['preprocess', '--data', txt, '--out', join(dir, 'out.txt')], c.io)).toBe(0);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('tidak bagus banget\n\nmantap suka\n');
    const jsonl = join(dir, 'in.jsonl');
    writeFileSync(jsonl, '{"text":"gak bagus","label":"negative"}\n"bagus bgt"\n');
    expect(await runCli(['preprocess', '--data', jsonl, '--out', join(dir, 'out.jsonl')], c.io)).toBe(0);
    expect(readFileSync(join(dir, 'out.jsonl'), 'utf8')).toBe(
      '{"text":["tidak","bagus"],"label":"negative"}\n["bagus","banget"]\n',
    );
  });

  it('gives usage errors for a missing option, an unknown preset or column, and names bad lines', async () => {
    let c = capture();
    expect(await runCli(['preprocess', '--data', `${FIXTURES}smsa-sample.tsv`], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/--out/);
    c = capture();
    expect(
      await runCli(
        ['preprocess', '--data', `${FIXTURES}smsa-sample.tsv`, '--out', join(dir, 'x'), '--preset', 'nope'],
        c.io,
      ),
    ).toBe(2);
    expect(c.err.join('')).toMatch(/unknown --preset "nope"/);
    c = capture();
    expect(
      await runCli(
        ['preprocess', '--data', `${FIXTURES}emot-sample.csv`, '--out', join(dir, 'x'), '--text-col', 'review'],
        c.io,
      ),
    ).toBe(2);
    expect(c.err.join('')).toMatch(/--text-col "review" not found .*columns: label, tweet/);
    c = capture();
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"text":"ok"}\n{"text": 5}\n');
    expect(await runCli(['preprocess', '--data', bad, '--out', join(dir, 'x')], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/line 2: expected text in the text column, found 5/);
    c = capture();
    expect(
      await runCli(['preprocess', '--data', `${FIXTURES}invalid-utf8-lexicon.tsv`, '--out', join(dir, 'x')], c.io),
    ).toBe(1);
    expect(c.err.join('')).toMatch(/not valid UTF-8/);
  });
});
