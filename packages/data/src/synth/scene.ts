/**
 * The background of the scattered layout: a gradient with texture, clutter (branches, leaves, stones, blobs) and
 * loose distractor parts (beaks, wings, tails and crowns drawn exactly as a bird's, in random attribute values),
 * all behind the bird and the loose parts off it, so nothing covers the bird's parts.
 */
import type { Rng } from '@pixpnet/engine';
import { ATTRIBUTES, DEFINING_PARTS, PLAIN_ATTRIBUTES, affine, apply, canvasOf, matrix, partDrawing } from './bird.js';
import type { CanvasSize, ScatteredBird } from './bird.js';

/** Counts of the scattered layout's background objects (inclusive ranges). */
export const SCENE = {
  /** Clutter shapes behind the bird. */
  clutter: [6, 12],
  /** Loose distractor parts tried per image (fewer fit beside a large bird). */
  looseParts: [2, 4],
  /** Size of a loose part relative to the bird's own parts. */
  loosePartScale: [0.8, 1.25],
} as const;

type Box = [number, number, number, number]; // x0, y0, x1, y1

const f1 = (v: number) => v.toFixed(1);
const between = (rng: Rng, [lo, hi]: readonly [number, number]) => lo + rng.int(hi - lo + 1);

/** One clutter shape somewhere in the image. */
function clutterShape(W: number, H: number, rng: Rng): string {
  const size = Math.min(W, H); // the unit of sizes
  const kind = rng.int(4);
  const x = rng.range(0, W), y = rng.range(0, H), a = rng.range(0, 360);
  const colour = `hsl(${rng.int(360)},${rng.range(15, 50).toFixed(0)}%,${rng.range(30, 75).toFixed(0)}%)`;
  if (kind === 0) { // a branch with a twig or two
    const len = size * rng.range(0.35, 0.9), t = (a * Math.PI) / 180, w = size * rng.range(0.012, 0.03);
    const [ex, ey] = [x + len * Math.cos(t), y + len * Math.sin(t)];
    const bend = len * rng.range(-0.15, 0.15);
    const [mx, my] = [(x + ex) / 2 - bend * Math.sin(t), (y + ey) / 2 + bend * Math.cos(t)];
    let d = `M${f1(x)},${f1(y)} Q${f1(mx)},${f1(my)} ${f1(ex)},${f1(ey)}`;
    for (let i = 1 + rng.int(2); i > 0; i--) {
      const k = rng.range(0.3, 0.8), tt = t + (rng.next() < 0.5 ? -1 : 1) * rng.range(0.4, 1.1), l = len * rng.range(0.15, 0.35);
      const [bx, by] = [x + (ex - x) * k, y + (ey - y) * k];
      d += ` M${f1(bx)},${f1(by)} L${f1(bx + l * Math.cos(tt))},${f1(by + l * Math.sin(tt))}`;
    }
    const brown = `hsl(${rng.range(15, 45).toFixed(0)},${rng.range(20, 45).toFixed(0)}%,${rng.range(22, 45).toFixed(0)}%)`;
    return `<path d="${d}" stroke="${brown}" stroke-width="${f1(w)}" stroke-linecap="round" fill="none"/>`;
  }
  if (kind === 1) { // a leaf
    const rx = size * rng.range(0.03, 0.1), ry = rx * rng.range(0.3, 0.7);
    return `<ellipse cx="${f1(x)}" cy="${f1(y)}" rx="${f1(rx)}" ry="${f1(ry)}" transform="rotate(${a.toFixed(0)} ${f1(x)} ${f1(y)})" fill="${colour}" opacity="${rng.range(0.6, 1).toFixed(2)}"/>`;
  }
  if (kind === 2) { // a stone
    const w = size * rng.range(0.05, 0.16), h = w * rng.range(0.4, 0.9);
    return `<rect x="${f1(x - w / 2)}" y="${f1(y - h / 2)}" width="${f1(w)}" height="${f1(h)}" rx="${f1(h * 0.3)}" transform="rotate(${a.toFixed(0)} ${f1(x)} ${f1(y)})" fill="${colour}"/>`;
  }
  const n = 5 + rng.int(3), rad = size * rng.range(0.03, 0.08); // a blob
  const pts = Array.from({ length: n }, (_, i) => {
    const u = (i / n) * 2 * Math.PI, q = rad * rng.range(0.6, 1.2);
    return `${f1(x + q * Math.cos(u))},${f1(y + q * Math.sin(u))}`;
  });
  return `<polygon points="${pts.join(' ')}" fill="${colour}" opacity="${rng.range(0.5, 0.9).toFixed(2)}"/>`;
}

const overlaps = (a: Box, b: Box) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

/**
 * The scattered layout's background for `bird` in a `size`-pixel square (or `width × height`): gradient and texture,
 * clutter, then loose distractor parts placed inside the image, off the bird's box (with a margin) and off each other.
 */
export function drawScene(canvas: CanvasSize, rng: Rng, bird: ScatteredBird): string {
  const { W, H, S: size } = canvasOf(canvas);
  const h = rng.int(360);
  const out = [`<defs><linearGradient id="bg" x1="${rng.next().toFixed(2)}" y1="0" x2="${rng.next().toFixed(2)}" y2="1">` +
    `<stop offset="0" stop-color="hsl(${h},${rng.range(20, 40).toFixed(0)}%,${rng.range(65, 88).toFixed(0)}%)"/>` +
    `<stop offset="1" stop-color="hsl(${(h + rng.range(20, 90)) % 360},${rng.range(20, 40).toFixed(0)}%,${rng.range(50, 78).toFixed(0)}%)"/></linearGradient></defs>` +
    `<rect width="${W}" height="${H}" fill="url(#bg)"/>`];
  for (let i = 6 + rng.int(10); i > 0; i--) { // texture: specks and faint lines
    if (rng.next() < 0.5) out.push(`<circle cx="${f1(rng.range(0, W))}" cy="${f1(rng.range(0, H))}" r="${f1(size * rng.range(0.005, 0.02))}" fill="hsl(${rng.int(360)},20%,50%)" opacity="0.5"/>`);
    else out.push(`<path d="M0,${f1(rng.range(0, H))} L${W},${f1(rng.range(0, H))}" stroke="hsl(${rng.int(360)},20%,55%)" stroke-width="${f1(size * rng.range(0.004, 0.012))}" opacity="0.4"/>`);
  }
  for (let i = between(rng, SCENE.clutter); i > 0; i--) out.push(clutterShape(W, H, rng));
  const [bx, by, bw, bh] = bird.bbox, margin = Math.max(2, size * 0.02);
  const taken: Box[] = [[bx - margin, by - margin, bx + bw + margin, by + bh + margin]];
  for (let i = between(rng, SCENE.looseParts); i > 0; i--) {
    const part = rng.pick(DEFINING_PARTS);
    const values = ATTRIBUTES[part].filter((v) => v !== PLAIN_ATTRIBUTES.crown); // a crown must be drawn
    const drawing = partDrawing(part, rng.pick(values));
    const scale = bird.placement.scale * rng.range(SCENE.loosePartScale[0], SCENE.loosePartScale[1]);
    const flip = rng.next() < 0.5, theta = (rng.range(-30, 30) * Math.PI) / 180;
    const rel = drawing.outline.map((q) => apply(affine(scale, flip, theta, 0, 0), q));
    const [x0, x1] = [Math.min(...rel.map((q) => q[0])), Math.max(...rel.map((q) => q[0]))];
    const [y0, y1] = [Math.min(...rel.map((q) => q[1])), Math.max(...rel.map((q) => q[1]))];
    for (let attempt = 0; attempt < 20; attempt++) { // rejection sampling; a part that finds no room is left out
      const tx = rng.range(1 - x0, Math.max(1 - x0, W - 1 - x1)), ty = rng.range(1 - y0, Math.max(1 - y0, H - 1 - y1));
      const box: Box = [tx + x0, ty + y0, tx + x1, ty + y1];
      if (box[2] > W || box[3] > H || taken.some((b) => overlaps(b, box))) continue;
      taken.push([box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin]);
      out.push(`<g transform="${matrix(affine(scale, flip, theta, tx, ty))}">${drawing.svg}</g>`);
      break;
    }
  }
  return out.join('');
}
