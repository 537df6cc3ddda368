/**
 * Reproducible randomness for tfjs-layers. Several tfjs-layers code paths draw from `Math.random`
 * with no way to pass a seed (dropout masks in recurrent cells, `tf.dropout` without a seed, the
 * seed of unseeded random initialisers), so a seeded run must control `Math.random` itself. We do
 * it only around *synchronous* blocks (model construction, one `optimizer.minimize` call): no other
 * code can run in between, so nothing outside the block ever sees the patched generator.
 */
import { Random } from '../../../internal/random.js';

/**
 * Derives an independent 32-bit seed from a base seed and a path of integers (epoch, batch...),
 * so every step gets its own stream and a resumed run can recreate it from the indices alone.
 */
export function deriveSeed(seed: number, ...path: number[]): number {
  let h = (seed ^ 0x2545f491) >>> 0;
  for (const p of path) {
    h = Math.imul(h ^ (p >>> 0), 0x9e3779b1) >>> 0;
    h = (h ^ (h >>> 15)) >>> 0;
    h = Math.imul(h, 0x85ebca77) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
  }
  return h;
}

/** Runs the synchronous `fn` with `Math.random` drawing from `Random(seed)`, then restores it. */
export function withSeededMathRandom<T>(seed: number, fn: () => T): T {
  const original = Math.random;
  const random = new Random(seed);
  Math.random = () => random.next();
  try {
    const result = fn();
    if (result && typeof (result as { then?: unknown }).then === 'function') {
      throw new Error('withSeededMathRandom: fn must be synchronous');
    }
    return result;
  } finally {
    Math.random = original;
  }
}
