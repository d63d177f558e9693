/** Natural sort of model names: runs of digits compare as numbers (vgg11 < vgg13 < vgg16_bn < vgg19 < …). */

const CHUNK = /\d+|\D+/g;

/**
 * Compares two strings chunk by chunk: digit runs as numbers (ties broken by fewer leading zeros), other runs by
 * code point; a string that is a prefix of the other comes first. `resnet18 < resnet50 < resnet101`.
 */
export function naturalCompare(a: string, b: string): number {
  const x = a.match(CHUNK) ?? [], y = b.match(CHUNK) ?? [];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]!, q = y[i]!;
    if (p === q) continue;
    const pn = /^\d/.test(p), qn = /^\d/.test(q);
    if (pn && qn) {
      const d = Number(p) - Number(q);
      if (d !== 0) return d < 0 ? -1 : 1;
      return p.length - q.length < 0 ? -1 : 1;
    }
    return p < q ? -1 : 1;
  }
  return x.length - y.length === 0 ? 0 : x.length < y.length ? -1 : 1;
}

/** The sweep's row order: dataset, then model (both natural), then stage number and name, then input size. */
export function compareSweepRows<T extends { dataset: string; model: string; stageNumber: number; stageName: string; height: number; width: number }>(a: T, b: T): number {
  return naturalCompare(a.dataset, b.dataset) || naturalCompare(a.model, b.model) || a.stageNumber - b.stageNumber ||
    naturalCompare(a.stageName, b.stageName) || a.height - b.height || a.width - b.width;
}
