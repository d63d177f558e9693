/** The add-on layers between backbone and prototypes (spec §2.2), described in the same IR as the backbones. */
import { GraphBuilder, INPUT } from '@pixpnet/symbolic';
import type { Graph } from '@pixpnet/symbolic';

/** `regular` (conv-relu-conv-sigmoid) or `bottleneck` (a halving stack). */
export type AddOnType = 'regular' | 'bottleneck';

/** The add-on graph from `inChannels` to `dim` channels; node ids follow the reference (`conv1`, `conv_last`). */
export function addOnGraph(type: AddOnType, inChannels: number, dim: number): Graph {
  const b = new GraphBuilder('add_on_layers', inChannels);
  let x = INPUT;
  if (type === 'regular') {
    x = b.act('relu1', b.conv('conv1', x, dim, 1));
    x = b.act('sigmoid', b.conv('conv_last', x, dim, 1), 'sigmoid');
  } else {
    let cur = inChannels, i = 1, first = true;
    while (cur > dim || first) {
      first = false;
      const out = Math.max(dim, Math.floor(cur / 2));
      if (out > dim) {
        x = b.act(`relu${i}`, b.conv(`conv${i}`, x, out, 1));
        x = b.act(`relu${i + 1}`, b.conv(`conv${i + 1}`, x, out, 1));
      } else {
        x = b.act(`relu${i}`, b.conv(`conv${i}`, x, dim, 1));
        x = b.act('sigmoid', b.conv('conv_last', x, dim, 1), 'sigmoid');
      }
      cur = Math.floor(cur / 2);
      i += 2;
    }
  }
  b.stage('out', x);
  return b.build();
}
