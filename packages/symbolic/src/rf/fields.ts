/**
 * Receptive fields of a whole feature map. Channels are kept as consecutive groups that share one field
 * (one group after an ordinary convolution; several after a concatenation or a grouped convolution). A group's
 * field is either a **product** (unit `(i, j)` sees `rows[i] × cols[j]`: the fast path, per-axis interval sets)
 * or **general** (an exact union of blocks per unit), never a silent bounding box.
 */
import { EMPTY, equal, interval, union } from './intervals.js';
import type { IntervalSet } from './intervals.js';
import { reduceBlocks } from './blocks.js';
import type { Block } from './blocks.js';

/** A field where unit `(i, j)` sees `rows[i] × cols[j]`. */
export interface ProductField {
  kind: 'product';
  id: number;
  rows: IntervalSet[];
  cols: IntervalSet[];
}

/** A field given unit by unit (row-major), each an exact union of blocks. */
export interface GeneralField {
  kind: 'general';
  id: number;
  h: number;
  w: number;
  units: Block[][];
}

/** The receptive field of every unit of a map, for one group of channels. */
export type Field = ProductField | GeneralField;

/** Consecutive channels sharing a field. */
export interface Group {
  count: number;
  field: Field;
}

/** The fields of a feature map `[C, H, W]`. */
export interface FieldMap {
  h: number;
  w: number;
  groups: Group[];
}

let nextId = 1;

/**
 * The most units a field is kept unit by unit for (1024², far beyond the crosses real networks make): beyond it
 * the analysis stops with an error rather than run out of memory or time.
 */
export const MAX_GENERAL_UNITS = 1 << 20;

/** Throws unless an `h × w` field may be kept (or checked) unit by unit. */
function checkUnits(h: number, w: number): void {
  if (h * w > MAX_GENERAL_UNITS) {
    throw new Error(`its fields are not rows × cols, and checking them unit by unit needs ${h}x${w} units, more than the ${MAX_GENERAL_UNITS} ` +
      'the analysis keeps: analyse a smaller input');
  }
}

/** A product field. */
export function productField(rows: IntervalSet[], cols: IntervalSet[]): ProductField {
  return { kind: 'product', id: nextId++, rows, cols };
}

/** A general field. */
export function generalField(h: number, w: number, units: Block[][]): GeneralField {
  return { kind: 'general', id: nextId++, h, w, units };
}

/** The identity field of an `h × w` grid: unit `(i, j)` sees exactly itself. */
export function unitField(h: number, w: number): ProductField {
  return productField(Array.from({ length: h }, (_, i) => interval(i, i + 1)), Array.from({ length: w }, (_, j) => interval(j, j + 1)));
}

/** Height and width of a field. */
export function fieldSize(f: Field): [number, number] {
  return f.kind === 'product' ? [f.rows.length, f.cols.length] : [f.h, f.w];
}

/** The blocks of unit `(i, j)`. */
export function unitBlocks(f: Field, i: number, j: number): Block[] {
  if (f.kind === 'general') return f.units[i * f.w + j]!;
  const rows = f.rows[i]!, cols = f.cols[j]!;
  return rows.length && cols.length ? [{ rows, cols }] : [];
}

/** The field as a general one. */
export function toGeneral(f: Field): GeneralField {
  if (f.kind === 'general') return f;
  const [h, w] = fieldSize(f);
  checkUnits(h, w);
  const units: Block[][] = [];
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) units.push(unitBlocks(f, i, j));
  return generalField(h, w, units);
}

/** A general field whose units are all single blocks that line up by row and column becomes a product again. */
export function simplify(f: Field): Field {
  if (f.kind === 'product') return f;
  const rows: IntervalSet[] = [], cols: IntervalSet[] = [];
  for (let i = 0; i < f.h; i++) {
    for (let j = 0; j < f.w; j++) {
      const u = f.units[i * f.w + j]!;
      if (u.length !== 1) return f;
      const b = u[0]!;
      if (j === 0) rows[i] = b.rows;
      else if (!equal(rows[i]!, b.rows)) return f;
      if (i === 0) cols[j] = b.cols;
      else if (!equal(cols[j]!, b.cols)) return f;
    }
  }
  return productField(rows, cols);
}

/** True when two fields give every unit the same set. */
export function fieldsEqual(a: Field, b: Field): boolean {
  if (a === b || a.id === b.id) return true;
  if (a.kind === 'product' && b.kind === 'product') {
    return a.rows.length === b.rows.length && a.cols.length === b.cols.length &&
      a.rows.every((r, i) => equal(r, b.rows[i]!)) && a.cols.every((c, j) => equal(c, b.cols[j]!));
  }
  const [h, w] = fieldSize(a);
  const [hb, wb] = fieldSize(b);
  if (h !== hb || w !== wb) return false;
  const ga = toGeneral(a), gb = toGeneral(b);
  return ga.units.every((u, k) => {
    const v = gb.units[k]!;
    return u.length === v.length && u.every((x, n) => equal(x.rows, v[n]!.rows) && equal(x.cols, v[n]!.cols));
  });
}

/** Broadcasts a 1×1 field over `h × w` (SE scales). */
function broadcast(f: Field, h: number, w: number): Field {
  const [fh, fw] = fieldSize(f);
  if (fh === h && fw === w) return f;
  if (fh !== 1 || fw !== 1) throw new Error(`cannot broadcast a ${fh}x${fw} field to ${h}x${w}`);
  if (f.kind === 'product') return productField(Array(h).fill(f.rows[0]!), Array(w).fill(f.cols[0]!));
  checkUnits(h, w);
  return generalField(h, w, Array(h * w).fill(f.units[0]!));
}

const unionCache = new Map<string, Field>();

/** The union of several fields of one size (the unit-wise union of their sets). Exact; memoised. */
export function unionFields(fieldsIn: readonly Field[], h: number, w: number): Field {
  const distinct = [...new Map(fieldsIn.map((f) => [f.id, f])).values()];
  if (distinct.length === 1) return broadcast(distinct[0]!, h, w);
  const key = `${h}x${w}:` + distinct.map((f) => f.id).sort((a, b) => a - b).join(',');
  const cached = unionCache.get(key);
  if (cached) return cached;
  const fields = distinct.map((f) => broadcast(f, h, w));
  let result: Field;
  if (fields.every((f) => f.kind === 'product')) result = unionProducts(fields as ProductField[], h, w);
  else {
    const gs = fields.map(toGeneral);
    const units: Block[][] = [];
    for (let u = 0; u < h * w; u++) units.push(reduceBlocks(gs.flatMap((g) => g.units[u]!)));
    result = simplify(generalField(h, w, units));
  }
  if (unionCache.size > 10000) unionCache.clear();
  unionCache.set(key, result);
  return result;
}

function unionProducts(fields: ProductField[], h: number, w: number): Field {
  const rows = Array.from({ length: h }, (_, i) => union(fields.map((f) => f.rows[i]!)));
  const cols = Array.from({ length: w }, (_, j) => union(fields.map((f) => f.cols[j]!)));
  // fullR[g][i]: group g alone spans the union's rows at i (likewise columns)
  const fullR = fields.map((f) => rows.map((r, i) => equal(f.rows[i]!, r)));
  const fullC = fields.map((f) => cols.map((c, j) => equal(f.cols[j]!, c)));
  if (fields.some((_, g) => fullR[g]!.every(Boolean) && fullC[g]!.every(Boolean))) return productField(rows, cols);
  // otherwise check unit by unit; a unit no single field spans may still be covered by several (or not: a cross)
  checkUnits(h, w);
  let product = true;
  const units: Block[][] = [];
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const exactBlocks = fields.some((_, g) => fullR[g]![i] && fullC[g]![j])
        ? [{ rows: rows[i]!, cols: cols[j]! }]
        : reduceBlocks(fields.map((f) => ({ rows: f.rows[i]!, cols: f.cols[j]! })));
      if (exactBlocks.length > 1 || (exactBlocks.length === 1 && (!equal(exactBlocks[0]!.rows, rows[i]!) || !equal(exactBlocks[0]!.cols, cols[j]!)))) {
        product = false;
      }
      units.push(exactBlocks);
    }
  }
  return product ? productField(rows, cols) : simplify(generalField(h, w, units));
}

/** The input positions a window at output `o` reads on one axis, clipped to `[0, len)` (padding reads nothing). */
export function windowPositions(o: number, k: number, s: number, padBefore: number, d: number, len: number): number[] {
  const out: number[] = [];
  for (let q = 0; q < k; q++) {
    const t = o * s - padBefore + q * d;
    if (t >= 0 && t < len) out.push(t);
  }
  return out;
}

/** Per-axis window spec: for each output position, the input positions it reads. */
export type AxisWindows = number[][];

/** Applies a windowed operation (conv, pool) to a field. */
export function windowField(f: Field, rowsWin: AxisWindows, colsWin: AxisWindows): Field {
  if (f.kind === 'product') {
    return productField(rowsWin.map((ps) => union(ps.map((p) => f.rows[p]!))), colsWin.map((ps) => union(ps.map((p) => f.cols[p]!))));
  }
  checkUnits(rowsWin.length, colsWin.length);
  const units: Block[][] = [];
  for (const ri of rowsWin) {
    for (const cj of colsWin) {
      const blocks: Block[] = [];
      for (const p of ri) for (const q of cj) for (const b of f.units[p * f.w + q]!) blocks.push(b);
      units.push(reduceBlocks(blocks));
    }
  }
  return simplify(generalField(rowsWin.length, colsWin.length, units));
}

/** The union of every unit: what a linear layer or a global pool sees, as a 1×1 field. */
export function globalField(f: Field): Field {
  const [h, w] = fieldSize(f);
  return windowField(f, [Array.from({ length: h }, (_, i) => i)], [Array.from({ length: w }, (_, j) => j)]);
}

export { EMPTY };
