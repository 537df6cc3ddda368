/* biome-ignore-all lint/suspicious/noExplicitAny: report rows are read generically */
/**
 * Whole reports on real data (SmSA valid, CASA valid) against scikit-learn: the predictions come
 * from a fixed keyword rule, mirrored in scripts/fixtures/metrics/generate.py.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  accuracyScore,
  balancedAccuracyScore,
  ConfusionMatrix,
  classificationReport,
  cohenKappaScore,
  confusionMatrix,
  evaluationSummary,
  f1Score,
  hammingLoss,
  matthewsCorrcoef,
  multilabelConfusionMatrix,
  precisionRecallFscoreSupport,
} from '../../src/metrics/index.js';

const data = new URL('../../../shared/data/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('../fixtures/metrics/real-data-cases.json', import.meta.url), 'utf8'));

const NEG = new Set(['tidak', 'kecewa', 'buruk', 'jelek', 'mahal', 'lama', 'kotor', 'lambat']);
const POS = new Set(['enak', 'bagus', 'mantap', 'suka', 'ramah', 'nyaman', 'puas', 'murah']);
const smsaRule = (text: string) => {
  const words = text.split(' ');
  if (words.some((w) => NEG.has(w))) return 'negative';
  if (words.some((w) => POS.has(w))) return 'positive';
  return 'neutral';
};

const ASPECT_WORDS: Record<string, string[]> = {
  fuel: ['bensin', 'irit', 'boros', 'bbm'],
  machine: ['mesin', 'tarikan'],
  others: ['mobil', 'motor'],
  part: ['ban', 'rem', 'lampu', 'jok', 'velg'],
  price: ['harga', 'mahal', 'murah'],
  service: ['servis', 'layanan', 'bengkel', 'pelayanan'],
};

/** Minimal RFC 4180 CSV reader (quoted fields with commas). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));

describe('SmSA valid (1,260 reviews) vs scikit-learn', () => {
  const lines = readFileSync(new URL('smsa/valid_preprocess.tsv', data), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const yTrue = lines.map((l) => l.split('\t')[1]!);
  const yPred = lines.map((l) => smsaRule(l.split('\t')[0]!));
  const e = expected.smsa;

  it('prints the identical report and dictionary', () => {
    expect(yTrue.length).toBe(e.n);
    expect(classificationReport(yTrue, yPred, { digits: 4 })).toBe(e.report_text);
    const dict = classificationReport(yTrue, yPred, { outputDict: true });
    expect(Object.keys(dict).sort()).toEqual(Object.keys(e.report_dict).sort());
    close(dict.accuracy as number, e.report_dict.accuracy);
    for (const k of ['negative', 'neutral', 'positive', 'macro avg', 'weighted avg']) {
      for (const m of ['precision', 'recall', 'f1-score', 'support']) close((dict[k] as any)[m], e.report_dict[k][m]);
    }
  });

  it('agrees on the matrix, kappa, MCC, balanced accuracy and F1', () => {
    expect(confusionMatrix(yTrue, yPred).matrix).toEqual(e.confusion_matrix);
    const pred = confusionMatrix(yTrue, yPred, { labels: ['positive', 'neutral', 'negative'], normalize: 'pred' });
    pred.matrix.forEach((row, i) => {
      row.forEach((v, j) => {
        close(v, e.confusion_matrix_pred[i][j]);
      });
    });
    close(
      cohenKappaScore(yTrue, yPred, { labels: ['negative', 'neutral', 'positive'], weights: 'linear' }),
      e.kappa_linear,
    );
    close(matthewsCorrcoef(yTrue, yPred), e.mcc);
    close(balancedAccuracyScore(yTrue, yPred, { adjusted: true }), e.balanced_adjusted);
    close(f1Score(yTrue, yPred, { average: 'macro' }), e.f1_macro);
    close(f1Score(yTrue, yPred, { average: 'weighted' }), e.f1_weighted);
    close(accuracyScore(yTrue, yPred), e.accuracy);
  });

  it('gives the same numbers streamed in batches over two workers', () => {
    const a = new ConfusionMatrix(['negative', 'neutral', 'positive']);
    const b = new ConfusionMatrix(['negative', 'neutral', 'positive']);
    for (let s = 0; s < yTrue.length; s += 100) {
      (s % 200 === 0 ? a : b).update(yTrue.slice(s, s + 100), yPred.slice(s, s + 100));
    }
    const merged = ConfusionMatrix.fromJSON(JSON.parse(JSON.stringify(a.merge(b))));
    expect(merged.size).toBe(1260);
    expect(merged.classificationReport({ digits: 4 })).toBe(e.report_text);
    close(merged.matthewsCorrcoef(), e.mcc);
    close(merged.cohenKappa({ weights: 'linear' }), e.kappa_linear);
  });

  it('evaluationSummary carries the same headline numbers', () => {
    const s = evaluationSummary(yTrue, yPred);
    expect(Object.keys(s).sort()).toEqual(['accuracy', 'confusionMatrix', 'labels', 'macroF1', 'report', 'weightedF1']);
    close(s.accuracy, e.accuracy);
    close(s.macroF1, e.f1_macro);
    close(s.weightedF1, e.f1_weighted);
    expect(s.labels).toEqual(['negative', 'neutral', 'positive']);
    expect(s.confusionMatrix.matrix).toEqual(e.confusion_matrix);
    close((s.report['macro avg'] as any)['f1-score'], e.f1_macro);
  });
});

describe('CASA valid aspects (multi-label) vs scikit-learn', () => {
  const [header, ...rows] = parseCsv(readFileSync(new URL('casa/valid_preprocess.csv', data), 'utf8'));
  const e = expected.casa;
  const aspects: string[] = e.aspects;
  const col = (a: string) => header!.indexOf(a);
  const yTrue = rows.map((r) => aspects.map((a) => (r[col(a)] !== 'neutral' ? 1 : 0)));
  const yPred = rows.map((r) => {
    const words = new Set(r[0]!.toLowerCase().split(' '));
    return aspects.map((a) => (ASPECT_WORDS[a]!.some((w) => words.has(w)) ? 1 : 0));
  });

  it('matches report, Hamming loss, subset accuracy and samples-F1', () => {
    expect(rows.length).toBe(e.n);
    expect(classificationReport(yTrue, yPred, { targetNames: aspects, digits: 3, onWarning: () => {} })).toBe(
      e.report_text,
    );
    const dict = classificationReport(yTrue, yPred, { targetNames: aspects, outputDict: true, onWarning: () => {} });
    expect(Object.keys(dict)).toContain('samples avg');
    for (const m of ['precision', 'recall', 'f1-score', 'support']) {
      close((dict['samples avg'] as any)[m], e.report_dict['samples avg'][m]);
      close((dict['micro avg'] as any)[m], e.report_dict['micro avg'][m]);
    }
    close(hammingLoss(yTrue, yPred), e.hamming);
    close(accuracyScore(yTrue, yPred), e.subset_accuracy);
    close(precisionRecallFscoreSupport(yTrue, yPred, { average: 'samples', zeroDivision: 0 }).fscore, e.f1_samples);
    close(precisionRecallFscoreSupport(yTrue, yPred, { average: 'micro' }).fscore, e.f1_micro);
    expect(multilabelConfusionMatrix(yTrue, yPred)).toEqual(e.mcm);
  });
});
