/**
 * Distributed grids and batch labeling on a real Redis (Debian's redis-server on a free 127.0.0.1
 * port): worker-thread and queue executors give the same tables as an in-process run; a worker
 * SIGKILLed mid-scenario loses its job to another worker after the lease, a coordinator stopped
 * midway and a Redis restarted in between lose nothing and record nothing twice; `predict --queue`
 * keeps the input order. Workers are real `ulasan worker` processes (the CLI from src through tsx).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setModuleImporter } from '../../src/backend/optional-import.js';
import { runCli } from '../../src/cli/main.js';
import { redisOptions } from '../../src/experiments/executors/bullmq.js';
import { acquireGridLock } from '../../src/experiments/executors/grid-lock.js';
import { readGridLog } from '../../src/experiments/results-log.js';
import { localExecutor, queueExecutor, runGrid } from '../../src/experiments-entry.js';
import { createTextClassifier } from '../../src/text/models/registry.js';
import { hasProgram } from '../helpers/system.js';
import { startRedis, type TestRedis } from './redis-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => join(root, 'tests/fixtures/experiments', name);
const tmp = await fs.mkdtemp(join(tmpdir(), 'ulasan-distributed-'));
const haveRedis = hasProgram('redis-server', 'redis-server');
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

// A tiny grid of the baselines on a 240-row SmSA sample: 6 scenarios of a few seconds each.
const gridYaml = (name: string) => `name: ${name}
seed: 7
data:
  train: ${fixture('smsa-train-240.tsv')}
  valid: ${fixture('smsa-valid-90.tsv')}
grid:
  model: [nb, logreg]
  C: [0.25, 0.5, 1]
`;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), interactive: false }, out, err };
}

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface WorkerProcess {
  child: ChildProcess;
  log: () => string;
}
const workers: WorkerProcess[] = [];

function startWorker(url: string, shortLeases = true): WorkerProcess {
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'worker', '--queue', url];
  // Short leases so a killed worker's job comes back within seconds (the fault tests). On a loaded
  // CI machine a 3 s lease can also expire under a live job whose worker is busy loading a model.
  if (shortLeases) args.push('--lock-duration', '3000', '--stalled-interval', '1000');
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (d) => {
    text += d;
  });
  child.stderr?.on('data', (d) => {
    text += d;
  });
  const w = { child, log: () => text };
  workers.push(w);
  return w;
}

async function stopWorker(w: WorkerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    w.child.once('exit', () => resolve());
    w.child.kill(signal);
  });
}

const readText = (path: string) => fs.readFile(path, 'utf8');

describe('queue options', () => {
  it('reads redis:// URLs and refuses other schemes, and --workers with --queue', async () => {
    expect(redisOptions('redis://:s%40cret@127.0.0.1:6380/2')).toEqual({
      host: '127.0.0.1',
      port: 6380,
      password: 's@cret',
      db: 2,
      maxRetriesPerRequest: null,
    });
    expect(redisOptions('127.0.0.1:7000')).toMatchObject({ host: '127.0.0.1', port: 7000 });
    expect(() => redisOptions('http://127.0.0.1:6379')).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => queueExecutor({ connection: 'redis://127.0.0.1:6379/x' })).toThrow(/database number/);
    const c = capture();
    const args = ['grid', '--config', 'x.yaml', '--workers', '2', '--queue', 'redis://127.0.0.1:1'];
    expect(await runCli(args, c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/--workers and --queue exclude each other/);
  });
});

describe('grid lock', () => {
  it('refuses a live lock of another host, takes over one whose heartbeat is older than its lease', async () => {
    const out = join(tmp, 'lock');
    await fs.mkdir(out, { recursive: true });
    const other = { host: `not-${hostname()}`, pid: 4242, token: 'abc', leaseMs: 60_000 };
    await fs.writeFile(join(out, '.lock'), JSON.stringify({ ...other, heartbeatAt: new Date().toISOString() }));
    await expect(acquireGridLock(out)).rejects.toThrow(/in use by another grid \(process 4242 on host not-/);
    const old = new Date(Date.now() - 120_000).toISOString();
    await fs.writeFile(join(out, '.lock'), JSON.stringify({ ...other, heartbeatAt: old }));
    const release = await acquireGridLock(out);
    const mine = JSON.parse(await readText(join(out, '.lock')));
    expect(mine).toMatchObject({ host: hostname(), pid: process.pid });
    await expect(acquireGridLock(out)).rejects.toThrow(/already used by a grid running in this process/);
    await release();
    await expect(fs.access(join(out, '.lock'))).rejects.toThrow();
  });
});

describe('local executor (worker threads)', () => {
  it('gives the same log records and tables as an in-process run with the same seed', async () => {
    const file = join(tmp, 'local.yaml');
    await fs.writeFile(file, gridYaml('dist-local'));
    const here = await runGrid(file, { out: join(tmp, 'local-a') });
    const threads = await runGrid(file, { out: join(tmp, 'local-b'), executor: localExecutor({ workers: 2 }) });
    expect(Object.keys(threads.workers).sort()).toEqual(['thread-1', 'thread-2']);
    expect(threads.results.map((r) => r.valid)).toEqual(here.results.map((r) => r.valid));
    const c = capture();
    expect(
      await runCli(['grid', '--config', file, '--out', join(tmp, 'local-c'), '--workers', '2', '--json'], c.io),
    ).toBe(0);
    const perThread = Object.values(JSON.parse(c.out.join('')).workers) as { done: number }[];
    expect(perThread.reduce((a, t) => a + t.done, 0)).toBe(6);
    expect(c.err.join('')).toMatch(/done NB-C=0\.25 on thread-\d: valid macroF1/);
    expect(await readText(join(tmp, 'local-c/results.csv'))).toBe(await readText(join(tmp, 'local-a/results.csv')));
    for (const f of ['results.md', 'results.csv', 'best.json'])
      expect(await readText(join(tmp, 'local-b', f))).toBe(await readText(join(tmp, 'local-a', f)));
    await fs.access(join(tmp, 'local-b/scenarios/NB-C=0.25/confusion-matrix.svg'));
  });
});

describe.skipIf(!haveRedis)('queue executor and workers on a real Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis(tmp);
  });
  afterAll(async () => {
    for (const w of workers) await stopWorker(w, 'SIGKILL');
    await redis?.stop();
  });

  it('says which package to install when bullmq is missing', async () => {
    setModuleImporter(async (s) => {
      throw Object.assign(new Error(`Cannot find package '${s}' imported from x`), { code: 'ERR_MODULE_NOT_FOUND' });
    });
    try {
      const file = join(tmp, 'nobull.yaml');
      await fs.writeFile(file, gridYaml('dist-nobull'));
      const run = runGrid(file, { out: join(tmp, 'nobull'), executor: queueExecutor({ connection: redis.url }) });
      await expect(run).rejects.toMatchObject({ code: 'MISSING_DEPENDENCY', message: /npm install bullmq/ });
    } finally {
      setModuleImporter();
    }
  });

  it('survives a SIGKILLed worker, a stopped coordinator and a Redis restart; same tables as a local run', async () => {
    const file = join(tmp, 'queue.yaml');
    await fs.writeFile(file, gridYaml('dist-queue'));
    const local = await runGrid(file, { out: join(tmp, 'queue-local'), figures: false });
    const out = join(tmp, 'queue-out');

    // One worker takes the first scenario and is killed while on it.
    const doomed = startWorker(redis.url);
    const stop = new AbortController();
    const first = runGrid(file, {
      out,
      figures: false,
      signal: stop.signal,
      executor: queueExecutor({ connection: redis.url, pollMs: 200 }),
    });
    first.catch(() => {});
    const killedOn = await waitFor(
      'the first worker to start a scenario',
      () => /scenario (\S+) started/.exec(doomed.log())?.[1],
    );
    await stopWorker(doomed, 'SIGKILL');
    const helpers = [startWorker(redis.url), startWorker(redis.url)];

    // The coordinator is stopped once something is logged (Ctrl-C), Redis restarts meanwhile.
    const logPath = join(out, 'results.jsonl');
    await waitFor('a first result in the log', async () =>
      (await readGridLog(logPath)).records.length > 0 ? true : undefined,
    );
    stop.abort();
    await expect(first).rejects.toMatchObject({ code: 'ABORTED' });
    await redis.restart();

    const c = capture();
    const code = await runCli(
      ['grid', '--config', file, '--out', out, '--resume', '--queue', redis.url, '--json'],
      c.io,
    );
    expect(c.err.join('')).not.toMatch(/FAILED/);
    expect(code).toBe(0);
    const summary = JSON.parse(c.out.join(''));
    expect(summary.scenarios).toBe(6);

    const log = await readGridLog<{ key: string; name: string }>(logPath);
    const keys = log.records.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length); // never recorded twice
    expect(keys).toHaveLength(6);
    for (const f of ['results.md', 'results.csv'])
      expect(await readText(join(out, f))).toBe(await readText(join(tmp, 'queue-local', f)));
    expect(local.best.name).toBe(summary.best.name);
    // The killed worker's scenario was finished by one of the others.
    const finishers = helpers.map((w) => w.log()).join('\n');
    expect(finishers).toMatch(new RegExp(`scenario ${killedOn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} done`));
  });

  it('predict --queue labels a large input in chunks on the workers, in input order', async () => {
    // This test is about chunking and order, not faults: the fault tests' short-lease workers are
    // replaced by one with the default lease.
    for (const w of workers) await stopWorker(w, 'SIGKILL');
    startWorker(redis.url, false);
    const model = await createTextClassifier({ model: 'nb', seed: 1 });
    const train = (await readText(fixture('smsa-train-240.tsv')))
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    await model.fit(
      train.map((r) => r[0] as string),
      train.map((r) => r[1] as string),
    );
    const dir = join(tmp, 'nb-model');
    await model.save(dir);
    const valid = (await readText(fixture('smsa-valid-90.tsv'))).trim().split('\n');
    const jsonl = join(tmp, 'input.jsonl');
    await fs.writeFile(
      jsonl,
      `${[...train.map((r) => r[0]), ...valid.map((l) => l.split('\t')[0])].map((t) => JSON.stringify({ text: t })).join('\n')}\n`,
    );
    for (const input of [jsonl, fixture('smsa-train-240.tsv')]) {
      const here = capture();
      expect(await runCli(['predict', '--model', dir, '--data', input, '--format', 'jsonl'], here.io)).toBe(0);
      const queued = capture();
      const args = ['predict', '--model', dir, '--data', input, '--format', 'jsonl', '--queue', redis.url];
      const code = await runCli([...args, '--chunk-size', '37'], queued.io);
      expect(code, `predict --queue stderr: ${queued.err.join('')}`).toBe(0);
      const a = here.out.join('');
      expect(a.split('\n').length).toBeGreaterThan(200);
      expect(queued.out.join('')).toBe(a);
    }
  });

  it('ssl --queue scores the pool on the workers: the same pseudo-labels and report as a local run', async () => {
    // A default-lease worker takes the pool's chunks (the previous test's, when it ran).
    if (!workers.some((w) => w.child.exitCode === null && w.child.signalCode === null)) startWorker(redis.url, false);
    const base = [
      'ssl',
      '--labeled',
      fixture('smsa-train-240.tsv'),
      '--unlabeled',
      fixture('smsa-valid-90.tsv'),
      '--model',
      'nb',
      '--threshold',
      '0.8',
      '--max-iterations',
      '3',
      '--json',
    ];
    const here = capture();
    expect(await runCli([...base, '--out', join(tmp, 'ssl-here')], here.io), here.err.join('')).toBe(0);
    const chunksDone = () => workers.reduce((n, w) => n + (w.log().match(/: predict chunk \d+/g)?.length ?? 0), 0);
    const before = chunksDone();
    const queued = capture();
    const args = [...base, '--out', join(tmp, 'ssl-queued'), '--queue', redis.url];
    expect(await runCli(args, queued.io), `ssl --queue stderr: ${queued.err.join('')}`).toBe(0);
    await waitFor('the workers to log their chunks', () => chunksDone() > before); // the pool went through them
    const summary = (out: string[]) => {
      const r = JSON.parse(out.join('')) as Record<string, unknown>;
      return { accuracy: r.labelingAccuracy, labeled: r.labeled, iterations: r.iterations, stopped: r.stoppedBecause };
    };
    expect(summary(here.out).iterations).toBeGreaterThan(0);
    expect(summary(queued.out)).toEqual(summary(here.out));
    const labels = (dir: string) => readText(join(tmp, dir, 'pseudo-labels.tsv'));
    expect(await labels('ssl-queued')).toBe(await labels('ssl-here'));
  });
});
