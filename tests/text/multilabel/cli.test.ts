import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';

const CASA = new URL('../../../../shared/data/casa/', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'ulasan-ml-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s), interactive: false },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('ulasan train / evaluate with several label columns', () => {
  const labels = 'fuel,machine,others,part,price,service';
  it('trains a classifier chain on CASA and evaluates it with the multi-label report', async () => {
    const dir = join(work, 'casa-cc');
    const c = capture();
    const code = await runCli(
      [
        'train',
        '--data',
        join(CASA, 'train_preprocess.csv'),
        '--model',
        'nb',
        '--label-col',
        labels,
        '--multilabel',
        'cc',
        '--out',
        dir,
        '--json',
      ],
      c.io,
    );
    expect(code, c.err()).toBe(0);
    const summary = JSON.parse(c.out());
    expect(summary).toMatchObject({ multilabel: 'cc', outputs: labels.split(','), trainingSize: 810 });
    const e = capture();
    expect(
      await runCli(
        ['evaluate', '--model', dir, '--data', join(CASA, 'valid_preprocess.csv'), '--absent', 'neutral', '--json'],
        e.io,
      ),
    ).toBe(0);
    const report = JSON.parse(e.out());
    expect(report.kind).toBe('classifier-chain');
    expect(report.micro.f1).toBeGreaterThan(0.3);
    expect(report.hammingLoss).toBeLessThan(0.2);
    expect(report.perLabel.map((p: { label: string }) => p.label)).toContain('fuel=positive');
  }, 30_000);

  it('rejects --multilabel with a single label column and unknown methods (exit 2)', async () => {
    const data = join(CASA, 'train_preprocess.csv');
    const c = capture();
    expect(
      await runCli(
        [
          'train',
          '--data',
          data,
          '--model',
          'nb',
          '--label-col',
          'fuel',
          '--multilabel',
          'cc',
          '--out',
          join(work, 'x'),
        ],
        c.io,
      ),
    ).toBe(2);
    expect(
      await runCli(
        [
          'train',
          '--data',
          data,
          '--model',
          'nb',
          '--label-col',
          labels,
          '--multilabel',
          'xx',
          '--out',
          join(work, 'y'),
        ],
        c.io,
      ),
    ).toBe(2);
    expect(c.err()).toMatch(/--multilabel/);
  });
});
