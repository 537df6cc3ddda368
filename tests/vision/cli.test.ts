import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { FIXTURES, tempDir } from './helpers.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), interactive: false }, out, err };
}

const FACES = join(FIXTURES, 'faces');

describe('ulasan vision / video CLI', () => {
  it('vision predict --json: one line per image, errors per item, exit 1 when one failed', async () => {
    const c = capture();
    const code = await runCli(
      [
        'vision',
        'predict',
        join(FACES, 'happiness/Alan_Ball_0002.jpg'),
        join(FIXTURES, 'README.md'),
        '--backend',
        'wasm',
        '--json',
      ],
      c.io,
    );
    expect(code).toBe(1);
    const lines = c.out
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ label: 'happiness', sentiment: 'positive' });
    expect(lines[1].error.code).toBe('FILE_FORMAT');
  });

  it('vision train, then vision evaluate with the text evaluate JSON keys', async () => {
    const out = await tempDir('ulasan-vtrain-');
    const t = capture();
    const code = await runCli(
      [
        'vision',
        'train',
        '--data',
        FACES,
        '--out',
        out,
        '--validation-split',
        '0',
        '--epochs',
        '5',
        '--augment',
        '1',
        '--face',
        'none',
        '--no-baseline',
        '--backend',
        'wasm',
        '--json',
      ],
      t.io,
    );
    expect(t.err.join('')).toMatch(/epoch 5:/);
    expect(code).toBe(0);
    const trained = JSON.parse(t.out.join(''));
    expect(trained.classes).toEqual(['anger', 'happiness', 'neutral', 'sadness', 'surprise']);
    expect(trained.trainSize).toBe(11);
    const e = capture();
    expect(await runCli(['vision', 'evaluate', '--model', out, '--data', FACES, '--json'], e.io)).toBe(0);
    const ev = JSON.parse(e.out.join(''));
    for (const key of ['accuracy', 'macroF1', 'weightedF1', 'labels', 'confusionMatrix'])
      expect(ev).toHaveProperty(key);
    expect(ev.size).toBe(11);
    expect(ev.confusionMatrix).toHaveLength(5);
    expect(ev.accuracy).toBeGreaterThan(0.5); // its own training images
    // An unreadable image is listed in skipped and not counted in size (it used to be).
    const withBad = await tempDir('ulasan-vbad-');
    const { cpSync, writeFileSync } = await import('node:fs');
    cpSync(FACES, withBad, { recursive: true });
    writeFileSync(join(withBad, 'happiness', 'broken.jpg'), 'not a jpeg');
    const eb = capture();
    expect(await runCli(['vision', 'evaluate', '--model', out, '--data', withBad, '--json'], eb.io)).toBe(0);
    const evb = JSON.parse(eb.out.join(''));
    expect(evb.skipped).toHaveLength(1);
    expect(evb.size).toBe(11);
    const b = capture();
    expect(await runCli(['vision', 'evaluate', '--model', 'face-api', '--data', FACES], b.io)).toBe(0);
    expect(b.out.join('')).toMatch(/accuracy \d\.\d{4}/); // the report goes to stdout
    const bad = capture();
    expect(await runCli(['vision', 'train', '--data', FACES, '--out', out, '--backbone', 'vgg'], bad.io)).toBe(2);
    expect(bad.err.join('')).toMatch(/--backbone expects one of/);
  });

  it('video analyze prints the summary and timeline, and JSON with --json', async () => {
    const c = capture();
    expect(
      await runCli(['video', 'analyze', join(FIXTURES, 'slideshow.mp4'), '--model', 'face-api', '--fps', '1'], c.io),
    ).toBe(0);
    const text = c.out.join(''); // the summary and timeline go to stdout
    expect(text).toMatch(/positive/);
    expect(text).toMatch(/frames without a face at: 3\.0s/);
    const j = capture();
    const tmp = await tempDir('ulasan-video-');
    expect(
      await runCli(
        [
          'video',
          'analyze',
          join(FIXTURES, 'slideshow.mp4'),
          '--model',
          'face-api',
          '--fps',
          '1',
          '--json',
          '--figures',
          join(tmp, 'video-figures'),
        ],
        j.io,
      ),
    ).toBe(0);
    const r = JSON.parse(j.out.join(''));
    expect(r.summary.sentiment).toBe('positive');
    expect(r.timeline).toHaveLength(4);
    // --figures: the per-second timeline chart, stdout still one JSON document.
    expect(readFileSync(join(tmp, 'video-figures', 'video-timeline.svg'), 'utf8')).toContain('<svg');
    const missing = capture();
    expect(await runCli(['video', 'analyze', join(FIXTURES, 'nope.mp4'), '--model', 'face-api'], missing.io)).toBe(1);
    expect(missing.err.join('')).toMatch(/does not exist/);
  });
});
