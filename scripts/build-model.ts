/**
 * `npm run build:model`: trains the shipped Indonesian sentiment model (`resources/models/sentiment-id/`)
 * from the embedded SmSA train split, bit for bit from its seed.
 *
 *   node --import tsx scripts/build-model.ts            rebuild resources/models/sentiment-id
 *   node --import tsx scripts/build-model.ts --check    rebuild in a temporary folder and compare
 *                                                       every file's SHA-256 with the shipped one
 *   node --import tsx scripts/build-model.ts --out DIR  build somewhere else
 *
 * Recipe (see docs/pretrained-model.md): `EnsembleClassifier` with its default members (word
 * n-gram TF-IDF logistic regression + char_wb n-gram TF-IDF logistic regression + the Indonesian
 * lexicon, equal-weight soft voting), seed 42, on SmSA train only; SmSA valid is only scored.
 *
 * Reproducibility: training is deterministic (L-BFGS, no sampling); the saved files are then made
 * byte-stable and small: floats rounded to 7 significant digits (float32 precision), JSON written
 * without indentation, and `createdAt` set to a fixed date. The model is scored after reloading
 * those compacted files, so the numbers are the shipped model's. `SHA256SUMS` lists every file.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDataset } from '../src/data/index.js';
import { fileIntegrity } from '../src/internal/atomic-fs.js';
import { EnsembleClassifier } from '../src/text/models/ensemble/index.js';
import { loadTextClassifier } from '../src/text/models/registry.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SHIPPED = join(ROOT, 'resources/models/sentiment-id');
/** The fixed `createdAt` of the shipped files (the SmSA/IndoNLU release year; not the build time). */
const CREATED_AT = '2020-01-01T00:00:00.000Z';
const SEED = 42;
const SIGNIFICANT_DIGITS = 7;

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out;
}

function roundNumbers(value: unknown): unknown {
  if (typeof value === 'number') {
    return Number.isInteger(value) || !Number.isFinite(value) ? value : Number(value.toPrecision(SIGNIFICANT_DIGITS));
  }
  if (Array.isArray(value)) return value.map(roundNumbers);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundNumbers(v)]));
  }
  return value;
}

/**
 * Rounds floats, fixes timestamps and drops indentation in every JSON file of a saved model, then
 * records the new sizes and checksums in each manifest (members first, the ensemble's last).
 */
async function compact(dir: string): Promise<void> {
  const files = listFiles(dir).filter((f) => f.endsWith('.json'));
  for (const file of files) {
    if (file.endsWith('model.json')) continue;
    writeFileSync(file, `${JSON.stringify(roundNumbers(JSON.parse(readFileSync(file, 'utf8'))))}\n`);
  }
  const manifests = files
    .filter((f) => f.endsWith('model.json'))
    .sort((a, b) => b.split('/').length - a.split('/').length);
  for (const file of manifests) {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
      metadata: Record<string, unknown>;
      integrity?: Record<string, unknown>;
    };
    // Metadata are not weights: they stay exact; only the build time is fixed.
    manifest.metadata.createdAt = CREATED_AT;
    if (manifest.integrity) manifest.integrity = await fileIntegrity(dirname(file), Object.keys(manifest.integrity));
    writeFileSync(file, `${JSON.stringify(manifest)}\n`);
  }
}

function sha256sums(dir: string): string {
  return listFiles(dir)
    .filter((f) => !f.endsWith('SHA256SUMS') && !f.endsWith('README.md'))
    .map((f) => `${createHash('sha256').update(readFileSync(f)).digest('hex')}  ${relative(dir, f)}`)
    .join('\n');
}

async function build(out: string): Promise<void> {
  const started = Date.now();
  const train = await readDataset(join(ROOT, 'data/smsa/train_preprocess.tsv'), { format: 'smsa' });
  const valid = await readDataset(join(ROOT, 'data/smsa/valid_preprocess.tsv'), { format: 'smsa' });
  const model = new EnsembleClassifier({ seed: SEED });
  await model.fit(train.texts, train.labels);
  const trained = Date.now();
  // Keep the hand-written model card; replace everything else.
  const card = join(out, 'README.md');
  let cardText: string | undefined;
  try {
    cardText = readFileSync(card, 'utf8');
  } catch {
    cardText = undefined;
  }
  rmSync(out, { recursive: true, force: true });
  await model.save(out);
  await compact(out);
  if (cardText !== undefined) writeFileSync(card, cardText);
  writeFileSync(join(out, 'SHA256SUMS'), `${sha256sums(out)}\n`);
  const t0 = performance.now();
  const shipped = await loadTextClassifier(out);
  const loadMs = performance.now() - t0;
  const report = await shipped.evaluate(valid.texts, valid.labels);
  const bytes = listFiles(out).reduce((s, f) => s + statSync(f).size, 0);
  console.log(
    `sentiment-id: trained in ${((trained - started) / 1000).toFixed(1)} s on ${train.texts.length} SmSA train reviews; ` +
      `${(bytes / 1024 / 1024).toFixed(2)} MiB on disk; reloaded in ${loadMs.toFixed(0)} ms`,
  );
  console.log(
    `SmSA valid (${valid.texts.length}): accuracy ${report.accuracy.toFixed(4)}, macro-F1 ${report.macroF1.toFixed(4)}`,
  );
  console.log(report.report);
}

const args = process.argv.slice(2);
if (args.includes('--check')) {
  const tmp = mkdtempSync(join(tmpdir(), 'ulasan-model-'));
  try {
    await build(tmp);
    const expected = readFileSync(join(SHIPPED, 'SHA256SUMS'), 'utf8').trim();
    const actual = sha256sums(tmp).trim();
    if (expected !== actual) {
      console.error('build:model --check: the rebuilt model differs from resources/models/sentiment-id:');
      console.error(`expected\n${expected}\nactual\n${actual}`);
      process.exit(1);
    }
    console.log('build:model --check: identical bytes (every SHA-256 matches SHA256SUMS).');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
} else {
  const i = args.indexOf('--out');
  await build(i >= 0 && args[i + 1] ? resolve(args[i + 1]!) : SHIPPED);
}
