/*
 * One Adam step over a variable, in place, for ulasan's deep text models (issue 18).
 *
 * tfjs' Adam runs ~10 whole-tensor operations per variable per step, each a pass over memory with a
 * fresh output; for a 30,000 × 100 embedding that is ~1.4 s of a two-epoch LSTM job. This is the
 * same arithmetic in one pass, in the same order with the same float32 roundings, so the weights
 * and moments are bit for bit what tfjs computes:
 *
 *   m' = m·β1 + g·(1-β1)            v' = v·β2 + g²·(1-β2)
 *   x' = (m'/c1) / (sqrt(v'/c2) + ε) · (-lr) + x      c1 = 1-β1^t, c2 = 1-β2^t
 *
 * The moments are updated in place; the new weights go to a fresh tensor `xo` (tfjs-wasm caches
 * XNNPACK operators with packed weights per tensor, so a weight tensor must never change). The
 * module imports the wasm backend's own heap (not shared, no stack, no data segment: it never writes
 * memory it is not given), so it works on the tensors where they live.
 */
#include <wasm_simd128.h>

typedef float f32;

__attribute__((export_name("adam_step"))) void adam_step(int n, const f32 *x, f32 *xo, f32 *m, f32 *v,
                                                          const f32 *g, f32 b1, f32 omb1, f32 b2, f32 omb2,
                                                          f32 c1, f32 c2, f32 eps, f32 neglr) {
  int i = 0;
  v128_t vb1 = wasm_f32x4_splat(b1), vomb1 = wasm_f32x4_splat(omb1);
  v128_t vb2 = wasm_f32x4_splat(b2), vomb2 = wasm_f32x4_splat(omb2);
  v128_t vc1 = wasm_f32x4_splat(c1), vc2 = wasm_f32x4_splat(c2);
  v128_t veps = wasm_f32x4_splat(eps), vlr = wasm_f32x4_splat(neglr);
  for (; i + 4 <= n; i += 4) {
    v128_t gi = wasm_v128_load(g + i);
    v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), vb1), wasm_f32x4_mul(gi, vomb1));
    v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), vb2),
                               wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), vomb2));
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
    v128_t den = wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(vi, vc2)), veps);
    v128_t step = wasm_f32x4_mul(wasm_f32x4_div(wasm_f32x4_div(mi, vc1), den), vlr);
    wasm_v128_store(xo + i, wasm_f32x4_add(step, wasm_v128_load(x + i)));
  }
  for (; i < n; i++) {
    f32 gi = g[i];
    f32 mi = m[i] * b1 + gi * omb1;
    f32 vi = v[i] * b2 + (gi * gi) * omb2;
    m[i] = mi;
    v[i] = vi;
    xo[i] = ((mi / c1) / (__builtin_sqrtf(vi / c2) + eps)) * neglr + x[i];
  }
}
