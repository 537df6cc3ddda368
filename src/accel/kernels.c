/*
 * Fused recurrent layers for ulasan (issue 11): float32 WebAssembly SIMD kernels.
 *
 * Layout: every sequence tensor is batch-major [B, T, F] (as tfjs-layers hands it over), weights
 * are Keras-ordered: LSTM kernel [D, 4H] (gates i, f, c, o), recurrent kernel [H, 4H], bias [4H];
 * GRU (tfjs-layers, reset_after = false) kernel [D, 3H] (z, r, h), recurrent kernel [H, 3H],
 * bias [3H]. All pointers are byte offsets into the module's (imported) memory; the JavaScript
 * side owns allocation.
 *
 * The forward pass computes the input projections of all time steps in one blocked matrix
 * product and keeps the gate pre-activations, so the backward pass (BPTT) only needs the small
 * recurrent products per step; the weight gradients are again single large products.
 *
 * The Conv1D kernels (stride 1, channels last) lower the convolution to one matrix product without
 * an im2col copy: with each sequence padded, the FW·CI inputs of output row r are the contiguous
 * floats xp[r·CI, (r + FW)·CI), i.e. rows of a matrix with leading dimension CI that overlap.
 *
 * No libc: exp/tanh/sigmoid are our own vector approximations (relative error ~1e-7).
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

typedef float f32;

/*
 * The multiply-add of the matrix products. The default build multiplies and adds with two
 * roundings, so results are the same on every machine and every thread count. The FMA build
 * (kernels-fma.wasm, opt-in through ULASAN_KERNEL_MATH=fma) uses relaxed SIMD's fused multiply-add,
 * one rounding: ~1.5x the product throughput where the CPU has FMA (x86 since 2013, all ARM64), and
 * numbers that differ from the default build in the last bits.
 */
#ifdef KERNEL_FMA
#define MADD(s, a, b) wasm_f32x4_relaxed_madd(a, b, s)
#else
#define MADD(s, a, b) wasm_f32x4_add(s, wasm_f32x4_mul(a, b))
#endif

/* Activation codes shared with the TypeScript side (activations.ts). */
enum { ACT_LINEAR = 0, ACT_TANH = 1, ACT_SIGMOID = 2, ACT_HARD_SIGMOID = 3, ACT_RELU = 4 };

/* ---------------------------------------------------------------- vector math */

/*
 * Clamps and rounding here use the cheapest instructions that give the same bits as the IEEE-exact
 * ones (checked on all 2^32 inputs): pmin/pmax (one x86 instruction each; f32x4.min/max take ~7 to
 * order ±0 and NaN) agree with min/max when the bound is not ±0 and x comes first (a NaN x is
 * returned), and the integer n + 127 comes from n + 1.5·2^23's bits rather than a saturating
 * conversion (n is an integer in [-126, 127] after the clamp).
 */
static inline v128_t v_exp(v128_t x) {
  x = wasm_f32x4_pmax(wasm_f32x4_pmin(x, wasm_f32x4_splat(88.0f)), wasm_f32x4_splat(-87.0f));
  v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  /* e^r on [-ln2/2, ln2/2], degree-6 Taylor (error < 2e-8 relative). */
  v128_t p = wasm_f32x4_splat(1.0f / 720.0f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 120.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 24.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 6.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(0.5f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  v128_t m = wasm_f32x4_add(n, wasm_f32x4_splat(12582912.0f)); /* bits 0x4B400000 + n */
  v128_t e = wasm_i32x4_shl(wasm_i32x4_add(m, wasm_i32x4_splat(127 - 0x4B400000)), 23);
  return wasm_f32x4_mul(p, e);
}

static inline v128_t v_sigmoid(v128_t x) {
  v128_t one = wasm_f32x4_splat(1.0f);
  return wasm_f32x4_div(one, wasm_f32x4_add(one, v_exp(wasm_f32x4_neg(x))));
}

static inline v128_t v_tanh(v128_t x) {
  /* tanh(x) = sign(x) (1 - e) / (1 + e), e = exp(-2|x|); for |x| < 0.0625 an odd Taylor series
   * avoids the cancellation in 1 - e. */
  v128_t ax = wasm_f32x4_abs(x);
  v128_t e = v_exp(wasm_f32x4_mul(ax, wasm_f32x4_splat(-2.0f)));
  v128_t one = wasm_f32x4_splat(1.0f);
  v128_t t = wasm_f32x4_div(wasm_f32x4_sub(one, e), wasm_f32x4_add(one, e));
  v128_t x2 = wasm_f32x4_mul(x, x);
  /* x - x^3/3 + 2x^5/15 - 17x^7/315 */
  v128_t s = wasm_f32x4_splat(-17.0f / 315.0f);
  s = wasm_f32x4_add(wasm_f32x4_mul(s, x2), wasm_f32x4_splat(2.0f / 15.0f));
  s = wasm_f32x4_add(wasm_f32x4_mul(s, x2), wasm_f32x4_splat(-1.0f / 3.0f));
  s = wasm_f32x4_add(wasm_f32x4_mul(s, x2), one);
  s = wasm_f32x4_mul(s, x);
  v128_t signbit = wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000));
  t = wasm_v128_or(t, signbit);
  v128_t small = wasm_f32x4_lt(ax, wasm_f32x4_splat(0.0625f));
  return wasm_v128_bitselect(s, t, small);
}

static inline v128_t v_act(v128_t x, int code) {
  switch (code) {
    case ACT_TANH:
      return v_tanh(x);
    case ACT_SIGMOID:
      return v_sigmoid(x);
    case ACT_HARD_SIGMOID: {
      v128_t y = wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(0.2f)), wasm_f32x4_splat(0.5f));
      /* pmax/pmin as in v_exp: y = 0.2x + 0.5 is never -0, so the 0 bound cannot tie in sign */
      return wasm_f32x4_pmin(wasm_f32x4_pmax(y, wasm_f32x4_splat(0.0f)), wasm_f32x4_splat(1.0f));
    }
    case ACT_RELU:
      return wasm_f32x4_max(x, wasm_f32x4_splat(0.0f));
    default:
      return x;
  }
}

/* Derivative of the activation at pre-activation x, given a = act(x). Matches tfjs gradients:
 * hardSigmoid is clipByValue(0.2x + 0.5, 0, 1), whose gradient passes where 0 <= y <= 1. */
static inline v128_t v_dact(v128_t x, v128_t a, int code) {
  v128_t one = wasm_f32x4_splat(1.0f);
  switch (code) {
    case ACT_TANH:
      return wasm_f32x4_sub(one, wasm_f32x4_mul(a, a));
    case ACT_SIGMOID:
      return wasm_f32x4_mul(a, wasm_f32x4_sub(one, a));
    case ACT_HARD_SIGMOID: {
      v128_t y = wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(0.2f)), wasm_f32x4_splat(0.5f));
      v128_t in = wasm_v128_and(wasm_f32x4_ge(y, wasm_f32x4_splat(0.0f)), wasm_f32x4_le(y, one));
      return wasm_v128_and(in, wasm_f32x4_splat(0.2f));
    }
    case ACT_RELU:
      return wasm_v128_and(wasm_f32x4_gt(x, wasm_f32x4_splat(0.0f)), one);
    default:
      return one;
  }
}

/*
 * Whether an activation's derivative can be taken from its output alone (v_dact(a, a, code) =
 * v_dact(x, a, code)): all but hard sigmoid, whose clip hides where it was flat. For those the
 * forward passes keep the activation in place of the pre-activation, so the backward pass reads
 * it instead of computing it again (the same function of the same input: the same bits).
 */
static inline int keeps_act(int code) { return code != ACT_HARD_SIGMOID; }

/* ---------------------------------------------------------------- matrix products */

/*
 * C[M, N] (+)= A · B with A(i, k) = A[i * ars + k * acs] (so both A and Aᵀ work) and B row-major
 * with leading dimension ldb. Register tile: 4 rows × 8 columns (8 accumulators, fits the 16 SIMD
 * registers V8 uses on x64); K is blocked so the B panel stays in cache.
 */
#define KC 256
#define MC 64

static void gemm_block(int M, int N, int K, const f32 *A, int ars, int acs, const f32 *B, int ldb, f32 *C, int ldc,
                       int accumulate, const int *rows) {
  int i = 0;
  for (; i + 4 <= M; i += 4) {
    const f32 *a0, *a1, *a2, *a3;
    f32 *c0, *c1, *c2, *c3;
    if (rows) {
      a0 = A + (long)rows[i] * ars, a1 = A + (long)rows[i + 1] * ars;
      a2 = A + (long)rows[i + 2] * ars, a3 = A + (long)rows[i + 3] * ars;
      c0 = C + (long)rows[i] * ldc, c1 = C + (long)rows[i + 1] * ldc;
      c2 = C + (long)rows[i + 2] * ldc, c3 = C + (long)rows[i + 3] * ldc;
    } else {
      a0 = A + (long)i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
      c0 = C + (long)i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    }
    int j = 0;
    for (; j + 8 <= N; j += 8) {
      v128_t s00, s01, s10, s11, s20, s21, s30, s31;
      if (accumulate) {
        s00 = wasm_v128_load(c0 + j); s01 = wasm_v128_load(c0 + j + 4);
        s10 = wasm_v128_load(c1 + j); s11 = wasm_v128_load(c1 + j + 4);
        s20 = wasm_v128_load(c2 + j); s21 = wasm_v128_load(c2 + j + 4);
        s30 = wasm_v128_load(c3 + j); s31 = wasm_v128_load(c3 + j + 4);
      } else {
        s00 = s01 = s10 = s11 = s20 = s21 = s30 = s31 = wasm_f32x4_splat(0.0f);
      }
      const f32 *b = B + j;
      long ka = 0;
      for (int k = 0; k < K; k++, b += ldb, ka += acs) {
        v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
        v128_t x;
        x = wasm_v128_load32_splat(a0 + ka);
        s00 = MADD(s00, x, b0); s01 = MADD(s01, x, b1);
        x = wasm_v128_load32_splat(a1 + ka);
        s10 = MADD(s10, x, b0); s11 = MADD(s11, x, b1);
        x = wasm_v128_load32_splat(a2 + ka);
        s20 = MADD(s20, x, b0); s21 = MADD(s21, x, b1);
        x = wasm_v128_load32_splat(a3 + ka);
        s30 = MADD(s30, x, b0); s31 = MADD(s31, x, b1);
      }
      wasm_v128_store(c0 + j, s00); wasm_v128_store(c0 + j + 4, s01);
      wasm_v128_store(c1 + j, s10); wasm_v128_store(c1 + j + 4, s11);
      wasm_v128_store(c2 + j, s20); wasm_v128_store(c2 + j + 4, s21);
      wasm_v128_store(c3 + j, s30); wasm_v128_store(c3 + j + 4, s31);
    }
    /* a 4-wide column remainder (e.g. 100 input channels) stays in SIMD */
    for (; j + 4 <= N; j += 4) {
      v128_t s0, s1, s2, s3;
      if (accumulate) {
        s0 = wasm_v128_load(c0 + j); s1 = wasm_v128_load(c1 + j);
        s2 = wasm_v128_load(c2 + j); s3 = wasm_v128_load(c3 + j);
      } else {
        s0 = s1 = s2 = s3 = wasm_f32x4_splat(0.0f);
      }
      const f32 *b = B + j;
      long ka = 0;
      for (int k = 0; k < K; k++, b += ldb, ka += acs) {
        v128_t b0 = wasm_v128_load(b);
        s0 = MADD(s0, wasm_v128_load32_splat(a0 + ka), b0);
        s1 = MADD(s1, wasm_v128_load32_splat(a1 + ka), b0);
        s2 = MADD(s2, wasm_v128_load32_splat(a2 + ka), b0);
        s3 = MADD(s3, wasm_v128_load32_splat(a3 + ka), b0);
      }
      wasm_v128_store(c0 + j, s0); wasm_v128_store(c1 + j, s1);
      wasm_v128_store(c2 + j, s2); wasm_v128_store(c3 + j, s3);
    }
    for (; j < N; j++) {
      f32 s0 = accumulate ? c0[j] : 0, s1 = accumulate ? c1[j] : 0, s2 = accumulate ? c2[j] : 0,
          s3 = accumulate ? c3[j] : 0;
      long ka = 0;
      for (int k = 0; k < K; k++, ka += acs) {
        f32 bv = B[(long)k * ldb + j];
        s0 += a0[ka] * bv; s1 += a1[ka] * bv; s2 += a2[ka] * bv; s3 += a3[ka] * bv;
      }
      c0[j] = s0; c1[j] = s1; c2[j] = s2; c3[j] = s3;
    }
  }
  /* Leftover rows, with the same operations per element as the 4-row tile (also the 4-wide SIMD
   * column remainder, which differs from scalar code in the FMA build): a row's result never
   * depends on which tile it falls in, so any subset of rows (a rows list) gives the same numbers. */
  for (; i < M; i++) {
    const f32 *a0 = A + (long)(rows ? rows[i] : i) * ars;
    f32 *c0 = C + (long)(rows ? rows[i] : i) * ldc;
    int j = 0;
    for (; j + 8 <= N; j += 8) {
      v128_t s0 = accumulate ? wasm_v128_load(c0 + j) : wasm_f32x4_splat(0.0f);
      v128_t s1 = accumulate ? wasm_v128_load(c0 + j + 4) : wasm_f32x4_splat(0.0f);
      const f32 *b = B + j;
      long ka = 0;
      for (int k = 0; k < K; k++, b += ldb, ka += acs) {
        v128_t x = wasm_v128_load32_splat(a0 + ka);
        s0 = MADD(s0, x, wasm_v128_load(b));
        s1 = MADD(s1, x, wasm_v128_load(b + 4));
      }
      wasm_v128_store(c0 + j, s0);
      wasm_v128_store(c0 + j + 4, s1);
    }
    for (; j + 4 <= N; j += 4) {
      v128_t s0 = accumulate ? wasm_v128_load(c0 + j) : wasm_f32x4_splat(0.0f);
      const f32 *b = B + j;
      long ka = 0;
      for (int k = 0; k < K; k++, b += ldb, ka += acs) s0 = MADD(s0, wasm_v128_load32_splat(a0 + ka), wasm_v128_load(b));
      wasm_v128_store(c0 + j, s0);
    }
    for (; j < N; j++) {
      f32 s = accumulate ? c0[j] : 0;
      long ka = 0;
      for (int k = 0; k < K; k++, ka += acs) s += a0[ka] * B[(long)k * ldb + j];
      c0[j] = s;
    }
  }
}

#ifndef PACK
#define PACK 1
#endif

/* Scratch for packed B panels (KC × N floats), provided by the caller through set_scratch. */
static f32 *pack_buf;
EXPORT(set_scratch) void set_scratch(f32 *p) { pack_buf = p; }

/*
 * Packs the first N8 = N & ~7 columns of a kc × N block of B into 8-column strips, each
 * contiguous over k: the micro-kernel then streams B sequentially through whole cache lines.
 */
static void pack_b(const f32 *B, int kc, int N8, int ldb, f32 *out) {
  for (int j = 0; j < N8; j += 8) {
    f32 *o = out + (long)j * kc;
    const f32 *b = B + j;
    for (int k = 0; k < kc; k++, b += ldb, o += 8) {
      wasm_v128_store(o, wasm_v128_load(b));
      wasm_v128_store(o + 4, wasm_v128_load(b + 4));
    }
  }
}

/*
 * The blocked product. With a rows list, it computes only rows rows[0 .. M) of A and C (row r of A
 * at A + r·ars, of C at C + r·ldc), each with exactly the operations it gets in the full product.
 */
static void gemm_rows(f32 *pk, const int *rows, int M, int N, int K, const f32 *A, int ars, int acs, const f32 *B,
                      int ldb, f32 *C, int ldc, int accumulate) {
  if (K == 0) {
    if (!accumulate)
      for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) C[(long)(rows ? rows[i] : i) * ldc + j] = 0;
    return;
  }
  for (int k0 = 0; k0 < K; k0 += KC) {
    int kc = K - k0 < KC ? K - k0 : KC;
    const f32 *a = A + (long)k0 * acs;
    const f32 *b = B + (long)k0 * ldb;
    int acc = accumulate || k0 > 0;
#if PACK
    int N8 = N & ~7;
    if (pk && N8 > 0 && M >= 8) {
      pack_b(b, kc, N8, ldb, pk);
      /* MC rows of A (≤ 64 × KC floats) stay in L2 while every packed strip streams through L1. */
      for (int i0 = 0; i0 < M; i0 += MC) {
        int mc = M - i0 < MC ? M - i0 : MC;
        const f32 *ai = rows ? a : a + (long)i0 * ars;
        f32 *ci = rows ? C : C + (long)i0 * ldc;
        const int *ri = rows ? rows + i0 : 0;
        for (int j = 0; j < N8; j += 8)
          gemm_block(mc, 8, kc, ai, ars, acs, pk + (long)j * kc, 8, ci + j, ldc, acc, ri);
        if (N8 < N) gemm_block(mc, N - N8, kc, ai, ars, acs, b + N8, ldb, ci + N8, ldc, acc, ri);
      }
      continue;
    }
#endif
    gemm_block(M, N, kc, a, ars, acs, b, ldb, C, ldc, acc, rows);
  }
}

#define gemm_pk(pk, ...) gemm_rows(pk, 0, __VA_ARGS__)

/* The product with the single-threaded kernels' scratch (set_scratch). */
#define gemm(...) gemm_pk(pack_buf, __VA_ARGS__)

/* dst[c * rows + r] = src[r * lds + c] for a rows × cols block. */
static void transpose(const f32 *src, int rows, int cols, int lds, f32 *dst) {
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++) dst[(long)c * rows + r] = src[(long)r * lds + c];
}

/*
 * General product for other kernels: C[M, N] = op(A) · op(B) (+ C when accumulate), op = transpose
 * when the flag is set; A is [M, K] or [K, M], B is [K, N] or [N, K], all row-major. A transposed
 * B is first transposed into bt (K × N floats).
 */
EXPORT(gemm_ex)
void gemm_ex(int M, int N, int K, const f32 *A, int trans_a, const f32 *B, int trans_b, f32 *C, int accumulate,
             f32 *bt) {
  if (trans_b) {
    transpose(B, N, K, K, bt);
    B = bt;
  }
  gemm(M, N, K, A, trans_a ? 1 : K, trans_a ? M : 1, B, N, C, N, accumulate);
}

/* Exported for tests and benchmarks: C[M,N] = A[M,K] · B[K,N], all row-major. */
EXPORT(matmul) void matmul(int M, int N, int K, const f32 *A, const f32 *B, f32 *C) {
  gemm(M, N, K, A, K, 1, B, N, C, N, 0);
}



/* out[r] = bias (0 without one) for rows r = rows[0 .. count) of out [*, n], or rows 0 .. count
 * when rows is 0; used to seed the input projection with the bias. */
static void fill_bias_rows(f32 *out, const int *rows, int count, int n, const f32 *bias) {
  for (int r = 0; r < count; r++) {
    f32 *o = out + (long)(rows ? rows[r] : r) * n;
    for (int j = 0; j < n; j++) o[j] = bias ? bias[j] : 0;
  }
}

#define fill_bias(out, count, n, bias) fill_bias_rows(out, 0, count, n, bias)

/* bias gradient: column sums of dz[rows, n] */
static void col_sums(const f32 *dz, int rows, int n, f32 *out) {
  for (int j = 0; j < n; j++) out[j] = 0;
  for (int r = 0; r < rows; r++) {
    const f32 *row = dz + (long)r * n;
    int j = 0;
    for (; j + 4 <= n; j += 4) wasm_v128_store(out + j, wasm_f32x4_add(wasm_v128_load(out + j), wasm_v128_load(row + j)));
    for (; j < n; j++) out[j] += row[j];
  }
}

/* hp[b, t] = h[b, t - 1], hp[b, 0] = 0 (the previous hidden state of every step). */
static void shift_states(const f32 *h, int B, int T, int H, f32 *hp) {
  for (int b = 0; b < B; b++) {
    const f32 *src = h + (long)b * T * H;
    f32 *dst = hp + (long)b * T * H;
    for (int j = 0; j < H; j++) dst[j] = 0;
    for (int j = 0; j < (T - 1) * H; j++) dst[H + j] = src[j];
  }
}

/* ---------------------------------------------------------------- parts (several threads) */

/*
 * The recurrent kernels run as `parts` independent parts, one per thread (kernel-pool.ts calls the
 * same export with part = 0 .. parts − 1 at once, on one shared memory). Sequences never interact
 * in a recurrent layer, so the forward pass and the per-step backward pass split the batch; the
 * weight gradients (sums over the whole batch) split the columns of the gradient matrices instead
 * (so each part packs only its own columns of dz).
 * Every output element is computed by exactly one part, with the same operations in the same
 * order as with parts = 1: results do not depend on the number of threads.
 *
 * Boundaries are multiples of 4 (the matrix product's row tile), of 8 for columns (its packed
 * column strips, so every column takes the path it takes with one part). Each part gets its own
 * packing scratch, pk + part · pk_stride floats, and no part touches the stack (threads share the
 * memory but not the stack pointer; build-kernels.sh checks this).
 */
/* Where part `part` of n items starts, rounded down to a multiple of `align` (a power of 2). */
static inline int part_lo(int n, int part, int parts, int align) {
  if (part >= parts) return n;
  return (int)(((long)n * part / parts) & ~(long)(align - 1));
}

#define PART_RANGE(n, lo, hi) const int lo = part_lo(n, part, parts, 4), hi = part_lo(n, part + 1, parts, 4)
#define PART_COLUMNS(n, lo, hi) const int lo = part_lo(n, part, parts, 8), hi = part_lo(n, part + 1, parts, 8)
#define PART_SCRATCH f32 *pk = pk0 + (long)part * pk_stride

/* bias gradient columns [j0, j1): db[j] = Σ_r dz[r, j], summed over r in order. */
static void col_sums_range(const f32 *dz, int rows, int n, int j0, int j1, f32 *out) {
  for (int j = j0; j < j1; j++) out[j] = 0;
  for (int r = 0; r < rows; r++) {
    const f32 *row = dz + (long)r * n;
    int j = j0;
    for (; j + 4 <= j1; j += 4) wasm_v128_store(out + j, wasm_f32x4_add(wasm_v128_load(out + j), wasm_v128_load(row + j)));
    for (; j < j1; j++) out[j] += row[j];
  }
}

/* dst [cols, rows] = srcᵀ for src [rows, cols] with leading dimension lds (run once, before the parts). */
EXPORT(transpose_ex) void transpose_ex(const f32 *src, int rows, int cols, int lds, f32 *dst) {
  transpose(src, rows, cols, lds, dst);
}

/* ---------------------------------------------------------------- shared prefixes */

/*
 * Sequences that begin with the same inputs pass through the same states until their inputs first
 * differ: in a pre-padded batch, every sequence's padding steps are the padding steps of the
 * shortest one. The forward passes below compute such a shared prefix once, in a reference row,
 * and copy it into the other rows (exact: the products give each row the same numbers whichever
 * rows they run with). For SmSA reviews padded to 50 tokens, ~40% of all steps are padding.
 */

/* Whether rows a and b of x [*, D] are equal bit for bit: -0 and NaN payloads count as different. */
static int same_row(const f32 *x, int D, long a, long b) {
  const int *p = (const int *)(x + a * D), *q = (const int *)(x + b * D);
  for (int d = 0; d < D; d++)
    if (p[d] != q[d]) return 0;
  return 1;
}

/* Whether sequences a and b of x [B, T, D] have the same input at step t. */
static int same_input(const f32 *x, int T, int D, int a, int b, int t) {
  return same_row(x, D, (long)a * T + t, (long)b * T + t);
}

/*
 * Finds the reference row and, for every row b, start[b] = the number of leading steps b shares
 * with it (start[ref] = T). Step by step, the rows still on the common path keep the most frequent
 * input (Boyer–Moore vote); the others leave with start = t. alive [B] is scratch. Returns the
 * reference row, or -1 when no two rows share their first input (then nothing is skipped).
 */
EXPORT(shared_prefix)
int shared_prefix(int B, int T, int D, const f32 *x, int *start, int *alive) {
  if (B < 2) return -1;
  int n = B, shared = 0;
  for (int b = 0; b < B; b++) alive[b] = b, start[b] = 0;
  for (int t = 0; t < T && n >= 2; t++) {
    int cand = alive[0], votes = 1;
    for (int i = 1; i < n; i++) {
      if (votes == 0) cand = alive[i], votes = 1;
      else votes += same_input(x, T, D, cand, alive[i], t) ? 1 : -1;
    }
    int m = 0;
    for (int i = 0; i < n; i++) {
      int b = alive[i];
      if (b == cand || same_input(x, T, D, cand, b, t)) alive[m++] = b, start[b] = t + 1;
      else start[b] = t;
    }
    n = m;
    if (m >= 2) shared = 1;
  }
  if (!shared) return -1;
  start[alive[0]] = T;
  return alive[0];
}

/* Copies the first s steps of row src to row dst in a [B, T, n] buffer. */
static void copy_steps(f32 *buf, int T, int n, int src, int dst, int s) {
  const f32 *from = buf + (long)src * T * n;
  f32 *to = buf + (long)dst * T * n;
  for (long k = 0; k < (long)s * n; k++) to[k] = from[k];
}

/*
 * The rows of this part [b0, b1) that still need computing after their shared prefix is copied
 * from the reference row: order[0 .. return) = those rows (relative to b0) by ascending start, so
 * at step t the rows to compute are a prefix of order; steps[0 .. *m) = the (row·T + step) indices
 * of their steps from start on, for the input projection.
 */
static int plan_rows(int b0, int b1, int T, int ref, const int *start, int *order, int *steps, int *m) {
  int n = 0;
  for (int s = 0; s < T; s++)
    for (int b = b0; b < b1; b++)
      if (b != ref && start[b] == s) order[n++] = b - b0;
  int k = 0;
  for (int i = 0; i < n; i++)
    for (int t = start[b0 + order[i]]; t < T; t++) steps[k++] = order[i] * T + t;
  *m = k;
  return n;
}

/* ---------------------------------------------------------------- repeated inputs */

/*
 * Input rows that are bitwise equal have equal input projections: in a training batch every
 * occurrence of a token in one sequence is the same embedding row times that sequence's dropout
 * mask (padding included), so about half of a first layer's rows repeat one before them; in a
 * prediction batch, repeated tokens across sequences do too. The projection is computed for the
 * first of each set and copied to the rest (exact, as for shared prefixes). Deeper layers' inputs
 * rarely repeat; the search costs a hash of each row, ~1% of its product.
 */

/* A hash of up to 16 evenly spaced values of a row (embedding and hidden rows differ nearly
 * everywhere; same_row decides equality). */
static unsigned row_hash(const f32 *x, int D) {
  const unsigned *p = (const unsigned *)x;
  const int step = D > 16 ? D / 16 : 1;
  unsigned h = 2166136261u;
  for (int d = 0; d < D; d += step) h = (h ^ p[d]) * 16777619u;
  return h ^ (h >> 15);
}

/*
 * Of the m rows rows[0 .. m) (rows 0 .. m when rows is 0) of x [*, D], lists the first of each set
 * of bitwise-equal rows in uniq (returns how many) and every other as a pair src[k] → dst[k]
 * (*dups pairs). tab [size ≥ 2m] is scratch for an open-addressing table of uniq indices.
 */
static int distinct_rows(const f32 *x, int D, const int *rows, int m, int *uniq, int *src, int *dst, int *dups,
                         int *tab, int size) {
  for (int i = 0; i < size; i++) tab[i] = -1;
  int u = 0, d = 0;
  for (int i = 0; i < m; i++) {
    const int r = rows ? rows[i] : i;
    unsigned slot = row_hash(x + (long)r * D, D) % (unsigned)size;
    for (;;) {
      const int k = tab[slot];
      if (k < 0) {
        tab[slot] = u;
        uniq[u++] = r;
        break;
      }
      if (same_row(x, D, uniq[k], r)) {
        src[d] = uniq[k], dst[d] = r, d++;
        break;
      }
      slot = slot + 1 == (unsigned)size ? 0 : slot + 1;
    }
  }
  *dups = d;
  return u;
}

/*
 * What both cells' forward passes do before the recurrence, for this part's rows [b0, b1): with
 * sharing, copy each row's shared prefix of the saved buffers (z [B, T, G]; s, s2 and h [B, T, H],
 * s = the LSTM's c or the GRU's rh, s2 = the LSTM's tanh(c) or 0) from the reference row and
 * list the rows and steps still to compute (plan_rows, into order + b0 and steps + b0·T); then
 * the input projection z = x·W + bias of those steps (of all steps without sharing), computed
 * once per distinct input row when dd (distinct_rows' scratch) is given. Pointers are the whole
 * batch's. Returns how many of the part's rows the recurrence computes.
 */
static int forward_begin(int sharing, int b0, int b1, int B, int T, int D, int G, int H, const f32 *x,
                         const f32 *W, const f32 *bias, f32 *z, f32 *s, f32 *s2, f32 *h, const int *start, int ref,
                         int *order, int *steps, int *dd, f32 *pk) {
  int n = b1 - b0, m = n * T;
  const int *srows = 0; /* 0: every step of every row */
  if (sharing) {
    for (int b = b0; b < b1; b++) {
      if (b == ref) continue;
      copy_steps(z, T, G, ref, b, start[b]);
      copy_steps(s, T, H, ref, b, start[b]);
      if (s2) copy_steps(s2, T, H, ref, b, start[b]);
      copy_steps(h, T, H, ref, b, start[b]);
    }
    srows = steps + (long)b0 * T;
    n = plan_rows(b0, b1, T, ref, start, order + b0, steps + (long)b0 * T, &m);
  }
  z += (long)b0 * T * G, x += (long)b0 * T * D;
  /* dd [5·B·T + B]: uniq, src, dst [B·T], the table [2·B·T], each part in its own rows' share,
   * then per part (at its first row b0) how many rows it copied */
  const long all = (long)B * T, at = (long)b0 * T;
  int *src = dd ? dd + all + at : 0, *dst = dd ? dd + 2 * all + at : 0, dups = 0;
  if (dd) {
    int *uniq = dd + at;
    m = distinct_rows(x, D, srows, m, uniq, src, dst, &dups, dd + 3 * all + 2 * at, 2 * (b1 - b0) * T);
    srows = uniq;
    dd[5 * all + b0] = dups;
  }
  fill_bias_rows(z, srows, m, G, bias);
  gemm_rows(pk, srows, m, G, D, x, D, 1, W, G, z, G, 1);
  for (int k = 0; k < dups; k++) {
    const f32 *from = z + (long)src[k] * G;
    f32 *to = z + (long)dst[k] * G;
    for (int j = 0; j < G; j++) to[j] = from[j];
  }
  return n;
}

/* ---------------------------------------------------------------- LSTM */

/* One LSTM step (gates i, f, c, o) for one row: cell state cr, its activation ar and hidden state
 * hr from the gate pre-activations zr and the previous cell state cp (0 at the first step). Gates
 * whose activation keeps_act leave their activation in zr for the backward pass. */
static inline void lstm_cell(f32 *zr, const f32 *cp, f32 *cr, f32 *ar, f32 *hr, int H, int act, int ract) {
  const int kr = keeps_act(ract), ka = keeps_act(act);
  for (int j = 0; j < H; j += 4) {
    v128_t i = v_act(wasm_v128_load(zr + j), ract);
    v128_t f = v_act(wasm_v128_load(zr + H + j), ract);
    v128_t g = v_act(wasm_v128_load(zr + 2 * H + j), act);
    v128_t o = v_act(wasm_v128_load(zr + 3 * H + j), ract);
    if (kr) {
      wasm_v128_store(zr + j, i);
      wasm_v128_store(zr + H + j, f);
      wasm_v128_store(zr + 3 * H + j, o);
    }
    if (ka) wasm_v128_store(zr + 2 * H + j, g);
    v128_t cv = wasm_f32x4_mul(i, g);
    if (cp) cv = wasm_f32x4_add(cv, wasm_f32x4_mul(f, wasm_v128_load(cp + j)));
    v128_t tc = v_act(cv, act);
    wasm_v128_store(cr + j, cv);
    wasm_v128_store(ar + j, tc);
    wasm_v128_store(hr + j, wasm_f32x4_mul(o, tc));
  }
}

/*
 * Forward over all steps, for this part's sequences. z [B, T, 4H] receives the gate
 * pre-activations (activations where keeps_act), c, tc and h [B, T, H] the cell states, their
 * activations and the hidden states of every step. bias may be 0 (useBias false). H must be a
 * multiple of 4. With start (shared_prefix, ref ≥ 0), the reference row must already be computed
 * (this function on that row alone, start 0), and each other row copies its first start[b] steps
 * from it; order [B] and steps [B·T] are scratch. dd [5·B·T + B] (or 0) is scratch for computing
 * each distinct input row's projection once (distinct_rows).
 */
EXPORT(lstm_forward)
void lstm_forward(int B, int T, int D, int H, const f32 *x, const f32 *W, const f32 *U, const f32 *bias, int act,
                  int ract, f32 *z, f32 *c, f32 *tc, f32 *h, const int *start, int ref, int *order, int *steps,
                  int *dd, f32 *pk0, int pk_stride, int part, int parts) {
  const int G = 4 * H;
  PART_RANGE(B, b0, b1);
  PART_SCRATCH;
  const int sharing = start && ref >= 0;
  const int n = forward_begin(sharing, b0, b1, B, T, D, G, H, x, W, bias, z, c, tc, h, start, ref, order, steps, dd,
                              pk);
  const int *rows = sharing ? order + b0 : 0; /* 0: rows 0 .. n, all computed from step 0 */
  int k = sharing ? 0 : n;                    /* rows computed at this step: rows[0 .. k) */
  z += (long)b0 * T * G, c += (long)b0 * T * H, tc += (long)b0 * T * H, h += (long)b0 * T * H;
  for (int t = 0; t < T; t++) {
    if (sharing)
      while (k < n && start[b0 + rows[k]] <= t) k++;
    if (t > 0 && k > 0) gemm_rows(pk, rows, k, G, H, h + (long)(t - 1) * H, T * H, 1, U, G, z + (long)t * G, T * G, 1);
    for (int i = 0; i < k; i++) {
      long r = (long)(rows ? rows[i] : i) * T + t;
      lstm_cell(z + r * G, t > 0 ? c + (r - 1) * H : 0, c + r * H, tc + r * H, h + r * H, H, act, ract);
    }
  }
}

/*
 * Backward through time for this part's sequences. dy is [B, T, H] when seq, else [B, H] (gradient
 * of the last output). Writes dz [B, T, 4H], the gradient of the gate pre-activations (from which
 * lstm_weight_grads and input_grad take the rest), and hp [B, T, H] = the previous hidden state of
 * every step. ut [4H, H] = Uᵀ (transpose_ex, before the parts); scratch dh, dc [B, H].
 */
EXPORT(lstm_backward)
void lstm_backward(int B, int T, int H, const f32 *ut, int act, int ract, const f32 *z, const f32 *c, const f32 *tc,
                   const f32 *h, const f32 *dy, int seq, f32 *dz, f32 *hp, f32 *dh, f32 *dc, f32 *pk0, int pk_stride,
                   int part, int parts) {
  const int G = 4 * H;
  const int kr = keeps_act(ract), ka = keeps_act(act);
  PART_RANGE(B, b0, b1);
  PART_SCRATCH;
  const int nb = b1 - b0;
  z += (long)b0 * T * G, c += (long)b0 * T * H, tc += (long)b0 * T * H, h += (long)b0 * T * H;
  dz += (long)b0 * T * G, hp += (long)b0 * T * H, dh += (long)b0 * H, dc += (long)b0 * H;
  dy += seq ? (long)b0 * T * H : (long)b0 * H;
  for (int j = 0; j < nb * H; j++) dh[j] = 0, dc[j] = 0;
  for (int t = T - 1; t >= 0; t--) {
    for (int b = 0; b < nb; b++) {
      const f32 *zr = z + ((long)b * T + t) * G;
      const f32 *cr = c + ((long)b * T + t) * H;
      const f32 *ar = tc + ((long)b * T + t) * H;
      const f32 *cp = t > 0 ? c + ((long)b * T + t - 1) * H : 0;
      const f32 *dyr = seq ? dy + ((long)b * T + t) * H : (t == T - 1 ? dy + (long)b * H : 0);
      f32 *dhr = dh + (long)b * H;
      f32 *dcr = dc + (long)b * H;
      f32 *dzr = dz + ((long)b * T + t) * G;
      for (int j = 0; j < H; j += 4) {
        v128_t zi = wasm_v128_load(zr + j), zf = wasm_v128_load(zr + H + j);
        v128_t zg = wasm_v128_load(zr + 2 * H + j), zo = wasm_v128_load(zr + 3 * H + j);
        /* where keeps_act, z holds the activation: v_dact(a, a, code) below is the derivative */
        v128_t i = kr ? zi : v_act(zi, ract), f = kr ? zf : v_act(zf, ract);
        v128_t g = ka ? zg : v_act(zg, act), o = kr ? zo : v_act(zo, ract);
        v128_t cv = wasm_v128_load(cr + j);
        v128_t tcv = wasm_v128_load(ar + j);
        v128_t dhv = wasm_v128_load(dhr + j);
        if (dyr) dhv = wasm_f32x4_add(dhv, wasm_v128_load(dyr + j));
        v128_t dov = wasm_f32x4_mul(dhv, tcv);
        v128_t dcv = wasm_f32x4_add(wasm_v128_load(dcr + j), wasm_f32x4_mul(wasm_f32x4_mul(dhv, o), v_dact(cv, tcv, act)));
        v128_t cpv = cp ? wasm_v128_load(cp + j) : wasm_f32x4_splat(0.0f);
        wasm_v128_store(dzr + j, wasm_f32x4_mul(wasm_f32x4_mul(dcv, g), v_dact(zi, i, ract)));
        wasm_v128_store(dzr + H + j, wasm_f32x4_mul(wasm_f32x4_mul(dcv, cpv), v_dact(zf, f, ract)));
        wasm_v128_store(dzr + 2 * H + j, wasm_f32x4_mul(wasm_f32x4_mul(dcv, i), v_dact(zg, g, act)));
        wasm_v128_store(dzr + 3 * H + j, wasm_f32x4_mul(dov, v_dact(zo, o, ract)));
        wasm_v128_store(dcr + j, wasm_f32x4_mul(dcv, f));
      }
    }
    /* dh_{t-1} = dz_t · Uᵀ */
    if (t > 0) gemm_pk(pk, nb, H, G, dz + (long)t * G, T * G, 1, ut, H, dh, H, 0);
  }
  shift_states(h, nb, T, H, hp);
}

/*
 * Columns [j0, j1) of C [M, *] (+)= A · B[:, c0 .. c1), the product over the column range [c0, c1)
 * with j0, j1 and c0 multiples of 8 (or c1): each column gets the packed strip or remainder path it
 * gets in the product over the whole range, so the split never changes a bit.
 */
static void gemm_columns(f32 *pk, int j0, int j1, int c0, int c1, int M, int K, const f32 *A, int ars, int acs,
                         const f32 *B, int ldb, f32 *C, int ldc) {
  const int lo = j0 > c0 ? j0 : c0, hi = j1 < c1 ? j1 : c1;
  if (lo < hi) gemm_pk(pk, M, hi - lo, K, A, ars, acs, B + lo, ldb, C + lo, ldc, 0);
}

/*
 * Weight gradients after the backward pass over all n = B·T rows: this part's columns of
 * dW [D, G] = xᵀ·dz, dU [H, G] = hpᵀ·dz and db [G] (db ignored when 0). G = gates · H; for the
 * GRU, rh (r ⊙ h_{t-1}) replaces hp in the candidate's columns 2H..3H of dU (2H is a multiple of 8).
 */
static void weight_grads(int n, int D, int H, int G, const f32 *x, const f32 *hp, const f32 *rh, const f32 *dz,
                         f32 *dW, f32 *dU, f32 *db, f32 *pk, int part, int parts) {
  PART_COLUMNS(G, j0, j1);
  gemm_columns(pk, j0, j1, 0, G, D, n, x, 1, D, dz, G, dW, G);
  if (!rh) {
    gemm_columns(pk, j0, j1, 0, G, H, n, hp, 1, H, dz, G, dU, G);
  } else {
    gemm_columns(pk, j0, j1, 0, 2 * H, H, n, hp, 1, H, dz, G, dU, G);
    gemm_columns(pk, j0, j1, 2 * H, G, H, n, rh, 1, H, dz, G, dU, G);
  }
  if (db) col_sums_range(dz, n, G, j0, j1, db);
}

EXPORT(lstm_weight_grads)
void lstm_weight_grads(int n, int D, int H, const f32 *x, const f32 *hp, const f32 *dz, f32 *dW, f32 *dU, f32 *db,
                       f32 *pk0, int pk_stride, int part, int parts) {
  PART_SCRATCH;
  weight_grads(n, D, H, 4 * H, x, hp, 0, dz, dW, dU, db, pk, part, parts);
}

/* ---------------------------------------------------------------- GRU (tfjs-layers, reset_after = false) */

/* The GRU step's first half for one row: rh = r ⊙ h_{t-1} (0 at the first step); r stays in zr
 * where keeps_act. */
static inline void gru_reset(f32 *zr, const f32 *hpr, f32 *rhr, int H, int ract) {
  const int kr = keeps_act(ract);
  for (int j = 0; j < H; j += 4) {
    v128_t r = v_act(wasm_v128_load(zr + H + j), ract);
    if (kr) wasm_v128_store(zr + H + j, r);
    wasm_v128_store(rhr + j, hpr ? wasm_f32x4_mul(r, wasm_v128_load(hpr + j)) : wasm_f32x4_splat(0.0f));
  }
}

/* The GRU step's second half for one row: h = z h_{t-1} + (1 - z) hh, in tfjs-layers' order. The
 * gates z and h leave their activation in zr where keeps_act (gru_reset did r). */
static inline void gru_update(f32 *zr, const f32 *hpr, f32 *hr, int H, int act, int ract) {
  const int kr = keeps_act(ract), ka = keeps_act(act);
  for (int j = 0; j < H; j += 4) {
    v128_t zz = v_act(wasm_v128_load(zr + j), ract);
    v128_t hh = v_act(wasm_v128_load(zr + 2 * H + j), act);
    if (kr) wasm_v128_store(zr + j, zz);
    if (ka) wasm_v128_store(zr + 2 * H + j, hh);
    v128_t hpv = hpr ? wasm_v128_load(hpr + j) : wasm_f32x4_splat(0.0f);
    v128_t hv = wasm_f32x4_add(wasm_f32x4_mul(zz, hpv), wasm_f32x4_mul(wasm_f32x4_sub(wasm_f32x4_splat(1.0f), zz), hh));
    wasm_v128_store(hr + j, hv);
  }
}

/*
 * GRU forward (tfjs-layers' cell, reset_after false): z [B, T, 3H] gate pre-activations
 * (activations where keeps_act), rh [B, T, H] = r ⊙ h_{t-1}, h [B, T, H]. start, ref, order,
 * steps, dd as in lstm_forward.
 */
EXPORT(gru_forward)
void gru_forward(int B, int T, int D, int H, const f32 *x, const f32 *W, const f32 *U, const f32 *bias, int act,
                 int ract, f32 *z, f32 *rh, f32 *h, const int *start, int ref, int *order, int *steps, int *dd,
                 f32 *pk0, int pk_stride, int part, int parts) {
  const int G = 3 * H;
  PART_RANGE(B, b0, b1);
  PART_SCRATCH;
  const int sharing = start && ref >= 0;
  const int n = forward_begin(sharing, b0, b1, B, T, D, G, H, x, W, bias, z, rh, 0, h, start, ref, order, steps, dd,
                              pk);
  const int *rows = sharing ? order + b0 : 0;
  int k = sharing ? 0 : n;
  z += (long)b0 * T * G, rh += (long)b0 * T * H, h += (long)b0 * T * H;
  for (int t = 0; t < T; t++) {
    if (sharing)
      while (k < n && start[b0 + rows[k]] <= t) k++;
    if (t > 0 && k > 0) gemm_rows(pk, rows, k, 2 * H, H, h + (long)(t - 1) * H, T * H, 1, U, G, z + (long)t * G, T * G, 1);
    for (int i = 0; i < k; i++) {
      long r = (long)(rows ? rows[i] : i) * T + t;
      gru_reset(z + r * G, t > 0 ? h + (r - 1) * H : 0, rh + r * H, H, ract);
    }
    if (t > 0 && k > 0)
      gemm_rows(pk, rows, k, H, H, rh + (long)t * H, T * H, 1, U + 2 * H, G, z + (long)t * G + 2 * H, T * G, 1);
    for (int i = 0; i < k; i++) {
      long r = (long)(rows ? rows[i] : i) * T + t;
      gru_update(z + r * G, t > 0 ? h + (r - 1) * H : 0, h + r * H, H, act, ract);
    }
  }
}

/*
 * Backward through time for this part's sequences: dz [B, T, 3H] and hp [B, T, H], as
 * lstm_backward. ut [3H, H]: rows 0..2H = U_zrᵀ, rows 2H..3H = U_hᵀ (transpose_ex, before the
 * parts); scratch dh, drh [B, H].
 */
EXPORT(gru_backward)
void gru_backward(int B, int T, int H, const f32 *ut, int act, int ract, const f32 *z, const f32 *h, const f32 *dy,
                  int seq, f32 *dz, f32 *hp, f32 *dh, f32 *drh, f32 *pk0, int pk_stride, int part, int parts) {
  const int G = 3 * H;
  const int kr = keeps_act(ract), ka = keeps_act(act);
  PART_RANGE(B, b0, b1);
  PART_SCRATCH;
  const int nb = b1 - b0;
  const f32 *uzrt = ut;            /* [2H, H] */
  const f32 *uht = ut + 2 * H * H; /* [H, H] */
  z += (long)b0 * T * G, h += (long)b0 * T * H, dz += (long)b0 * T * G, hp += (long)b0 * T * H;
  dh += (long)b0 * H, drh += (long)b0 * H;
  dy += seq ? (long)b0 * T * H : (long)b0 * H;
  for (int j = 0; j < nb * H; j++) dh[j] = 0;
  for (int t = T - 1; t >= 0; t--) {
    /* phase 1: total dh, candidate gradient */
    for (int b = 0; b < nb; b++) {
      const f32 *zr = z + ((long)b * T + t) * G;
      const f32 *hpr = t > 0 ? h + ((long)b * T + t - 1) * H : 0;
      const f32 *dyr = seq ? dy + ((long)b * T + t) * H : (t == T - 1 ? dy + (long)b * H : 0);
      f32 *dhr = dh + (long)b * H;
      f32 *dzr = dz + ((long)b * T + t) * G;
      for (int j = 0; j < H; j += 4) {
        v128_t dhv = wasm_v128_load(dhr + j);
        if (dyr) dhv = wasm_f32x4_add(dhv, wasm_v128_load(dyr + j));
        wasm_v128_store(dhr + j, dhv);
        v128_t pz = wasm_v128_load(zr + j), ph = wasm_v128_load(zr + 2 * H + j);
        v128_t zz = kr ? pz : v_act(pz, ract), hh = ka ? ph : v_act(ph, act);
        v128_t hpv = hpr ? wasm_v128_load(hpr + j) : wasm_f32x4_splat(0.0f);
        v128_t dhh = wasm_f32x4_mul(dhv, wasm_f32x4_sub(wasm_f32x4_splat(1.0f), zz));
        wasm_v128_store(dzr + 2 * H + j, wasm_f32x4_mul(dhh, v_dact(ph, hh, act)));
        v128_t dzv = wasm_f32x4_mul(dhv, wasm_f32x4_sub(hpv, hh));
        wasm_v128_store(dzr + j, wasm_f32x4_mul(dzv, v_dact(pz, zz, ract)));
      }
    }
    if (t == 0) break; /* h_{-1} = 0: nothing flows further back, and dr = drh ⊙ h_{-1} = 0 */
    /* d(r ⊙ h_{t-1}) = d(candidate pre-activation) · U_hᵀ */
    gemm_pk(pk, nb, H, H, dz + (long)t * G + 2 * H, T * G, 1, uht, H, drh, H, 0);
    /* phase 2: reset gate gradient, direct paths to h_{t-1} */
    for (int b = 0; b < nb; b++) {
      const f32 *zr = z + ((long)b * T + t) * G;
      const f32 *hpr = h + ((long)b * T + t - 1) * H;
      f32 *dhr = dh + (long)b * H;
      const f32 *drhr = drh + (long)b * H;
      f32 *dzr = dz + ((long)b * T + t) * G;
      for (int j = 0; j < H; j += 4) {
        v128_t pz = wasm_v128_load(zr + j), pr = wasm_v128_load(zr + H + j);
        v128_t zz = kr ? pz : v_act(pz, ract), r = kr ? pr : v_act(pr, ract);
        v128_t drv = wasm_v128_load(drhr + j);
        v128_t hpv = wasm_v128_load(hpr + j);
        wasm_v128_store(dzr + H + j, wasm_f32x4_mul(wasm_f32x4_mul(drv, hpv), v_dact(pr, r, ract)));
        v128_t dhp = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(dhr + j), zz), wasm_f32x4_mul(drv, r));
        wasm_v128_store(dhr + j, dhp);
      }
    }
    /* dh_{t-1} += [dz_z, dz_r] · U_zrᵀ */
    gemm_pk(pk, nb, H, 2 * H, dz + (long)t * G, T * G, 1, uzrt, H, dh, H, 1);
  }
  /* t = 0: reset-gate gradient is zero (h_{-1} = 0) */
  for (int b = 0; b < nb; b++) {
    f32 *dzr = dz + (long)b * T * G + H;
    for (int j = 0; j < H; j++) dzr[j] = 0;
  }
  shift_states(h, nb, T, H, hp);
}

EXPORT(gru_weight_grads)
void gru_weight_grads(int n, int D, int H, const f32 *x, const f32 *hp, const f32 *rh, const f32 *dz, f32 *dW,
                      f32 *dU, f32 *db, f32 *pk0, int pk_stride, int part, int parts) {
  PART_SCRATCH;
  weight_grads(n, D, H, 3 * H, x, hp, rh, dz, dW, dU, db, pk, part, parts);
}

/*
 * Gradient of the input after a backward pass, this part's rows: dx [rows, D] = dz [rows, G] · Wᵀ,
 * with wt = Wᵀ [G, D] from transpose_ex. Separate from the backward pass because it is often not
 * needed (a model input that is not a function of any weight), and it is the largest single
 * product of the pass.
 */
EXPORT(input_grad)
void input_grad(int rows, int D, int G, const f32 *dz, const f32 *wt, f32 *dx, f32 *pk0, int pk_stride, int part,
                int parts) {
  PART_RANGE(rows, r0, r1);
  PART_SCRATCH;
  gemm_pk(pk, r1 - r0, D, G, dz + (long)r0 * G, G, 1, wt, D, dx + (long)r0 * D, D, 0);
}

/* ---------------------------------------------------------------- Conv1D (stride 1, channels last) */

/*
 * Padded-row layout: sequence b of x [B, T, C] goes to rows [b·L, (b + 1)·L) of xp [B·L, C], after
 * `before` zero rows and followed by `after` zero rows (L = before + T + after).
 */
EXPORT(conv1d_pad)
void conv1d_pad(int B, int T, int C, int before, int after, const f32 *x, f32 *xp) {
  const long L = (long)before + T + after;
  for (int b = 0; b < B; b++) {
    f32 *o = xp + (long)b * L * C;
    const f32 *s = x + (long)b * T * C;
    long j = 0;
    for (; j < (long)before * C; j++) o[j] = 0;
    for (long i = 0; i < (long)T * C; i++, j++) o[j] = s[i];
    for (; j < L * C; j++) o[j] = 0;
  }
}

/*
 * Forward: z = conv(x) + bias and y = act(z). xp [B·L, CI] is the padded input (conv1d_pad), W the
 * filter [FW·CI, CO] (tfjs' [FW, CI, CO], row-major), bias [CO] or 0. Output row r = b·L + t of the
 * product (t < Tout = L − FW + 1) is output step t of sequence b; the FW − 1 rows after each
 * sequence straddle two sequences and are dropped. z [B·L − FW + 1, CO] keeps the pre-activations
 * (padded-row order) for the backward pass; y [B, Tout, CO] is compact.
 */
EXPORT(conv1d_forward)
void conv1d_forward(int B, int L, int CI, int CO, int FW, const f32 *xp, const f32 *W, const f32 *bias, int act,
                    f32 *z, f32 *y) {
  const int R = B * L - FW + 1, Tout = L - FW + 1;
  fill_bias(z, R, CO, bias);
  gemm(R, CO, FW * CI, xp, CI, 1, W, CO, z, CO, 1);
  for (int b = 0; b < B; b++) {
    for (int t = 0; t < Tout; t++) {
      const f32 *zr = z + ((long)b * L + t) * CO;
      f32 *yr = y + ((long)b * Tout + t) * CO;
      int j = 0;
      for (; j + 4 <= CO; j += 4) wasm_v128_store(yr + j, v_act(wasm_v128_load(zr + j), act));
      for (; j < CO; j++) yr[j] = wasm_f32x4_extract_lane(v_act(wasm_f32x4_splat(zr[j]), act), 0);
    }
  }
}

static void conv1d_dz(int B, int L, int CO, int FW, const f32 *z, const f32 *y, const f32 *dy, int act, f32 *dzp);

/*
 * Backward of conv1d_forward given dy [B, Tout, CO]: dz = dy ⊙ act'(z) in padded-row order (dzp
 * [B·L − FW + 1, CO], zero on the rows that straddle two sequences), the filter gradient
 * dW [FW·CI, CO] = Σ_r lowered(r)ᵀ dz_r as one product that reads the overlapping rows of xp
 * transposed, and db [CO] (skipped when 0) the column sums of dz.
 */
EXPORT(conv1d_backward)
void conv1d_backward(int B, int L, int CI, int CO, int FW, const f32 *xp, const f32 *z, const f32 *y, const f32 *dy,
                     int act, f32 *dzp, f32 *dW, f32 *db) {
  conv1d_dz(B, L, CO, FW, z, y, dy, act, dzp);
  gemm(FW * CI, CO, B * L - FW + 1, xp, 1, CI, dzp, CO, dW, CO, 0);
  if (db) col_sums(dzp, B * L - FW + 1, CO, db);
}

/* dz = dy ⊙ act'(z) in padded-row order, zero on the rows that straddle two sequences. */
static void conv1d_dz(int B, int L, int CO, int FW, const f32 *z, const f32 *y, const f32 *dy, int act, f32 *dzp) {
  const int R = B * L - FW + 1, Tout = L - FW + 1;
  for (int r = 0; r < R; r++) {
    const int b = r / L, t = r - b * L;
    f32 *o = dzp + (long)r * CO;
    if (t >= Tout) {
      for (int j = 0; j < CO; j++) o[j] = 0;
      continue;
    }
    const f32 *zr = z + (long)r * CO;
    const f32 *yr = y + ((long)b * Tout + t) * CO;
    const f32 *dyr = dy + ((long)b * Tout + t) * CO;
    int j = 0;
    for (; j + 4 <= CO; j += 4) {
      v128_t d = v_dact(wasm_v128_load(zr + j), wasm_v128_load(yr + j), act);
      wasm_v128_store(o + j, wasm_f32x4_mul(wasm_v128_load(dyr + j), d));
    }
    for (; j < CO; j++) {
      v128_t d = v_dact(wasm_f32x4_splat(zr[j]), wasm_f32x4_splat(yr[j]), act);
      o[j] = dyr[j] * wasm_f32x4_extract_lane(d, 0);
    }
  }
}

/*
 * Input gradient dx [B, T, CI] after conv1d_backward (p = zero rows before each sequence in the
 * forward pass). The transposed convolution is itself a stride-1 convolution: of dz, padded by
 * FW − 1 − p rows before and T + p − Tout after each sequence (L2 = T + FW − 1 rows, in dq), with
 * the flipped, transposed filter wf [FW·CO, CI], wf[(FW − 1 − f)·CO + co][ci] = W[f·CI + ci][co].
 * dxp [B·L2 − FW + 1, CI] is scratch in padded-row order. With AT != 0 the product runs as the
 * Winograd forward below (AT, G, BT, U, V, M as there).
 */
void conv1d_forward_winograd(int B, int L, int CI, int CO, int FW, const f32 *xp, const f32 *W, const f32 *bias,
                             int act, const f32 *AT, const f32 *G, const f32 *BT, f32 *U, f32 *V, f32 *M, f32 *z,
                             f32 *y);

EXPORT(conv1d_input_grad)
void conv1d_input_grad(int B, int T, int L, int CI, int CO, int FW, int p, const f32 *dzp, const f32 *W, f32 *wf,
                       f32 *dq, f32 *dxp, f32 *dx, const f32 *AT, const f32 *G, const f32 *BT, f32 *U, f32 *V,
                       f32 *M) {
  const int Tout = L - FW + 1, L2 = T + FW - 1, before = FW - 1 - p;
  for (int f = 0; f < FW; f++)
    for (int ci = 0; ci < CI; ci++)
      for (int co = 0; co < CO; co++)
        wf[((long)(FW - 1 - f) * CO + co) * CI + ci] = W[((long)f * CI + ci) * CO + co];
  for (int b = 0; b < B; b++) {
    f32 *o = dq + (long)b * L2 * CO;
    const f32 *s = dzp + (long)b * L * CO;
    long j = 0;
    for (; j < (long)before * CO; j++) o[j] = 0;
    for (long i = 0; i < (long)Tout * CO; i++, j++) o[j] = s[i];
    for (; j < (long)L2 * CO; j++) o[j] = 0;
  }
  if (AT) {
    /* the same Winograd product as the forward pass (AT != 0): dq convolved with wf, no bias */
    conv1d_forward_winograd(B, L2, CO, CI, FW, dq, wf, 0, ACT_LINEAR, AT, G, BT, U, V, M, dxp, dx);
    return;
  }
  gemm(B * L2 - FW + 1, CI, FW * CO, dq, CO, 1, wf, CI, dxp, CI, 0);
  for (int b = 0; b < B; b++) {
    const f32 *s = dxp + (long)b * L2 * CI;
    f32 *o = dx + (long)b * T * CI;
    for (long i = 0; i < (long)T * CI; i++) o[i] = s[i];
  }
}

/*
 * Winograd F(m, FW) with 8 transformed points (m = 9 − FW outputs per tile, FW ∈ 3..5): the same
 * contract as conv1d_forward, with 8 products [B·tiles, CI] × [CI, CO] instead of one
 * [B·L, FW·CI] × [FW·CI, CO] product (2.5× fewer multiplications at FW = 5). The transforms
 * (AT [m, 8], G [8, FW], BT [8, 8], Toom-Cook on the points 0, ±1, ±2, ±1/2, ∞) are computed by
 * the caller in double precision. Scratch: U [8, CI, CO], V [8, B·tiles, CI], M [8, B·tiles, CO].
 * Input rows past the end of a sequence are read as zeros.
 */
#define WN 8
EXPORT(conv1d_forward_winograd)
void conv1d_forward_winograd(int B, int L, int CI, int CO, int FW, const f32 *xp, const f32 *W, const f32 *bias,
                             int act, const f32 *AT, const f32 *G, const f32 *BT, f32 *U, f32 *V, f32 *M, f32 *z,
                             f32 *y) {
  const int m = WN + 1 - FW, Tout = L - FW + 1, tiles = (Tout + m - 1) / m, P = B * tiles;
  const long CC = (long)CI * CO;
  /* filter transform: U[e] = Σ_k G[e][k] W[k] */
  for (int e = 0; e < WN; e++) {
    f32 *u = U + e * CC;
    for (long i = 0; i < CC; i++) u[i] = 0;
    for (int k = 0; k < FW; k++) {
      const f32 g = G[e * FW + k];
      if (g == 0) continue;
      const f32 *w = W + k * CC;
      long i = 0;
      v128_t gv = wasm_f32x4_splat(g);
      for (; i + 4 <= CC; i += 4)
        wasm_v128_store(u + i, wasm_f32x4_add(wasm_v128_load(u + i), wasm_f32x4_mul(gv, wasm_v128_load(w + i))));
      for (; i < CC; i++) u[i] += g * w[i];
    }
  }
  /*
   * input transform: V[e][p] = Σ_t BT[e][t] x_tile[t]. Row 0 (point 0) is an even polynomial, row 7
   * (∞) an odd one, and the rows of a point pair ±a are E ± O with E even and O odd (rows 1–2, 3–4,
   * 5–6): 32 multiplications per 8 inputs instead of 64.
   */
  f32 ev[4][4], od[4][4]; /* [row group][t / 2]: group 0 = row 0 (even) and row 7 (odd), 1..3 = pairs */
  for (int h = 0; h < 4; h++) {
    ev[0][h] = BT[0 * WN + 2 * h];
    od[0][h] = BT[7 * WN + 2 * h + 1];
  }
  for (int g = 1; g < 4; g++) {
    const f32 *r1 = BT + (2 * g - 1) * WN, *r2 = BT + 2 * g * WN;
    for (int h = 0; h < 4; h++) {
      ev[g][h] = 0.5f * (r1[2 * h] + r2[2 * h]);
      od[g][h] = 0.5f * (r1[2 * h + 1] - r2[2 * h + 1]);
    }
  }
  for (int b = 0; b < B; b++) {
    for (int j = 0; j < tiles; j++) {
      const int p = b * tiles + j;
      const int avail = L - j * m < WN ? L - j * m : WN;
      const f32 *src = xp + ((long)b * L + (long)j * m) * CI;
      f32 *v = V + (long)p * CI;
      const long es = (long)P * CI;
      int ci = 0;
      for (; ci + 4 <= CI; ci += 4) {
        v128_t d[WN];
        for (int t = 0; t < WN; t++) d[t] = t < avail ? wasm_v128_load(src + (long)t * CI + ci) : wasm_f32x4_splat(0.0f);
        for (int g = 0; g < 4; g++) {
          v128_t e = wasm_f32x4_mul(wasm_f32x4_splat(ev[g][0]), d[0]);
          v128_t o = wasm_f32x4_mul(wasm_f32x4_splat(od[g][0]), d[1]);
          for (int h = 1; h < 4; h++) {
            e = wasm_f32x4_add(e, wasm_f32x4_mul(wasm_f32x4_splat(ev[g][h]), d[2 * h]));
            o = wasm_f32x4_add(o, wasm_f32x4_mul(wasm_f32x4_splat(od[g][h]), d[2 * h + 1]));
          }
          if (g == 0) {
            wasm_v128_store(v + ci, e);
            wasm_v128_store(v + 7 * es + ci, o);
          } else {
            wasm_v128_store(v + (2 * g - 1) * es + ci, wasm_f32x4_add(e, o));
            wasm_v128_store(v + 2 * g * es + ci, wasm_f32x4_sub(e, o));
          }
        }
      }
      for (; ci < CI; ci++) {
        for (int e = 0; e < WN; e++) {
          f32 s = 0;
          for (int t = 0; t < avail; t++) s += BT[e * WN + t] * src[(long)t * CI + ci];
          v[e * es + ci] = s;
        }
      }
    }
  }
  /* the 8 element-wise products, as matrix products over the channels */
  for (int e = 0; e < WN; e++) gemm(P, CO, CI, V + (long)e * P * CI, CI, 1, U + e * CC, CO, M + (long)e * P * CO, CO, 0);
  /* output transform: z[b, j·m + i] = bias + Σ_e AT[i][e] M[e][p]; y = act(z) */
  for (int b = 0; b < B; b++) {
    for (int j = 0; j < tiles; j++) {
      const int p = b * tiles + j;
      const int outs = Tout - j * m < m ? Tout - j * m : m;
      for (int i = 0; i < outs; i++) {
        const int t = j * m + i;
        f32 *zr = z + ((long)b * L + t) * CO;
        f32 *yr = y + ((long)b * Tout + t) * CO;
        int co = 0;
        for (; co + 4 <= CO; co += 4) {
          v128_t s = bias ? wasm_v128_load(bias + co) : wasm_f32x4_splat(0.0f);
          for (int e = 0; e < WN; e++)
            s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_f32x4_splat(AT[i * WN + e]), wasm_v128_load(M + ((long)e * P + p) * CO + co)));
          wasm_v128_store(zr + co, s);
          wasm_v128_store(yr + co, v_act(s, act));
        }
        for (; co < CO; co++) {
          f32 s = bias ? bias[co] : 0;
          for (int e = 0; e < WN; e++) s += AT[i * WN + e] * M[((long)e * P + p) * CO + co];
          zr[co] = s;
          yr[co] = wasm_f32x4_extract_lane(v_act(wasm_f32x4_splat(s), act), 0);
        }
      }
    }
  }
}

/* ---------------------------------------------------------------- max pooling gradient */

/*
 * dx [B, H, W, C] for y = maxPool(x) (NHWC, as tfjs' MaxPoolGrad): each window's output gradient
 * goes to the window's first maximum in row-major scan order (strict >, so ties keep the first and
 * NaN never wins), like the stock cpu kernel. geo = {filterH, filterW, strideH, strideW, padTop,
 * padLeft}.
 */
EXPORT(max_pool_grad)
void max_pool_grad(int B, int H, int W, int C, int OH, int OW, const int *geo, const f32 *x, const f32 *dy, f32 *dx,
                   int *taps) {
  const int fh = geo[0], fw = geo[1], sh = geo[2], sw = geo[3], pt = geo[4], pl = geo[5];
  for (long i = 0; i < (long)B * H * W * C; i++) dx[i] = 0;
  for (int b = 0; b < B; b++) {
    for (int oy = 0; oy < OH; oy++) {
      for (int ox = 0; ox < OW; ox++) {
        int n = 0;
        for (int r = 0; r < fh; r++) {
          const int xr = oy * sh - pt + r;
          if (xr < 0 || xr >= H) continue;
          for (int c = 0; c < fw; c++) {
            const int xc = ox * sw - pl + c;
            if (xc < 0 || xc >= W) continue;
            taps[n++] = ((b * H + xr) * W + xc) * C;
          }
        }
        if (n == 0) continue;
        const f32 *g = dy + (((long)b * OH + oy) * OW + ox) * C;
        int d = 0;
        for (; d + 4 <= C; d += 4) {
          /* the first tap wins unless it is NaN or -inf (then no tap has won yet, as in the scalar scan) */
          const v128_t ninf = wasm_f32x4_splat(-__builtin_inff());
          v128_t first = wasm_v128_load(x + taps[0] + d);
          v128_t won = wasm_f32x4_gt(first, ninf);
          v128_t best = wasm_v128_bitselect(first, ninf, won);
          v128_t where = wasm_i32x4_splat(0);
          v128_t none = wasm_v128_not(won); /* lanes with no maximum yet */
          for (int i = 1; i < n; i++) {
            v128_t v = wasm_v128_load(x + taps[i] + d);
            v128_t gt = wasm_f32x4_gt(v, best);
            best = wasm_v128_bitselect(v, best, gt);
            where = wasm_v128_bitselect(wasm_i32x4_splat(i), where, gt);
            none = wasm_v128_andnot(none, gt);
          }
          int w[4], skip[4];
          wasm_v128_store(w, where);
          wasm_v128_store(skip, none);
          for (int l = 0; l < 4; l++)
            if (!skip[l]) dx[taps[w[l]] + d + l] += g[d + l];
        }
        for (; d < C; d++) {
          f32 best = -__builtin_inff();
          int at = -1;
          for (int i = 0; i < n; i++) {
            const f32 v = x[taps[i] + d];
            if (v > best) {
              best = v;
              at = taps[i] + d;
            }
          }
          if (at >= 0) dx[at] += g[d];
        }
      }
    }
  }
}

/*
 * Winograd filter gradient after conv1d_forward_winograd (same B, L, CI, CO, FW): dW_k = Σ_r
 * x_{r+k} dz_r is, per tile of m = 9 − FW outputs, a correlation of the tile's 8 inputs with its m
 * output gradients, i.e. F(FW, m) on the same 8 points. Its input transform is the forward's
 * V [8, B·tiles, CI] (kept from the forward pass); D [8, B·tiles, CO] gets the transformed output
 * gradients (G2 [8, m]), S [8, CI, CO] the 8 products Vᵀ·D, and dW = AT2 [FW, 8] · S. Also fills
 * dzp and db as conv1d_backward does.
 */
EXPORT(conv1d_backward_winograd)
void conv1d_backward_winograd(int B, int L, int CI, int CO, int FW, const f32 *z, const f32 *y, const f32 *dy, int act,
                              f32 *dzp, f32 *dW, f32 *db, const f32 *AT2, const f32 *G2, const f32 *V, f32 *D,
                              f32 *S) {
  const int m = WN + 1 - FW, Tout = L - FW + 1, tiles = (Tout + m - 1) / m, P = B * tiles;
  const long CC = (long)CI * CO;
  conv1d_dz(B, L, CO, FW, z, y, dy, act, dzp);
  if (db) col_sums(dzp, B * L - FW + 1, CO, db);
  /* D[e][p] = Σ_i G2[e][i] dz[b, j·m + i] (steps past Tout are zero) */
  for (int b = 0; b < B; b++) {
    for (int j = 0; j < tiles; j++) {
      const int p = b * tiles + j;
      const int rows = Tout - j * m < m ? Tout - j * m : m;
      const f32 *src = dzp + ((long)b * L + (long)j * m) * CO;
      for (int e = 0; e < WN; e++) {
        f32 *o = D + ((long)e * P + p) * CO;
        int co = 0;
        for (; co + 4 <= CO; co += 4) {
          v128_t acc = wasm_f32x4_splat(0.0f);
          for (int i = 0; i < rows; i++)
            acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_splat(G2[e * m + i]), wasm_v128_load(src + (long)i * CO + co)));
          wasm_v128_store(o + co, acc);
        }
        for (; co < CO; co++) {
          f32 acc = 0;
          for (int i = 0; i < rows; i++) acc += G2[e * m + i] * src[(long)i * CO + co];
          o[co] = acc;
        }
      }
    }
  }
  /* S[e] = V[e]ᵀ · D[e]: [CI, CO], a reduction over the tiles */
  for (int e = 0; e < WN; e++) gemm(CI, CO, P, V + (long)e * P * CI, 1, CI, D + (long)e * P * CO, CO, S + e * CC, CO, 0);
  /* dW[k] = Σ_e AT2[k][e] S[e] */
  for (int k = 0; k < FW; k++) {
    f32 *o = dW + k * CC;
    long i = 0;
    for (; i + 4 <= CC; i += 4) {
      v128_t acc = wasm_f32x4_splat(0.0f);
      for (int e = 0; e < WN; e++)
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_splat(AT2[k * WN + e]), wasm_v128_load(S + e * CC + i)));
      wasm_v128_store(o + i, acc);
    }
    for (; i < CC; i++) {
      f32 acc = 0;
      for (int e = 0; e < WN; e++) acc += AT2[k * WN + e] * S[e * CC + i];
      o[i] = acc;
    }
  }
}
