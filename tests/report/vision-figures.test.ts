/**
 * `ulasan vision evaluate --figures DIR` writes the confusion-matrix heatmap of the model it scored
 * (face-api's pretrained baseline on the faces fixture, so nothing is trained here).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';

const faces = fileURLToPath(new URL('../fixtures/vision/faces', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ulasan-vision-figures-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('ulasan vision evaluate --figures', () => {
  it('writes confusion-matrix.svg (and .png) with every class, and lists them in --json', async () => {
    const out: string[] = [];
    const io = { out: (s: string) => void out.push(String(s)), err: () => {}, interactive: false };
    const code = await runCli(
      ['vision', 'evaluate', '--model', 'face-api', '--data', faces, '--figures', work, '--backend', 'wasm', '--json'],
      io as never,
    );
    expect(code).toBe(0);
    const result = JSON.parse(out.join(''));
    expect(result.figures).toContain(join(work, 'confusion-matrix.svg'));
    const svg = readFileSync(join(work, 'confusion-matrix.svg'), 'utf8');
    for (const label of result.labels) expect(svg).toContain(`>${label}</text>`);
    expect(svg.match(/class="cell"/g)).toHaveLength(result.labels.length ** 2);
    expect(existsSync(join(work, 'confusion-matrix.png'))).toBe(true); // sharp is a dev dependency
  }, 120_000);
});
