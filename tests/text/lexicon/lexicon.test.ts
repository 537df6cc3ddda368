import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotFittedError } from '../../../src/internal/errors.js';
import { LexiconSentimentAnalyzer, polarityScores, sentimentLexicon } from '../../../src/text/lexicon/index.js';
import { loadTextClassifier } from '../../../src/text/models/registry.js';
import { sentimentWords } from '../../../src/text/preprocess/stopwords.js';
import { readSmsaFixture, runClassifierConformance } from '../../conformance/classifier-conformance.js';

runClassifierConformance('LexiconSentimentAnalyzer', () => new LexiconSentimentAnalyzer());

const c = (text: string, language: 'id' | 'en' = 'id') => polarityScores(text, { language }).compound;

describe('VADER-style rules (Indonesian)', () => {
  it('scores clear polarity and normalizes like VADER', () => {
    expect(c('makanannya enak')).toBeGreaterThan(0.05);
    expect(c('pelayanannya mengecewakan')).toBeLessThan(-0.05);
    expect(c('saya pergi ke pasar')).toBe(0);
    // compound = x / sqrt(x² + 15) for a single word of valence x
    const x = sentimentLexicon('id').valences.get('bagus')!;
    expect(c('bagus')).toBeCloseTo(x / Math.sqrt(x * x + 15), 10);
  });

  it('negation flips, boosters before and after intensify, diminishers dampen', () => {
    expect(c('tidak bagus')).toBeLessThan(0);
    expect(c('kurang enak')).toBeLessThan(0);
    expect(c('sangat bagus')).toBeGreaterThan(c('bagus'));
    expect(c('bagus banget')).toBeGreaterThan(c('bagus'));
    expect(c('agak bagus')).toBeLessThan(c('bagus'));
  });

  it('the clause after tapi/namun weighs more', () => {
    expect(c('makanannya enak tapi pelayanannya lambat')).toBeLessThan(0);
    expect(c('pelayanannya lambat tapi makanannya enak')).toBeGreaterThan(0);
  });

  it('CAPS, exclamation marks and emoji add emphasis', () => {
    expect(c('makanannya BAGUS')).toBeGreaterThan(c('makanannya bagus'));
    expect(c('bagus!!!')).toBeGreaterThan(c('bagus'));
    expect(c('pengirimannya 😍')).toBeGreaterThan(0.05);
    expect(c('pengirimannya 😡')).toBeLessThan(-0.05);
  });

  it('falls back on slang forms and stems', () => {
    expect(c('mengecewakan')).toBeLessThan(0);
    expect(c('gk bagus')).toBeLessThan(0);
  });

  it('every rule word comes from the preprocessing sentiment-word list', () => {
    const kept = new Set(sentimentWords('id'));
    for (const word of sentimentLexicon('id').rules.keys()) expect(kept.has(word), word).toBe(true);
  });
});

describe('English (VADER lexicon from vader-sentiment)', () => {
  it('reads the package lexicon at run time', () => {
    const en = sentimentLexicon('en');
    expect(en.source).toMatch(/vader-sentiment[\\/]vader_lexicon\.txt$/);
    expect(en.valences.size).toBeGreaterThan(7000);
  });
  it('applies negation, contrast and caps', () => {
    expect(c('the food is good', 'en')).toBeGreaterThan(0.05);
    expect(c('the food is not good', 'en')).toBeLessThan(0);
    expect(c('the food is good but the service is terrible', 'en')).toBeLessThan(0);
    expect(c('the food is GOOD', 'en')).toBeGreaterThan(c('the food is good', 'en'));
  });
});

describe('LexiconSentimentAnalyzer as a classifier', () => {
  const train = readSmsaFixture('smsa-sample.tsv');
  const valid = readSmsaFixture('smsa-valid-sample.tsv');

  it('follows the contract: not fitted before fit, probabilities whose argmax is the thresholded label', async () => {
    const a = new LexiconSentimentAnalyzer();
    await expect(a.predict(['bagus'])).rejects.toBeInstanceOf(NotFittedError);
    await a.fit(train.texts, train.labels);
    expect(a.classes).toEqual(['negative', 'neutral', 'positive']);
    const proba = await a.predictProba(valid.texts);
    const labels = a.label(valid.texts);
    proba.forEach((row, i) => {
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
      expect(a.classes[row.indexOf(Math.max(...row))]).toBe(labels[i]);
    });
  });

  it('beats the majority class on held-out SmSA text without training', async () => {
    const a = await new LexiconSentimentAnalyzer().fit(train.texts, train.labels);
    const { accuracy, macroF1 } = await a.evaluate(valid.texts, valid.labels);
    const majority =
      Math.max(...['positive', 'neutral', 'negative'].map((l) => valid.labels.filter((x) => x === l).length)) /
      valid.labels.length;
    expect(accuracy).toBeGreaterThan(majority);
    expect(macroF1).toBeGreaterThan(0.5);
  });

  it('tunes thresholds when asked, saves and loads as kind lexicon', async () => {
    const a = await new LexiconSentimentAnalyzer({ tuneThresholds: true }).fit(train.texts, train.labels);
    const dir = mkdtempSync(join(tmpdir(), 'ulasan-lexicon-'));
    try {
      await a.save(dir);
      const b = await loadTextClassifier(dir);
      expect(b.kind).toBe('lexicon');
      expect(await b.predict(valid.texts)).toEqual(await a.predict(valid.texts));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects labels it cannot map', async () => {
    await expect(new LexiconSentimentAnalyzer().fit(['a', 'b'], ['good', 'bad'])).rejects.toThrow(/options.labels/);
  });
});
