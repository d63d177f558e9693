/**
 * RegNet X and Y (torchvision `regnet.py`); stages `stem`, `block1`…`block4`, `avgpool`, `fc`. The per-stage
 * parameters were computed by torchvision's own `BlockParams.from_init_params` (`tools/zoo/regnet_params.py`),
 * so the float32 quantisation matches exactly.
 */
import { GraphBuilder } from '../ir/builder.js';
import { INPUT } from '../ir/types.js';
import type { Graph } from '../ir/types.js';
import type { ZooConstructor, ZooOptions } from './types.js';

interface RegNetParams {
  depths: number[];
  widths: number[];
  groupWidths: number[];
  seRatio: number | null;
}

const P = (depths: number[], widths: number[], g: number | number[], se: number | null): RegNetParams =>
  ({ depths, widths, groupWidths: typeof g === 'number' ? [g, g, g, g] : g, seRatio: se });

/** Output of `tools/zoo/regnet_params.py` (torchvision 0.14). */
export const REGNET_PARAMS: Record<string, RegNetParams> = {
  regnet_x_400mf: P([1, 2, 7, 12], [32, 64, 160, 400], 16, null),
  regnet_x_800mf: P([1, 3, 7, 5], [64, 128, 288, 672], 16, null),
  regnet_x_1_6gf: P([2, 4, 10, 2], [72, 168, 408, 912], 24, null),
  regnet_x_3_2gf: P([2, 6, 15, 2], [96, 192, 432, 1008], 48, null),
  regnet_x_8gf: P([2, 5, 15, 1], [80, 240, 720, 1920], [80, 120, 120, 120], null),
  regnet_x_16gf: P([2, 6, 13, 1], [256, 512, 896, 2048], 128, null),
  regnet_x_32gf: P([2, 7, 13, 1], [336, 672, 1344, 2520], 168, null),
  regnet_y_400mf: P([1, 3, 6, 6], [48, 104, 208, 440], 8, 0.25),
  regnet_y_800mf: P([1, 3, 8, 2], [64, 144, 320, 784], 16, 0.25),
  regnet_y_1_6gf: P([2, 6, 17, 2], [48, 120, 336, 888], 24, 0.25),
  regnet_y_3_2gf: P([2, 5, 13, 1], [72, 216, 576, 1512], 24, 0.25),
  regnet_y_8gf: P([2, 4, 10, 1], [224, 448, 896, 2016], 56, 0.25),
  regnet_y_16gf: P([2, 4, 11, 1], [224, 448, 1232, 3024], 112, 0.25),
  regnet_y_32gf: P([2, 5, 12, 1], [232, 696, 1392, 3712], 232, 0.25),
  regnet_y_128gf: P([2, 7, 17, 1], [528, 1056, 2904, 7392], 264, 0.25),
};

/** A RegNet graph; node ids are torchvision's (`trunk_output.block1.block1-0.f.a.0`). */
export function regnet(name: string, p: RegNetParams, options: ZooOptions = {}): Graph {
  const b = new GraphBuilder(name, 3);
  const cna = (id: string, x: string, out: number, k: number, o: { stride?: number; groups?: number; act?: boolean } = {}) => {
    let y = b.bn(`${id}.1`, b.conv(`${id}.0`, x, out, k, { stride: o.stride ?? 1, padding: (k - 1) >> 1, groups: o.groups ?? 1, bias: false }));
    if (o.act !== false) y = b.act(`${id}.2`, y, 'relu');
    return y;
  };
  let x = b.stage('stem', cna('stem', INPUT, 32, 3, { stride: 2 }));
  let wIn = 32;
  p.depths.forEach((depth, si) => {
    const wOut = p.widths[si]!, gw = p.groupWidths[si]!;
    for (let j = 0; j < depth; j++) {
      const q = `trunk_output.block${si + 1}.block${si + 1}-${j}`;
      const stride = j === 0 ? 2 : 1;
      const wb = wOut; // bottleneck multiplier 1.0 for every torchvision RegNet
      let y = cna(`${q}.f.a`, x, wb, 1);
      y = cna(`${q}.f.b`, y, wb, 3, { stride, groups: wb / gw });
      if (p.seRatio) {
        let sc = b.adaptiveAvgPool(`${q}.f.se.avgpool`, y, 1);
        sc = b.act(`${q}.f.se.activation`, b.conv(`${q}.f.se.fc1`, sc, Math.round(p.seRatio * wIn), 1), 'relu');
        sc = b.act(`${q}.f.se.scale_activation`, b.conv(`${q}.f.se.fc2`, sc, wb, 1), 'sigmoid');
        y = b.mul(`${q}.f.se.scale`, [y, sc]);
      }
      y = cna(`${q}.f.c`, y, wOut, 1, { act: false });
      const shortcut = wIn !== wOut || stride !== 1 ? cna(`${q}.proj`, x, wOut, 1, { stride, act: false }) : x;
      x = b.act(`${q}.activation`, b.sum(`${q}.add`, [y, shortcut]), 'relu');
      wIn = wOut;
    }
    b.stage(`block${si + 1}`, x);
  });
  x = b.stage('avgpool', b.adaptiveAvgPool('avgpool', x, 1));
  b.stage('fc', b.linear('fc', b.flatten('flatten', x), options.numClasses ?? 1000));
  return b.build();
}

/** The RegNet constructors by torchvision name. */
export const REGNET_MODELS: Record<string, ZooConstructor> = Object.fromEntries(
  Object.entries(REGNET_PARAMS).map(([n, p]) => [n, (o?: ZooOptions) => regnet(n, p, o)]),
);
