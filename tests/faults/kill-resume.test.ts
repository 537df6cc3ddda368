/**
 * The kill harness: runs the BUILT CLI (`dist/cli/main.js`) as a child process, kills it with
 * SIGKILL, SIGTERM or SIGINT at a seeded random point during a long command, runs the command
 * again with `--resume` (or plainly, where the command resumes by itself), and compares the
 * outputs with an uninterrupted run with the same seed: byte for byte where the docs promise it
 * (GRU weights, word2vec vectors with one thread, grid results, self-training labels, the vision
 * head). It also checks that no half-written or temporary file is left and that no grid result
 * line is lost or duplicated.
 *
 * Bounded for CI (tiny runs; about a minute of CPU on 2 cores). `FAULTS_SEED=N` picks other kill
 * points; `FAULTS_REPORT=file.json` writes the matrix.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTextClassifier } from '../../src/text/models/registry.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
// FAULTS_BIN: a copy of the build (e.g. under node_modules/) so a parallel rebuild of dist/ cannot pull it away.
const bin = process.env.FAULTS_BIN ?? join(repo, 'dist/cli/main.js');
const data = join(repo, 'tests/fixtures/data');
const experiments = join(repo, 'tests/fixtures/experiments');
const faces = join(repo, 'tests/fixtures/vision/faces');
const built = existsSync(bin);
if (!built && process.env.CI === 'true') throw new Error(`tests/faults/kill-resume needs the build: ${bin} is missing`);
if (!built) console.warn('tests/faults/kill-resume: skipped: build first (npm run build) — it runs dist/cli/main.js');

const work = mkdtempSync(join(tmpdir(), 'ulasan-faults-kill-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Seeded kill points (mulberry32).
let state = Number(process.env.FAULTS_SEED ?? 21) >>> 0;
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  killed: boolean;
}

/**
 * Runs the CLI; when `kill` is given, waits until `kill.when()` holds (a checkpoint exists, a
 * progress line appeared), then a random 0..`kill.jitterMs` ms, and sends `kill.signal`.
 */
function runBin(
  args: string[],
  kill?: { signal: NodeJS.Signals; when: (stderr: string) => boolean; jitterMs: number; pollMs?: number },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [bin, ...args], {
      cwd: work,
      env: { ...process.env, CI: '', FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let armed = kill !== undefined;
    let killed = false;
    const poll = setInterval(() => {
      if (!armed || !kill?.when(stderr)) return;
      armed = false;
      setTimeout(
        () => {
          if (child.exitCode === null && child.signalCode === null) {
            killed = child.kill(kill.signal);
          }
        },
        Math.floor(random() * kill.jitterMs),
      );
    }, kill?.pollMs ?? 10);
    child.stdout?.on('data', (b: Buffer) => {
      stdout += b.toString('utf8');
    });
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal, stdout, stderr, killed });
    });
  });
}

/** Files under `dir` with their SHA-256, except those `skip` matches. */
function hashes(dir: string, skip: RegExp = /$^/): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const rel = relative(dir, p);
      if (skip.test(rel)) continue;
      if (e.isDirectory()) walk(p);
      else out[rel] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Temporary files and staging directories left anywhere under `dir`. */
function temporaries(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (/\.tmp$|\.saving$|\.old$/.test(e.name)) out.push(relative(dir, p));
      else if (e.isDirectory()) walk(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** A JSON file without the keys that record when or how fast (createdAt, seconds, ...). */
function stableJson(
  path: string,
  volatile = /^(createdAt|savedAt|finishedAt|startedAt|seconds|elapsed.*|timing|.*Seconds|ulasanVersion|integrity|resumed)$/,
): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([k]) => !volatile.test(k))
          .map(([k, x]) => [k, strip(x)]),
      );
    return v;
  };
  return strip(JSON.parse(readFileSync(path, 'utf8')));
}

interface KillCase {
  name: string;
  /** Arguments of the run into `out` (a fresh folder per run). */
  args: (out: string) => string[];
  /** Arguments of the run that continues it. */
  resume: (out: string) => string[];
  /** When to start the kill countdown, from the stderr so far and the output folder. */
  when: (out: string) => (stderr: string) => boolean;
  jitterMs: number;
  /** What must be identical between the uninterrupted run and the resumed one. */
  fingerprint: (out: string) => unknown;
  /** Extra checks on the resumed output (e.g. no result line lost or duplicated). */
  check?: (out: string) => void;
}

const gruArgs = (out: string) => [
  'train',
  '--data',
  join(data, 'smsa-sample.tsv'),
  '--model',
  'gru',
  '--out',
  join(out, 'model'),
  '--epochs',
  '4',
  '--units',
  '4',
  '--max-len',
  '12',
  '--batch-size',
  '64',
  '--backend',
  'cpu',
  '--pipeline',
  'whitespace',
  '--seed',
  '7',
  '--checkpoint-dir',
  join(out, 'checkpoint'),
];

function corpus(): string {
  const path = join(work, 'corpus.txt');
  if (!existsSync(path)) {
    const texts = readFileSync(join(data, 'smsa-sample.tsv'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0]);
    writeFileSync(path, `${texts.join('\n')}\n`);
  }
  return path;
}

function gridConfig(): string {
  const path = join(work, 'grid.yaml');
  if (!existsSync(path)) {
    writeFileSync(
      path,
      `name: faults-grid
data:
  train: ${join(experiments, 'smsa-train-240.tsv')}
  valid: ${join(experiments, 'smsa-valid-90.tsv')}
grid:
  model: [nb, logreg]
  C: [0.1, 1, 10]
`,
    );
  }
  return path;
}

const cases: KillCase[] = [
  {
    name: 'train (GRU, checkpoints)',
    args: gruArgs,
    resume: (out) => [...gruArgs(out), '--resume'],
    when: () => (stderr) => /epoch 1:/.test(stderr),
    jitterMs: 1500,
    fingerprint: (out) => ({
      weights: hashes(join(out, 'model'), /^model\.json$/),
      manifest: stableJson(join(out, 'model', 'model.json')),
    }),
  },
  {
    name: 'word2vec train --checkpoint',
    args: (out) => [
      'word2vec',
      'train',
      '--input',
      corpus(),
      '--out',
      join(out, 'vectors.txt'),
      '--size',
      '16',
      '--epochs',
      '20',
      '--min-count',
      '1',
      '--threads',
      '1',
      '--seed',
      '3',
      '--checkpoint',
      join(out, 'state.w2v'),
    ],
    resume: (out) => [
      'word2vec',
      'train',
      '--input',
      corpus(),
      '--out',
      join(out, 'vectors.txt'),
      '--checkpoint',
      join(out, 'state.w2v'),
      '--resume',
    ],
    when: (out) => () => existsSync(join(out, 'state.w2v')),
    jitterMs: 400,
    fingerprint: (out) => hashes(out, /^state\.w2v$/),
  },
  {
    name: 'grid (6 classic scenarios)',
    args: (out) => ['grid', '--config', gridConfig(), '--out', join(out, 'grid')],
    resume: (out) => ['grid', '--config', gridConfig(), '--out', join(out, 'grid'), '--resume'],
    when: () => (stderr) => /done /.test(stderr),
    jitterMs: 2500,
    fingerprint: (out) => {
      const lines = readFileSync(join(out, 'grid', 'results.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean);
      return lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((r) => r.type === 'scenario')
        .map(({ seconds: _s, finishedAt: _f, ...r }) => r)
        .sort((a, b) => String(a.key).localeCompare(String(b.key)));
    },
    check: (out) => {
      const lines = readFileSync(join(out, 'grid', 'results.jsonl'), 'utf8');
      expect(lines.endsWith('\n')).toBe(true);
      const keys = lines
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; key?: string })
        .filter((r) => r.type === 'scenario')
        .map((r) => r.key);
      expect(keys).toHaveLength(6); // none lost
      expect(new Set(keys).size).toBe(6); // none duplicated
    },
  },
  {
    name: 'ssl (logreg, auto-resume)',
    args: (out) => [
      'ssl',
      '--labeled',
      join(experiments, 'smsa-train-240.tsv'),
      '--unlabeled',
      corpus(),
      '--model',
      'logreg',
      '--out',
      join(out, 'ssl'),
      '--threshold',
      '0.6',
      '--max-iterations',
      '6',
      '--seed',
      '5',
    ],
    resume: (out) => cases[3]!.args(out),
    when: (out) => () => existsSync(join(out, 'ssl', 'ssl-state.json')),
    jitterMs: 1500,
    fingerprint: (out) => ({
      labels: hashes(join(out, 'ssl'), /^(ssl-report\.json|ssl-state\.json|model\/model\.json)$/),
      report: stableJson(join(out, 'ssl', 'ssl-report.json')),
    }),
  },
  {
    name: 'vision train (head on cached features)',
    args: (out) => [
      'vision',
      'train',
      '--data',
      faces,
      '--out',
      join(out, 'vision'),
      '--epochs',
      '6',
      '--augment',
      '0',
      '--face',
      'none',
      '--no-baseline',
      '--backend',
      'wasm',
      '--seed',
      '9',
    ],
    resume: (out) => cases[4]!.args(out),
    when: () => (stderr) => stderr.length > 0,
    jitterMs: 2500,
    fingerprint: (out) => ({
      head: hashes(join(out, 'vision', 'head')),
      meta: stableJson(join(out, 'vision', 'vision-model.json')),
      evaluation: stableJson(join(out, 'vision', 'evaluation.json')),
    }),
  },
];

const SIGNALS: NodeJS.Signals[] = ['SIGKILL', 'SIGTERM', 'SIGINT'];
const matrix: {
  command: string;
  signal: string;
  killedAt: string;
  exit: string;
  resumed: string;
  identical: boolean;
}[] = [];

afterAll(() => {
  if (matrix.length === 0) return;
  const rows = matrix.map(
    (r) =>
      `| ${r.command} | ${r.signal} | ${r.killedAt} | ${r.exit} | ${r.resumed} | ${r.identical ? 'identical' : 'DIFFERENT'} |`,
  );
  console.log(
    [
      '| command | signal | killed | exit after kill | resume | outputs vs uninterrupted |',
      '|---|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );
  if (process.env.FAULTS_REPORT) writeFileSync(process.env.FAULTS_REPORT, `${JSON.stringify(matrix, null, 2)}\n`);
});

describe.skipIf(!built)('kill and resume the built CLI', () => {
  for (const c of cases) {
    it(`${c.name}: SIGKILL, SIGTERM, SIGINT at seeded points, then resume = uninterrupted run`, async () => {
      // Every run uses the same folder (outputs record their paths), emptied in between.
      const out = join(work, c.name.split(' ')[0]!);
      const fresh = () => {
        rmSync(out, { recursive: true, force: true });
        mkdirSync(out, { recursive: true });
      };
      fresh();
      const clean = await runBin(c.args(out));
      expect(clean.code, clean.stderr).toBe(0);
      const want = c.fingerprint(out);
      for (const signal of SIGNALS) {
        fresh();
        const killed = await runBin(c.args(out), { signal, when: c.when(out), jitterMs: c.jitterMs });
        const exit = killed.signal ? `signal ${killed.signal}` : `exit ${killed.code}`;
        // Exit 0: the signal landed after the work was done (the run is then simply complete).
        const midRun = killed.killed && killed.code !== 0;
        if (midRun && signal !== 'SIGKILL' && killed.signal === null) {
          // A handled SIGINT/SIGTERM says so and exits with 130/143 after saving its state.
          expect(killed.stderr).toMatch(/SIG(INT|TERM)|cancel/i);
          expect([130, 143]).toContain(killed.code);
        }
        const resumed = await runBin(c.resume(out));
        expect(resumed.code, `${c.name} after ${signal}: ${resumed.stderr}`).toBe(0);
        const got = c.fingerprint(out);
        matrix.push({
          command: c.name,
          signal,
          killedAt: midRun ? 'mid-run' : 'finished first',
          exit,
          resumed: `exit ${resumed.code}`,
          identical: JSON.stringify(got) === JSON.stringify(want),
        });
        expect(got, `${c.name} after ${signal}`).toEqual(want);
        c.check?.(out);
        expect(temporaries(out), `${c.name} after ${signal}`).toEqual([]);
        expect(statSync(out).isDirectory()).toBe(true);
      }
    }, 240_000);
  }
});

describe.skipIf(!built)('SIGKILL while a model is being saved over another one (the built CLI)', () => {
  it('the directory loads as the previous model or the new one, never a mix; the next train leaves nothing behind', async () => {
    const dir = join(work, 'save-kill');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const model = join(dir, 'model');
    const sets = [join(data, 'smsa-valid-sample.tsv'), join(data, 'smsa-sample.tsv')];
    const train = (i: number, out = model) => ['train', '--data', sets[i % 2]!, '--model', 'logreg', '--out', out];
    const probe = readFileSync(join(data, 'smsa-valid-sample.tsv'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(0, 80)
      .map((l) => l.split('\t')[0]!);
    const predictions = async (d: string) => JSON.stringify(await (await loadTextClassifier(d)).predict(probe));
    const expected: string[] = [];
    for (const i of [0, 1]) {
      const ref = join(dir, `ref-${i}`);
      expect((await runBin(train(i, ref))).code).toBe(0);
      expected.push(await predictions(ref));
    }
    expect(expected[0]).not.toBe(expected[1]);
    expect((await runBin(train(0))).code).toBe(0);
    // Kill as soon as the save's staging (or set-aside) directory appears, plus 0-25 ms.
    const staged = (kind: string) => () =>
      readdirSync(dir).some((e) => new RegExp(`^\\.model\\..*\\.${kind}$`).test(e));
    const outcomes: string[] = [];
    let current = 0; // which training set the saved model comes from
    for (let i = 1; i <= 8; i++) {
      const target = 1 - current; // always save the other model over the current one
      // Odd tries: while the new copy is staged; even tries: once the previous one is set aside.
      const when = i % 2 ? staged('saving') : staged('old');
      const r = await runBin(train(target), { signal: 'SIGKILL', when, jitterMs: i % 2 ? 12 * i : 0, pollMs: 1 });
      const got = await predictions(model);
      const which = got === expected[target] ? 'new' : got === expected[current] ? 'previous' : 'MIXED';
      outcomes.push(`${r.signal ? 'killed' : 'finished'}→${which}`);
      expect(which, outcomes.join(' ')).not.toBe('MIXED');
      if (which === 'new') current = target;
    }
    console.log(`SIGKILL during save, 8 tries: ${outcomes.join(', ')}`);
    expect(outcomes.some((o) => o.startsWith('killed'))).toBe(true);
    expect((await runBin(train(1 - current))).code).toBe(0);
    expect(await predictions(model)).toBe(expected[1 - current]);
    expect(temporaries(dir)).toEqual([]);
  }, 240_000);
});
