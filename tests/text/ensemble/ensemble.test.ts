import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnsembleClassifier, LogisticRegressionClassifier } from '../../../src/text/index.js';
import { createTextClassifier, loadTextClassifier, textClassifierKinds } from '../../../src/text/models/registry.js';
import { CountVectorizer, TfidfVectorizer } from '../../../src/text/vectorize/index.js';
import { readSmsaFixture, runClassifierConformance } from '../../conformance/classifier-conformance.js';
import { cpuTf, TINY } from '../deep/helpers.js';

// The default recipe (word LR + char LR + lexicon) on the ~300-row SmSA sample.
runClassifierConformance('EnsembleClassifier', (seed) => new EnsembleClassifier({ seed }), {
  fitSeconds: 20,
  minAccuracy: 0.6,
});

const train = readSmsaFixture('smsa-sample.tsv');
const valid = readSmsaFixture('smsa-valid-sample.tsv');

describe('EnsembleClassifier', () => {
  let dir: string;
  let model: EnsembleClassifier;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ulasan-ensemble-'));
    model = new EnsembleClassifier({
      members: [
        { name: 'word', model: 'logreg', C: 10 },
        { name: 'lexicon', model: 'lexicon', weight: 0.5 },
      ],
    });
    await model.fit(train.texts, train.labels);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is a registered kind that the registry creates', async () => {
    expect(textClassifierKinds()).toContain('ensemble');
    const created = await createTextClassifier({ model: 'ensemble', members: [{ name: 'w', model: 'nb' }] });
    expect(created).toBeInstanceOf(EnsembleClassifier);
  });

  it('averages the members probabilities with their weights', async () => {
    const texts = valid.texts.slice(0, 10);
    const members = await model.memberProba(texts);
    const proba = await model.predictProba(texts);
    proba.forEach((row, i) => {
      row.forEach((p, k) => {
        expect(p).toBeCloseTo((members.word![i]![k]! + 0.5 * members.lexicon![i]![k]!) / 1.5, 12);
      });
    });
  });

  it('saves each member as a loadable model directory inside its own, and loads back identically', async () => {
    const out = join(dir, 'ens');
    await model.save(out);
    const manifest = JSON.parse(await readFile(join(out, 'model.json'), 'utf8'));
    expect(manifest.kind).toBe('ensemble');
    expect(Object.values(manifest.files)).toContain('members/word/model.json');
    const word = await loadTextClassifier(join(out, 'members/word'));
    expect(word).toBeInstanceOf(LogisticRegressionClassifier);
    const loaded = await loadTextClassifier(out);
    expect(loaded).toBeInstanceOf(EnsembleClassifier);
    expect(await loaded.predictProba(valid.texts)).toEqual(await model.predictProba(valid.texts));
    // Saving again over the same directory keeps it loadable.
    await model.save(out);
    expect(await (await loadTextClassifier(out)).predict(valid.texts)).toEqual(await model.predict(valid.texts));
  });

  it('geometric combination gives normalized probabilities', async () => {
    const geo = new EnsembleClassifier({ combine: 'geometric', members: [...model.options.members!] });
    await geo.fit(train.texts, train.labels);
    for (const row of await geo.predictProba(valid.texts.slice(0, 5)))
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('leaves the lexicon out for labels it does not know, and says so', async () => {
    const labels = train.labels.map((l) => (l === 'positive' ? 'pos' : 'other'));
    const two = new EnsembleClassifier({ members: [...model.options.members!] });
    await two.fit(train.texts, labels);
    expect(two.members.map((m) => m.name)).toEqual(['word']);
    const out = join(dir, 'two');
    await two.save(out);
    const state = JSON.parse(await readFile(join(out, 'ensemble.json'), 'utf8'));
    expect(state.skipped[0].name).toBe('lexicon');
  });

  it('takes a deep member (deep + sparse + lexicon) and saves its weights inside the ensemble', async () => {
    await cpuTf();
    const deep = new EnsembleClassifier({
      members: [
        { name: 'word', model: 'logreg', C: 10 },
        { name: 'gru', model: 'gru', ...TINY, epochs: 1 },
        { name: 'lexicon', model: 'lexicon' },
      ],
    });
    await deep.fit(train.texts, train.labels);
    const out = join(dir, 'deep');
    await deep.save(out);
    const loaded = await loadTextClassifier(out);
    const a = await deep.predictProba(valid.texts.slice(0, 10));
    const b = await loaded.predictProba(valid.texts.slice(0, 10));
    for (const [i, row] of a.entries()) for (const [k, p] of row.entries()) expect(b[i]![k]!).toBeCloseTo(p, 5);
  }, 60_000);

  it('names bad member specs', () => {
    expect(() => new EnsembleClassifier({ members: [] })).toThrow(/non-empty/);
    expect(() => new EnsembleClassifier({ members: [{ name: 'A B', model: 'nb' }] })).toThrow(/name/);
    expect(
      () =>
        new EnsembleClassifier({
          members: [
            { name: 'a', model: 'nb' },
            { name: 'a', model: 'svm' },
          ],
        }),
    ).toThrow(/two members/);
    expect(() => new EnsembleClassifier({ members: [{ name: 'a', model: 'nb', weight: -1 }] })).toThrow(/weight/);
    expect(() => new EnsembleClassifier({ combine: 'max' as never })).toThrow(/combine/);
  });
});

describe("char_wb analyzer (scikit-learn's character n-grams inside word boundaries)", () => {
  it('pads each token with spaces and counts a short token once', () => {
    const v = new TfidfVectorizer({ analyzer: 'char_wb', ngramRange: [2, 3], norm: null, useIdf: false });
    v.fit([['ab', 'c']]);
    // sklearn: TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 3), norm=None, use_idf=False)
    // .fit(['ab c']).get_feature_names_out()
    expect(v.featureNames()).toEqual([' a', ' ab', ' c', ' c ', 'ab', 'ab ', 'b ', 'c ']);
  });

  it('gives an unseen spelling features shared with the known word', () => {
    const v = new TfidfVectorizer({ analyzer: 'char_wb', ngramRange: [2, 4] });
    v.fit([['bagus'], ['jelek']]);
    const X = v.transform([['baguss']]);
    expect(X.indptr[1]! - X.indptr[0]!).toBeGreaterThan(5);
    expect(v.toJSON().options.analyzer).toBe('char_wb');
    expect(TfidfVectorizer.fromJSON(v.toJSON()).transform([['baguss']]).data).toEqual(X.data);
  });

  it('counts code points, not UTF-16 units, for tokens with emoji; repeated tokens count every time', () => {
    const v = new CountVectorizer({ analyzer: 'char_wb', ngramRange: [2, 2] });
    v.fit([['a😀', 'ab']]);
    // As sklearn: n-grams of code points (😀 is one), features sorted by code point.
    expect(v.featureNames()).toEqual([' a', 'ab', 'a😀', 'b ', '😀 ']);
    // The per-token id cache of transform: the same counts on a first and a repeated call.
    const first = v.transform([['ab', 'a😀', 'ab'], ['ab']]);
    const again = v.transform([['ab', 'a😀', 'ab'], ['ab']]);
    expect(Array.from(first.data)).toEqual([3, 2, 1, 2, 1, 1, 1, 1]);
    expect(Array.from(first.indices)).toEqual([0, 1, 2, 3, 4, 0, 1, 3]);
    expect(Array.from(again.data)).toEqual(Array.from(first.data));
    expect(Array.from(again.indices)).toEqual(Array.from(first.indices));
  });

  it('keeps word vectorizers saved exactly as before (no analyzer key) and refuses unknown analyzers', () => {
    expect('analyzer' in new TfidfVectorizer({}).fit([['a']]).toJSON().options).toBe(false);
    expect(() => new TfidfVectorizer({ analyzer: 'char' as never })).toThrow(/analyzer/);
  });
});
