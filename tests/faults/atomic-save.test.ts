/**
 * A model directory is saved as one unit. These tests "kill" a save at every file-system step
 * (the step's promise never settles, so nothing after it runs, exactly as after SIGKILL) while a
 * model is saved over another one, and check that the directory then loads as the previous model
 * or the new one, never a mix; and that a mixed directory (what older ulasan versions left) is
 * refused with a message naming the file.
 */
import {
  existsSync,
  promises as fsp,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readDataset } from '../../src/data/index.js';
import { UlasanError } from '../../src/internal/errors.js';
import { createTextClassifier, loadTextClassifier } from '../../src/text/models/registry.js';
import type { TextClassifier } from '../../src/text/models/text-classifier.js';
import { BinaryRelevance, loadMultiLabelClassifier } from '../../src/text/multilabel/index.js';

const fixtures = fileURLToPath(new URL('../fixtures/data/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ulasan-faults-save-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

let modelA: TextClassifier;
let modelB: TextClassifier;
let probe: string[];
let predA: string;
let predB: string;

// B is trained on the same texts with positive and negative swapped, so its network is the right
// shape for A's class list but gives other labels: a mix of the two loads and predicts wrongly.
const swap: Record<string, string> = { positive: 'negative', negative: 'positive', neutral: 'neutral' };

beforeAll(async () => {
  const train = await readDataset(join(fixtures, 'smsa-sample.tsv'));
  const valid = await readDataset(join(fixtures, 'smsa-valid-sample.tsv'));
  probe = valid.texts.slice(0, 60);
  modelA = await createTextClassifier({ model: 'logreg', seed: 1 });
  await modelA.fit(train.texts, train.labels);
  modelB = await createTextClassifier({ model: 'logreg', seed: 1 });
  await modelB.fit(
    train.texts,
    train.labels.map((l) => swap[String(l)] ?? String(l)),
  );
  predA = JSON.stringify(await modelA.predict(probe));
  predB = JSON.stringify(await modelB.predict(probe));
  expect(predA).not.toBe(predB);
}, 60_000);

async function predictionsOf(dir: string): Promise<string> {
  return JSON.stringify(await (await loadTextClassifier(dir)).predict(probe));
}

/** Temporary siblings a save leaves next to `dir` (`.<name>.<pid>-<hex>.saving|old`) and stray `.tmp` files. */
function leftovers(dir: string): string[] {
  const name = basename(dir);
  const out = readdirSync(dirname(dir)).filter((e) => e.startsWith(`.${name}.`));
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.tmp')) out.push(join(d, e.name));
    }
  };
  walk(dir);
  return out;
}

/**
 * Makes the `k`-th mutating file-system call under `root` never settle (a kill at that point) and
 * returns a getter for how many such calls were seen.
 */
function killAtStep(root: string, k: number): () => number {
  let seen = 0;
  const hang = new Promise<never>(() => {});
  for (const method of ['mkdir', 'open', 'rename', 'rm', 'writeFile'] as const) {
    const original = fsp[method] as (...args: unknown[]) => Promise<unknown>;
    vi.spyOn(fsp, method).mockImplementation(((...args: unknown[]) => {
      const path = String(args[0]);
      const mutating = method !== 'open' || args[1] !== 'r';
      if (mutating && path.startsWith(root)) {
        seen++;
        if (seen === k) return hang;
      }
      return original.apply(fsp, args);
    }) as never);
  }
  return () => seen;
}

/** A real kill leaves a dead process id in the temporary names; stand one in for ours. */
function asIfProcessDied(dir: string): void {
  const parent = dirname(dir);
  for (const e of readdirSync(parent)) {
    if (e.startsWith(`.${basename(dir)}.${process.pid}-`))
      renameSync(join(parent, e), join(parent, e.replace(`.${process.pid}-`, '.999999999-')));
  }
}

/**
 * Saves modelB over `dir` and "kills" the save between its two renames: the first directory rename
 * (the previous model moved aside to `.old`) runs, the second never does; then stands a dead
 * process id in for ours.
 */
async function killSaveBetweenRenames(dir: string): Promise<void> {
  let renames = 0;
  const original = fsp.rename;
  vi.spyOn(fsp, 'rename').mockImplementation((async (from: string, to: string) => {
    if (String(to).endsWith('.old') && ++renames === 1) {
      await original(from, to);
      return new Promise(() => {});
    }
    return original(from, to);
  }) as never);
  void modelB.save(dir);
  await vi.waitFor(() => expect(renames).toBe(1), { timeout: 5000 });
  vi.restoreAllMocks();
  asIfProcessDied(dir);
}

describe('saving a text model over another one', () => {
  it('a mixed directory (new state files, old model.json) is refused, naming the file', async () => {
    const a = join(work, 'mixed-a');
    const b = join(work, 'mixed-b');
    await modelA.save(a);
    await modelB.save(b);
    // What an older ulasan left when killed before its last file: B's state beside A's manifest.
    const manifest = JSON.parse(readFileSync(join(a, 'model.json'), 'utf8'));
    manifest.files = JSON.parse(readFileSync(join(b, 'model.json'), 'utf8')).files;
    for (const f of Object.values(manifest.files as Record<string, string>))
      writeFileSync(join(a, f), readFileSync(join(b, f)));
    const withoutChecksums = { ...manifest, integrity: undefined };
    writeFileSync(join(a, 'model.json'), JSON.stringify(withoutChecksums));
    // Without checksums (the old manifest) the mix loads and predicts other labels than either model.
    const loaded = await loadTextClassifier(a);
    expect(JSON.stringify(await loaded.predict(probe))).not.toBe(predA);
    // With them, it is refused with the file and the fix.
    writeFileSync(join(a, 'model.json'), JSON.stringify(manifest));
    const error = await loadTextClassifier(a).catch((e: unknown) => e);
    expect(UlasanError.isInstance(error) && error.code).toBe('FILE_FORMAT');
    expect(String((error as Error).message)).toMatch(
      /(vectorizer|weights)\.json does not belong to the save recorded in .*model\.json .*Save or train the model again/,
    );
  });

  it('a save killed at any step leaves the previous model or the new one, and the next save cleans up', async () => {
    const dir = join(work, 'kill-steps', 'model');
    await modelA.save(dir);
    writeFileSync(join(dir, 'notes.txt'), 'kept across saves\n');
    // Count the steps of one save.
    const count = killAtStep(dirname(dir), 0);
    await modelB.save(dir);
    const steps = count();
    vi.restoreAllMocks();
    expect(steps).toBeGreaterThan(8);
    await modelA.save(dir);
    const outcomes = new Map<string, number>();
    for (let k = 1; k <= steps; k++) {
      const seen = killAtStep(dirname(dir), k);
      void modelB.save(dir); // never settles: the process "died" at step k
      await vi.waitFor(() => expect(seen()).toBeGreaterThanOrEqual(k), { timeout: 5000, interval: 5 });
      await new Promise((r) => setTimeout(r, 20));
      vi.restoreAllMocks();
      asIfProcessDied(dir);
      const got = await predictionsOf(dir);
      const which = got === predA ? 'previous' : got === predB ? 'new' : 'MIXED';
      outcomes.set(which, (outcomes.get(which) ?? 0) + 1);
      expect(which, `kill at step ${k} of ${steps}`).not.toBe('MIXED');
      // The next save finishes or rolls back the interrupted one and leaves nothing behind.
      await modelA.save(dir);
      expect(leftovers(dir)).toEqual([]);
      expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('kept across saves\n');
      expect(await predictionsOf(dir)).toBe(predA);
    }
    expect(outcomes.get('previous')).toBeGreaterThan(0);
    expect(outcomes.get('new')).toBeGreaterThan(0);
  }, 60_000);

  it('killed between the two renames: load puts the new model in place', async () => {
    const dir = join(work, 'between', 'model');
    await modelA.save(dir);
    await killSaveBetweenRenames(dir);
    expect(readdirSync(dirname(dir)).sort()).toEqual(
      expect.arrayContaining([expect.stringMatching(/\.old$/), expect.stringMatching(/\.saving$/)]),
    );
    expect(await predictionsOf(dir)).toBe(predB);
    expect(leftovers(dir)).toEqual([]);
  });

  it('killed between the two renames with a checkpoint inside: recovery (train --resume) puts it back', async () => {
    const dir = join(work, 'between-checkpoint', 'model');
    await modelA.save(dir);
    await fsp.mkdir(join(dir, 'checkpoint'));
    writeFileSync(join(dir, 'checkpoint', 'state.bin'), 'epoch 3');
    await killSaveBetweenRenames(dir);
    // The model directory is gone and the checkpoint sits in the set-aside copy until recovery.
    expect(existsSync(join(dir, 'checkpoint', 'state.bin'))).toBe(false);
    const { recoverModelDirectory } = await import('../../src/text/models/artifact.js');
    expect(await recoverModelDirectory(dir)).toBe('rolled-forward');
    expect(readFileSync(join(dir, 'checkpoint', 'state.bin'), 'utf8')).toBe('epoch 3');
    expect(await predictionsOf(dir)).toBe(predB);
    expect(leftovers(dir)).toEqual([]);
  });

  it('a first save killed before its one rename: the complete copy is moved in, a partial one removed', async () => {
    const dir = join(work, 'first-save', 'model');
    const original = fsp.rename;
    let hung = false;
    vi.spyOn(fsp, 'rename').mockImplementation((async (from: string, to: string) => {
      if (String(from).endsWith('.saving') && String(to) === dir) {
        hung = true;
        return new Promise(() => {}); // "killed" just before the staged copy is renamed in
      }
      return original(from, to);
    }) as never);
    void modelB.save(dir);
    await vi.waitFor(() => expect(hung).toBe(true), { timeout: 5000 });
    vi.restoreAllMocks();
    asIfProcessDied(dir);
    expect(existsSync(dir)).toBe(false);
    expect(await predictionsOf(dir)).toBe(predB); // loading finishes the save
    expect(leftovers(dir)).toEqual([]);

    const partialDir = join(work, 'first-save-partial', 'model');
    const staging = join(dirname(partialDir), `.model.999999999-0123456789ab.saving`);
    await fsp.mkdir(staging, { recursive: true });
    writeFileSync(join(staging, 'vectorizer.json'), '{"half": ');
    const { recoverModelDirectory } = await import('../../src/text/models/artifact.js');
    expect(await recoverModelDirectory(partialDir)).toBe('cleaned');
    expect(existsSync(staging)).toBe(false);
    expect(existsSync(partialDir)).toBe(false);
  });

  it('a failing write (disk full) leaves the previous model intact and no temporary file', async () => {
    const dir = join(work, 'enospc', 'model');
    await modelA.save(dir);
    const original = fsp.open;
    let opens = 0;
    vi.spyOn(fsp, 'open').mockImplementation((async (...args: Parameters<typeof fsp.open>) => {
      if (String(args[0]).includes('.saving') && args[1] !== 'r' && ++opens === 2) {
        const e = new Error(`ENOSPC: no space left on device, open '${String(args[0])}'`) as NodeJS.ErrnoException;
        e.code = 'ENOSPC';
        e.path = String(args[0]);
        throw e;
      }
      return original(...args);
    }) as never);
    const error = await modelB.save(dir).catch((e: unknown) => e);
    vi.restoreAllMocks();
    expect(UlasanError.isInstance(error) && error.code).toBe('FILE_WRITE');
    expect((error as Error).message).toMatch(
      /^Could not save .*model \(writing [a-z]+\.json\): no space left on the device: free space on the file system of .*enospc \(or choose another output directory, --out on the CLI\)\. The previous .*model is intact; the partial copy was removed\.$/,
    );
    expect(await predictionsOf(dir)).toBe(predA);
    expect(leftovers(dir)).toEqual([]);
  });

  it('keeps files that are not part of the previous save (a checkpoint folder, notes)', async () => {
    const dir = join(work, 'foreign', 'model');
    await modelA.save(dir);
    await fsp.mkdir(join(dir, 'checkpoint'));
    writeFileSync(join(dir, 'checkpoint', 'state.bin'), 'x');
    await modelB.save(dir);
    expect(readdirSync(dir).sort()).toEqual(['checkpoint', 'model.json', 'vectorizer.json', 'weights.json']);
    expect(await predictionsOf(dir)).toBe(predB);
  });
});

describe('saving through a symlinked model directory', () => {
  it('swaps the real directory and keeps the link', async () => {
    const real = join(work, 'symlinked', 'real');
    const link = join(work, 'symlinked', 'link');
    await modelA.save(real);
    symlinkSync(real, link);
    await modelB.save(link);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(await predictionsOf(real)).toBe(predB);
    expect(leftovers(real)).toEqual([]);
  });
});

describe('saving a multi-label model over another one', () => {
  it('is one unit too: a killed save loads as the previous or the new model, and a swapped base model is refused', async () => {
    const casa = await readDataset(join(fixtures, 'casa-sample.csv'), {
      labelColumn: ['fuel', 'machine', 'others', 'part', 'price', 'service'],
    });
    const texts = casa.texts.slice(0, 120);
    const labels = casa.labels.slice(0, 120);
    const a = new BinaryRelevance({ base: { model: 'nb' }, outputs: casa.columns.labels });
    await a.fit(texts, labels);
    const b = new BinaryRelevance({ base: { model: 'logreg' }, outputs: casa.columns.labels });
    await b.fit(texts, labels);
    const dir = join(work, 'multilabel', 'model');
    await a.save(dir);
    const want = JSON.stringify(await a.predict(texts.slice(0, 20)));
    const seen = killAtStep(dirname(dir), 9);
    void b.save(dir);
    await vi.waitFor(() => expect(seen()).toBeGreaterThanOrEqual(9), { timeout: 5000, interval: 5 });
    vi.restoreAllMocks();
    asIfProcessDied(dir);
    expect(JSON.stringify(await (await loadMultiLabelClassifier(dir)).predict(texts.slice(0, 20)))).toBe(want);
    // A base model directory replaced by another save's is refused.
    const other = join(work, 'multilabel', 'other');
    await b.save(other);
    rmSync(join(dir, 'model-0'), { recursive: true });
    await fsp.cp(join(other, 'model-0'), join(dir, 'model-0'), { recursive: true });
    await expect(loadMultiLabelClassifier(dir)).rejects.toThrow(/model-0\/model\.json does not belong to the save/);
  }, 60_000);
});
