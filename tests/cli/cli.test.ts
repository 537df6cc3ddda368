import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), interactive: false }, out, err };
}

describe('ulasan CLI', () => {
  it('prints help listing commands and exits 0', async () => {
    const c = capture();
    expect(await runCli(['--help'], c.io)).toBe(0);
    expect(c.err.join('')).toMatch(/Commands:/);
    expect(c.out.join('')).toBe('');
  });

  it('prints the version', async () => {
    const c = capture();
    expect(await runCli(['--version'], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('rejects an unknown command with exit code 2 and one line', async () => {
    const c = capture();
    expect(await runCli(['frobnicate'], c.io)).toBe(2);
    expect(c.err.join('').trim().split('\n')).toHaveLength(1);
    expect(c.err.join('')).toMatch(/unknown command "frobnicate"/);
  });

  it('rejects an unknown option naming it', async () => {
    const c = capture();
    expect(await runCli(['info', '--nope'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/--nope/);
  });

  it('info --json prints one JSON document on stdout', async () => {
    const c = capture();
    expect(await runCli(['info', '--backend', 'cpu', '--json'], c.io)).toBe(0);
    const parsed = JSON.parse(c.out.join(''));
    expect(parsed.active).toBe('cpu');
  });

  it('an unknown backend is one clear error, exit 1', async () => {
    const c = capture();
    expect(await runCli(['info', '--backend', 'tpu'], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/Unknown backend "tpu"/);
  });
});
