/*
 * The data pipeline's resampling loops in C, compiled to wasm32 with SIMD (`native/build.mjs`): the two passes of
 * `src/transforms/resample.ts` (PIL's bilinear resize in fixed point) with the same integer sums in the same order,
 * hence the same bytes; the tests check both against PIL's output. The module owns its memory (exported); the
 * caller places the image and the coefficients in it (`src/native/imgops.ts`).
 */
typedef unsigned char u8;

#define EXPORT(name) __attribute__((export_name(#name)))
#define BITS 22

static inline u8 clip8(int acc) {
  int v = acc >> BITS;
  return (u8)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/*
 * Horizontal pass: `rows` source rows from row y0 (RGB, W pixels) into tmp (outW pixels per row). Taps are
 * tap-major: for tap k, output column xx has weight wk[k*outW + xx] and source byte offset ik[k*outW + xx].
 * acc is scratch of outW*3 ints.
 */
EXPORT(resample_h)
void resample_h(const u8 *src, int W, int y0, int rows, int outW, int taps, const int *wk, const int *ik, int *acc, u8 *tmp) {
  int stride = outW * 3;
  for (int r = 0; r < rows; r++) {
    const u8 *line = src + (y0 + r) * W * 3;
    for (int i = 0; i < stride; i++) acc[i] = 1 << (BITS - 1);
    for (int k = 0; k < taps; k++) {
      const int *w = wk + k * outW, *ix = ik + k * outW;
      for (int xx = 0; xx < outW; xx++) {
        const u8 *p = line + ix[xx];
        int wt = w[xx];
        acc[3 * xx] += wt * p[0];
        acc[3 * xx + 1] += wt * p[1];
        acc[3 * xx + 2] += wt * p[2];
      }
    }
    u8 *t = tmp + r * stride;
    for (int i = 0; i < stride; i++) t[i] = clip8(acc[i]);
  }
}

/*
 * Vertical pass: output row yy is the sum over its count[yy] taps of weights[yy*taps + k] times tmp row
 * first[yy] + k (rows of `stride` bytes). acc is scratch of stride ints.
 */
EXPORT(resample_v)
void resample_v(const u8 *tmp, int stride, int outH, const int *first, const int *count, const int *weights, int taps,
                int *acc, u8 *out) {
  for (int yy = 0; yy < outH; yy++) {
    for (int i = 0; i < stride; i++) acc[i] = 1 << (BITS - 1);
    for (int k = 0; k < count[yy]; k++) {
      int w = weights[yy * taps + k];
      const u8 *row = tmp + (first[yy] + k) * stride;
      for (int i = 0; i < stride; i++) acc[i] += w * row[i];
    }
    u8 *o = out + yy * stride;
    for (int i = 0; i < stride; i++) o[i] = clip8(acc[i]);
  }
}

/* JavaScript's Math.round: the nearest integer, halves towards +infinity (v - floor(v) is exact). */
static inline double js_round(double v) {
  double r = __builtin_floor(v);
  return v - r >= 0.5 ? r + 1.0 : r;
}

/* Math.max(0, Math.min(255, Math.round(v))) for a finite v. */
static inline u8 round8(double v) {
  double r = js_round(v);
  return (u8)(r < 0.0 ? 0.0 : r > 255.0 ? 255.0 : r);
}

static inline int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/*
 * The separable convolution of `augment.ts` (`convolveSeparable`): `size` taps k along rows into rowPass (doubles),
 * then along columns, replicated edges, rounded to bytes; the same double sums in the same order.
 */
EXPORT(convolve_separable)
void convolve_separable(const u8 *src, int W, int H, const double *k, int size, double *rowPass, u8 *out) {
  int r = size >> 1;
  for (int y = 0; y < H; y++) {
    const u8 *row = src + y * W * 3;
    double *rp = rowPass + y * W * 3;
    for (int x = 0; x < W; x++)
      for (int c = 0; c < 3; c++) {
        double acc = 0;
        for (int d = 0; d < size; d++) acc += k[d] * row[clampi(x + d - r, 0, W - 1) * 3 + c];
        rp[x * 3 + c] = acc;
      }
  }
  for (int y = 0; y < H; y++) {
    u8 *o = out + y * W * 3;
    for (int i = 0; i < W * 3; i++) {
      double acc = 0;
      for (int d = 0; d < size; d++) acc += k[d] * rowPass[clampi(y + d - r, 0, H - 1) * W * 3 + i];
      o[i] = round8(acc);
    }
  }
}

/*
 * `adjustSharpness` of `augment.ts`: the interior smoothed as (3x3 box sum + 4 * centre) / 13 rounded, blended with
 * factor f (border pixels kept), rounded.
 */
EXPORT(sharpness)
void sharpness(const u8 *src, int W, int H, double f, u8 *out) {
  int W3 = W * 3;
  for (int y = 0; y < H; y++)
    for (int i = 0; i < W3; i++) {
      int x = i / 3, v = src[y * W3 + i];
      double d = v;
      if (y != 0 && y != H - 1 && x != 0 && x != W - 1) {
        int s = 0;
        for (int dy = -1; dy <= 1; dy++)
          for (int dx = -3; dx <= 3; dx += 3) s += src[(y + dy) * W3 + i + dx];
        d = round8((double)(s + 4 * v) / 13.0);
      }
      out[y * W3 + i] = round8(d + f * (v - d));
    }
}
