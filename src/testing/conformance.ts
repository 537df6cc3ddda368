/**
 * The classifier conformance suite (scikit-learn's `check_estimator`): one function that checks a
 * classifier factory against the contract of `core/classifier.ts`, for ulasan's own kinds and for
 * plugin kinds registered with `registerTextClassifierKind`. It needs no test runner: it resolves to
 * a report of every check, and {@link runClassifierConformance} throws one error listing the
 * failures, which any runner (vitest, jest, `node:test`, mocha) reports as a failed test.
 *
 * The checks run in a fixed order on fresh classifiers from `create()` and one fitted model:
 * unfitted state, declared parameters, cloning, the error vocabulary, fit, probabilities, predict,
 * clone of a fitted model, save/load, dispose. A failing check never stops the others.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Classifier, cloneClassifier, type FitOptions, type Label } from '../core/classifier.js';
import { compareLabels, uniqueLabels } from '../core/labels.js';
import { UlasanError, type UlasanErrorCode } from '../internal/errors.js';

/** The names of the checks, in the order they run (pass some in `skip` to leave them out). */
export const CONFORMANCE_CHECKS = [
  'unfitted',
  'params',
  'clone',
  'errors',
  'fit',
  'predictProba',
  'predict',
  'clone-fitted',
  'persistence',
  'dispose',
] as const;

/** One check of the suite. */
export type ConformanceCheckName = (typeof CONFORMANCE_CHECKS)[number];

/** The outcome of one check. */
export interface ConformanceCheckResult {
  /** Which check. */
  name: ConformanceCheckName;
  /** `passed`, `failed`, or `skipped` (in `skip`, or not applicable: no `load` for persistence). */
  status: 'passed' | 'failed' | 'skipped';
  /** What went wrong (failed) or why it did not run (skipped). */
  message?: string;
}

/** Everything the suite found. */
export interface ConformanceReport {
  /** The name given in the options (default the classifier's constructor name). */
  name: string;
  /** True when no check failed. */
  passed: boolean;
  /** Every check, in order. */
  checks: ConformanceCheckResult[];
}

/** Options of {@link checkClassifierConformance}. */
export interface ClassifierConformanceOptions<X = string> {
  /** A new, unfitted classifier (called several times; each is disposed by the suite). */
  create: () => Classifier<X> | Promise<Classifier<X>>;
  /** Training inputs: at least two classes, small enough to fit in a few seconds. */
  inputs: X[];
  /** Training labels aligned with `inputs`. */
  labels: Label[];
  /** Inputs to predict (default: the first 20 training inputs). */
  probe?: X[];
  /** Passed to every `fit` (e.g. a validation set). */
  fitOptions?: FitOptions<X>;
  /**
   * Loads a saved directory (e.g. `loadTextClassifier`). With it, and a classifier that has
   * `save(dir)`, the suite checks that a save → load round trip predicts the same probabilities.
   */
  load?: (dir: string) => Promise<Classifier<X>>;
  /** Largest difference allowed between probabilities after save → load (default 1e-6). */
  tolerance?: number;
  /** Checks to leave out, with the reason in your own test (e.g. `['persistence']`). */
  skip?: readonly ConformanceCheckName[];
  /** Shown in the report and the error (default: the classifier's constructor name). */
  name?: string;
  /** Where the persistence check writes its directory (default the OS temp folder; removed afterwards). */
  tmpDir?: string;
}

/** Thrown by {@link runClassifierConformance} when a check fails; `report` holds every check. */
export class ClassifierConformanceError extends Error {
  /** The full report. */
  readonly report: ConformanceReport;
  constructor(report: ConformanceReport) {
    const failed = report.checks.filter((c) => c.status === 'failed');
    super(
      `${report.name} does not follow the classifier contract (${failed.length} of ${report.checks.length} checks failed):\n${failed
        .map((c) => `  - ${c.name}: ${c.message}`)
        .join('\n')}`,
    );
    this.name = 'ClassifierConformanceError';
    this.report = report;
  }
}

/** A failed expectation inside one check (its message is the check's message in the report). */
export class CheckFailure extends Error {}

/** Fails the running check with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailure(message);
}

/** The error code a promise rejects with (fails the check when it resolves or rejects with a non-ulasan error). */
async function rejectionCode(what: string, p: Promise<unknown> | (() => unknown)): Promise<UlasanErrorCode> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    check(
      UlasanError.isInstance(e),
      `${what} threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}, not a UlasanError`,
    );
    return e.code;
  }
  throw new CheckFailure(`${what} succeeded; expected it to fail`);
}

async function expectCode(what: string, p: Promise<unknown> | (() => unknown), code: UlasanErrorCode): Promise<void> {
  const got = await rejectionCode(what, p);
  check(got === code, `${what} failed with code ${got}; expected ${code}`);
}

/**
 * Equal parameter values: primitives by `Object.is`, arrays and plain objects member by member,
 * anything else (a pipeline, embeddings, a function) by identity, as `clone` shares those.
 */
export function sameParamValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameParamValue(v, b[i]));
  const plain = (v: unknown) =>
    typeof v === 'object' && v !== null && [Object.prototype, null].includes(Object.getPrototypeOf(v));
  if (plain(a) && plain(b)) {
    const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
    const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
    return (
      ka.length === kb.length &&
      ka.every((k) => sameParamValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return false;
}

function paramsDiff(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !sameParamValue(a[k], b[k]));
}

function argmax(row: readonly number[]): number {
  let best = 0;
  for (let j = 1; j < row.length; j++) if (row[j]! > row[best]!) best = j;
  return best;
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Probability rows: one per input, `width` finite columns in [0, 1], each row summing to 1. */
export function checkProbabilityRows(rows: unknown, n: number, width: number, what = 'predictProba'): void {
  check(Array.isArray(rows), `${what} did not resolve to an array`);
  check(rows.length === n, `${what} gave ${rows.length} rows for ${n} inputs`);
  rows.forEach((row: unknown, i) => {
    check(Array.isArray(row), `${what} row ${i} is not an array`);
    check(row.length === width, `${what} row ${i} has ${row.length} columns; classes has ${width}`);
    for (const p of row as unknown[])
      check(
        typeof p === 'number' && Number.isFinite(p) && p >= 0 && p <= 1,
        `${what} row ${i} holds ${String(p)}, not a probability`,
      );
    const sum = (row as number[]).reduce((s, p) => s + p, 0);
    check(Math.abs(sum - 1) < 1e-5, `${what} row ${i} sums to ${sum}, not 1`);
  });
}

/** Runs the checks and records each outcome. */
export class CheckRunner {
  readonly checks: ConformanceCheckResult[] = [];
  constructor(private readonly skip: readonly string[]) {}

  /** Runs one check; a body resolving to a string marks it skipped with that reason. */
  async run(name: ConformanceCheckName, body: () => Promise<unknown>): Promise<boolean> {
    if (this.skip.includes(name)) {
      this.checks.push({ name, status: 'skipped', message: 'in skip' });
      return false;
    }
    try {
      const skipped = await body();
      if (typeof skipped === 'string') this.checks.push({ name, status: 'skipped', message: skipped });
      else this.checks.push({ name, status: 'passed' });
      return true;
    } catch (e) {
      const message =
        e instanceof CheckFailure ? e.message : `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
      this.checks.push({ name, status: 'failed', message });
      return false;
    }
  }

  report(name: string): ConformanceReport {
    return { name, passed: this.checks.every((c) => c.status !== 'failed'), checks: this.checks };
  }
}

/** The shared checks on an unfitted classifier: declared parameters and cloning. */
export async function checkParamsAndClone(
  runner: CheckRunner,
  fresh: { paramNames: readonly string[]; getParams(): Record<string, unknown>; classes: readonly unknown[] },
): Promise<void> {
  await runner.run('params', async () => {
    const names = fresh.paramNames;
    check(Array.isArray(names), 'paramNames is not an array');
    check(
      names.every((n) => typeof n === 'string' && n !== ''),
      'paramNames holds something other than non-empty strings',
    );
    check(new Set(names).size === names.length, 'paramNames lists a name twice');
    const params = fresh.getParams();
    check(typeof params === 'object' && params !== null, 'getParams() did not return an object');
    const keys = Object.keys(params);
    const missing = names.filter((n) => !keys.includes(n));
    const extra = keys.filter((k) => !names.includes(k));
    check(missing.length === 0, `getParams() leaves out declared parameter(s) ${missing.join(', ')}`);
    check(extra.length === 0, `getParams() returns undeclared name(s) ${extra.join(', ')}`);
  });
  await runner.run('clone', async () => {
    const twin = cloneClassifier(fresh);
    try {
      check(twin !== fresh, 'cloneClassifier returned the same object');
      check(twin.constructor === fresh.constructor, 'the clone is of another class');
      const diff = paramsDiff(fresh.getParams(), twin.getParams());
      check(diff.length === 0, `the clone's getParams() differs in ${diff.join(', ')}`);
      check(twin.classes.length === 0, 'a clone of an unfitted classifier has classes');
    } finally {
      await (twin as { dispose?: () => Promise<void> }).dispose?.();
    }
  });
}

/**
 * Checks a classifier factory against the contract and resolves to the report (never throws for a
 * failed check; see {@link runClassifierConformance} for the throwing form).
 *
 * @example
 * ```ts
 * import { checkClassifierConformance } from 'ulasan/testing';
 * const report = await checkClassifierConformance({ create: () => new MyClassifier(), inputs, labels });
 * for (const c of report.checks) console.log(c.name, c.status, c.message ?? '');
 * ```
 */
export async function checkClassifierConformance<X>(
  options: ClassifierConformanceOptions<X>,
): Promise<ConformanceReport> {
  const { inputs, labels } = options;
  const probe = options.probe ?? inputs.slice(0, 20);
  const tol = options.tolerance ?? 1e-6;
  const runner = new CheckRunner(options.skip ?? []);
  const owned: Classifier<X>[] = [];
  const create = async () => {
    const c = await options.create();
    owned.push(c);
    return c;
  };
  const fresh = await create();
  const name = options.name ?? fresh.constructor.name;

  await runner.run('unfitted', async () => {
    check(Array.isArray(fresh.classes) && fresh.classes.length === 0, 'classes is not empty before fit');
    await expectCode('predictProba before fit', () => fresh.predictProba(probe), 'NOT_FITTED');
    await expectCode('predict before fit', () => fresh.predict(probe), 'NOT_FITTED');
    const save = (fresh as { save?: (dir: string) => Promise<void> }).save;
    if (typeof save === 'function')
      await expectCode('save before fit', () => save.call(fresh, join(tmpdir(), 'ulasan-never-written')), 'NOT_FITTED');
  });
  await checkParamsAndClone(runner, fresh);

  await runner.run('errors', async () => {
    await expectCode('fit([], [])', async () => (await create()).fit([], []), 'INVALID_ARGUMENT');
    await expectCode(
      'fit with one label fewer than inputs',
      async () => (await create()).fit(inputs, labels.slice(1)),
      'INVALID_ARGUMENT',
    );
    await expectCode(
      'fit with a single class',
      async () =>
        (await create()).fit(
          inputs,
          labels.map(() => labels[0]!),
        ),
      'INVALID_DATA',
    );
    const unknown: Label = typeof labels[0] === 'number' ? -987654321 : 'not-a-training-label';
    await expectCode(
      'fit with a validation label not in training',
      async () =>
        (await create()).fit(inputs, labels, {
          ...options.fitOptions,
          validation: { inputs: inputs.slice(0, 2), labels: [labels[0]!, unknown] },
        }),
      'INVALID_ARGUMENT',
    );
  });

  const model = await create();
  let proba: number[][] | undefined;
  const fitted = await runner.run('fit', async () => {
    const result = await model.fit(inputs, labels, options.fitOptions);
    check(result === model, 'fit did not resolve to the classifier itself');
    const want = uniqueLabels(labels);
    check(
      sameList(model.classes, want),
      `classes is ${JSON.stringify(model.classes)}; expected the distinct training labels in compareLabels order, ${JSON.stringify(want)}`,
    );
    for (let i = 1; i < model.classes.length; i++)
      check(compareLabels(model.classes[i - 1]!, model.classes[i]!) < 0, 'classes is not in compareLabels order');
  });

  if (fitted) {
    await runner.run('predictProba', async () => {
      proba = await model.predictProba(probe);
      checkProbabilityRows(proba, probe.length, model.classes.length);
      const none = await model.predictProba([]);
      check(Array.isArray(none) && none.length === 0, 'predictProba([]) did not resolve to []');
    });
    await runner.run('predict', async () => {
      const p = proba ?? (await model.predictProba(probe));
      const predicted = await model.predict(probe);
      check(predicted.length === probe.length, `predict gave ${predicted.length} labels for ${probe.length} inputs`);
      predicted.forEach((label, i) => {
        const want = model.classes[argmax(p[i]!)];
        check(
          label === want,
          `predict[${i}] is ${JSON.stringify(label)}; the argmax of predictProba is ${JSON.stringify(want)}`,
        );
      });
    });
    await runner.run('clone-fitted', async () => {
      const twin = cloneClassifier(model);
      owned.push(twin);
      check(twin.classes.length === 0, 'a clone of a fitted classifier has classes (fitted state was copied)');
      const diff = paramsDiff(model.getParams(), twin.getParams());
      check(diff.length === 0, `the clone's getParams() differs in ${diff.join(', ')}`);
      await expectCode('predict on the clone', () => twin.predict(probe), 'NOT_FITTED');
    });
    await runner.run('persistence', async () => {
      const save = (model as { save?: (dir: string) => Promise<void> }).save;
      if (!options.load) return 'no load function given';
      if (typeof save !== 'function') return 'the classifier has no save(dir)';
      const dir = await fs.mkdtemp(join(options.tmpDir ?? tmpdir(), 'ulasan-conformance-'));
      try {
        const target = join(dir, 'model');
        await save.call(model, target);
        const loaded = await options.load(target);
        owned.push(loaded);
        check(sameList(loaded.classes, model.classes), 'the loaded model has other classes');
        const before = proba ?? (await model.predictProba(probe));
        const after = await loaded.predictProba(probe);
        checkProbabilityRows(after, probe.length, model.classes.length, 'predictProba after load');
        for (const [i, row] of after.entries())
          for (const [j, p] of row.entries())
            check(
              Math.abs(p - before[i]![j]!) <= tol,
              `after save → load, probability [${i}][${j}] is ${p}, was ${before[i]![j]}`,
            );
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });
  } else {
    for (const n of ['predictProba', 'predict', 'clone-fitted', 'persistence'] as const)
      await runner.run(n, async () => 'fit failed');
  }

  await runner.run('dispose', async () => {
    const unfitted = await options.create();
    check(unfitted.dispose() instanceof Promise, 'dispose() did not return a promise');
    await unfitted.dispose();
    await model.dispose();
    await model.dispose();
  });
  // Free what the other checks created (their dispose may fail where the check above did).
  for (const c of owned) await Promise.resolve(c.dispose?.()).catch(() => undefined);
  return runner.report(name);
}

/**
 * Checks a classifier factory against the contract and throws {@link ClassifierConformanceError}
 * (listing every failed check) when one fails; resolves to the report otherwise. Call it inside a
 * test of any runner.
 *
 * @example
 * ```ts
 * import { registerTextClassifierKind, createTextClassifier, loadTextClassifier } from 'ulasan/text';
 * import { runClassifierConformance } from 'ulasan/testing';
 *
 * registerTextClassifierKind('my-model', myHandler);
 * test('my-model follows the classifier contract', async () => {
 *   await runClassifierConformance({
 *     create: () => createTextClassifier({ model: 'my-model' }),
 *     inputs: train.texts,
 *     labels: train.labels,
 *     load: loadTextClassifier,
 *   });
 * }, 60_000);
 * ```
 */
export async function runClassifierConformance<X>(
  options: ClassifierConformanceOptions<X>,
): Promise<ConformanceReport> {
  const report = await checkClassifierConformance(options);
  if (!report.passed) throw new ClassifierConformanceError(report);
  return report;
}
