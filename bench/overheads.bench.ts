/**
 * Overheads a user pays on every run (issue 18), each beside a peer measured in the same run:
 * preprocessing throughput (default pipeline vs plain-Python re/dict steps), vocabulary building
 * (Vocabulary.build, what `ulasan train --model lstm` fits, vs dict counting + sort and a
 * Keras-Tokenizer-style count), checkpoint writes (LstmClassifier.save, atomic + fsync, vs
 * torch.save(state_dict) of bench/peers/torch_lstm_smsa.py's Net) and CLI start-up (`--help` vs
 * `python3 -c "import torch"` / `"import gensim"`, the peer stacks' own start-up cost).
 * Ours and the peer alternate in rounds; every value is a median. Peers run with Debian's
 * /usr/bin/python3; a missing one is skipped with a note.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LstmClassifier } from '../src/text/models/deep/deep-text-classifier.js';
import { WhitespacePipeline } from '../src/text/models/text-classifier.js';
import { createPipeline, PIPELINE_PRESETS } from '../src/text/preprocess/index.js';
import { Vocabulary } from '../src/text/vectorize/vocabulary.js';
import { type Bench, type BenchRow, median } from './harness.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SMSA = fileURLToPath(new URL('../../shared/data/smsa/train_preprocess.tsv', import.meta.url));
const PEER = join(ROOT, 'bench/peers/overheads_peer.py');
const PYTHON = '/usr/bin/python3';
const SLANG = join(ROOT, 'resources/slang-id.tsv');
const STOPWORDS = join(ROOT, 'resources/stopwords-id-sentiment.txt');

function pythonHas(module: string): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

/** Runs the peer script in one mode and returns its JSON report. */
function peer(args: string[]): Record<string, number | number[]> {
  const r = spawnSync(PYTHON, [PEER, ...args], { encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`peer ${args[0]} exited with ${r.status}: ${(r.stderr ?? '').slice(-1500)}`);
  return JSON.parse((r.stdout ?? '').trim().split('\n').pop() ?? '{}');
}

/** Wall-clock seconds of one process, spawn to exit. */
function wall(command: string, args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 120_000 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${r.status}`);
  return s;
}

function seconds(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Bytes of every file under `dir` (a checkpoint is a folder tree). */
function dirBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (a, e) => a + (e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );
}

const fmt = (xs: number[]) => xs.map((x) => x.toFixed(3)).join('/');
const load = () => (loadavg()[0] as number).toFixed(1);

const bench: Bench = async ({ quick, log }) => {
  if (!existsSync(SMSA))
    return [{ name: 'overheads', metric: 'texts/s', value: Number.NaN, notes: `skipped: ${SMSA} not found` }];
  const lines = readFileSync(SMSA, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  const texts = lines.map((l) => l.slice(0, l.lastIndexOf('\t')));
  const labels = lines.map((l) => l.slice(l.lastIndexOf('\t') + 1));
  const rounds = 3;
  const hasPython = existsSync(PYTHON);
  const rows: BenchRow[] = [];

  // 1. Preprocessing throughput.
  {
    const pipeline = createPipeline(PIPELINE_PRESETS.sentiment);
    for (const t of texts) pipeline.process(t); // warm-up (resource loading, JIT)
    const ours: number[] = [];
    const peers: number[] = [];
    let peerTokens = 0;
    let ourTokens = 0;
    for (let r = 0; r < rounds; r++) {
      ours.push(
        seconds(() => {
          ourTokens = 0;
          for (const t of texts) ourTokens += pipeline.process(t).length;
        }),
      );
      if (hasPython) {
        const rep = peer(['preprocess', SMSA, SLANG, STOPWORDS, '1']);
        peers.push(...(rep.seconds as number[]));
        peerTokens = rep.tokens as number;
      }
    }
    log(`preprocess: ours ${fmt(ours)} s, peer ${fmt(peers)} s`);
    rows.push({
      name: `default pipeline (sentiment preset), SmSA train ${texts.length} texts`,
      metric: 'texts/s',
      value: texts.length / median(ours),
      ...(peers.length ? { reference: texts.length / median(peers), referenceName: 'Python re + dict steps' } : {}),
      notes:
        `ours ${fmt(ours)} s (${ourTokens} tokens)` +
        (peers.length
          ? `, peer ${fmt(peers)} s (${peerTokens} tokens). Peer: lowercase, URL/mention/number re.sub, split, ` +
            'slang-id.tsv lookup, stopwords-id-sentiment.txt removal; it lacks our Unicode normalisation, ' +
            'emoji/emoticon mapping, elongation and negation handling, rule tokenizer and stemmer'
          : '; peer skipped: /usr/bin/python3 missing') +
        `; load ${load()}`,
    });
  }

  // 2. Vocabulary building on SmSA train ×10 (whitespace tokens, same input as the peer).
  {
    const times = quick ? 2 : 10;
    const base = texts.map((t) =>
      t
        .toLowerCase()
        .split(/\s+/)
        .filter((w) => w !== ''),
    );
    const docs: string[][] = [];
    for (let i = 0; i < times; i++) docs.push(...base);
    Vocabulary.build(docs); // warm-up
    const ours: number[] = [];
    const dictPeer: number[] = [];
    const kerasPeer: number[] = [];
    let size = 0;
    for (let r = 0; r < rounds; r++) {
      ours.push(
        seconds(() => {
          size = Vocabulary.build(docs, { maxSize: 1_000_000 }).size;
        }),
      );
      if (hasPython) {
        const rep = peer(['vocab', SMSA, String(times), '1']);
        dictPeer.push(...(rep.seconds as number[]));
        kerasPeer.push(...(rep.keras as number[]));
      }
    }
    log(`vocab: ours ${fmt(ours)} s, dict ${fmt(dictPeer)} s, keras-style ${fmt(kerasPeer)} s`);
    const n = docs.length;
    const common = `${n} docs (SmSA train ×${times}), ${size} tokens in vocabulary; ours ${fmt(ours)} s`;
    rows.push({
      name: `Vocabulary.build, SmSA train ×${times}`,
      metric: 'docs/s',
      value: n / median(ours),
      ...(dictPeer.length
        ? { reference: n / median(dictPeer), referenceName: 'Python dict count + sort (torch peer)' }
        : {}),
      notes: `${common}${dictPeer.length ? `, peer ${fmt(dictPeer)} s` : '; peer skipped'}; load ${load()}`,
    });
    if (kerasPeer.length)
      rows.push({
        name: `Vocabulary.build, SmSA train ×${times} (vs Keras-style)`,
        metric: 'docs/s',
        value: n / median(ours),
        reference: n / median(kerasPeer),
        referenceName: 'Keras Tokenizer-style OrderedDict count + sort',
        notes: `${common}, peer ${fmt(kerasPeer)} s (emulated fit_on_texts on pre-split tokens)`,
      });
  }

  // 3. Checkpoint writes.
  {
    const n = quick ? 128 : 512;
    const model = new LstmClassifier({
      pipeline: new WhitespacePipeline(),
      units: 64,
      embeddingDim: 100,
      maxLen: 50,
      batchSize: 64,
      epochs: 1,
      minCount: 1,
      earlyStopping: false,
    });
    await model.fit(texts.slice(0, n), labels.slice(0, n));
    const vocabSize = model.vocabulary?.size ?? 0;
    const base = mkdtempSync(join(tmpdir(), 'ulasan-bench-ckpt-'));
    const hasTorch = pythonHas('torch');
    try {
      let k = 0;
      const save = async () => {
        const dir = join(base, `ours-${k++}`);
        const t0 = process.hrtime.bigint();
        await model.save(dir);
        return Number(process.hrtime.bigint() - t0) / 1e9;
      };
      await save(); // warm-up
      const ours: number[] = [];
      const peers: number[] = [];
      let peerBytes = 0;
      for (let r = 0; r < rounds; r++) {
        for (let i = 0; i < 3; i++) ours.push(await save());
        if (hasTorch) {
          const rep = peer(['save', join(base, `torch-round-${r}`), String(vocabSize), '3']);
          peers.push(...(rep.seconds as number[]));
          peerBytes = rep.bytes as number;
        }
      }
      const dir0 = join(base, 'ours-0');
      const ourBytes = dirBytes(dir0);
      log(`save: ours ${fmt(ours)} s, torch ${fmt(peers)} s`);
      rows.push({
        name: `LstmClassifier.save (LSTM 64, emb 100, vocab ${vocabSize})`,
        metric: 'ms/save',
        value: median(ours) * 1000,
        ...(peers.length ? { reference: median(peers) * 1000, referenceName: 'torch.save(state_dict)' } : {}),
        notes:
          `${ours.length} saves into fresh dirs, ${(ourBytes / 2 ** 20).toFixed(2)} MiB written (atomic rename + fsync); ` +
          (peers.length
            ? `torch ${peers.length} saves, ${(peerBytes / 2 ** 20).toFixed(2)} MiB, no fsync, state_dict only (no vocabulary/config)`
            : 'PyTorch skipped: /usr/bin/python3 cannot import torch (apt-get install -y python3-torch)') +
          `; model trained 1 epoch on ${n} reviews; load ${load()}`,
      });
    } finally {
      rmSync(base, { recursive: true, force: true });
      await model.dispose();
    }
  }

  // 4. CLI start-up.
  {
    const cli = join(ROOT, 'dist/cli/main.js');
    if (!existsSync(cli)) {
      rows.push({ name: 'CLI start-up', metric: 's', value: Number.NaN, notes: 'skipped: run npm run build first' });
    } else {
      const peersWanted = ['torch', 'gensim'].filter((m) => pythonHas(m));
      const ours: number[] = [];
      const peerTimes: Record<string, number[]> = Object.fromEntries(peersWanted.map((m) => [m, []]));
      wall(process.execPath, [cli, '--help']); // warm the page cache
      for (let r = 0; r < (quick ? 3 : 5); r++) {
        ours.push(wall(process.execPath, [cli, '--help']));
        for (const m of peersWanted) peerTimes[m]?.push(wall(PYTHON, ['-c', `import ${m}`]));
      }
      log(`startup: ours ${fmt(ours)} s; ${peersWanted.map((m) => `${m} ${fmt(peerTimes[m] ?? [])}`).join(', ')}`);
      for (const m of ['torch', 'gensim']) {
        const p = peerTimes[m];
        rows.push({
          name: `CLI start-up: ulasan --help vs python3 -c "import ${m}"`,
          metric: 's',
          value: median(ours),
          ...(p?.length ? { reference: median(p), referenceName: `python3 -c "import ${m}"` } : {}),
          notes:
            `ours ${fmt(ours)} s` +
            (p?.length ? `, peer ${fmt(p)} s` : `; peer skipped: /usr/bin/python3 cannot import ${m}`) +
            `; load ${load()}`,
        });
      }
    }
  }
  return rows;
};

export default bench;
