/**
 * Whole jobs (issue 18): what a user runs, start-up to written files, ours beside the peer in the
 * same run, alternating (ours first in even pairs, the peer first in odd ones), medians of
 * `BENCH_E2E_PAIRS` (default 3) same-run pairs, each job in a fresh process:
 *
 * - `ulasan train --model lstm --epochs 2 --batch-size 128` on SmSA train (the built CLI,
 *   `dist/cli/main.js`) with 2 kernel threads (and, not in `--quick`, 2 with
 *   `ULASAN_KERNEL_MATH=fma` and 1; `ULASAN_THREADS`), each vs the same network in PyTorch CPU on
 *   1 thread, its fastest setting here (`bench/peers/torch_lstm_smsa.py`); the same for
 *   `--model gru` and `--model cnn-lstm` (2 threads only; networks in `bench/peers/lstm_net.py`);
 * - `ulasan word2vec train` on SmSA + EmoT train text ×4 (1.85M tokens; CBOW, 100 dims, window 5,
 *   negative 5, minCount 5, 5 epochs, text vectors written) at 2 threads (and 1 thread, not in
 *   `--quick`) vs one gensim process with as many workers (`bench/peers/gensim_word2vec.py`);
 * - `ulasan predict` with the shipped model on SmSA train ×8 (88,000 texts) with 2 threads against 1;
 * - `ulasan predict` with a trained LSTM on the same 88,000 texts (2 threads; and with
 *   `ULASAN_KERNEL_MATH=fma`, not in `--quick`) vs PyTorch loading the same network
 *   (`bench/peers/torch_lstm_predict.py`) on 1 thread;
 * - CLI start-up: `ulasan --help`, and `ulasan predict` on one line with the shipped model (no peer).
 *
 * Peers run with Debian's `/usr/bin/python3` (`apt-get install -y python3-torch python3-gensim`);
 * a missing one is skipped with a note. Ratio = ours ÷ peer seconds (below 1: we are faster).
 * Every row's notes carry each pair's seconds, our phases and the load average around the pairs.
 * `BENCH_E2E_JOBS=lstm,gru,cnn-lstm,lstm-predict,word2vec,predict,startup` picks jobs. Raw samples: `bench/results/e2e-<time>.json`.
 * Needs `npm run build` first (it times the built CLI, as a user runs it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { realCorpus, SHARED_DATA } from '../tests/text/word2vec/real-corpus.js';
import { type Bench, type BenchRow, median } from './harness.js';

const PYTHON = '/usr/bin/python3';
const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'dist/cli/main.js');
const PEERS = join(root, 'bench/peers');
const SMSA_TRAIN = join(SHARED_DATA, 'smsa/train_preprocess.tsv');

interface Sample {
  seconds: number;
  /** What the process printed as JSON on its last stdout line, when it did. */
  report?: Record<string, unknown>;
  load: number;
}

/** Runs one process to the end and times it (wall clock, spawn to exit). */
function timed(command: string, args: string[], input?: string, env?: Record<string, string>): Sample {
  const load = loadavg()[0] as number;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(command, args, {
    encoding: 'utf8',
    input,
    env: { ...process.env, ...env },
    timeout: 900_000,
    maxBuffer: 64 << 20,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${r.status}: ${(r.stderr ?? '').slice(-2000)}`);
  }
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  let report: Record<string, unknown> | undefined;
  try {
    report = last.startsWith('{') ? (JSON.parse(last) as Record<string, unknown>) : undefined;
  } catch {
    report = undefined;
  }
  return { seconds, report, load };
}

/** SmSA train ×8 (88,000 texts) as one text per line in `dir`, written once for both predict jobs. */
function predictInput(dir: string): { texts: string[]; input: string } {
  const texts = readFileSync(SMSA_TRAIN, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.slice(0, l.lastIndexOf('\t')));
  const input = join(dir, 'predict-input.txt');
  if (!existsSync(input)) writeFileSync(input, `${Array.from({ length: 8 }, () => texts.join('\n')).join('\n')}\n`);
  return { texts, input };
}

function pythonHas(module: string): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

interface Pairs {
  ours: Sample[];
  peer: Sample[];
}

/** `pairs` alternating pairs of (ours, peer); the peer is left out when `peer` is undefined. */
function alternate(
  pairs: number,
  ours: () => Sample,
  peer: (() => Sample) | undefined,
  log: (l: string) => void,
  what: string,
): Pairs {
  const out: Pairs = { ours: [], peer: [] };
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours'];
    for (const side of order) {
      if (side === 'ours') out.ours.push(ours());
      else if (peer) out.peer.push(peer());
    }
    const o = out.ours[i] as Sample;
    const p = out.peer[i];
    log(
      `${what} pair ${i + 1}: ulasan ${o.seconds.toFixed(2)} s` +
        (p ? `, peer ${p.seconds.toFixed(2)} s (× ${(o.seconds / p.seconds).toFixed(2)})` : '') +
        `, load ${o.load.toFixed(2)}`,
    );
  }
  return out;
}

const secs = (xs: Sample[]) => xs.map((x) => x.seconds.toFixed(2)).join(', ');
const loads = (xs: Sample[]) => {
  const l = xs.map((x) => x.load);
  return `${Math.min(...l).toFixed(2)}-${Math.max(...l).toFixed(2)}`;
};
const num = (x: unknown) => (typeof x === 'number' ? x : Number.NaN);
const medianOf = (xs: Sample[], key: string) => median(xs.map((x) => num(x.report?.[key])));

const bench: Bench = async ({ quick, log }) => {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run "npm run build" first (the bench times the built CLI).`);
  const pairs = Math.max(1, Number(process.env.BENCH_E2E_PAIRS ?? 3));
  const jobs = (process.env.BENCH_E2E_JOBS ?? 'lstm,gru,cnn-lstm,lstm-predict,word2vec,predict,startup').split(',');
  const dir = mkdtempSync(join(tmpdir(), 'ulasan-e2e-'));
  const rows: BenchRow[] = [];
  const raw: Record<string, Pairs> = {};
  const hasTorch = pythonHas('torch');
  const hasGensim = pythonHas('gensim');
  try {
    if (jobs.includes('startup')) {
      const help = alternate(
        Math.max(pairs, 5),
        () => timed(process.execPath, [CLI, '--help']),
        undefined,
        log,
        '--help',
      );
      const predict = alternate(
        Math.max(pairs, 5),
        () => timed(process.execPath, [CLI, 'predict'], 'makanannya enak sekali, pelayanannya ramah\n'),
        undefined,
        log,
        'predict 1 line',
      );
      raw.help = help;
      raw.predict = predict;
      rows.push({
        name: 'CLI start-up: ulasan --help',
        metric: 's',
        value: median(help.ours.map((s) => s.seconds)),
        notes: `median of ${help.ours.length} (${secs(help.ours)}); load ${loads(help.ours)}`,
      });
      rows.push({
        name: 'CLI start-up: ulasan predict, 1 line on stdin, shipped model',
        metric: 's',
        value: median(predict.ours.map((s) => s.seconds)),
        notes: `median of ${predict.ours.length} (${secs(predict.ours)}); load ${loads(predict.ours)}`,
      });
    }

    if (jobs.includes('word2vec')) {
      const base = realCorpus();
      const sentences = [base, base, base, base].flat();
      const corpus = join(dir, 'corpus.txt');
      writeFileSync(corpus, `${sentences.map((s) => s.join(' ')).join('\n')}\n`);
      const tokens = sentences.reduce((s, x) => s + x.length, 0);
      log(`word2vec corpus: SmSA + EmoT train ×4, ${sentences.length} lines, ${tokens} tokens`);
      for (const threads of quick ? [2] : [2, 1]) {
        const ours = () =>
          timed(process.execPath, [
            CLI,
            'word2vec',
            'train',
            '--input',
            corpus,
            '--out',
            join(dir, 'ours.txt'),
            '--size',
            '100',
            '--window',
            '5',
            '--min-count',
            '5',
            '--negative',
            '5',
            '--sample',
            '1e-3',
            '--epochs',
            '5',
            '--threads',
            String(threads),
            '--cbow',
            '--seed',
            '1',
            '--json',
          ]);
        const peer = hasGensim
          ? () => timed(PYTHON, [join(PEERS, 'gensim_word2vec.py'), corpus, join(dir, 'gensim.txt'), String(threads)])
          : undefined;
        const r = alternate(pairs, ours, peer, log, `word2vec ${threads} thread(s)`);
        raw[`word2vec-${threads}`] = r;
        // The CLI's summary: seconds = counting + training; wordsPerSecond = in-vocabulary words / training s.
        const oursCountTrain = medianOf(r.ours, 'seconds');
        const note =
          `median of ${pairs} same-run pairs; ulasan ${secs(r.ours)} s (vocabulary + training ${oursCountTrain.toFixed(2)} s, median ${(medianOf(r.ours, 'wordsPerSecond') / 1e6).toFixed(2)}M in-vocabulary words/s)` +
          (hasGensim
            ? `; gensim ${secs(r.peer)} s (import ${medianOf(r.peer, 'import').toFixed(2)}, read ${medianOf(r.peer, 'read').toFixed(2)}, vocabulary ${medianOf(r.peer, 'vocab').toFixed(2)}, training ${medianOf(r.peer, 'train').toFixed(2)}, writing ${medianOf(r.peer, 'save').toFixed(2)} s); per-pair ratios ${r.ours.map((o, i) => (o.seconds / (r.peer[i] as Sample).seconds).toFixed(2)).join(', ')}`
            : '; gensim skipped: /usr/bin/python3 cannot import gensim (apt-get install -y python3-gensim)') +
          `; load ${loads(r.ours)}`;
        rows.push({
          name: `word2vec train whole job, ${tokens} tokens, CBOW d100 w5 neg5 min5, 5 epochs, ${threads} thread${threads > 1 ? 's' : ''}, text vectors`,
          metric: 's',
          value: median(r.ours.map((s) => s.seconds)),
          ...(hasGensim
            ? { reference: median(r.peer.map((s) => s.seconds)), referenceName: `gensim 4, workers=${threads}` }
            : {}),
          notes: note,
        });
      }
    }

    if (jobs.includes('predict')) {
      // Batch labeling with the shipped model (classic: its chunks go to worker threads), SmSA
      // train ×8 as one text per line, output to a file: 2 threads against 1 in the same run.
      const { texts, input } = predictInput(dir);
      const run = (threads: number) => () =>
        timed(process.execPath, [CLI, 'predict', '--data', input, '--format', 'jsonl'], undefined, {
          ULASAN_THREADS: String(threads),
        });
      const r = alternate(pairs, run(2), run(1), log, 'predict 2 vs 1 thread(s)');
      raw.predict = r;
      rows.push({
        name: `ulasan predict, shipped model, ${texts.length * 8} texts (SmSA train ×8), 2 threads`,
        metric: 's',
        value: median(r.ours.map((s) => s.seconds)),
        reference: median(r.peer.map((s) => s.seconds)),
        referenceName: 'the same, ULASAN_THREADS=1',
        notes: `median of ${pairs} same-run pairs; 2 threads ${secs(r.ours)} s, 1 thread ${secs(r.peer)} s; load ${loads(r.ours)}`,
      });
    }

    for (const kind of ['lstm', 'gru', 'cnn-lstm'] as const) {
      if (!jobs.includes(kind)) continue;
      // Ours with the kernel threads the CLI uses by default (both cores), with the opt-in fused
      // multiply-add kernels (ULASAN_KERNEL_MATH=fma), and with one thread; each beside PyTorch's
      // fastest setting on this machine, one thread (with two it takes ~3× as long). GRU and
      // CNN-LSTM: the default only.
      const variants: { threads: number; math?: 'fma' }[] =
        quick || kind !== 'lstm' ? [{ threads: 2 }] : [{ threads: 2 }, { threads: 2, math: 'fma' }, { threads: 1 }];
      for (const { threads, math } of variants) {
        const ours = () =>
          timed(
            process.execPath,
            [
              CLI,
              'train',
              '--data',
              SMSA_TRAIN,
              '--model',
              kind,
              '--epochs',
              '2',
              '--batch-size',
              '128',
              '--out',
              join(dir, `${kind}-${Math.random().toString(36).slice(2)}`),
              '--json',
            ],
            undefined,
            { ULASAN_THREADS: String(threads), ...(math ? { ULASAN_KERNEL_MATH: math } : {}) },
          );
        const peer = hasTorch
          ? () => timed(PYTHON, [join(PEERS, 'torch_lstm_smsa.py'), SMSA_TRAIN, join(dir, 'torch-out'), '2', '1', kind])
          : undefined;
        const tag = `${threads} thread${threads > 1 ? 's' : ''}${math ? `, ULASAN_KERNEL_MATH=${math}` : ''}`;
        const r = alternate(pairs, ours, peer, log, `${kind} train ${tag}`);
        raw[`${kind}-${threads}${math ? `-${math}` : ''}`] = r;
        rows.push({
          name: `ulasan train --model ${kind} --epochs 2 --batch-size 128, SmSA train (11,000 reviews), whole job, ${tag}`,
          metric: 's',
          value: median(r.ours.map((s) => s.seconds)),
          ...(hasTorch
            ? {
                reference: median(r.peer.map((s) => s.seconds)),
                referenceName: 'PyTorch CPU, 1 thread, same network',
              }
            : {}),
          notes:
            `median of ${pairs} same-run pairs; ulasan ${secs(r.ours)} s` +
            (hasTorch
              ? `; PyTorch ${secs(r.peer)} s (import ${medianOf(r.peer, 'import').toFixed(2)}, data ${medianOf(r.peer, 'data').toFixed(2)}, training ${medianOf(r.peer, 'train').toFixed(2)} s); per-pair ratios ${r.ours.map((o, i) => (o.seconds / (r.peer[i] as Sample).seconds).toFixed(2)).join(', ')}`
              : '; PyTorch skipped: /usr/bin/python3 cannot import torch (apt-get install -y python3-torch)') +
            `; load ${loads(r.ours)}`,
        });
      }
    }

    if (jobs.includes('lstm-predict')) {
      // Deep inference as a user runs it: load a trained LSTM and label SmSA train ×8 (88,000
      // texts), JSON lines to stdout, beside PyTorch loading the same network and doing the same
      // (bench/peers/torch_lstm_predict.py) on 1 thread, its fastest. Both models are trained for
      // one epoch first (not timed); ours with both kernel arithmetics.
      const { texts, input } = predictInput(dir);
      const ourModel = join(dir, 'lstm-predict-model');
      timed(process.execPath, [
        CLI,
        'train',
        '--data',
        SMSA_TRAIN,
        '--model',
        'lstm',
        '--epochs',
        '1',
        '--out',
        ourModel,
      ]);
      const torchModel = join(dir, 'lstm-predict-torch');
      if (hasTorch) timed(PYTHON, [join(PEERS, 'torch_lstm_smsa.py'), SMSA_TRAIN, torchModel, '1', '1']);
      for (const math of quick ? ['exact'] : ['exact', 'fma']) {
        const ours = () =>
          timed(
            process.execPath,
            [CLI, 'predict', '--model', ourModel, '--data', input, '--format', 'jsonl'],
            undefined,
            {
              ULASAN_THREADS: '2',
              ...(math === 'fma' ? { ULASAN_KERNEL_MATH: 'fma' } : {}),
            },
          );
        const peer = hasTorch
          ? () => timed(PYTHON, [join(PEERS, 'torch_lstm_predict.py'), torchModel, input, '1'])
          : undefined;
        const tag = `2 threads${math === 'fma' ? ', ULASAN_KERNEL_MATH=fma' : ''}`;
        const r = alternate(pairs, ours, peer, log, `lstm predict ${tag}`);
        raw[`lstm-predict-${math}`] = r;
        rows.push({
          name: `ulasan predict --model <lstm>, ${texts.length * 8} texts (SmSA train ×8), whole job, ${tag}`,
          metric: 's',
          value: median(r.ours.map((x) => x.seconds)),
          ...(hasTorch
            ? { reference: median(r.peer.map((x) => x.seconds)), referenceName: 'PyTorch CPU, 1 thread, same network' }
            : {}),
          notes:
            `median of ${pairs} same-run pairs; ulasan ${secs(r.ours)} s` +
            (hasTorch
              ? `; PyTorch ${secs(r.peer)} s (import ${medianOf(r.peer, 'import').toFixed(2)}, text ${medianOf(r.peer, 'data').toFixed(2)}, forward + writing ${medianOf(r.peer, 'predict').toFixed(2)} s); per-pair ratios ${r.ours.map((o, i) => (o.seconds / (r.peer[i] as Sample).seconds).toFixed(2)).join(', ')}`
              : '; PyTorch skipped: /usr/bin/python3 cannot import torch (apt-get install -y python3-torch)') +
            `; load ${loads(r.ours)}`,
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const outDir = join(root, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(
    join(outDir, `e2e-${stamp}.json`),
    `${JSON.stringify({ date: new Date().toISOString(), pairs, quick, hasTorch, hasGensim, rows, raw }, null, 2)}\n`,
  );
  return rows;
};

export default bench;
