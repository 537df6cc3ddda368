/**
 * loadTf(): the chained tensor methods the tfjs umbrella package would register (tfjs-layers'
 * cells call `rMat.flatten()` and friends) all exist, and loading is lazy and idempotent.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTf } from '../../src/backend/tf.js';

// File names in tfjs-core/dist/public/chained_ops whose method name is not the camel-cased name.
const RENAMED: Record<string, string> = {
  as1d: 'as1D',
  as2d: 'as2D',
  as3d: 'as3D',
  as4d: 'as4D',
  as5d: 'as5D',
  batch_to_space_nd: 'batchToSpaceND',
  space_to_batch_nd: 'spaceToBatchND',
  batchnorm: 'batchNorm',
  is_nan: 'isNaN',
};

describe('loadTf', () => {
  it('registers every chained tensor method tfjs-core defines', async () => {
    const { tf } = await loadTf();
    const core = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-core/package.json'));
    const files = readdirSync(join(core, 'dist/public/chained_ops'))
      .filter((f) => f.endsWith('.js') && !f.startsWith('register_all'))
      .map((f) => f.slice(0, -3));
    expect(files.length).toBeGreaterThan(100);
    const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
    const names = files.map((f) => RENAMED[f] ?? f.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
    expect(names.filter((n) => typeof proto[n] !== 'function')).toEqual([]);
    const t = tf.tensor2d([1, 2, 3, 4], [2, 2]) as unknown as Record<string, (...a: unknown[]) => { shape: number[] }>;
    expect(t.flatten().shape).toEqual([4]);
    expect(t.as1D().shape).toEqual([4]);
    expect(
      (t.resizeBilinear as unknown as (s: [number, number]) => { shape: number[] }).call(tf.ones([2, 2, 1]), [4, 4])
        .shape,
    ).toEqual([4, 4, 1]);
  });

  it('is idempotent: the same modules every time', async () => {
    const a = await loadTf();
    const b = await loadTf();
    expect(a.tf).toBe(b.tf);
    expect(a.layers).toBe(b.layers);
  });
});
