import { describe, expect, it } from 'vitest';
import { type FaceExpressionPredictor, FacePredictorEnsemble, type ImagePrediction } from '../../src/vision/index.js';

/** A fixed predictor: per source, probabilities or a per-item failure. */
function fixed(classes: string[], table: Record<string, Record<string, number> | null>): FaceExpressionPredictor {
  return {
    classes,
    async predictImages(sources) {
      return sources.map((s): ImagePrediction => {
        const p = table[String(s)] ?? null;
        if (!p) return { source: String(s), label: null, probabilities: null, face: null, noFace: true };
        const label = Object.entries(p).sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
        return { source: String(s), label, probabilities: p, face: null };
      });
    },
  };
}

describe('FacePredictorEnsemble', () => {
  const a = fixed(['happy', 'sad'], { x: { happy: 0.6, sad: 0.4 }, y: { happy: 0.2, sad: 0.8 }, z: null });
  const b = fixed(['sad', 'happy'], {
    x: { happy: 0.2, sad: 0.8 },
    y: { happy: 0.4, sad: 0.6 },
    z: { happy: 0.9, sad: 0.1 },
  });

  it('averages probabilities (weighted), skipping members that could not classify an image', async () => {
    const [x, y, z] = await new FacePredictorEnsemble([a, b]).predictImages(['x', 'y', 'z']);
    expect(x?.probabilities?.happy).toBeCloseTo(0.4);
    expect(x?.label).toBe('sad');
    expect(y?.probabilities?.sad).toBeCloseTo(0.7);
    expect(z).toMatchObject({ label: 'happy', probabilities: { happy: 0.9, sad: 0.1 } }); // only b saw a face
    const [wx] = await new FacePredictorEnsemble([a, b], { weights: [3, 1] }).predictImages(['x']);
    expect(wx?.probabilities?.happy).toBeCloseTo(0.5);
    const none = fixed(['happy', 'sad'], {});
    const [n] = await new FacePredictorEnsemble([none, none]).predictImages(['q']);
    expect(n).toMatchObject({ label: null, noFace: true });
    const summary = await new FacePredictorEnsemble([a, b]).evaluate(['x', 'y', 'z'], ['sad', 'sad', 'happy']);
    expect(summary.accuracy).toBe(1);
    expect(await new FacePredictorEnsemble([a, b]).predictProba(['x'])).toEqual([
      [expect.closeTo(0.4), expect.closeTo(0.6)],
    ]);
  });

  it('refuses members with other classes, no members, and bad weights', async () => {
    const c = fixed(['anger', 'happy'], {});
    await expect(new FacePredictorEnsemble([a, c]).predictImages(['x'])).rejects.toMatchObject({
      code: 'SHAPE_MISMATCH',
    });
    expect(() => new FacePredictorEnsemble([])).toThrow(/at least one member/);
    expect(() => new FacePredictorEnsemble([a, b], { weights: [1] })).toThrow(/weights must be 2/);
    expect(() => new FacePredictorEnsemble([a, b], { weights: [0, 0] })).toThrow(/not all 0/);
  });
});
