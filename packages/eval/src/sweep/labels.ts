/**
 * Placing the stage labels of a Pareto front so that none overlaps another, a point or the step line.
 *
 * On a front (maximise accuracy, minimise patch %) the region above-left of a point is empty — a point there would
 * dominate it — and so is the region below-right (only dominated points could be there, and the front plot shows
 * none). Each label goes below-right of its point, or above-left when it would leave the plot on the right; then a
 * vertical pass pushes colliding labels apart, downwards below-right and upwards above-left, where nothing else is.
 */

/** A point to label, in pixels of the plot area (y grows downwards). */
export interface LabelPoint {
  x: number;
  y: number;
  text: string;
}

/** A placed label: its text anchor, alignment and vertical centre, in pixels of the plot area. */
export interface PlacedLabel {
  text: string;
  /** Text anchor: the left end (`align: 'left'`) or the right end (`'right'`). */
  x: number;
  /** Vertical centre of the text. */
  y: number;
  align: 'left' | 'right';
  /** The point it labels. */
  px: number;
  py: number;
  /** The pass moved it away from its natural place: draw a leader line to its point. */
  moved: boolean;
}

/** Geometry of {@link placeFrontLabels}. */
export interface LabelGeometry {
  /** Plot-area width in pixels. */
  width: number;
  fontSize: number;
  /** Estimated advance per character, in ems (text is not measured). */
  charEm?: number;
  /** Gap between a point and its label, in pixels. */
  gap?: number;
}

/** The estimated width in pixels of `text`. */
export function labelWidth(text: string, g: LabelGeometry): number {
  return text.length * g.fontSize * (g.charEm ?? 0.56);
}

/** The horizontal extent `[left, right]` of a placed label, in pixels. */
export function labelExtent(l: PlacedLabel, g: LabelGeometry): [number, number] {
  const w = labelWidth(l.text, g);
  return l.align === 'left' ? [l.x, l.x + w] : [l.x - w, l.x];
}

/** Places one label per point (same order) with no two labels overlapping. */
export function placeFrontLabels(points: readonly LabelPoint[], g: LabelGeometry): PlacedLabel[] {
  const gap = g.gap ?? 6;
  const h = g.fontSize * 1.2; // line height: the band a label occupies
  const placed: PlacedLabel[] = points.map((p) => {
    const w = labelWidth(p.text, g);
    const right = p.x + gap + w <= g.width || p.x - gap - w < 0;
    return right
      ? { text: p.text, x: p.x + gap, y: p.y + gap + h / 2, align: 'left', px: p.x, py: p.y, moved: false }
      : { text: p.text, x: p.x - gap, y: p.y - gap - h / 2, align: 'right', px: p.x, py: p.y, moved: false };
  });
  const overlapX = (a: PlacedLabel, b: PlacedLabel) => {
    const [a0, a1] = labelExtent(a, g), [b0, b1] = labelExtent(b, g);
    return a0 < b1 + 2 && b0 < a1 + 2;
  };
  for (const align of ['left', 'right'] as const) {
    const down = align === 'left'; // below-right labels move down, above-left ones up
    const group = placed.filter((l) => l.align === align).sort((a, b) => (down ? a.y - b.y : b.y - a.y) || a.px - b.px);
    const done: PlacedLabel[] = [];
    for (const l of group) {
      // each push moves the label strictly further the same way, so this ends (after at most |done|² pushes)
      for (let moved = true; moved;) {
        moved = false;
        for (const q of done) {
          if (overlapX(l, q) && Math.abs(l.y - q.y) < h - 1e-6) {
            l.y = down ? q.y + h : q.y - h;
            l.moved = moved = true;
          }
        }
      }
      done.push(l);
    }
  }
  return placed;
}

/** Do two placed labels overlap (their estimated boxes)? */
export function labelsOverlap(a: PlacedLabel, b: PlacedLabel, g: LabelGeometry): boolean {
  const h = g.fontSize * 1.2;
  const [a0, a1] = labelExtent(a, g), [b0, b1] = labelExtent(b, g);
  return a0 < b1 && b0 < a1 && Math.abs(a.y - b.y) < h - 1e-6;
}
