import { promises as fs, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Classifier, FitOptions, Label } from '../../src/core/classifier.js';
import {
  type ClassifierFactory,
  diagnoseFit,
  expandGrid,
  type GridConfig,
  loadGridConfig,
  runGrid,
  validateGridConfig,
} from '../../src/experiments-entry.js';

/**
 * A tiny real classifier for grid tests: multinomial naive Bayes over lower-cased word counts with
 * additive smoothing `alpha`. `epochs`/`learningRate` are accepted and only recorded, so grids over
 * the usual axes run in milliseconds with real, differing scores (alpha changes them).
 */
class TinyNaiveBayes implements Classifier<string> {
  classes: Label[] = [];
  fitCalls = 0;
  private logPrior: number[] = [];
  private logLik: Map<string, number>[] = [];
  private unseen: number[] = [];
  readonly paramNames: readonly string[] = ['alpha', 'epochs', 'learningRate', 'seed'];
  disposeCalls = 0;
  constructor(readonly options: Record<string, unknown>) {
    if (options.alpha !== undefined && !(Number(options.alpha) > 0)) {
      throw new Error(`alpha must be > 0, got ${String(options.alpha)}`);
    }
  }
  getParams(): Record<string, unknown> {
    return { alpha: 1, ...this.options };
  }
  async dispose(): Promise<void> {
    this.disposeCalls++;
  }
  async fit(inputs: string[], labels: Label[], fitOptions: FitOptions<string> = {}): Promise<this> {
    this.fitCalls++;
    fitOptions.signal?.throwIfAborted();
    const alpha = Number(this.options.alpha ?? 1);
    this.classes = [...new Set(labels)].sort();
    const vocab = new Set<string>();
    const counts = this.classes.map(() => new Map<string, number>());
    const totals = this.classes.map(() => 0);
    const docs = this.classes.map(() => 0);
    inputs.forEach((text, i) => {
      const c = this.classes.indexOf(labels[i]!);
      docs[c]!++;
      for (const w of tokens(text)) {
        vocab.add(w);
        counts[c]!.set(w, (counts[c]!.get(w) ?? 0) + 1);
        totals[c]!++;
      }
    });
    this.logPrior = docs.map((d) => Math.log(d / inputs.length));
    this.logLik = counts.map((m, c) => {
      const denom = totals[c]! + alpha * vocab.size;
      return new Map([...m].map(([w, n]) => [w, Math.log((n + alpha) / denom)]));
    });
    this.unseen = totals.map((t) => Math.log(alpha / (t + alpha * vocab.size)));
    return this;
  }
  async predictProba(inputs: string[]): Promise<number[][]> {
    return inputs.map((text) => {
      const scores = this.classes.map((_, c) => {
        let s = this.logPrior[c]!;
        for (const w of tokens(text)) s += this.logLik[c]!.get(w) ?? this.unseen[c]!;
        return s;
      });
      const max = Math.max(...scores);
      const exp = scores.map((s) => Math.exp(s - max));
      const sum = exp.reduce((a, b) => a + b, 0);
      return exp.map((e) => e / sum);
    });
  }
  async predict(inputs: string[]): Promise<Label[]> {
    return (await this.predictProba(inputs)).map((p) => this.classes[p.indexOf(Math.max(...p))]!);
  }
}

const tokens = (text: string) => text.toLowerCase().split(/\s+/).filter(Boolean);
const factory: ClassifierFactory = (options) => new TinyNaiveBayes(options);

const fixture = (name: string) => new URL(`../fixtures/experiments/${name}`, import.meta.url);
function readTsv(name: string) {
  const rows = readFileSync(fixture(name), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
  return { inputs: rows.map((r) => r[0]!), labels: rows.map((r) => r[1]!) as Label[] };
}

/** 80 positive, 80 negative, 20 neutral SmSA rows. */
function imbalanced() {
  const data = readTsv('smsa-train-240.tsv');
  let kept = 0;
  const keep = data.labels.map((l) => l !== 'neutral' || kept++ < 20);
  return { inputs: data.inputs.filter((_, i) => keep[i]), labels: data.labels.filter((_, i) => keep[i]) };
}

const tmpRoot = await fs.mkdtemp(join(tmpdir(), 'ulasan-grid-'));
afterAll(() => fs.rm(tmpRoot, { recursive: true, force: true }));
let dirCount = 0;
const newDir = () => join(tmpRoot, `run-${dirCount++}`);

function config(overrides: Partial<GridConfig> = {}): GridConfig {
  return {
    name: 'tiny-nb',
    seed: 7,
    data: { train: readTsv('smsa-train-240.tsv'), test: readTsv('smsa-valid-90.tsv') },
    split: { validSize: 0.25 },
    grid: {
      model: ['nb'],
      regularization: [
        { learningRate: 0.002, l2: [0.001, 0.001] },
        { learningRate: 0.001, l2: [0.005, 0.01] },
      ],
      epochs: [1, 2],
      alpha: [0.05, 1, 5],
    },
    ...overrides,
  };
}

describe('expandGrid', () => {
  it('names scenarios like seed 003 and hides the L2 pair linked to the learning rate', () => {
    const scenarios = expandGrid(config());
    expect(scenarios).toHaveLength(12);
    expect(scenarios[0]!.name).toBe('0.002-NB-1-alpha=0.05');
    expect(scenarios[0]!.options).toMatchObject({ learningRate: 0.002, l2: [0.001, 0.001], seed: 7 });
    expect(scenarios.at(-1)!.name).toBe('0.001-NB-2-alpha=5');
    expect(new Set(scenarios.map((s) => s.key)).size).toBe(12);
    const seed003 = expandGrid(
      validateGridConfig({
        name: 's3',
        data: { train: 'x.tsv' },
        grid: { model: ['lstm', 'gru'], learningRate: [0.002], epochs: [50, 100], batchSize: [128, 256, 512] },
      }),
    );
    expect(seed003.map((s) => s.name).slice(0, 3)).toEqual([
      '0.002-LSTM-50-128',
      '0.002-LSTM-50-256',
      '0.002-LSTM-50-512',
    ]);
  });
});

describe('runGrid', () => {
  it('runs every scenario, writes Markdown/CSV/JSON tables and picks the best by macro-F1', async () => {
    const out = newDir();
    const events: number[] = [];
    const result = await runGrid(config(), {
      out,
      classifierFactory: factory,
      onProgress: (e) => events.push(e.done),
    });
    expect(result.results).toHaveLength(12);
    expect(result.data.sizes).toEqual({ train: 180, trainBeforeResampling: 180, valid: 60, test: 90 });
    const macro = result.results.map((r) => r.valid!.macroF1);
    expect(result.best.valid!.macroF1).toBe(Math.max(...macro));
    // Real learning: better than the 1/3 of guessing on held-out SmSA text.
    expect(result.best.test!.accuracy).toBeGreaterThan(0.5);
    // alpha changes the scores, epochs/learningRate (unused by NB) do not.
    expect(new Set(macro.map((m) => m.toFixed(6))).size).toBeGreaterThan(1);
    expect(result.results[0]!.valid!.macroF1).toBe(result.results[3]!.valid!.macroF1);
    const md = await fs.readFile(join(out, 'results.md'), 'utf8');
    expect(md).toContain('| scenario | model | learningRate | l2 | epochs | alpha |');
    expect(md).toContain(`**${result.best.name}**`);
    const csv = (await fs.readFile(join(out, 'results.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(13);
    expect(csv[0]).toContain('valid_macroF1');
    const json = JSON.parse(await fs.readFile(join(out, 'results.json'), 'utf8'));
    expect(json.best).toBe(result.best.name);
    const svg = await fs.readFile(join(out, 'scenarios', result.best.name, 'confusion-matrix.svg'), 'utf8');
    expect(svg).toContain('<svg');
    // The comparison chart: one bar per scenario, the best one named.
    const comparison = await fs.readFile(join(out, 'comparison.svg'), 'utf8');
    for (const r of result.results) expect(comparison).toContain(r.name);
    expect(events.at(-1)).toBe(12);
    for (const r of result.results) expect(['good-fit', 'overfit']).toContain(r.fit.status); // NB learns: never underfit
  });

  it('a grid aborted after 5 scenarios resumes and ends with the same tables as an uninterrupted run', async () => {
    const full = newDir();
    await runGrid(config(), { out: full, figures: false, classifierFactory: factory });

    const out = newDir();
    const controller = new AbortController();
    let finished = 0;
    await expect(
      runGrid(config(), {
        out,
        figures: false,
        classifierFactory: factory,
        signal: controller.signal,
        onScenarioEnd: () => {
          if (++finished === 5) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    const log = (await fs.readFile(join(out, 'results.jsonl'), 'utf8')).trim().split('\n');
    expect(log).toHaveLength(6); // header + 5 scenarios

    // Without resume the finished work is protected.
    await expect(runGrid(config(), { out, figures: false, classifierFactory: factory })).rejects.toThrow(
      /Pass --resume/,
    );

    let fits = 0;
    const counting: ClassifierFactory = (options) => {
      const c = new TinyNaiveBayes(options);
      const realFit = c.fit.bind(c);
      c.fit = (...args) => {
        fits++;
        return realFit(...args);
      };
      return c;
    };
    const resumed = await runGrid(config(), { out, figures: false, classifierFactory: counting, resume: true });
    expect(resumed.skipped).toBe(5);
    expect(fits).toBe(7);
    for (const file of ['results.md', 'results.csv']) {
      expect(await fs.readFile(join(out, file), 'utf8')).toBe(await fs.readFile(join(full, file), 'utf8'));
    }
  });

  it('ignores a partial last line left by a killed write, and cuts it off before appending', async () => {
    const out = newDir();
    const controller = new AbortController();
    await expect(
      runGrid(config(), {
        out,
        figures: false,
        classifierFactory: factory,
        signal: controller.signal,
        onScenarioEnd: () => controller.abort(),
      }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    const logPath = join(out, 'results.jsonl');
    await fs.appendFile(logPath, '{"type":"scenario","key":"deadbeef","name":"half-wri');
    const result = await runGrid(config(), { out, figures: false, classifierFactory: factory, resume: true });
    expect(result.skipped).toBe(1);
    const lines = (await fs.readFile(logPath, 'utf8')).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l).type)).toEqual(['header', ...Array(12).fill('scenario')]);
  });

  it('stops at a failing scenario by default, or skips it with continueOnError and retries it on resume', async () => {
    const failing: ClassifierFactory = (options) => {
      const c = new TinyNaiveBayes(options);
      if (options.alpha === 5) {
        c.fit = async () => {
          throw new Error('loss became NaN');
        };
      }
      return c;
    };
    await expect(runGrid(config(), { out: newDir(), figures: false, classifierFactory: failing })).rejects.toThrow(
      /scenario 0\.002-NB-1-alpha=5 failed: loss became NaN .*--resume/,
    );
    const out = newDir();
    const partial = await runGrid(config(), { out, figures: false, classifierFactory: failing, continueOnError: true });
    expect(partial.failed.map((f) => f.name)).toEqual([
      '0.002-NB-1-alpha=5',
      '0.002-NB-2-alpha=5',
      '0.001-NB-1-alpha=5',
      '0.001-NB-2-alpha=5',
    ]);
    expect(partial.results).toHaveLength(8);
    const retried = await runGrid(config(), { out, figures: false, classifierFactory: factory, resume: true });
    expect(retried.skipped).toBe(8);
    expect(retried.failed).toEqual([]);
    expect(retried.results).toHaveLength(12);
  });

  it('keeps objects passed in TS configs (e.g. word vectors) out of the log, but hands them to every fit', async () => {
    class FakeVectors {
      constructor(readonly matrix = new Float32Array(200_000).fill(0.5)) {}
    }
    const vectors = new FakeVectors();
    const received: unknown[] = [];
    const out = newDir();
    const result = await runGrid(
      config({ fixed: { embeddings: vectors }, grid: { model: ['nb'], alpha: [0.5, 1] }, refitBest: true }),
      {
        out,
        figures: false,
        classifierFactory: (options) => {
          received.push(options.embeddings);
          return new TinyNaiveBayes(options);
        },
      },
    );
    // 2 validation constructions + 2 scenarios + 1 refit, all with the live object.
    expect(received).toHaveLength(5);
    expect(received.every((v) => v === vectors)).toBe(true);
    expect(result.results[0]!.options.embeddings).toMatchObject({ instanceOf: 'FakeVectors' });
    const log = await fs.readFile(join(out, 'results.jsonl'), 'utf8');
    expect(log.length).toBeLessThan(20_000);
    // A different vector object changes the grid's identity: its log is refused.
    await expect(
      runGrid(
        config({
          fixed: { embeddings: new FakeVectors(new Float32Array(10)) },
          grid: { model: ['nb'], alpha: [0.5, 1] },
        }),
        {
          out,
          figures: false,
          classifierFactory: factory,
          resume: true,
        },
      ),
    ).rejects.toThrow(/different grid config/);
  });

  it('refuses a folder locked by a running grid, and takes over a stale lock', async () => {
    const out = newDir();
    await fs.mkdir(out, { recursive: true });
    await fs.writeFile(join(out, '.lock'), `${process.ppid}\n`);
    await expect(runGrid(config(), { out, figures: false, classifierFactory: factory })).rejects.toThrow(
      new RegExp(`in use by another grid \\(process ${process.ppid}\\)`),
    );
    await fs.writeFile(join(out, '.lock'), '2147483646\n'); // no such process
    const result = await runGrid(config({ grid: { model: ['nb'], alpha: [1] } }), {
      out,
      figures: false,
      classifierFactory: factory,
    });
    expect(result.results).toHaveLength(1);
    await expect(fs.access(join(out, '.lock'))).rejects.toThrow();
  });

  it('refuses a log written by a different grid config', async () => {
    const out = newDir();
    await runGrid(config({ grid: { model: ['nb'], alpha: [1] } }), { out, figures: false, classifierFactory: factory });
    await expect(
      runGrid(config({ grid: { model: ['nb'], alpha: [2] } }), {
        out,
        figures: false,
        classifierFactory: factory,
        resume: true,
      }),
    ).rejects.toThrow(/written by a different grid config/);
    await expect(
      runGrid(config({ grid: { model: ['nb'], alpha: [1] }, resample: { method: 'over' } }), {
        out,
        figures: false,
        classifierFactory: factory,
        resume: true,
      }),
    ).rejects.toThrow(/different grid config/);
  });

  it('cross-validates with stratified folds (mean ± std), resamples inside folds and refits the best', async () => {
    const out = newDir();
    const trainings: Label[][] = [];
    const heldOut: string[][] = [];
    const result = await runGrid(
      config({
        data: { train: imbalanced(), test: readTsv('smsa-valid-90.tsv') },
        split: undefined,
        resample: { method: 'over' },
        cv: { k: 3 },
        grid: { model: ['nb'], alpha: [0.1, 1] },
      }),
      {
        out,
        figures: false,
        classifierFactory: (options) => {
          const c = new TinyNaiveBayes(options);
          const realFit = c.fit.bind(c);
          c.fit = (inputs, labels, o) => {
            trainings.push(labels);
            heldOut.push(o?.validation?.inputs ?? []);
            return realFit(inputs, labels, o);
          };
          return c;
        },
      },
    );
    for (const r of result.results) {
      expect(r.cv!.k).toBe(3);
      expect(r.cv!.folds).toHaveLength(3);
      expect(r.cv!.folds.reduce((a, f) => a + f.support, 0)).toBe(180);
      expect(r.cv!.macroF1.std).toBeGreaterThanOrEqual(0);
      expect(r.valid).toBeUndefined();
    }
    // 6 fold fits (2 scenarios × 3 folds) on oversampled, balanced training parts, then the refit.
    expect(trainings).toHaveLength(7);
    for (const labels of trainings.slice(0, 6)) {
      const n = (l: string) => labels.filter((x) => x === l).length;
      expect(n('neutral')).toBe(n('positive'));
      expect(n('negative')).toBe(n('positive'));
    }
    expect(heldOut[0]!.length).toBe(60);
    expect(result.refit?.test?.accuracy).toBeGreaterThan(0.5);
    expect(result.refit?.trainSize).toBe(240); // 180 rows oversampled to 3 × 80
    const md = await fs.readFile(join(out, 'results.md'), 'utf8');
    expect(md).toMatch(/cv macroF1 \|/);
    expect(md).toMatch(/\d\.\d{4} ± \d\.\d{4}/);
    expect(md).toMatch(/Refitted on 240 training \+ validation rows: test accuracy \d\.\d{4}/);
  });

  it('never resamples validation or test rows', async () => {
    const train = imbalanced();
    const validTexts = new Set<string>();
    let trainedOn: string[] = [];
    const result = await runGrid(
      config({
        data: { train },
        split: { validSize: 0.25, testSize: 0.2 },
        resample: { method: 'over', seed: 3 },
        grid: { model: ['nb'], alpha: [1] },
      }),
      {
        out: newDir(),
        figures: false,
        classifierFactory: (options) => {
          const c = new TinyNaiveBayes(options);
          const realFit = c.fit.bind(c);
          c.fit = (inputs, labels, o) => {
            trainedOn = inputs;
            for (const t of o?.validation?.inputs ?? []) validTexts.add(t);
            return realFit(inputs, labels, o);
          };
          return c;
        },
      },
    );
    const { sizes, classCounts } = result.data;
    expect(sizes.train).toBeGreaterThan(sizes.trainBeforeResampling);
    expect(classCounts.train.neutral).toBe(classCounts.train.positive);
    expect(classCounts.valid.neutral).toBeLessThan(classCounts.valid.positive! / 2);
    expect(classCounts.test.neutral).toBeLessThan(classCounts.test.positive! / 2);
    expect(trainedOn.some((t) => validTexts.has(t))).toBe(false);
    expect(result.data.leakage.test?.leaked).toBe(false);
  });
});

describe('grid config errors', () => {
  it('names unknown keys and suggests the closest one', () => {
    expect(() => validateGridConfig({ name: 'x', data: { train: 'a.tsv' }, grid: {}, refitbest: true })).toThrow(
      /unknown key "refitbest" \(did you mean "refitBest"\?\)/,
    );
    expect(() => validateGridConfig({ name: 'x', data: { train: 'a.tsv', lables: ['a'] }, grid: {} })).toThrow(
      /unknown key "data.lables" \(did you mean "data.labels"\?\)/,
    );
    expect(() => validateGridConfig({ name: 'x', data: { train: 'a.tsv' }, grid: { lr: 0.1 } })).toThrow(
      /grid.lr must be a list/,
    );
    expect(() => validateGridConfig({ name: 'x', data: { train: 'a.tsv' }, grid: {}, metric: 'f1' })).toThrow(
      /"metric" must be one of macroF1, accuracy, weightedF1/,
    );
    expect(() => validateGridConfig({ name: 'x', data: {}, grid: {} })).toThrow(/data.train must be a file path/);
    expect(() => validateGridConfig({ name: 'x', data: { train: 'a.tsv' }, grid: {}, embeddings: {} })).toThrow(
      /exactly one of "word2vec".*or "file"/,
    );
    expect(() =>
      validateGridConfig({ name: 'x', data: { train: 'a.tsv' }, grid: {}, embeddings: { word2vec: {}, dims: 3 } }),
    ).toThrow(/unknown key "embeddings.dims"/);
  });

  it('refuses an empty grid and asks for confirmation above the limit', async () => {
    await expect(
      runGrid(config({ grid: { model: ['nb'], alpha: [] } }), {
        out: newDir(),
        figures: false,
        classifierFactory: factory,
      }),
    ).rejects.toThrow(/zero scenarios: grid.alpha is an empty list/);
    const big = config({
      grid: {
        model: ['nb'],
        alpha: Array.from({ length: 15 }, (_, i) => i + 1),
        epochs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
      },
    });
    await expect(runGrid(big, { out: newDir(), figures: false, classifierFactory: factory })).rejects.toThrow(
      /210 scenarios, more than the limit of 200.*--yes/,
    );
  });

  it('reports a bad scenario option before training anything', async () => {
    let fits = 0;
    await expect(
      runGrid(config({ grid: { model: ['nb'], alpha: [1, -1] } }), {
        out: newDir(),
        figures: false,
        classifierFactory: (o) => {
          const c = new TinyNaiveBayes(o);
          c.fit = async () => {
            fits++;
            return c;
          };
          return c;
        },
      }),
    ).rejects.toThrow(/scenario NB-alpha=-1: alpha must be > 0/);
    expect(fits).toBe(0);
  });

  it('awaits dispose() on every classifier it made, and refuses a factory whose classifiers lack the contract', async () => {
    const made: TinyNaiveBayes[] = [];
    await runGrid(config({ grid: { model: ['nb'], alpha: [1, 5] } }), {
      out: newDir(),
      figures: false,
      classifierFactory: (o) => {
        const c = new TinyNaiveBayes(o);
        made.push(c);
        return c;
      },
    });
    // Two up-front checks and two trained scenarios (plus the refit of the best on train + valid, if any).
    expect(made.length).toBeGreaterThanOrEqual(4);
    for (const c of made) expect(c.disposeCalls).toBe(1);
    await expect(
      runGrid(config({ grid: { model: ['nb'], alpha: [1] } }), {
        out: newDir(),
        figures: false,
        classifierFactory: (o) => {
          // A plain-JS classifier written before dispose() was part of the contract.
          const c = new TinyNaiveBayes(o);
          Object.defineProperty(c, 'dispose', { value: undefined });
          return c;
        },
      }),
    ).rejects.toThrow(/without dispose\(\); every classifier needs the contract/);
  });

  it('loads YAML configs with --quick overrides and resolves data paths from the config folder', async () => {
    const dir = newDir();
    await fs.mkdir(dir, { recursive: true });
    const file = join(dir, 'grid.yaml');
    await fs.writeFile(
      file,
      `name: yaml-grid
data:
  train: ${fileURLToPathSafe(fixture('smsa-train-240.tsv'))}
  valid: ./valid.tsv
grid:
  model: [nb]
  alpha: [1, 2]
quick:
  grid:
    model: [nb]
    alpha: [3]
`,
    );
    const normal = await loadGridConfig(file);
    expect(normal.data.valid).toBe(join(dir, 'valid.tsv'));
    expect(expandGrid(normal)).toHaveLength(2);
    const quick = await loadGridConfig(file, { quick: true });
    expect(expandGrid(quick).map((s) => s.name)).toEqual(['NB']);
  });
});

describe('diagnoseFit', () => {
  it('flags a large train/validation gap or a rising validation loss as overfit', () => {
    expect(diagnoseFit({ trainAccuracy: 0.99, validAccuracy: 0.8 }).status).toBe('overfit');
    expect(diagnoseFit({ trainAccuracy: 0.9, validAccuracy: 0.86 }).status).toBe('good-fit');
    const rising = [0.6, 0.45, 0.4, 0.5, 0.62].map((valLoss) => ({ accuracy: 0.9, valAccuracy: 0.88, valLoss }));
    expect(diagnoseFit({ history: rising })).toMatchObject({ status: 'overfit' });
    expect(diagnoseFit({}).status).toBe('unknown');
    // Chance-level training accuracy is underfitting, whatever the gap says.
    expect(diagnoseFit({ trainAccuracy: 0.51, validAccuracy: 0.34, chanceAccuracy: 0.5 }).status).toBe('underfit');
  });
});

function fileURLToPathSafe(url: URL): string {
  return decodeURIComponent(url.pathname);
}
