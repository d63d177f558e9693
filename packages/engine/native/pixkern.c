/*
 * PixPNet's native training kernels: C compiled to wasm32 with 128-bit SIMD (`native/build.mjs`).
 *
 * The module imports the tfjs wasm backend's own memory (`env.memory`) and works on its tensors in place: every
 * pointer is a byte offset into that heap. It therefore must not own any memory itself: no static data, no
 * globals, no stack: the build refuses a binary with a data section, and links a stack of size 0 at address 0,
 * so any use of the C stack would trap out of bounds rather than overwrite the heap. Every function is pure
 * arithmetic over the ranges it is given, so several threads can run disjoint ranges of one call at once.
 */
#include <wasm_simd128.h>

typedef float f32;

#define EXPORT(name) __attribute__((export_name(#name)))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* ceil(a / b) for b > 0 and any a. */
static inline int ceil_div(int a, int b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }
/* floor(a / b) for b > 0 and any a. */
static inline int floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/*
 * One block of the filter gradient: dw[ci0 .. ci0+CN) x [co0 .. co0+4*CV) += sum over the given output rows and
 * columns of x(pixel feeding this tap) * dy(pixel). The accumulators live in registers for the whole block.
 */
#define FG_BLOCK(CN, CV)                                                                                         \
  static void fg_block_##CN##_##CV(const f32 *x, const f32 *dy, f32 *dw, int rows, int cols, int xRowStep,       \
                                   int xColStep, int dyRowStep, int O) {                                         \
    v128_t a[CN][CV];                                                                                            \
    for (int k = 0; k < CN; k++)                                                                                 \
      for (int v = 0; v < CV; v++) a[k][v] = wasm_v128_load(dw + k * O + 4 * v);                                 \
    for (int r = 0; r < rows; r++) {                                                                             \
      const f32 *xp = x + r * xRowStep;                                                                          \
      const f32 *dp = dy + r * dyRowStep;                                                                        \
      for (int c = 0; c < cols; c++) {                                                                           \
        v128_t d[CV];                                                                                            \
        for (int v = 0; v < CV; v++) d[v] = wasm_v128_load(dp + 4 * v);                                          \
        for (int k = 0; k < CN; k++) {                                                                           \
          v128_t s = wasm_v128_load32_splat(xp + k);                                                             \
          for (int v = 0; v < CV; v++) a[k][v] = wasm_f32x4_add(a[k][v], wasm_f32x4_mul(s, d[v]));              \
        }                                                                                                        \
        xp += xColStep;                                                                                          \
        dp += O;                                                                                                 \
      }                                                                                                          \
    }                                                                                                            \
    for (int k = 0; k < CN; k++)                                                                                 \
      for (int v = 0; v < CV; v++) wasm_v128_store(dw + k * O + 4 * v, a[k][v]);                                \
  }

FG_BLOCK(4, 2)
FG_BLOCK(3, 2)
FG_BLOCK(2, 2)
FG_BLOCK(1, 2)
FG_BLOCK(4, 1)
FG_BLOCK(3, 1)
FG_BLOCK(2, 1)
FG_BLOCK(1, 1)

/* The scalar edge: output channels that do not fill a 4-lane vector. */
static void fg_scalar(const f32 *x, const f32 *dy, f32 *dw, int cn, int con, int rows, int cols, int xRowStep,
                      int xColStep, int dyRowStep, int O) {
  for (int k = 0; k < cn; k++)
    for (int o = 0; o < con; o++) {
      f32 acc = dw[k * O + o];
      for (int r = 0; r < rows; r++) {
        const f32 *xp = x + r * xRowStep + k;
        const f32 *dp = dy + r * dyRowStep + o;
        for (int c = 0; c < cols; c++) acc += xp[c * xColStep] * dp[c * O];
      }
      dw[k * O + o] = acc;
    }
}

static void fg_dispatch(int cn, int cv, const f32 *x, const f32 *dy, f32 *dw, int rows, int cols, int xRowStep,
                        int xColStep, int dyRowStep, int O) {
#define CASE(CN, CV)                                                                                              \
  case CN * 8 + CV:                                                                                              \
    fg_block_##CN##_##CV(x, dy, dw, rows, cols, xRowStep, xColStep, dyRowStep, O);                               \
    break;
  switch (cn * 8 + cv) {
    CASE(4, 2) CASE(3, 2) CASE(2, 2) CASE(1, 2) CASE(4, 1) CASE(3, 1) CASE(2, 1) CASE(1, 1)
  }
#undef CASE
}

/*
 * The filter gradient of a conv2d (NHWC input x [B,H,W,C], output gradient dy [B,Ho,Wo,O], filter [KH,KW,C,O]),
 * for the output channels [o0, o1) only: dw[i,j,c,o] = sum over b, ho, wo of
 * x[b, ho*sh + i*dh - pt, wo*sw + j*dw - pl, c] * dy[b, ho, wo, o] (zero padding outside the input).
 * The pixels are visited in groups of `groupRows` output rows, and every tap, input- and output-channel block is
 * done on a group before the next, so that the group's rows of x and dy stay in cache.
 */
EXPORT(filter_grad)
void filter_grad(const f32 *x, const f32 *dy, f32 *dw, int B, int H, int W, int C, int Ho, int Wo, int O, int KH,
                 int KW, int sh, int sw, int dh, int dwl, int pt, int pl, int o0, int o1, int groupRows) {
  for (int t = 0; t < KH * KW * C; t++)
    for (int o = o0; o < o1; o++) dw[t * O + o] = 0.0f;
  if (groupRows < 1) groupRows = 1;
  for (int b = 0; b < B; b++) {
    for (int g0 = 0; g0 < Ho; g0 += groupRows) {
      int g1 = MIN(Ho, g0 + groupRows);
      for (int i = 0; i < KH; i++) {
        /* output rows whose input row ho*sh + i*dh - pt lies in [0, H) */
        int hs = MAX(g0, ceil_div(pt - i * dh, sh));
        int he = MIN(g1, floor_div(H - 1 + pt - i * dh, sh) + 1);
        if (hs >= he) continue;
        for (int j = 0; j < KW; j++) {
          int ws = MAX(0, ceil_div(pl - j * dwl, sw));
          int we = MIN(Wo, floor_div(W - 1 + pl - j * dwl, sw) + 1);
          if (ws >= we) continue;
          const f32 *xb = x + (((long)b * H + (hs * sh + i * dh - pt)) * W + (ws * sw + j * dwl - pl)) * C;
          const f32 *dyb = dy + (((long)b * Ho + hs) * Wo + ws) * O;
          f32 *dwt = dw + (i * KW + j) * C * O;
          int rows = he - hs, cols = we - ws;
          int xRowStep = sh * W * C, xColStep = sw * C, dyRowStep = Wo * O;
          for (int c0 = 0; c0 < C; c0 += 4) {
            int cn = MIN(4, C - c0);
            int o = o0;
            for (; o + 8 <= o1; o += 8)
              fg_dispatch(cn, 2, xb + c0, dyb + o, dwt + c0 * O + o, rows, cols, xRowStep, xColStep, dyRowStep, O);
            for (; o + 4 <= o1; o += 4)
              fg_dispatch(cn, 1, xb + c0, dyb + o, dwt + c0 * O + o, rows, cols, xRowStep, xColStep, dyRowStep, O);
            if (o < o1)
              fg_scalar(xb + c0, dyb + o, dwt + c0 * O + o, cn, o1 - o, rows, cols, xRowStep, xColStep, dyRowStep, O);
          }
        }
      }
    }
  }
}

/*
 * Per-channel sums over the rows [r0, r1) of [rows, C] matrices, by `mode`:
 *   0: out[c] = sum x[r, c]
 *   1: out[c] = sum (x[r, c] - center[c])^2                      (a variance's numerator)
 *   2: out[c] = sum x[r, c],  out2[c] = sum x[r, c] * (y[r, c] - center[c])   (batch norm's backward sums)
 * Rows are added in float in blocks of 64 (from r0) into `tmp` (2*C floats), and the blocks' sums in double into
 * `out`/`out2` (C doubles each): with ranges that start at multiples of 64, the totals of a split call equal those of
 * one call up to double rounding, so the results do not depend on the thread count.
 */
EXPORT(channel_sums)
void channel_sums(int mode, const f32 *x, const f32 *y, const f32 *center, int r0, int r1, int C, f32 *tmp, double *out,
                  double *out2) {
  for (int c = 0; c < C; c++) out[c] = 0.0;
  if (mode == 2)
    for (int c = 0; c < C; c++) out2[c] = 0.0;
  f32 *t1 = tmp, *t2 = tmp + C;
  for (int b0 = r0; b0 < r1; b0 += 64) {
    int b1 = MIN(r1, b0 + 64);
    for (int c = 0; c < C; c++) t1[c] = t2[c] = 0.0f;
    for (int r = b0; r < b1; r++) {
      const f32 *xr = x + (long)r * C;
      int c = 0;
      if (mode == 1) {
        for (; c + 4 <= C; c += 4) {
          v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + c), wasm_v128_load(center + c));
          wasm_v128_store(t1 + c, wasm_f32x4_add(wasm_v128_load(t1 + c), wasm_f32x4_mul(d, d)));
        }
        for (; c < C; c++) { f32 d = xr[c] - center[c]; t1[c] += d * d; }
      } else if (mode == 2) {
        const f32 *yr = y + (long)r * C;
        for (; c + 4 <= C; c += 4) {
          v128_t xv = wasm_v128_load(xr + c);
          v128_t yc = wasm_f32x4_sub(wasm_v128_load(yr + c), wasm_v128_load(center + c));
          wasm_v128_store(t1 + c, wasm_f32x4_add(wasm_v128_load(t1 + c), xv));
          wasm_v128_store(t2 + c, wasm_f32x4_add(wasm_v128_load(t2 + c), wasm_f32x4_mul(xv, yc)));
        }
        for (; c < C; c++) { t1[c] += xr[c]; t2[c] += xr[c] * (yr[c] - center[c]); }
      } else {
        for (; c + 4 <= C; c += 4)
          wasm_v128_store(t1 + c, wasm_f32x4_add(wasm_v128_load(t1 + c), wasm_v128_load(xr + c)));
        for (; c < C; c++) t1[c] += xr[c];
      }
    }
    for (int c = 0; c < C; c++) out[c] += (double)t1[c];
    if (mode == 2)
      for (int c = 0; c < C; c++) out2[c] += (double)t2[c];
  }
}

/*
 * out[r, c] = (a[r, c] - ca[c]) * s[c] + (b[r, c] - cb[c]) * u[c] + t[c] over the rows [r0, r1) of [rows, C]
 * matrices; `ca` and `cb` may be null (no centring), `b` null (no second term). With `relu`, negative results
 * become 0 (NaN stays NaN). Batch norm's forward (a = x) and input gradient (a = dy, b = x) in one pass each.
 */
EXPORT(channel_affine)
void channel_affine(const f32 *a, const f32 *ca, const f32 *s, const f32 *b, const f32 *cb, const f32 *u,
                    const f32 *t, int r0, int r1, int C, int relu, f32 *out) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  for (int r = r0; r < r1; r++) {
    const f32 *ar = a + (long)r * C;
    const f32 *br = b ? b + (long)r * C : 0;
    f32 *o = out + (long)r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4) {
      v128_t av = wasm_v128_load(ar + c);
      if (ca) av = wasm_f32x4_sub(av, wasm_v128_load(ca + c));
      v128_t v = wasm_f32x4_add(wasm_f32x4_mul(av, wasm_v128_load(s + c)), wasm_v128_load(t + c));
      if (br) {
        v128_t bv = wasm_v128_load(br + c);
        if (cb) bv = wasm_f32x4_sub(bv, wasm_v128_load(cb + c));
        v = wasm_f32x4_add(v, wasm_f32x4_mul(bv, wasm_v128_load(u + c)));
      }
      if (relu) v = wasm_f32x4_max(v, zero);
      wasm_v128_store(o + c, v);
    }
    for (; c < C; c++) {
      f32 v = (ca ? ar[c] - ca[c] : ar[c]) * s[c] + t[c];
      if (br) v += (cb ? br[c] - cb[c] : br[c]) * u[c];
      if (relu && v < 0.0f) v = 0.0f;
      o[c] = v;
    }
  }
}

/*
 * The gradient of a max pool (NHWC x [B,H,W,C], dy [B,Ho,Wo,C], dx like x) for the images [b0, b1): each window's
 * gradient goes to its first maximum in row-major order (padding never wins; a window of NaN or -Inf sends it to
 * its first valid pixel), as in TensorFlow. Windows of different images never overlap, so threads take images.
 */
EXPORT(max_pool_grad)
void max_pool_grad(const f32 *x, const f32 *dy, f32 *dx, int H, int W, int C, int Ho, int Wo, int kh, int kw, int sh,
                   int sw, int top, int left, int b0, int b1) {
  for (long k = (long)b0 * H * W * C; k < (long)b1 * H * W * C; k++) dx[k] = 0.0f;
  for (int b = b0; b < b1; b++) {
    const f32 *xb = x + (long)b * H * W * C;
    f32 *dxb = dx + (long)b * H * W * C;
    for (int i = 0; i < Ho; i++) {
      int r0 = MAX(0, i * sh - top), r1 = MIN(H, i * sh - top + kh);
      for (int j = 0; j < Wo; j++) {
        int q0 = MAX(0, j * sw - left), q1 = MIN(W, j * sw - left + kw);
        if (r0 >= r1 || q0 >= q1) continue;
        const f32 *g = dy + (((long)b * Ho + i) * Wo + j) * C;
        for (int c = 0; c < C; c++) {
          long at = ((long)r0 * W + q0) * C + c;
          f32 best = xb[at];
          for (int r = r0; r < r1; r++)
            for (int q = q0; q < q1; q++) {
              long k = ((long)r * W + q) * C + c;
              if (xb[k] > best) { best = xb[k]; at = k; } /* strictly greater: the first maximum wins ties */
            }
          dxb[at] += g[c];
        }
      }
    }
  }
}

/*
 * The filter of a convolution's input gradient: out[KH-1-i, KW-1-j, o, c] = w[i, j, c, o] (taps reversed, channels
 * swapped), in 4x4 channel tiles so that both sides are read and written in runs.
 */
EXPORT(filter_flip)
void filter_flip(const f32 *w, f32 *out, int KH, int KW, int C, int O) {
  for (int i = 0; i < KH; i++)
    for (int j = 0; j < KW; j++) {
      const f32 *src = w + (i * KW + j) * C * O;
      f32 *dst = out + ((KH - 1 - i) * KW + (KW - 1 - j)) * O * C;
      for (int c0 = 0; c0 < C; c0 += 4)
        for (int o0 = 0; o0 < O; o0 += 4) {
          int cn = MIN(4, C - c0), on = MIN(4, O - o0);
          for (int c = c0; c < c0 + cn; c++)
            for (int o = o0; o < o0 + on; o++) dst[o * C + c] = src[c * O + o];
        }
    }
}

/*
 * The machine's 128-bit SIMD ceiling, for the benchmarks: `iters` rounds of the filter-gradient block's
 * instruction mix with nothing but registers (15 live vectors: x86 has 16): 8 accumulators a[k][v] +=
 * x[k] * d[v] for 4 constant vectors x and 2 vectors d that change every round, i.e. 8 f32x4 multiplies and 10
 * adds per round, counted as 64 flops. Returns a value that depends on every lane.
 */
EXPORT(simd_peak)
f32 simd_peak(int iters) {
  v128_t d0 = wasm_f32x4_splat(1.0f), d1 = wasm_f32x4_splat(2.0f), e = wasm_f32x4_splat(1e-7f);
  v128_t x[4], a[4][2];
  for (int k = 0; k < 4; k++) {
    x[k] = wasm_f32x4_splat(1.0f + (f32)k);
    a[k][0] = a[k][1] = wasm_f32x4_splat(0.0f);
  }
  for (int i = 0; i < iters; i++) {
    for (int k = 0; k < 4; k++) {
      a[k][0] = wasm_f32x4_add(a[k][0], wasm_f32x4_mul(x[k], d0));
      a[k][1] = wasm_f32x4_add(a[k][1], wasm_f32x4_mul(x[k], d1));
    }
    d0 = wasm_f32x4_add(d0, e);
    d1 = wasm_f32x4_add(d1, e);
  }
  v128_t s = a[0][0];
  for (int k = 0; k < 4; k++) s = wasm_f32x4_add(wasm_f32x4_add(s, a[k][1]), k ? a[k][0] : e);
  return wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1) + wasm_f32x4_extract_lane(s, 2) +
         wasm_f32x4_extract_lane(s, 3);
}
