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
