/** Presets got descriptive names (issue 19); the names taken from documents keep working as deprecated aliases. */
import { describe, expect, it } from 'vitest';
import { RATING_RULES } from '../../src/data/read-dataset.js';
import { createPipeline, PIPELINE_PRESETS } from '../../src/text/preprocess/pipeline.js';
import { WORD2VEC_PRESETS } from '../../src/text/word2vec/options.js';

describe('preset names', () => {
  it('old pipeline names are the same configs as the new ones, hidden from Object.keys', () => {
    expect(PIPELINE_PRESETS.seed003).toBe(PIPELINE_PRESETS.cleanSlang);
    expect(PIPELINE_PRESETS.seed004).toBe(PIPELINE_PRESETS.stemNoStopwords);
    expect('seed003' in PIPELINE_PRESETS).toBe(true);
    expect(Object.keys(PIPELINE_PRESETS)).toEqual(['sentiment', 'sentimentEn', 'cleanSlang', 'stemNoStopwords']);
    expect(Object.isFrozen(PIPELINE_PRESETS)).toBe(true);
    const text = 'Woi aplikasi gak jelas lu , susah amat dibuka, gimana mau chat';
    expect(createPipeline(PIPELINE_PRESETS.cleanSlang).process(text)).toEqual(
      createPipeline(PIPELINE_PRESETS.seed003).process(text),
    );
  });

  it('word2vec and rating-rule presets', () => {
    expect(WORD2VEC_PRESETS.seed003).toBe(WORD2VEC_PRESETS.cbow100);
    expect(WORD2VEC_PRESETS.cbow100).toMatchObject({ vectorSize: 100, window: 5, sg: 0, epochs: 120 });
    expect(Object.keys(WORD2VEC_PRESETS)).toEqual(['cbow100']);
    expect(RATING_RULES.twoWay.ranges).toEqual(RATING_RULES.seed003.ranges);
    // The old rule keeps its old name, so configs that used it hash as before.
    expect(RATING_RULES.seed003.name).toBe('seed003');
  });
});
