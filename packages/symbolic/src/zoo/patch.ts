/** The "Patch % of Image" of zoo stages: each stage's mean exact receptive field as a percentage of the input. */
import { computeReceptiveFields } from '../rf/analyze.js';
import { zooModel } from './index.js';

/**
 * Mean receptive field (% of the `height × width` input) of each named stage of a zoo backbone, from
 * `@pixpnet/symbolic` (`meanChannelAreaPct`: the clipped area of each unit's field averaged over the units and their
 * channels — the reference's "patch size": where channels differ, as in dense blocks and fire modules, each channel
 * counts with its own field). One analysis for all the stages.
 *
 * @throws Error when the model is not in the zoo or a stage is not one of its layers (the message lists them).
 */
export function zooPatchPcts(model: string, height: number, width: number, stages: readonly string[]): Record<string, number> {
  const graph = zooModel(model);
  const names = graph.stages.map(([n]) => n);
  const unknown = stages.filter((s) => !names.includes(s));
  if (unknown.length) throw new Error(`${model} has no layer ${unknown.map((s) => `'${s}'`).join(', ')}. Its layers are: ${names.join(', ')}.`);
  const report = computeReceptiveFields(graph, { height, width, layers: [...new Set(stages)] });
  return Object.fromEntries(stages.map((s) => [s, report.layers[s]!.meanChannelAreaPct]));
}
