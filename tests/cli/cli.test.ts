import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cliMessage, joinNegativeValues, runCli, splitGlobalFlags } from '../../src/cli/main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      out: (s: string | Uint8Array) => void out.push(String(s)),
      err: (s: string) => void err.push(s),
      interactive: false,
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('ulasan CLI: help and version', () => {
  it('--help prints the command list on stdout and exits 0 (so `ulasan --help | less` works)', async () => {
    const c = capture();
    expect(await runCli(['--help'], c.io)).toBe(0);
    expect(c.out()).toMatch(/Commands:/);
    expect(c.err()).toBe('');
  });

  it('`ulasan help CMD` and `ulasan CMD --help` print the command help on stdout', async () => {
    for (const args of [
      ['help', 'train'],
      ['train', '--help'],
      ['--help', 'train'],
      ['train', '-h'],
    ]) {
      const c = capture();
      expect(await runCli(args, c.io), args.join(' ')).toBe(0);
      expect(c.out()).toMatch(/Usage: ulasan train/);
      expect(c.err()).toBe('');
    }
    const nested = capture();
    expect(await runCli(['help', 'word2vec', 'train'], nested.io)).toBe(0);
    expect(nested.out()).toMatch(/Usage: ulasan word2vec train/);
    const group = capture();
    expect(await runCli(['help', 'word2vec'], group.io)).toBe(0);
    expect(group.out()).toMatch(/word2vec similar/);
  });

  it('an incomplete command line shows help on stderr and exits 2', async () => {
    const none = capture();
    expect(await runCli([], none.io)).toBe(2);
    expect(none.out()).toBe('');
    expect(none.err()).toMatch(/Commands:/);
    const group = capture();
    expect(await runCli(['word2vec'], group.io)).toBe(2);
    expect(group.err()).toMatch(/word2vec train/);
  });

  it('prints the version, wherever --version is', async () => {
    for (const args of [['--version'], ['info', '--version']]) {
      const c = capture();
      expect(await runCli(args, c.io)).toBe(0);
      expect(c.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
    }
  });
});

describe('ulasan CLI: global options anywhere', () => {
  it('splits --json/--verbose/--help/--version from anywhere before a --', () => {
    expect(splitGlobalFlags(['--verbose', 'train', '--json', '--data', 'x', '--', '--json'])).toEqual({
      json: true,
      verbose: true,
      help: false,
      version: false,
      rest: ['train', '--data', 'x', '--', '--json'],
    });
  });

  it('accepts --json before the command', async () => {
    const c = capture();
    expect(await runCli(['--json', 'info', '--backend', 'cpu'], c.io)).toBe(0);
    expect(JSON.parse(c.out()).active).toBe('cpu');
  });

  it('accepts --verbose before the command', async () => {
    const c = capture();
    expect(await runCli(['--verbose', 'info', '--backend', 'cpu'], c.io)).toBe(0);
    expect(c.out()).toMatch(/active: cpu/);
  });
});

describe('ulasan CLI: results on stdout', () => {
  it('info prints its report on stdout, --json one JSON document', async () => {
    const human = capture();
    expect(await runCli(['info', '--backend', 'cpu'], human.io)).toBe(0);
    expect(human.out()).toMatch(/^version: /m);
    expect(human.err()).toBe('');
    const c = capture();
    expect(await runCli(['info', '--backend', 'cpu', '--json'], c.io)).toBe(0);
    expect(JSON.parse(c.out()).active).toBe('cpu');
  });
});

describe('ulasan CLI: errors and exit codes', () => {
  it('rejects an unknown command with exit code 2 and one line', async () => {
    const c = capture();
    expect(await runCli(['frobnicate'], c.io)).toBe(2);
    expect(c.err().trim().split('\n')).toHaveLength(1);
    expect(c.err()).toMatch(/unknown command "frobnicate"/);
    expect(c.err()).not.toMatch(/did you mean/);
  });

  it('suggests the command a typo was meant to be', async () => {
    const c = capture();
    expect(await runCli(['trian', '--data', 'x.tsv'], c.io)).toBe(2);
    expect(c.err()).toMatch(/unknown command "trian" \(did you mean "train"\?\)/);
  });

  it('rejects an unknown option naming it, exit 2', async () => {
    const c = capture();
    expect(await runCli(['info', '--nope'], c.io)).toBe(2);
    expect(c.err()).toMatch(/--nope/);
  });

  it('an unknown backend is a usage error: one clear line, exit 2', async () => {
    const c = capture();
    expect(await runCli(['info', '--backend', 'tpu'], c.io)).toBe(2);
    expect(c.err()).toMatch(/Unknown backend "tpu"/);
  });

  it('--json errors: one JSON document on stdout, the human line on stderr', async () => {
    const c = capture();
    expect(await runCli(['--json', 'frobnicate'], c.io)).toBe(2);
    const doc = JSON.parse(c.out());
    expect(doc).toEqual({ error: { code: 'USAGE', message: expect.stringMatching(/frobnicate/), exitCode: 2 } });
    expect(c.err()).toMatch(/^ulasan: error: unknown command/);
    const failure = capture();
    expect(
      await runCli(['evaluate', '--model', '/nonexistent/model', '--data', '/nonexistent.tsv', '--json'], failure.io),
    ).toBe(1);
    const e = JSON.parse(failure.out());
    expect(e.error.exitCode).toBe(1);
    expect(typeof e.error.code).toBe('string');
  });

  it('a negative number is a value, rejected with its range before any data is read (exit 2)', async () => {
    expect(
      joinNegativeValues(['--epochs', '-1', '-x', '--lr', '-.5'], {
        epochs: { type: 'string' },
        lr: { type: 'string' },
      }),
    ).toEqual(['--epochs=-1', '-x', '--lr=-.5']);
    const c = capture();
    // The data file does not exist: the range check must come first.
    expect(
      await runCli(
        ['train', '--data', '/nonexistent.tsv', '--model', 'gru', '--out', '/tmp/x', '--epochs', '-1'],
        c.io,
      ),
    ).toBe(2);
    expect(c.err()).toMatch(/--epochs expects an integer >= 1, got "-1"/);
    expect(c.err()).not.toMatch(/ambiguous|not found/);
    for (const [flag, value, message] of [
      ['--batch-size', '0', /--batch-size expects an integer >= 1/],
      ['--lr', 'fast', /--lr expects a number > 0/],
      ['--dropout', '1.5', /--dropout expects a number in \[0, 1\]/],
    ] as const) {
      const d = capture();
      expect(
        await runCli(['train', '--data', '/nonexistent.tsv', '--model', 'gru', '--out', '/tmp/x', flag, value], d.io),
      ).toBe(2);
      expect(d.err()).toMatch(message);
    }
  });

  it('library option names in messages become CLI flags', () => {
    expect(cliMessage('Training (checkpoint saved in d; resume with resume: true) was cancelled.')).toBe(
      'Training (checkpoint saved in d; resume with --resume) was cancelled.',
    );
    expect(cliMessage('x: cannot tell which column holds the label. Pass labelColumn (CLI: --label-col).')).toMatch(
      /Pass --label-col\.$/,
    );
    expect(
      cliMessage("line 3: empty text. Fix the row, or pass onInvalidRow: 'skip' (CLI: --skip-invalid) to leave"),
    ).toMatch(/pass --skip-invalid to leave/);
    expect(cliMessage('remove the checkpoint (or pass resume: false) to start over.')).toMatch(/run without --resume/);
    expect(cliMessage('was refused (possible decompression bomb). Shrink it or raise maxPixels.')).not.toMatch(
      /maxPixels/,
    );
  });
});

describe('ulasan CLI: cancellation and a closed stdout', () => {
  /** An io whose signal and EPIPE hooks the test fires by hand. */
  function controllable() {
    const c = capture();
    let signal: ((s: 'SIGINT' | 'SIGTERM') => void) | undefined;
    let closed: ((e: NodeJS.ErrnoException) => void) | undefined;
    // stdin that yields a few lines and then waits (like a slow producer).
    const stdin = new Readable({ read() {} });
    stdin.push('bagus sekali\nburuk sekali\n');
    return {
      ...c,
      io: {
        ...c.io,
        stdin,
        onSignal: (l: (s: 'SIGINT' | 'SIGTERM') => void) => {
          signal = l;
          return () => {};
        },
        onOutputClosed: (l: (e: NodeJS.ErrnoException) => void) => {
          closed = l;
        },
      },
      fire: (s: 'SIGINT' | 'SIGTERM') => signal?.(s),
      close: () => closed?.(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })),
      stdin,
    };
  }

  it('SIGTERM cancels like SIGINT: a message on stderr and exit 130', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { fileURLToPath } = await import('node:url');
    const dir = mkdtempSync(join(tmpdir(), 'ulasan-cli-sig-'));
    const data = fileURLToPath(new URL('../fixtures/data/smsa-sample.tsv', import.meta.url));
    try {
      const t = capture();
      expect(await runCli(['train', '--data', data, '--model', 'nb', '--out', join(dir, 'nb')], t.io), t.err()).toBe(0);
      for (const sig of ['SIGTERM', 'SIGINT'] as const) {
        const c = controllable();
        const run = runCli(['predict', '--model', join(dir, 'nb'), '--batch-size', '1'], c.io);
        await new Promise((r) => setTimeout(r, 300));
        c.fire(sig);
        c.stdin.push('cukup\n');
        c.stdin.push(null);
        expect(await run).toBe(130);
        expect(c.err()).toMatch(new RegExp(`${sig}: cancelling`));
      }
      // stdout closed by its reader: a quiet stop with exit 0.
      const p = controllable();
      const run = runCli(['predict', '--model', join(dir, 'nb'), '--batch-size', '1'], p.io);
      await new Promise((r) => setTimeout(r, 300));
      p.close();
      p.stdin.push('cukup\n');
      p.stdin.push(null);
      expect(await run).toBe(0);
      expect(p.err()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
