/** PyTorch pooling geometry: explicit padding plus the extra end padding `ceil_mode` needs. */
import { poolOutLength } from '@pixpnet/symbolic';
import type { Pool2dOp } from '@pixpnet/symbolic';

/** Per axis `[before, after, extra]`: padding, and cells past it that ceil mode reads (never counted). */
export function poolGeometry(op: Pool2dOp, h: number, w: number): { out: [number, number]; pads: [[number, number, number], [number, number, number]] } {
  const axis = (ax: 0 | 1, len: number): [number, [number, number, number]] => {
    const [k, s] = [op.kernel[ax], op.stride[ax]];
    const [p0, p1] = op.padding[ax];
    const out = poolOutLength(len, k, s, p0, p1, op.ceilMode);
    const extra = Math.max(0, (out - 1) * s + k - (len + p0 + p1));
    return [out, [p0, p1, extra]];
  };
  const [oh, ph] = axis(0, h);
  const [ow, pw] = axis(1, w);
  return { out: [oh, ow], pads: [ph, pw] };
}
