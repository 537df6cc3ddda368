import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readDataset } from '../../../src/data/index.js';
import {
  DEFAULT_ENSEMBLE_MEMBERS,
  LogisticRegressionClassifier,
  pretrainedModelPath,
} from '../../../src/text/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('the shipped sentiment-id model', () => {
  const dir = pretrainedModelPath();

  it('holds exactly the files listed in SHA256SUMS (what npm run build:model wrote)', () => {
    const lines = readFileSync(join(dir, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(9);
    for (const line of lines) {
      const [sha, file] = line.split(/\s+/);
      expect(
        createHash('sha256')
          .update(readFileSync(join(dir, file!)))
          .digest('hex'),
        file,
      ).toBe(sha);
    }
  });

  it('is reproduced by retraining: the word member retrained from SmSA train gives the shipped weights', async () => {
    const train = await readDataset(join(ROOT, 'data/smsa/train_preprocess.tsv'), { format: 'smsa' });
    const { name: _n, model: _m, ...spec } = DEFAULT_ENSEMBLE_MEMBERS[0]!;
    const word = new LogisticRegressionClassifier({ seed: 42, ...spec });
    await word.fit(train.texts, train.labels);
    const shipped = JSON.parse(readFileSync(join(dir, 'members/word/weights.json'), 'utf8')) as {
      coef: number[][];
      intercept: number[];
    };
    // build:model stores weights with 7 significant digits.
    const round = (v: number) => Number(v.toPrecision(7));
    expect(word.coef.map((row) => Array.from(row, round))).toEqual(shipped.coef);
    expect(Array.from(word.intercept, round)).toEqual(shipped.intercept);
  }, 120_000);
});
