/**
 * The synthetic bird: a body with head, crown, beak, eye, wing, tail and legs, drawn as SVG in a canonical frame
 * (facing right, unit size) and placed by one affine transform, so every part's keypoint is known exactly.
 * Classes are defined by the attributes of two (classes 151–200: three) of the parts {beak, wing, tail, crown};
 * everything else varies.
 */
import type { Rng } from '@pixpnet/engine';

/** Parts whose attributes can define a class. */
export const DEFINING_PARTS = ['beak', 'wing', 'tail', 'crown'] as const;
export type DefiningPart = (typeof DEFINING_PARTS)[number];

/** The attribute values each defining part can take. */
export const ATTRIBUTES: Record<DefiningPart, string[]> = {
  beak: ['orange-short', 'orange-long', 'black-short', 'black-long', 'red-hooked'],
  wing: ['plain-blue', 'striped-black', 'spotted-white', 'plain-red', 'striped-yellow'],
  tail: ['fan-green', 'pointed-black', 'forked-red', 'fan-purple', 'pointed-white'],
  crown: ['cap-red', 'cap-blue', 'crest-yellow', 'crest-black', 'none-grey'],
};

/** A class: two (or three) defining parts with fixed attribute values. */
export interface ClassSpec {
  name: string;
  parts: Partial<Record<DefiningPart, string>>;
}

/** The most classes {@link makeClasses} makes: as many as CUB-200-2011 has. */
export const MAX_CLASSES = 200;

/**
 * `count` (1 to {@link MAX_CLASSES}) distinct classes (seeded). The first 150 fix the attributes of two parts (every
 * such pair, shuffled); classes 151 to 200 fix three parts, none of them to the plain look (`none-grey` crown), so
 * that with plain distractors no class looks like another. The first `n` classes are the same for any `count ≥ n`.
 */
export function makeClasses(count: number, rng: Rng): ClassSpec[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_CLASSES) {
    throw new Error(`At most ${MAX_CLASSES} synthetic classes can be made (as CUB-200-2011 has), not ${count}: give 1 to ${MAX_CLASSES} classes.`);
  }
  const pairs = combinations(2);
  if (count <= pairs.length) return rng.shuffle(pairs).slice(0, count); // exactly the classes of the two-part generator
  const triples = combinations(3).filter((c) => !Object.values(c.parts).includes(PLAIN_ATTRIBUTES.crown));
  return [...rng.shuffle(pairs), ...rng.shuffle(triples).slice(0, count - pairs.length)];
}

/** Every class fixing `k` of the defining parts: part sets in order, then their values in order. */
function combinations(k: 2 | 3): ClassSpec[] {
  const sets: DefiningPart[][] = [];
  const choose = (from: number, chosen: DefiningPart[]): void => {
    if (chosen.length === k) sets.push(chosen);
    else for (let i = from; i < DEFINING_PARTS.length; i++) choose(i + 1, [...chosen, DEFINING_PARTS[i]!]);
  };
  choose(0, []);
  return sets.flatMap((parts) => parts.reduce<[DefiningPart, string][][]>((acc, p) => acc.flatMap((c) => ATTRIBUTES[p].map((v) => [...c, [p, v] as [DefiningPart, string]])), [[]])
    .map((c) => ({ name: c.map(([p, v]) => `${v} ${p}`).join(', '), parts: Object.fromEntries(c) })));
}

/** CUB's 15 part ids (1-based) for the keypoints we draw. */
export const CUB_IDS = { back: 1, beak: 2, belly: 3, breast: 4, crown: 5, forehead: 6, leftEye: 7, leftLeg: 8, leftWing: 9, nape: 10, rightEye: 11, rightLeg: 12, rightWing: 13, tail: 14, throat: 15 };

/** A point `[x, y]`. */
export type P = [number, number];

/** A keypoint in image pixels; `visible: false` keypoints are `(0, 0)`, as CUB writes them. */
export interface Keypoint {
  x: number;
  y: number;
  visible: boolean;
}

/** One drawn bird: its SVG group and its keypoints (image pixels) by CUB part id, with visibility. */
export interface Bird {
  svg: string;
  keypoints: Map<number, Keypoint>;
  /** Tight box `[x, y, w, h]` (integral) around the bird. */
  bbox: [number, number, number, number];
}

/** Where and how a scattered bird is placed (see {@link drawScatteredBird}). */
export interface Placement {
  /** Size of the canonical unit in pixels; the bird is about 0.9 units from tail to beak and 0.5 high. */
  scale: number;
  /** Mirrored: the bird faces left and shows its right side. */
  flip: boolean;
  /** Rotation in degrees. */
  angle: number;
  /** Image position of the body centre. */
  x: number;
  y: number;
}

/** A bird of the scattered layout: a {@link Bird} with its placement and the colour drawn at each keypoint. */
export interface ScatteredBird extends Bird {
  placement: Placement;
  /** The CSS colour painted at each visible keypoint (on top of everything else there): for checks. */
  colours: Map<number, string>;
}

/** The colour of each colour name in the attribute values (`orange-short` is drawn in `COLORS.orange`). */
export const COLORS: Record<string, string> = {
  orange: '#f08c1a', black: '#151515', red: '#d42a2a', blue: '#2a5fd4', white: '#f4f4f4', yellow: '#f2d21b', green: '#2fa84a',
  purple: '#8a3fc2', grey: '#8a8a8a',
};
const EYE = '#111', LEG = '#5a3a1a';

/**
 * How the parts that do not define the class are drawn: `random` attribute values (the class is a conjunction
 * of two parts among look-alikes: hard), or `plain` grey ones (only the defining parts are coloured: easy).
 */
export type Distractors = 'random' | 'plain';


/** The plain (grey) look of each part, for `plain` distractors. */
export const PLAIN_ATTRIBUTES: Record<DefiningPart, string> = { beak: 'grey-short', wing: 'plain-grey', tail: 'pointed-grey', crown: 'none-grey' };

/** The attribute value of every defining part of one bird, and its body colour. */
interface Look extends Record<DefiningPart, string> {
  body: string;
}

/** Draws the non-defining attributes and the body colour (the first draws of a bird). */
function chooseLook(spec: ClassSpec, rng: Rng, distractors: Distractors): Look {
  const attr = (p: DefiningPart) => spec.parts[p] ?? (distractors === 'plain' ? PLAIN_ATTRIBUTES[p] : rng.pick(ATTRIBUTES[p]));
  const beak = attr('beak'), wing = attr('wing'), tail = attr('tail'), crown = attr('crown');
  const bodyHue = rng.int(360);
  const body = `hsl(${bodyHue},${rng.range(25, 60).toFixed(0)}%,${rng.range(45, 70).toFixed(0)}%)`;
  return { beak, wing, tail, crown, body };
}

/** Head centre and radius in the canonical frame. */
const [hx, hy, r] = [0.24, -0.12, 0.09];

/** One part as drawn in the canonical frame: its SVG, a point inside it, the colour there, and outline points. */
export interface PartDrawing {
  svg: string;
  at: P;
  colour: string;
  outline: P[];
}

function tailDrawing(attr: string): PartDrawing {
  const [kind, colour] = attr.split('-') as [string, string];
  const fill = COLORS[colour]!;
  if (kind === 'fan') return { svg: `<path d="M-0.2,-0.02 L-0.42,-0.14 L-0.44,0.08 Z" fill="${fill}"/>`, at: [-0.33, -0.03], colour: fill, outline: [[-0.2, -0.02], [-0.42, -0.14], [-0.44, 0.08]] };
  if (kind === 'pointed') return { svg: `<path d="M-0.2,-0.03 L-0.46,-0.01 L-0.2,0.04 Z" fill="${fill}"/>`, at: [-0.29, 0.003], colour: fill, outline: [[-0.2, -0.03], [-0.46, -0.01], [-0.2, 0.04]] };
  return { svg: `<path d="M-0.2,-0.03 L-0.46,-0.12 L-0.36,-0.01 L-0.46,0.1 L-0.2,0.04 Z" fill="${fill}"/>`, at: [-0.29, 0.003], colour: fill, outline: [[-0.2, -0.03], [-0.46, -0.12], [-0.46, 0.1], [-0.2, 0.04]] };
}

function wingDrawing(attr: string): PartDrawing {
  const [kind, colour] = attr.split('-') as [string, string];
  const fill = COLORS[colour]!;
  let svg = `<ellipse cx="-0.03" cy="-0.02" rx="0.13" ry="0.07" transform="rotate(-10 -0.03 -0.02)" fill="${fill}"/>`;
  if (kind === 'striped') for (const dx of [-0.09, -0.05, -0.01, 0.03]) svg += `<path d="M${dx},-0.07 L${dx + 0.02},0.03" stroke="#222" stroke-width="0.012"/>`;
  if (kind === 'spotted') for (const [dx, dy] of [[-0.08, -0.03], [-0.03, 0.0], [0.02, -0.04], [0.04, 0.01]]) svg += `<circle cx="${dx}" cy="${dy}" r="0.014" fill="#fff"/>`;
  return { svg, at: [-0.025, -0.045], colour: fill, outline: ellipse(-0.03, -0.02, 0.13, 0.07, -10) };
}

function crownDrawing(attr: string, body: string): PartDrawing {
  const [kind, colour] = attr.split('-') as [string, string];
  const fill = COLORS[colour]!;
  if (kind === 'cap') {
    return { svg: `<path d="M${hx - r * 0.85},${hy - r * 0.45} A${r},${r} 0 0 1 ${hx + r * 0.85},${hy - r * 0.45} Z" fill="${fill}"/>`, at: [hx, hy - r * 0.72], colour: fill,
      outline: [[hx - r * 0.85, hy - r * 0.45], [hx, hy - r], [hx + r * 0.85, hy - r * 0.45], [hx - r * 0.6, hy - r * 0.8], [hx + r * 0.6, hy - r * 0.8]] };
  }
  if (kind === 'crest') {
    return { svg: `<path d="M${hx - 0.04},${hy - r * 0.9} L${hx - 0.01},${hy - r - 0.07} L${hx + 0.03},${hy - r * 0.92} Z" fill="${fill}"/>`, at: [hx - 0.0067, hy - 0.106], colour: fill,
      outline: [[hx - 0.04, hy - r * 0.9], [hx - 0.01, hy - r - 0.07], [hx + 0.03, hy - r * 0.92]] };
  }
  return { svg: '', at: [hx, hy - r * 0.7], colour: body, outline: [] }; // no crown: the top of the head
}

function beakDrawing(attr: string): PartDrawing {
  const [colour, kind] = attr.split('-') as [string, string];
  const fill = COLORS[colour]!;
  const bl = kind === 'long' ? 0.13 : 0.07;
  if (kind === 'hooked') {
    return { svg: `<path d="M${hx + r * 0.9},${hy - 0.025} Q${hx + r + 0.09},${hy - 0.03} ${hx + r + 0.06},${hy + 0.04} L${hx + r * 0.9},${hy + 0.02} Z" fill="${fill}"/>`, at: [hx + r + 0.02, hy + 0.003], colour: fill,
      outline: [[hx + r * 0.9, hy - 0.025], [hx + r + 0.067, hy + 0.011], [hx + r + 0.06, hy + 0.04], [hx + r * 0.9, hy + 0.02], [hx + r + 0.04, hy - 0.027]] };
  }
  return { svg: `<path d="M${hx + r * 0.9},${hy - 0.02} L${hx + r + bl},${hy + 0.005} L${hx + r * 0.9},${hy + 0.025} Z" fill="${fill}"/>`, at: [hx + r + 0.02, hy + 0.003], colour: fill,
    outline: [[hx + r * 0.9, hy - 0.02], [hx + r + bl, hy + 0.005], [hx + r * 0.9, hy + 0.025]] };
}

/** A defining part with attribute value `attr` on its own, in the bird's canonical frame (for distractor parts). */
export function partDrawing(part: DefiningPart, attr: string): PartDrawing {
  if (part === 'tail') return tailDrawing(attr);
  if (part === 'wing') return wingDrawing(attr);
  if (part === 'crown') return crownDrawing(attr, COLORS.grey!);
  return beakDrawing(attr);
}

/** Points around an ellipse (rotated by `deg` about its centre), for outlines. */
function ellipse(cx: number, cy: number, rx: number, ry: number, deg = 0): P[] {
  const t = (deg * Math.PI) / 180;
  return Array.from({ length: 32 }, (_, i) => {
    const u = (i / 32) * 2 * Math.PI, x = rx * Math.cos(u), y = ry * Math.sin(u);
    return [cx + x * Math.cos(t) - y * Math.sin(t), cy + x * Math.sin(t) + y * Math.cos(t)] as P;
  });
}

/** Line widths and eye size: the scattered layout draws legs and eyes a little larger, as its birds can be small. */
interface Strokes {
  eye: number;
  leg: number;
}

/** The whole bird in the canonical frame: shapes in drawing order, and the canonical keypoints of the centred layout. */
function birdShapes(look: Look, strokes: Strokes): { shapes: string[]; K: Record<string, P>; parts: Record<DefiningPart, PartDrawing> } {
  const parts = { tail: tailDrawing(look.tail), wing: wingDrawing(look.wing), crown: crownDrawing(look.crown, look.body), beak: beakDrawing(look.beak) };
  const beakKind = look.beak.split('-')[1]!, tailKind = look.tail.split('-')[0]!;
  const K: Record<string, P> = {};
  const shapes: string[] = [];
  const tl = tailKind === 'fan' ? 0.2 : 0.26;
  shapes.push(parts.tail.svg);
  K['tail'] = [-0.2 - tl * 0.6, -0.01];
  shapes.push(`<path d="M-0.04,0.12 L-0.06,0.26 M0.04,0.12 L0.05,0.26" stroke="${LEG}" stroke-width="${strokes.leg}" fill="none"/>`);
  K['leftLeg'] = [0.05, 0.26];
  K['rightLeg'] = [-0.06, 0.26];
  shapes.push(`<ellipse cx="0" cy="0" rx="0.22" ry="0.14" fill="${look.body}"/>`);
  K['back'] = [-0.05, -0.135];
  K['belly'] = [0, 0.14];
  K['breast'] = [0.15, 0.08];
  shapes.push(parts.wing.svg);
  K['leftWing'] = [-0.03, -0.02];
  shapes.push(`<circle cx="${hx}" cy="${hy}" r="${r}" fill="${look.body}"/>`);
  if (parts.crown.svg) shapes.push(parts.crown.svg);
  K['crown'] = [hx, hy - r];
  K['forehead'] = [hx + r * 0.6, hy - r * 0.75];
  K['nape'] = [hx - r * 0.8, hy - r * 0.4];
  K['throat'] = [hx + r * 0.4, hy + r * 0.85];
  const bl = beakKind === 'long' ? 0.13 : 0.07;
  shapes.push(parts.beak.svg);
  K['beak'] = [hx + r + (beakKind === 'hooked' ? 0.05 : bl * 0.6), hy + 0.005];
  shapes.push(`<circle cx="${hx + r * 0.35}" cy="${hy - r * 0.25}" r="${strokes.eye}" fill="${EYE}"/>`);
  K['leftEye'] = [hx + r * 0.35, hy - r * 0.25];
  return { shapes, K, parts };
}

/** A 2×3 affine map `[a, b, c, d, e, f]` (SVG's `matrix(...)`): `x' = a·x + c·y + e`, `y' = b·x + d·y + f`. */
export type Affine = [number, number, number, number, number, number];
/** Applies `m` to a point. */
export const apply = ([a, b, c, d, e, f]: Affine, [x, y]: P): P => [a * x + c * y + e, b * x + d * y + f];
/** Scale `s`, mirror (x → −x) when `flip`, rotate by `theta` radians, then translate to `(x, y)`. */
export function affine(s: number, flip: boolean, theta: number, x: number, y: number): Affine {
  const f = flip ? -1 : 1, [c, sn] = [Math.cos(theta), Math.sin(theta)];
  return [s * c * f, s * sn * f, -s * sn, s * c, x, y];
}
/** `m` as an SVG `transform` value. */
export const matrix = (m: Affine) => `matrix(${m.slice(0, 4).map((v) => v.toFixed(5)).join(',')},${m[4].toFixed(3)},${m[5].toFixed(3)})`;

/** An image's size in pixels: a square side, or width and height. */
export type CanvasSize = number | { width: number; height: number };

/** Width, height and the shorter side (the unit of the drawing's sizes) of a canvas. */
export function canvasOf(size: CanvasSize): { W: number; H: number; S: number } {
  const [W, H] = typeof size === 'number' ? [size, size] : [size.width, size.height];
  return { W, H, S: Math.min(W, H) };
}

/** Integral box `[x, y, w, h]` around points, clipped to the image (`W × H`; `H` defaults to `W`). */
function boxOf(pts: P[], W: number, H = W): [number, number, number, number] {
  const x0 = Math.max(0, Math.floor(Math.min(...pts.map((p) => p[0])))), y0 = Math.max(0, Math.floor(Math.min(...pts.map((p) => p[1]))));
  const x1 = Math.min(W, Math.ceil(Math.max(...pts.map((p) => p[0])))), y1 = Math.min(H, Math.ceil(Math.max(...pts.map((p) => p[1]))));
  return [x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)];
}

/** Draws a bird of class `spec` (other parts per `distractors`) into a `size`-pixel square: the `centred` layout. */
export function drawBird(spec: ClassSpec, size: number, rng: Rng, distractors: Distractors = 'random'): Bird {
  const look = chooseLook(spec, rng, distractors);
  const { shapes, K } = birdShapes(look, { eye: 0.018, leg: 0.02 });
  // placement: scale, flip, small rotation, translation (kept inside the image)
  const s = size * rng.range(0.75, 1.05);
  const flip = rng.next() < 0.5 ? -1 : 1;
  const theta = rng.range(-15, 15) * (Math.PI / 180);
  const half = 0.48 * s;
  const cx = rng.range(Math.min(half, size / 2), Math.max(size - half, size / 2));
  const cy = rng.range(Math.min(half * 0.8, size / 2), Math.max(size - half * 0.8, size / 2));
  const [c, sn] = [Math.cos(theta), Math.sin(theta)];
  const a = s * c * flip, b = s * sn * flip, cc = -s * sn, d = s * c;
  const map = ([x, y]: P): P => [a * x + cc * y + cx, b * x + d * y + cy];
  const svg = `<g transform="matrix(${a.toFixed(5)},${b.toFixed(5)},${cc.toFixed(5)},${d.toFixed(5)},${cx.toFixed(3)},${cy.toFixed(3)})">${shapes.join('')}</g>`;
  // keypoints, clipped to the image; flipped birds show their right side
  const keypoints = new Map<number, Keypoint>();
  const side = flip === 1 ? { eye: CUB_IDS.leftEye, hidden: CUB_IDS.rightEye, wing: CUB_IDS.leftWing, hiddenWing: CUB_IDS.rightWing }
    : { eye: CUB_IDS.rightEye, hidden: CUB_IDS.leftEye, wing: CUB_IDS.rightWing, hiddenWing: CUB_IDS.leftWing };
  const put = (id: number, p: P | undefined) => {
    if (!p) return keypoints.set(id, { x: 0, y: 0, visible: false });
    const [x, y] = map(p);
    const inside = x >= 0 && y >= 0 && x < size && y < size;
    keypoints.set(id, inside ? { x: Math.round(x), y: Math.round(y), visible: true } : { x: 0, y: 0, visible: false });
    return undefined;
  };
  put(CUB_IDS.back, K['back']); put(CUB_IDS.beak, K['beak']); put(CUB_IDS.belly, K['belly']); put(CUB_IDS.breast, K['breast']);
  put(CUB_IDS.crown, K['crown']); put(CUB_IDS.forehead, K['forehead']); put(side.eye, K['leftEye']); put(side.hidden, undefined);
  put(CUB_IDS.leftLeg, K['leftLeg']); put(CUB_IDS.rightLeg, K['rightLeg']); put(side.wing, K['leftWing']); put(side.hiddenWing, undefined);
  put(CUB_IDS.nape, K['nape']); put(CUB_IDS.tail, K['tail']); put(CUB_IDS.throat, K['throat']);
  // box around the drawn outline (body, head, tail, legs, beak extremes)
  const outline: P[] = [[-0.46, -0.14], [-0.46, 0.1], [0.22, -0.14], [0.22, 0.26], [-0.06, 0.26], [hx + r + 0.14, hy], [hx, hy - r - 0.07], [hx, hy + r]];
  return { svg, keypoints, bbox: boxOf(outline.map(map), size) };
}

/** Scale range of the scattered layout, as a fraction of the image side (the bird is about 0.9 scale units long). */
export const SCATTERED_SCALE: readonly [number, number] = [0.4, 1.0];
/** Rotation range of both layouts, in degrees either way. */
const MAX_ANGLE = 15;

/**
 * Draws a bird of class `spec` for the `scattered` layout: scale uniform in {@link SCATTERED_SCALE} of `size` (of
 * its shorter side when the image is not square; shrunk where a rotated bird would not fit), mirrored half of the time, rotated within ±15°, at a uniform
 * position that keeps the whole bird inside the image. Keypoints lie inside their parts; a mirrored bird shows
 * its right side, so its eye, wing and near leg take CUB's right-side ids (the far eye and wing are hidden).
 * `fixed` overrides drawn placement values (the draws still happen, so the rest of the image is unchanged).
 */
export function drawScatteredBird(spec: ClassSpec, size: CanvasSize, rng: Rng, distractors: Distractors = 'random', fixed: Partial<Placement> = {}): ScatteredBird {
  const look = chooseLook(spec, rng, distractors);
  const { shapes, parts } = birdShapes(look, { eye: 0.024, leg: 0.03 });
  const { W, H, S } = canvasOf(size);
  let scale = S * rng.range(SCATTERED_SCALE[0], SCATTERED_SCALE[1]);
  const flip = rng.next() < 0.5;
  const angle = rng.range(-MAX_ANGLE, MAX_ANGLE);
  const u = rng.next(), v = rng.next();
  const p0 = { scale, flip, angle, ...fixed };
  // the drawn outline: body, head, wing, tail, crown, beak and the legs' ends
  const outline: P[] = [...ellipse(0, 0, 0.22, 0.14), ...ellipse(hx, hy, r, r), ...Object.values(parts).flatMap((p) => p.outline),
    [-0.06 - 0.015, 0.26], [0.05 + 0.015, 0.26]];
  const rel = (s: number) => outline.map((q) => apply(affine(s, p0.flip, (p0.angle * Math.PI) / 180, 0, 0), q));
  const extent = (pts: P[]) => [Math.min(...pts.map((q) => q[0])), Math.max(...pts.map((q) => q[0])), Math.min(...pts.map((q) => q[1])), Math.max(...pts.map((q) => q[1]))] as const;
  scale = p0.scale;
  let [x0, x1, y0, y1] = extent(rel(scale));
  const roomX = W - 2, roomY = H - 2; // a pixel of margin on every side
  const shrink = Math.min(1, roomX / (x1 - x0), roomY / (y1 - y0));
  if (shrink < 1 && fixed.scale === undefined) {
    scale *= shrink;
    [x0, x1, y0, y1] = extent(rel(scale));
  }
  const placement: Placement = { scale, flip: p0.flip, angle: p0.angle, x: fixed.x ?? 1 - x0 + u * Math.max(0, roomX - (x1 - x0)), y: fixed.y ?? 1 - y0 + v * Math.max(0, roomY - (y1 - y0)) };
  const m = affine(placement.scale, placement.flip, (placement.angle * Math.PI) / 180, placement.x, placement.y);
  const svg = `<g transform="${matrix(m)}">${shapes.join('')}</g>`;
  // keypoints inside the parts; the colour on top at each
  const C = { back: [-0.05, -0.115], belly: [0, 0.115], breast: [0.14, 0.06], nape: [hx - r * 0.65, hy - r * 0.3], throat: [hx + r * 0.3, hy + r * 0.65],
    forehead: [hx + r * 0.5, hy - r * 0.6], eye: [hx + r * 0.35, hy - r * 0.25], nearLeg: [0.048, 0.23], farLeg: [-0.056, 0.23] } satisfies Record<string, P>;
  const crownKind = look.crown.split('-')[0]!;
  const keypoints = new Map<number, Keypoint>(), colours = new Map<number, string>();
  const put = (id: number, p: P, colour: string) => {
    const [x, y] = apply(m, p);
    const inside = x >= 0 && y >= 0 && x < W && y < H;
    keypoints.set(id, inside ? { x: Math.round(x), y: Math.round(y), visible: true } : { x: 0, y: 0, visible: false });
    if (inside) colours.set(id, colour);
  };
  const hide = (id: number) => keypoints.set(id, { x: 0, y: 0, visible: false });
  const L = !placement.flip; // the left side faces the viewer
  put(CUB_IDS.back, C.back, look.body);
  put(CUB_IDS.beak, parts.beak.at, parts.beak.colour);
  put(CUB_IDS.belly, C.belly, look.body);
  put(CUB_IDS.breast, C.breast, look.body);
  put(CUB_IDS.crown, parts.crown.at, parts.crown.colour);
  put(CUB_IDS.forehead, C.forehead, crownKind === 'cap' ? parts.crown.colour : look.body);
  put(L ? CUB_IDS.leftEye : CUB_IDS.rightEye, C.eye, EYE);
  hide(L ? CUB_IDS.rightEye : CUB_IDS.leftEye);
  put(L ? CUB_IDS.leftLeg : CUB_IDS.rightLeg, C.nearLeg, LEG);
  put(L ? CUB_IDS.rightLeg : CUB_IDS.leftLeg, C.farLeg, LEG);
  put(L ? CUB_IDS.leftWing : CUB_IDS.rightWing, parts.wing.at, parts.wing.colour);
  hide(L ? CUB_IDS.rightWing : CUB_IDS.leftWing);
  put(CUB_IDS.nape, C.nape, look.body);
  put(CUB_IDS.tail, parts.tail.at, parts.tail.colour);
  put(CUB_IDS.throat, C.throat, look.body);
  return { svg, keypoints, bbox: boxOf(outline.map((q) => apply(m, q)), W, H), placement, colours };
}

/** A random background (gradient plus stripes or dots) and a few distractor shapes, as SVG. */
export function drawBackground(size: number, rng: Rng): { back: string; front: string } {
  const h = rng.int(360);
  const g = `<defs><linearGradient id="bg" x1="0" y1="0" x2="${rng.next().toFixed(2)}" y2="1"><stop offset="0" stop-color="hsl(${h},30%,${rng.range(70, 90).toFixed(0)}%)"/>` +
    `<stop offset="1" stop-color="hsl(${(h + 40) % 360},30%,${rng.range(55, 80).toFixed(0)}%)"/></linearGradient></defs><rect width="${size}" height="${size}" fill="url(#bg)"/>`;
  const tex: string[] = [];
  const n = rng.int(12);
  for (let i = 0; i < n; i++) {
    if (rng.next() < 0.5) tex.push(`<circle cx="${rng.range(0, size).toFixed(1)}" cy="${rng.range(0, size).toFixed(1)}" r="${rng.range(0.5, 2).toFixed(1)}" fill="hsl(${rng.int(360)},20%,50%)" opacity="0.5"/>`);
    else tex.push(`<path d="M0,${rng.range(0, size).toFixed(1)} L${size},${rng.range(0, size).toFixed(1)}" stroke="hsl(${rng.int(360)},20%,60%)" stroke-width="${rng.range(0.3, 1.2).toFixed(1)}" opacity="0.4"/>`);
  }
  const front: string[] = [];
  for (let i = rng.int(3); i > 0; i--) {
    const x = rng.range(0, size).toFixed(1), y = rng.range(0, size).toFixed(1), r = (size * rng.range(0.03, 0.07)).toFixed(1);
    front.push(rng.next() < 0.5 ? `<circle cx="${x}" cy="${y}" r="${r}" fill="hsl(${rng.int(360)},50%,50%)"/>`
      : `<rect x="${x}" y="${y}" width="${r}" height="${r}" fill="hsl(${rng.int(360)},50%,50%)"/>`);
  }
  return { back: g + tex.join(''), front: front.join('') };
}
