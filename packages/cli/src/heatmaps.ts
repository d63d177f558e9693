/**
 * The heat-map methods of other packages, registered with `@pixpnet/eval`'s registry here (eval depends on none of
 * them): `prp` from `@pixpnet/prp`. Imported once by the program, so every command can use them by name.
 */
import { registerHeatmapMethod } from '@pixpnet/eval';
import { prpHeatmaps } from '@pixpnet/prp';

registerHeatmapMethod({
  name: 'prp', label: 'PRP',
  description: 'prototypical relevance propagation: LRP from the best cell back to the pixels (z^B input rule), summed over RGB',
  compute: ({ model, image, prototypes }) => prpHeatmaps(model, image, prototypes),
});
