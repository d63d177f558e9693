/**
 * Point mappings of a prototype's best latent cell (spec §2.10a, §2.10d, §6.2): the centre of its exact receptive
 * field, and the naive cell midpoint ProtoPNet-style upsampling implies.
 */
import type { RfBox } from '@pixpnet/models';
import { roundHalfEven } from '@pixpnet/engine';

/** The naive pixel midpoint of each of `cells` latent cells along an axis of `size` pixels: `round((i + 0.5) · size / cells)`. */
export function naiveMidpoints(cells: number, size: number): number[] {
  return Array.from({ length: cells }, (_, i) => roundHalfEven(((i + 0.5) * size) / cells));
}

/** The naive midpoint `[x, y]` of cell `index` (row-major) of a `Hz × Wz` grid on an `H × W` image (§2.10d). */
export function naiveCenter(index: number, grid: readonly [number, number], size: readonly [number, number]): [number, number] {
  const [Hz, Wz] = grid, [H, W] = size;
  return [naiveMidpoints(Wz, W)[index % Wz]!, naiveMidpoints(Hz, H)[Math.floor(index / Wz)]!];
}

/** The centre `[x, y]` of a receptive field (exclusive stops, §6.2 `bbox`). */
export function rfCenter(box: RfBox): [number, number] {
  const [h0, h1, w0, w1] = box;
  return [(w0 + w1) / 2, (h0 + h1) / 2];
}

/** The mean `[x, y]` of the pixels that equal the maximum of an `H × W` map (§6.2 `heatmap_max` / `heatmap_mean`); NaNs are ignored. */
export function argmaxCenter(map: Float32Array, offset: number, size: readonly [number, number]): [number, number] {
  const [H, W] = size;
  let best = -Infinity;
  for (let i = 0; i < H * W; i++) { const v = map[offset + i]!; if (v > best) best = v; }
  let sx = 0, sy = 0, n = 0;
  for (let i = 0; i < H * W; i++) {
    if (map[offset + i] === best) { sx += i % W; sy += Math.floor(i / W); n++; }
  }
  return n ? [sx / n, sy / n] : [NaN, NaN]; // an all-NaN map (the avg map where no field reaches): no location, as the reference
}
