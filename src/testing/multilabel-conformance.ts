/**
 * The conformance suite for multi-output classifiers (labels are rows with one label per output,
 * `predictProba` gives one probability matrix per output): the same contract as
 * `conformance.ts`, checked output by output. A single class in one output is allowed here (that
 * output is predicted as a constant), so the one-class error check is left out.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloneClassifier } from '../core/classifier.js';
import { uniqueLabels } from '../core/labels.js';
import { UlasanError, type UlasanErrorCode } from '../internal/errors.js';
import {
  CheckFailure,
  CheckRunner,
  ClassifierConformanceError,
  type ConformanceCheckName,
  type ConformanceReport,
  checkParamsAndClone,
  checkProbabilityRows,
} from './conformance.js';

/** What the multi-output suite needs from a classifier (`BinaryRelevance`, `ClassifierChain`, `LabelPowerset`). */
export interface MultiOutputClassifier {
  /** Per output, its classes; empty before `fit`. */
  readonly classes: readonly (readonly string[])[];
  readonly paramNames: readonly string[];
  getParams(): Record<string, unknown>;
  fit(inputs: string[], labels: string[][]): Promise<unknown>;
  /** `result[j][i][c]`: P(output j = classes[j][c] | input i). */
  predictProba(inputs: string[]): Promise<number[][][]>;
  predict(inputs: string[]): Promise<string[][]>;
  dispose(): Promise<void>;
  save?(dir: string): Promise<void>;
}

/** Options of {@link checkMultiLabelConformance}. */
export interface MultiLabelConformanceOptions {
  /** A new, unfitted classifier. */
  create: () => MultiOutputClassifier | Promise<MultiOutputClassifier>;
  /** Training texts. */
  inputs: string[];
  /** Label rows, one label per output. */
  labels: string[][];
  /** Texts to predict (default the first 20 training texts). */
  probe?: string[];
  /** Loads a saved directory (e.g. `loadMultiLabelClassifier`), for the save → load check. */
  load?: (dir: string) => Promise<MultiOutputClassifier>;
  /** Largest probability difference after save → load (default 1e-6). */
  tolerance?: number;
  /** Checks to leave out. */
  skip?: readonly ConformanceCheckName[];
  /** Shown in the report (default the constructor name). */
  name?: string;
}

async function code(p: () => Promise<unknown>): Promise<UlasanErrorCode | 'resolved' | 'other'> {
  try {
    await p();
    return 'resolved';
  } catch (e) {
    return UlasanError.isInstance(e) ? e.code : 'other';
  }
}

function fail(message: string): never {
  throw new CheckFailure(message);
}

/** Checks a multi-output classifier factory; resolves to the report. */
export async function checkMultiLabelConformance(options: MultiLabelConformanceOptions): Promise<ConformanceReport> {
  const { inputs, labels } = options;
  const probe = options.probe ?? inputs.slice(0, 20);
  const tol = options.tolerance ?? 1e-6;
  const runner = new CheckRunner(options.skip ?? []);
  const owned: MultiOutputClassifier[] = [];
  const create = async () => {
    const c = await options.create();
    owned.push(c);
    return c;
  };
  const fresh = await create();
  const expectCode = async (what: string, p: () => Promise<unknown>, want: UlasanErrorCode) => {
    const got = await code(p);
    if (got !== want) fail(`${what}: ${got === 'resolved' ? 'succeeded' : `failed with ${got}`}; expected ${want}`);
  };

  await runner.run('unfitted', async () => {
    if (fresh.classes.length !== 0) fail('classes is not empty before fit');
    await expectCode('predictProba before fit', () => fresh.predictProba(probe), 'NOT_FITTED');
    await expectCode('predict before fit', () => fresh.predict(probe), 'NOT_FITTED');
  });
  await checkParamsAndClone(runner, fresh);
  await runner.run('errors', async () => {
    await expectCode('fit([], [])', async () => (await create()).fit([], []), 'INVALID_ARGUMENT');
    await expectCode(
      'fit with one label row fewer than texts',
      async () => (await create()).fit(inputs, labels.slice(1)),
      'INVALID_ARGUMENT',
    );
  });

  const model = await create();
  let proba: number[][][] | undefined;
  const fitted = await runner.run('fit', async () => {
    if ((await model.fit(inputs, labels)) !== model) fail('fit did not resolve to the classifier itself');
    const m = labels[0]!.length;
    if (model.classes.length !== m) fail(`classes has ${model.classes.length} outputs; the label rows have ${m}`);
    model.classes.forEach((classes, j) => {
      const want = uniqueLabels(labels.map((r) => r[j]!));
      if (classes.length !== want.length || classes.some((c, k) => c !== want[k]))
        fail(`classes[${j}] is ${JSON.stringify(classes)}; expected ${JSON.stringify(want)} (compareLabels order)`);
    });
  });
  if (fitted) {
    await runner.run('predictProba', async () => {
      proba = await model.predictProba(probe);
      if (proba.length !== model.classes.length) fail(`predictProba gave ${proba.length} outputs`);
      for (const [j, rows] of proba.entries())
        checkProbabilityRows(rows, probe.length, model.classes[j]!.length, `predictProba output ${j}`);
    });
    await runner.run('predict', async () => {
      const p = proba ?? (await model.predictProba(probe));
      const rows = await model.predict(probe);
      for (const [i, row] of rows.entries())
        for (const [j, label] of row.entries()) {
          const r = p[j]![i]!;
          const best = r.indexOf(Math.max(...r));
          if (label !== model.classes[j]![best]) fail(`predict[${i}][${j}] is not the argmax of predictProba`);
        }
    });
    await runner.run('clone-fitted', async () => {
      const twin = cloneClassifier(model);
      owned.push(twin);
      if (twin.classes.length !== 0) fail('a clone of a fitted classifier has classes');
      await expectCode('predict on the clone', () => twin.predict(probe), 'NOT_FITTED');
    });
    await runner.run('persistence', async () => {
      if (!options.load) return 'no load function given';
      if (typeof model.save !== 'function') return 'the classifier has no save(dir)';
      const dir = await fs.mkdtemp(join(tmpdir(), 'ulasan-conformance-'));
      try {
        await model.save(join(dir, 'model'));
        const loaded = await options.load(join(dir, 'model'));
        owned.push(loaded);
        const before = proba ?? (await model.predictProba(probe));
        const after = await loaded.predictProba(probe);
        for (const [j, rows] of after.entries())
          for (const [i, row] of rows.entries())
            for (const [c, v] of row.entries())
              if (Math.abs(v - before[j]![i]![c]!) > tol) fail(`after save → load, output ${j} row ${i} differs`);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });
  } else {
    for (const n of ['predictProba', 'predict', 'clone-fitted', 'persistence'] as const)
      await runner.run(n, async () => 'fit failed');
  }
  await runner.run('dispose', async () => {
    await model.dispose();
    await model.dispose();
    await fresh.dispose();
  });
  for (const c of owned) await c.dispose().catch(() => undefined);
  return runner.report(options.name ?? fresh.constructor.name);
}

/** {@link checkMultiLabelConformance}, throwing `ClassifierConformanceError` when a check fails. */
export async function runMultiLabelConformance(options: MultiLabelConformanceOptions): Promise<ConformanceReport> {
  const report = await checkMultiLabelConformance(options);
  if (!report.passed) throw new ClassifierConformanceError(report);
  return report;
}
