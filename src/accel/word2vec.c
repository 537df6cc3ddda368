/*
 * The Word2Vec training kernel (CBOW and skip-gram; negative sampling and hierarchical softmax),
 * compiled offline to WebAssembly with SIMD (see build-kernels.sh) and run by every training thread
 * on one shared memory (Hogwild, as word2vec.c and gensim do).
 *
 * No libc, no static data and no stack use: several threads instantiate this module on the same
 * shared memory, each with its own (unshared) stack pointer global at the same address, so any
 * stack use would make them overwrite each other. All scratch space is passed in by the caller.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXP_TABLE_SIZE 1000
#define MAX_EXP 6.0f
#define LOSS_TABLE_SIZE 8192
#define LOSS_MAX 20.0f

/* Field order is mirrored in engine.ts (MODEL_FIELDS). Every field is 4 bytes. */
typedef struct {
  float *syn0;
  float *syn1neg;
  float *syn1;
  const float *expTable;
  const float *lossTable;
  const uint32_t *aliasProb;
  const int32_t *aliasIdx;
  const uint32_t *sampleInt;
  const int32_t *codeOff;
  const uint8_t *codes;
  const int32_t *points;
  int32_t vocabSize;
  int32_t dim;
  int32_t window;
  int32_t negative;
  int32_t hs;
  int32_t sg;
  int32_t cbowMean;
} Model;

/* Field order is mirrored in engine.ts (JOB_FIELDS). */
typedef struct {
  const int32_t *words;
  int32_t nWords;
  const int32_t *sentLens;
  int32_t nSent;
  int32_t *sen;
  float *neu1;
  float *neu1e;
  float alphaStart;
  float alphaEnd;
  uint32_t seedLo;
  uint32_t seedHi;
  int32_t pad;
  double loss;        /* sum of per-prediction log-losses */
  double predictions; /* number of predictions (CBOW: centre words; skip-gram: pairs) */
  double trainedWords;/* words left after subsampling */
} Job;

static inline __attribute__((always_inline)) uint64_t next_random(uint64_t *s) {
  /* xorshift64*: every output bit is usable, unlike the low bits of word2vec.c's LCG. */
  uint64_t x = *s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *s = x;
  return x * 0x2545F4914F6CDD1DULL;
}

static inline __attribute__((always_inline)) float dot(const float *a, const float *b, int n) {
  /* Four independent accumulators hide the latency of the additions. */
  v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
    s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(wasm_v128_load(a + i + 8), wasm_v128_load(b + i + 8)));
    s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(wasm_v128_load(a + i + 12), wasm_v128_load(b + i + 12)));
  }
  for (; i + 4 <= n; i += 4) s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  s0 = wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3));
  float r = wasm_f32x4_extract_lane(s0, 0) + wasm_f32x4_extract_lane(s0, 1) + wasm_f32x4_extract_lane(s0, 2) +
            wasm_f32x4_extract_lane(s0, 3);
  for (; i < n; i++) r += a[i] * b[i];
  return r;
}

/* y += x */
static inline __attribute__((always_inline)) void add(const float *x, float *y, int n) {
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    v128_t y0 = wasm_f32x4_add(wasm_v128_load(y + i), wasm_v128_load(x + i));
    v128_t y1 = wasm_f32x4_add(wasm_v128_load(y + i + 4), wasm_v128_load(x + i + 4));
    wasm_v128_store(y + i, y0);
    wasm_v128_store(y + i + 4, y1);
  }
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, wasm_f32x4_add(wasm_v128_load(y + i), wasm_v128_load(x + i)));
  for (; i < n; i++) y[i] += x[i];
}

/* err += g * out; out += g * in  (one pass over `out`) */
static inline __attribute__((always_inline)) void update_pair(float g, const float *in, float *out, float *err, int n) {
  v128_t gv = wasm_f32x4_splat(g);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    v128_t o0 = wasm_v128_load(out + i);
    v128_t o1 = wasm_v128_load(out + i + 4);
    v128_t e0 = wasm_f32x4_add(wasm_v128_load(err + i), wasm_f32x4_mul(gv, o0));
    v128_t e1 = wasm_f32x4_add(wasm_v128_load(err + i + 4), wasm_f32x4_mul(gv, o1));
    o0 = wasm_f32x4_add(o0, wasm_f32x4_mul(gv, wasm_v128_load(in + i)));
    o1 = wasm_f32x4_add(o1, wasm_f32x4_mul(gv, wasm_v128_load(in + i + 4)));
    wasm_v128_store(err + i, e0);
    wasm_v128_store(err + i + 4, e1);
    wasm_v128_store(out + i, o0);
    wasm_v128_store(out + i + 4, o1);
  }
  for (; i + 4 <= n; i += 4) {
    v128_t o = wasm_v128_load(out + i);
    wasm_v128_store(err + i, wasm_f32x4_add(wasm_v128_load(err + i), wasm_f32x4_mul(gv, o)));
    wasm_v128_store(out + i, wasm_f32x4_add(o, wasm_f32x4_mul(gv, wasm_v128_load(in + i))));
  }
  for (; i < n; i++) {
    float o = out[i];
    err[i] += g * o;
    out[i] = o + g * in[i];
  }
}

static inline __attribute__((always_inline)) void zero(float *x, int n) {
  v128_t z = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(x + i, z);
  for (; i < n; i++) x[i] = 0.0f;
}

static inline __attribute__((always_inline)) void scale(float *x, float s, int n) {
  v128_t sv = wasm_f32x4_splat(s);
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(x + i, wasm_f32x4_mul(wasm_v128_load(x + i), sv));
  for (; i < n; i++) x[i] *= s;
}

/* log(sigmoid(z)), exact to ~1e-6 (linear interpolation in a fine table, asymptotes outside). */
static inline __attribute__((always_inline)) float log_sigmoid(const float *table, float z) {
  if (z >= LOSS_MAX) return 0.0f;
  if (z <= -LOSS_MAX) return z;
  float t = (z + LOSS_MAX) * ((float)LOSS_TABLE_SIZE / (2.0f * LOSS_MAX));
  int i = (int)t;
  float fr = t - (float)i;
  return table[i] + fr * (table[i + 1] - table[i]);
}

static inline __attribute__((always_inline)) float sigmoid_table(const float *table, float f) {
  int i = (int)((f + MAX_EXP) * ((float)EXP_TABLE_SIZE / (2.0f * MAX_EXP)));
  if (i >= EXP_TABLE_SIZE) i = EXP_TABLE_SIZE - 1;
  return table[i];
}

/*
 * One prediction of `word` from the hidden vector `in`; accumulates the input gradient in `err`.
 *
 * The two output layers are separate, non-inlined functions: V8 compiles each on its own when it
 * tiers up to TurboFan, so the compiler's transient memory stays small (one large inlined
 * train_job peaked at ~12 MB of RSS while compiling, the split kernel at ~2 MB), and a call per
 * prediction costs nothing next to the vector work inside. Neither may touch the stack (threads
 * share the memory but not the stack pointer), so the random state crosses the call through the
 * job's seed fields instead of by pointer.
 */
static __attribute__((noinline)) double predict_hs(const Model *m, const float *in, float *err, int32_t word, float alpha) {
  const int dim = m->dim;
  double loss = 0.0;
  const int32_t end = m->codeOff[word + 1];
  for (int32_t d = m->codeOff[word]; d < end; d++) {
    float *out = m->syn1 + (uint32_t)m->points[d] * (uint32_t)dim;
    const float f = dot(in, out, dim);
    const int code = m->codes[d];
    loss -= log_sigmoid(m->lossTable, code ? -f : f);
    if (f <= -MAX_EXP || f >= MAX_EXP) continue; /* saturated: word2vec.c skips the update */
    const float g = (1.0f - (float)code - sigmoid_table(m->expTable, f)) * alpha;
    update_pair(g, in, out, err, dim);
  }
  return loss;
}

static __attribute__((noinline)) double predict_neg(const Model *m, Job *job, const float *in, float *err, int32_t word, float alpha) {
  const int dim = m->dim;
  double loss = 0.0;
  uint64_t rng = ((uint64_t)job->seedHi << 32) | job->seedLo;
  const uint32_t V = (uint32_t)m->vocabSize;
  for (int d = 0; d <= m->negative; d++) {
    int32_t target;
    float label;
    if (d == 0) {
      target = word;
      label = 1.0f;
    } else {
      const uint64_t r = next_random(&rng);
      const uint32_t i = (uint32_t)(((r >> 32) * (uint64_t)V) >> 32);
      target = (uint32_t)r < m->aliasProb[i] ? (int32_t)i : m->aliasIdx[i];
      if (target == word) continue;
      label = 0.0f;
    }
    float *out = m->syn1neg + (uint32_t)target * (uint32_t)dim;
    const float f = dot(in, out, dim);
    loss -= log_sigmoid(m->lossTable, label > 0.5f ? f : -f);
    float g;
    if (f > MAX_EXP) g = (label - 1.0f) * alpha;
    else if (f < -MAX_EXP) g = label * alpha;
    else g = (label - sigmoid_table(m->expTable, f)) * alpha;
    update_pair(g, in, out, err, dim);
  }
  job->seedLo = (uint32_t)rng;
  job->seedHi = (uint32_t)(rng >> 32);
  return loss;
}

static inline __attribute__((always_inline)) double predict(const Model *m, Job *job, const float *in, float *err, int32_t word, float alpha, uint64_t *rng) {
  double loss = 0.0;
  if (m->hs) loss += predict_hs(m, in, err, word, alpha);
  if (m->negative > 0) {
    job->seedLo = (uint32_t)*rng;
    job->seedHi = (uint32_t)(*rng >> 32);
    loss += predict_neg(m, job, in, err, word, alpha);
    *rng = ((uint64_t)job->seedHi << 32) | job->seedLo;
  }
  return loss;
}

/* Trains one job (a batch of sentences of vocabulary indices). Results go to the job's output fields. */
__attribute__((export_name("train_job"))) void train_job(const Model *m, Job *job) {
  const int dim = m->dim;
  const int window = m->window;
  float *neu1 = job->neu1;
  float *neu1e = job->neu1e;
  int32_t *sen = job->sen;
  uint64_t rng = ((uint64_t)job->seedHi << 32) | job->seedLo;
  if (rng == 0) rng = 0x9E3779B97F4A7C15ULL;
  double loss = 0.0, predictions = 0.0, trained = 0.0;
  const float a0 = job->alphaStart;
  const float da = job->nWords > 0 ? (job->alphaEnd - job->alphaStart) / (float)job->nWords : 0.0f;
  int32_t pos0 = 0;
  for (int32_t s = 0; s < job->nSent; s++) {
    const int32_t len0 = job->sentLens[s];
    const int32_t *words = job->words + pos0;
    /* Frequent-word subsampling happens before windowing, as in word2vec.c and gensim. */
    int32_t len = 0;
    for (int32_t i = 0; i < len0; i++) {
      const int32_t w = words[i];
      if (m->sampleInt[w] < (uint32_t)(next_random(&rng) >> 32)) continue;
      sen[len++] = w;
    }
    const float alpha = a0 + da * (float)pos0;
    pos0 += len0;
    trained += len;
    for (int32_t pos = 0; pos < len; pos++) {
      const int32_t word = sen[pos];
      const int32_t b = (int32_t)(((next_random(&rng) >> 32) * (uint64_t)window) >> 32);
      int32_t lo = pos - window + b, hi = pos + window - b;
      if (lo < 0) lo = 0;
      if (hi >= len) hi = len - 1;
      if (!m->sg) {
        int32_t cw = 0;
        zero(neu1, dim);
        for (int32_t c = lo; c <= hi; c++) {
          if (c == pos) continue;
          add(m->syn0 + (uint32_t)sen[c] * (uint32_t)dim, neu1, dim);
          cw++;
        }
        if (cw == 0) continue;
        if (m->cbowMean) scale(neu1, 1.0f / (float)cw, dim);
        zero(neu1e, dim);
        loss += predict(m, job, neu1, neu1e, word, alpha, &rng);
        predictions += 1.0;
        for (int32_t c = lo; c <= hi; c++) {
          if (c == pos) continue;
          add(neu1e, m->syn0 + (uint32_t)sen[c] * (uint32_t)dim, dim);
        }
      } else {
        for (int32_t c = lo; c <= hi; c++) {
          if (c == pos) continue;
          float *l1 = m->syn0 + (uint32_t)sen[c] * (uint32_t)dim;
          zero(neu1e, dim);
          loss += predict(m, job, l1, neu1e, word, alpha, &rng);
          predictions += 1.0;
          add(neu1e, l1, dim);
        }
      }
    }
  }
  job->loss = loss;
  job->predictions = predictions;
  job->trainedWords = trained;
}
