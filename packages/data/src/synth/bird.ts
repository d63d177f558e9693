/**
 * The synthetic bird: a body with head, crown, beak, eye, wing, tail and legs, drawn as SVG in a canonical frame
 * (facing right, unit size) and placed by one affine transform, so every part's keypoint is known exactly.
 * Classes are defined by the attributes of two of the parts {beak, wing, tail, crown}; everything else varies.
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

/** A class: two defining parts with fixed attribute values. */
export interface ClassSpec {
  name: string;
  parts: Partial<Record<DefiningPart, string>>;
}

/** `count` distinct classes, each fixing two parts' attributes (seeded). */
export function makeClasses(count: number, rng: Rng): ClassSpec[] {
  const combos: ClassSpec[] = [];
  for (let a = 0; a < DEFINING_PARTS.length; a++) for (let b = a + 1; b < DEFINING_PARTS.length; b++) {
    const pa = DEFINING_PARTS[a]!, pb = DEFINING_PARTS[b]!;
    for (const va of ATTRIBUTES[pa]) for (const vb of ATTRIBUTES[pb]) combos.push({ name: `${va} ${pa}, ${vb} ${pb}`, parts: { [pa]: va, [pb]: vb } });
  }
  if (count > combos.length) throw new Error(`At most ${combos.length} synthetic classes can be made, not ${count}.`);
  return rng.shuffle(combos).slice(0, count);
}

/** CUB's 15 part ids (1-based) for the keypoints we draw. */
export const CUB_IDS = { back: 1, beak: 2, belly: 3, breast: 4, crown: 5, forehead: 6, leftEye: 7, leftLeg: 8, leftWing: 9, nape: 10, rightEye: 11, rightLeg: 12, rightWing: 13, tail: 14, throat: 15 };

type P = [number, number];

/** One drawn bird: its SVG group and its keypoints (image pixels) by CUB part id, with visibility. */
export interface Bird {
  svg: string;
  keypoints: Map<number, { x: number; y: number; visible: boolean }>;
  /** Tight box `[x, y, w, h]` (integral) around the bird. */
  bbox: [number, number, number, number];
}

const COLORS: Record<string, string> = {
  orange: '#f08c1a', black: '#151515', red: '#d42a2a', blue: '#2a5fd4', white: '#f4f4f4', yellow: '#f2d21b', green: '#2fa84a',
  purple: '#8a3fc2', grey: '#8a8a8a',
};

/**
 * How the parts that do not define the class are drawn: `random` attribute values (the class is a conjunction
 * of two parts among look-alikes: hard), or `plain` grey ones (only the defining parts are coloured: easy).
 */
export type Distractors = 'random' | 'plain';


/** The plain (grey) look of each part, for `plain` distractors. */
export const PLAIN_ATTRIBUTES: Record<DefiningPart, string> = { beak: 'grey-short', wing: 'plain-grey', tail: 'pointed-grey', crown: 'none-grey' };

/** Draws a bird of class `spec` (other parts per `distractors`) into a `size`-pixel square. */
export function drawBird(spec: ClassSpec, size: number, rng: Rng, distractors: Distractors = 'random'): Bird {
  const attr = (p: DefiningPart) => spec.parts[p] ?? (distractors === 'plain' ? PLAIN_ATTRIBUTES[p] : rng.pick(ATTRIBUTES[p]));
  const [beakColor, beakKind] = attr('beak').split('-') as [string, string];
  const [wingKind, wingColor] = attr('wing').split('-') as [string, string];
  const [tailKind, tailColor] = attr('tail').split('-') as [string, string];
  const [crownKind, crownColor] = attr('crown').split('-') as [string, string];
  const bodyHue = rng.int(360);
  const body = `hsl(${bodyHue},${rng.range(25, 60).toFixed(0)}%,${rng.range(45, 70).toFixed(0)}%)`;
  // canonical frame: unit box, body centre at the origin, facing +x
  const K: Record<string, P> = {};
  const shapes: string[] = [];
  const tl = tailKind === 'fan' ? 0.2 : 0.26;
  if (tailKind === 'fan') shapes.push(`<path d="M-0.2,-0.02 L-0.42,-0.14 L-0.44,0.08 Z" fill="${COLORS[tailColor]}"/>`);
  else if (tailKind === 'pointed') shapes.push(`<path d="M-0.2,-0.03 L-0.46,-0.01 L-0.2,0.04 Z" fill="${COLORS[tailColor]}"/>`);
  else shapes.push(`<path d="M-0.2,-0.03 L-0.46,-0.12 L-0.36,-0.01 L-0.46,0.1 L-0.2,0.04 Z" fill="${COLORS[tailColor]}"/>`);
  K['tail'] = [-0.2 - tl * 0.6, -0.01];
  shapes.push('<path d="M-0.04,0.12 L-0.06,0.26 M0.04,0.12 L0.05,0.26" stroke="#5a3a1a" stroke-width="0.02" fill="none"/>');
  K['leftLeg'] = [0.05, 0.26];
  K['rightLeg'] = [-0.06, 0.26];
  shapes.push(`<ellipse cx="0" cy="0" rx="0.22" ry="0.14" fill="${body}"/>`);
  K['back'] = [-0.05, -0.135];
  K['belly'] = [0, 0.14];
  K['breast'] = [0.15, 0.08];
  const wc = COLORS[wingColor];
  shapes.push(`<ellipse cx="-0.03" cy="-0.02" rx="0.13" ry="0.07" transform="rotate(-10 -0.03 -0.02)" fill="${wc}"/>`);
  if (wingKind === 'striped') for (const dx of [-0.09, -0.05, -0.01, 0.03]) shapes.push(`<path d="M${dx},-0.07 L${dx + 0.02},0.03" stroke="#222" stroke-width="0.012"/>`);
  if (wingKind === 'spotted') for (const [dx, dy] of [[-0.08, -0.03], [-0.03, 0.0], [0.02, -0.04], [0.04, 0.01]]) shapes.push(`<circle cx="${dx}" cy="${dy}" r="0.014" fill="#fff"/>`);
  K['leftWing'] = [-0.03, -0.02];
  const [hx, hy, r] = [0.24, -0.12, 0.09];
  shapes.push(`<circle cx="${hx}" cy="${hy}" r="${r}" fill="${body}"/>`);
  if (crownKind === 'cap') shapes.push(`<path d="M${hx - r * 0.85},${hy - r * 0.45} A${r},${r} 0 0 1 ${hx + r * 0.85},${hy - r * 0.45} Z" fill="${COLORS[crownColor]}"/>`);
  if (crownKind === 'crest') shapes.push(`<path d="M${hx - 0.04},${hy - r * 0.9} L${hx - 0.01},${hy - r - 0.07} L${hx + 0.03},${hy - r * 0.92} Z" fill="${COLORS[crownColor]}"/>`);
  K['crown'] = [hx, hy - r];
  K['forehead'] = [hx + r * 0.6, hy - r * 0.75];
  K['nape'] = [hx - r * 0.8, hy - r * 0.4];
  K['throat'] = [hx + r * 0.4, hy + r * 0.85];
  const bl = beakKind === 'long' ? 0.13 : 0.07;
  if (beakKind === 'hooked') shapes.push(`<path d="M${hx + r * 0.9},${hy - 0.025} Q${hx + r + 0.09},${hy - 0.03} ${hx + r + 0.06},${hy + 0.04} L${hx + r * 0.9},${hy + 0.02} Z" fill="${COLORS[beakColor]}"/>`);
  else shapes.push(`<path d="M${hx + r * 0.9},${hy - 0.02} L${hx + r + bl},${hy + 0.005} L${hx + r * 0.9},${hy + 0.025} Z" fill="${COLORS[beakColor]}"/>`);
  K['beak'] = [hx + r + (beakKind === 'hooked' ? 0.05 : bl * 0.6), hy + 0.005];
  shapes.push(`<circle cx="${hx + r * 0.35}" cy="${hy - r * 0.25}" r="0.018" fill="#111"/>`);
  K['leftEye'] = [hx + r * 0.35, hy - r * 0.25];
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
  const keypoints = new Map<number, { x: number; y: number; visible: boolean }>();
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
  const pts = outline.map(map);
  const x0 = Math.max(0, Math.floor(Math.min(...pts.map((p) => p[0])))), y0 = Math.max(0, Math.floor(Math.min(...pts.map((p) => p[1]))));
  const x1 = Math.min(size, Math.ceil(Math.max(...pts.map((p) => p[0])))), y1 = Math.min(size, Math.ceil(Math.max(...pts.map((p) => p[1]))));
  return { svg, keypoints, bbox: [x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)] };
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
