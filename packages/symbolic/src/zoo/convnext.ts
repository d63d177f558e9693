/**
 * ConvNeXt T/S/B/L (torchvision `convnext.py`); stages `0`…`7` (indices into `features`), `avgpool`,
 * `classifier`. The block's `nn.Linear` layers act on channels at each position: they are 1×1 convolutions here.
 */
import { GraphBuilder } from '../ir/builder.js';
import { INPUT } from '../ir/types.js';
import type { Graph } from '../ir/types.js';
import type { ZooConstructor, ZooOptions } from './types.js';

/** A ConvNeXt graph; node ids are torchvision's (`features.1.0.block.0`). */
export function convnext(name: string, dims: number[], depths: number[], sdProb: number, options: ZooOptions = {}): Graph {
  const b = new GraphBuilder(name, 3);
  let x = b.layerNorm('features.0.1', b.conv('features.0.0', INPUT, dims[0]!, 4, { stride: 4 }));
  b.stage('0', x);
  const total = depths.reduce((a, d) => a + d, 0);
  let blockId = 0;
  depths.forEach((depth, si) => {
    const dim = dims[si]!;
    const f = 1 + 2 * si;
    if (si > 0) {
      x = b.layerNorm(`features.${f - 1}.0`, x);
      x = b.stage(String(f - 1), b.conv(`features.${f - 1}.1`, x, dim, 2, { stride: 2 }));
    }
    for (let j = 0; j < depth; j++) {
      const p = `features.${f}.${j}`;
      let y = b.conv(`${p}.block.0`, x, dim, 7, { padding: 3, groups: dim });
      y = b.layerNorm(`${p}.block.2`, y);
      y = b.act(`${p}.block.4`, b.conv(`${p}.block.3`, y, 4 * dim, 1), 'gelu');
      y = b.scale(`${p}.layer_scale`, b.conv(`${p}.block.5`, y, dim, 1));
      y = b.identity(`${p}.stochastic_depth`, y, 'stochasticDepth', (sdProb * blockId) / (total - 1));
      x = b.sum(`${p}.add`, [y, x]);
      blockId++;
    }
    b.stage(String(f), x);
  });
  x = b.stage('avgpool', b.adaptiveAvgPool('avgpool', x, 1));
  x = b.flatten('classifier.1', b.layerNorm('classifier.0', x));
  b.stage('classifier', b.linear('classifier.2', x, options.numClasses ?? 1000));
  return b.build();
}

/** The ConvNeXt constructors by torchvision name. */
export const CONVNEXT_MODELS: Record<string, ZooConstructor> = {
  convnext_tiny: (o?: ZooOptions) => convnext('convnext_tiny', [96, 192, 384, 768], [3, 3, 9, 3], 0.1, o),
  convnext_small: (o?: ZooOptions) => convnext('convnext_small', [96, 192, 384, 768], [3, 3, 27, 3], 0.4, o),
  convnext_base: (o?: ZooOptions) => convnext('convnext_base', [128, 256, 512, 1024], [3, 3, 27, 3], 0.5, o),
  convnext_large: (o?: ZooOptions) => convnext('convnext_large', [192, 384, 768, 1536], [3, 3, 27, 3], 0.5, o),
};
