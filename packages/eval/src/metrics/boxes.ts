/**
 * Prototype boxes for consistency and stability (spec §6.2): a centre per (image, prototype) by one of five
 * methods, a square of the box radius around it (lower edges clamped at 0, upper edges not), and which of the
 * image's parts it contains (IoU > 0 with the part's 1-pixel box; repeated parts, left and right eye, OR-ed).
 */
import type { MappedPart } from '@pixpnet/data';
import type { ProtoNet } from '@pixpnet/models';
import { argmaxCenter, naiveCenter, rfCenter } from '../maps/centers.js';
import type { RfHeatmaps } from '../maps/gaussian.js';

/** How a prototype's location in the image is found. */
export const BOX_METHODS = ['bbox', 'upsample', 'heatmap_max', 'heatmap_mean', 'center'] as const;
export type BoxMethod = (typeof BOX_METHODS)[number];

/** Throws on a name that is not a box method, listing them. */
export function checkBoxMethods(methods: readonly string[]): void {
  for (const m of methods) if (!(BOX_METHODS as readonly string[]).includes(m)) throw new Error(`Unknown box method '${m}': choose among ${BOX_METHODS.join(', ')}.`);
}

/** `[x0, y0, x1, y1]`. */
export type Box = [number, number, number, number];

/** The box radius the reference used at 224 px, scaled to the input size: `round(36 · size / 224)`. */
export function defaultBoxRadius(inputSize: number): number {
  return Math.round((36 * inputSize) / 224);
}

/** The square around a centre (spec §6.2): lower edges clamped at 0. */
export function boxAround([cx, cy]: [number, number], radius: number): Box {
  return [Math.max(0, cx - radius), Math.max(0, cy - radius), cx + radius, cy + radius];
}

/** Whether two boxes overlap with positive area (IoU > 0). */
export function overlaps(a: Box, b: Box): boolean {
  return Math.min(a[2], b[2]) - Math.max(a[0], b[0]) > 0 && Math.min(a[3], b[3]) - Math.max(a[1], b[1]) > 0;
}

/** Merged part id → whether the box contains it (any instance). */
export function partsInBox(parts: readonly MappedPart[], box: Box): Map<number, boolean> {
  const out = new Map<number, boolean>();
  for (const p of parts) out.set(p.partId, (out.get(p.partId) ?? false) || overlaps(p.box, box));
  return out;
}

/**
 * Centres `[x, y]` of the given prototypes in one image. `minDistIdxs` are the image's best cells (length P);
 * the heat-map methods need the RF maps of those prototypes (`rfHeatmaps` with `{ prototypes }`).
 */
export function prototypeCenters(method: BoxMethod, model: ProtoNet, prototypes: readonly number[], minDistIdxs: ArrayLike<number>, maps?: Pick<RfHeatmaps, 'max' | 'avg'>): Array<[number, number]> {
  const size = model.config.inputSize, [H, W] = size;
  switch (method) {
    case 'bbox':
      return prototypes.map((p) => rfCenter(model.rfBoxes[minDistIdxs[p]!]!));
    case 'upsample':
      return prototypes.map((p) => naiveCenter(minDistIdxs[p]!, model.latentGrid, size));
    case 'center':
      return prototypes.map(() => [Math.floor(W / 2), Math.floor(H / 2)]);
    case 'heatmap_max':
    case 'heatmap_mean': {
      if (!maps) throw new Error(`prototypeCenters: the ${method} method needs the prototypes' RF heat maps.`);
      const m = method === 'heatmap_max' ? maps.max : maps.avg;
      return prototypes.map((_, q) => argmaxCenter(m, q * H * W, size));
    }
    default:
      throw new Error(`Unknown box method '${method as string}': choose one of ${BOX_METHODS.join(', ')}.`);
  }
}
