/*
 * The data pipeline's resampling loops in C, compiled to wasm32 with SIMD (`native/build.mjs`): the two passes of
 * `src/transforms/resample.ts` (PIL's bilinear resize in fixed point) with the same integer sums in the same order,
 * hence the same bytes; the tests check both against PIL's output. The module owns its memory (exported); the
 * caller places the image and the coefficients in it (`src/native/imgops.ts`).
 */
#include <wasm_simd128.h>

typedef unsigned char u8;

#define EXPORT(name) __attribute__((export_name(#name)))
#define BITS 22

static inline u8 clip8(int acc) {
  int v = acc >> BITS;
  return (u8)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* 4 bytes at p (the pixel's 3 and one more) as 4 int32 lanes. */
static inline v128_t load_px(const u8 *p) {
  v128_t v = wasm_v128_load32_zero(p);
  return wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(v));
}

/* acc >> BITS clamped to [0, 255], lane by lane. */
static inline v128_t clip8x4(v128_t acc) {
  return wasm_i32x4_min(wasm_i32x4_max(wasm_i32x4_shr(acc, BITS), wasm_i32x4_splat(0)), wasm_i32x4_splat(255));
}

/*
 * Horizontal pass: `rows` source rows from row y0 (RGB, W pixels) into tmp (outW pixels per row). Output column xx
 * sums count[xx] taps: weights[xx*taps + k] times source pixel first[xx] + k, the 3 channels as lanes of one
 * vector (int32 sums: the same in any order). Each pixel is loaded and stored as 4 bytes, so src must be readable
 * and tmp writable 1 byte past their ends.
 */
EXPORT(resample_h)
void resample_h(const u8 *src, int W, int y0, int rows, int outW, int taps, const int *first, const int *count,
                const int *weights, u8 *tmp) {
  int stride = outW * 3;
  for (int r = 0; r < rows; r++) {
    const u8 *line = src + (y0 + r) * W * 3;
    u8 *t = tmp + r * stride;
    for (int xx = 0; xx < outW; xx++) {
      const u8 *p = line + first[xx] * 3;
      const int *w = weights + xx * taps;
      v128_t acc = wasm_i32x4_splat(1 << (BITS - 1));
      for (int k = 0; k < count[xx]; k++) acc = wasm_i32x4_add(acc, wasm_i32x4_mul(load_px(p + 3 * k), wasm_i32x4_splat(w[k])));
      v128_t b = clip8x4(acc);
      v128_t packed = wasm_u8x16_narrow_i16x8(wasm_u16x8_narrow_i32x4(b, b), wasm_i16x8_splat(0));
      wasm_v128_store32_lane(t + 3 * xx, packed, 0);
    }
  }
}

/*
 * Vertical pass: output row yy is the sum over its count[yy] taps of weights[yy*taps + k] times tmp row
 * first[yy] + k (rows of `stride` bytes); 16 bytes at a time in 4 int32 vectors, the row's tail one by one.
 */
EXPORT(resample_v)
void resample_v(const u8 *tmp, int stride, int outH, const int *first, const int *count, const int *weights, int taps,
                u8 *out) {
  const int half = 1 << (BITS - 1);
  for (int yy = 0; yy < outH; yy++) {
    const u8 *base = tmp + first[yy] * stride;
    const int *w = weights + yy * taps;
    int n = count[yy];
    u8 *o = out + yy * stride;
    int i = 0;
    for (; i + 16 <= stride; i += 16) {
      v128_t a0 = wasm_i32x4_splat(half), a1 = a0, a2 = a0, a3 = a0;
      for (int k = 0; k < n; k++) {
        v128_t v = wasm_v128_load(base + k * stride + i), wk = wasm_i32x4_splat(w[k]);
        v128_t lo = wasm_u16x8_extend_low_u8x16(v), hi = wasm_u16x8_extend_high_u8x16(v);
        a0 = wasm_i32x4_add(a0, wasm_i32x4_mul(wasm_u32x4_extend_low_u16x8(lo), wk));
        a1 = wasm_i32x4_add(a1, wasm_i32x4_mul(wasm_u32x4_extend_high_u16x8(lo), wk));
        a2 = wasm_i32x4_add(a2, wasm_i32x4_mul(wasm_u32x4_extend_low_u16x8(hi), wk));
        a3 = wasm_i32x4_add(a3, wasm_i32x4_mul(wasm_u32x4_extend_high_u16x8(hi), wk));
      }
      v128_t b01 = wasm_u16x8_narrow_i32x4(clip8x4(a0), clip8x4(a1)), b23 = wasm_u16x8_narrow_i32x4(clip8x4(a2), clip8x4(a3));
      wasm_v128_store(o + i, wasm_u8x16_narrow_i16x8(b01, b23));
    }
    for (; i < stride; i++) {
      int acc = half;
      for (int k = 0; k < n; k++) acc += w[k] * base[k * stride + i];
      o[i] = clip8(acc);
    }
  }
}

static inline int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/* floor(v + 0.5) into a byte for v >= 0 (a convex blend of bytes: never above 255.5). */
static inline u8 half_up(double v) { return (u8)(int)(v + 0.5); }

/*
 * The separable convolution of `augment.ts` (`convolveSeparable`) over the output pixels [x0, x1) × [y0, y1) (the
 * rest of `out` is zeroed): `size` taps k along rows (doubles), then along columns, replicated edges, rounded half
 * up to bytes. Every value's taps are added in the order d = 0 .. size-1, as in JavaScript, with the tap loop
 * outside so the inner loops run along rows. The row pass keeps only the `size` rows the column pass needs, in a
 * ring (`ring`: size rows of W*3 doubles), so it stays in cache; acc is W*3 doubles.
 */
EXPORT(convolve_separable)
void convolve_separable(const u8 *src, int W, int H, const double *k, int size, int x0, int y0, int x1, int y1,
                        double *ring, double *acc, u8 *out) {
  int r = size >> 1, W3 = W * 3, c0 = x0 * 3, c1 = x1 * 3;
  __builtin_memset(out, 0, (unsigned long)W3 * H);
  if (x1 <= x0 || y1 <= y0) return;
  int lo_row = clampi(y0 - r, 0, H - 1), next = lo_row; /* the next source row the ring lacks */
  for (int y = y0; y < y1; y++) {
    int need = clampi(y + r, 0, H - 1);
    for (; next <= need; next++) {
      const u8 *row = src + next * W3;
      double *rp = ring + (next % size) * W3;
      for (int i = c0; i < c1; i++) rp[i] = 0;
      for (int d = 0; d < size; d++) {
        double kd = k[d];
        int shift = (d - r) * 3;
        /* columns whose tap d is inside the row: x + d - r in [0, W) */
        int lo = r - d > 0 ? (r - d) * 3 : 0, hi = W - (d - r) < W ? (W - (d - r)) * 3 : W3;
        if (lo > W3) lo = W3;
        if (hi < lo) hi = lo;
        int a = lo < c0 ? c0 : lo, b = hi > c1 ? c1 : hi;
        for (int i = c0; i < (lo < c1 ? lo : c1); i++) rp[i] += kd * row[i % 3];          /* left edge: column 0 */
        for (int i = a; i < b; i++) rp[i] += kd * row[i + shift];
        for (int i = hi > c0 ? hi : c0; i < c1; i++) rp[i] += kd * row[W3 - 3 + i % 3];    /* right edge: column W-1 */
      }
    }
    for (int i = c0; i < c1; i++) acc[i] = 0;
    for (int d = 0; d < size; d++) {
      double kd = k[d];
      const double *rp = ring + (clampi(y + d - r, 0, H - 1) % size) * W3;
      for (int i = c0; i < c1; i++) acc[i] += kd * rp[i];
    }
    u8 *o = out + y * W3;
    for (int i = c0; i < c1; i++) o[i] = half_up(acc[i]);
  }
}

/* torchvision's blend with factor f, rounded half up and clamped (d: the smoothed value). */
static inline u8 blend(int v, int d, double f) {
  double b = d + f * (v - d) + 0.5;
  return (u8)(b < 0 ? 0 : b >= 256 ? 255 : (int)b);
}

/*
 * `adjustSharpness` of `augment.ts` over the output pixels [x0, x1) × [y0, y1) (the rest of `out` zeroed): the
 * interior smoothed as (3x3 box sum + 4 * centre) / 13 rounded half up, blended with factor f (border pixels
 * kept), rounded half up and clamped. The rounding is done in integers: n/13 + 1/2 is never within 1/26 of a
 * whole number, so floor(n/13.0 + 0.5) in doubles is exactly (2n + 13) / 26.
 */
EXPORT(sharpness)
void sharpness(const u8 *src, int W, int H, double f, int x0, int y0, int x1, int y1, u8 *out) {
  int W3 = W * 3, c0 = x0 * 3, c1 = x1 * 3;
  __builtin_memset(out, 0, (unsigned long)W3 * H);
  /* interior columns of the region: [3, W3 - 3) */
  int i0 = c0 > 3 ? c0 : 3, i1 = c1 < W3 - 3 ? c1 : W3 - 3;
  for (int y = y0; y < y1; y++) {
    const u8 *row = src + y * W3;
    u8 *o = out + y * W3;
    if (y == 0 || y == H - 1 || i1 <= i0) {
      for (int i = c0; i < c1; i++) o[i] = blend(row[i], row[i], f);
      continue;
    }
    const u8 *up = row - W3, *dn = row + W3;
    for (int i = c0; i < i0; i++) o[i] = blend(row[i], row[i], f);
    for (int i = i0; i < i1; i++) {
      int v = row[i];
      int s = up[i - 3] + up[i] + up[i + 3] + row[i - 3] + v + row[i + 3] + dn[i - 3] + dn[i] + dn[i + 3];
      int d = (2 * (s + 4 * v) + 13) / 26;
      o[i] = blend(v, d, f);
    }
    for (int i = i1 > c0 ? i1 : c0; i < c1; i++) o[i] = blend(row[i], row[i], f);
  }
}
