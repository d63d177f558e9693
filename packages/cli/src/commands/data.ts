/** `pixpnet data …`: dataset tools. `synth` writes the embedded synthetic parts dataset. */
import { Option } from 'commander';
import type { Command } from 'commander';
import { log } from '@pixpnet/engine';
import { MAX_CLASSES, SYNTH_DEFAULT_SIZE, SYNTH_LAYOUTS, SYNTH_MIN_SIZE, SYNTH_MIN_VARIED_SIZE, writeSynthDataset } from '@pixpnet/data';
import type { Distractors, SynthLayout } from '@pixpnet/data';
import { checkOutDir } from '../out_dir.js';
import { wholeArg } from '../options.js';

/** Adds `data` and its subcommands. */
export function registerData(program: Command): void {
  const data = program.command('data').description('dataset tools');
  data
    .command('synth')
    .description('write the synthetic parts dataset (CUB-200-2011 layout, with class-defining parts)')
    .requiredOption('--out <dir>', 'output folder (CUB_200_2011/ is created inside; a symbolic link to a folder writes into that folder)')
    .option('--classes <n>', `number of classes (1 to ${MAX_CLASSES}: classes 151 to 200 are defined by three parts, the others by two)`, wholeArg('--classes', 1, MAX_CLASSES), 10)
    .option('--per-class <n>', 'images per class', wholeArg('--per-class', 1), 40)
    .option('--size <px>', `image size in pixels, 24 (scattered: 64) to 4096 (default ${SYNTH_DEFAULT_SIZE.centred}, with --layout scattered ${SYNTH_DEFAULT_SIZE.scattered})`, wholeArg('--size', 24, 4096))
    .option('--seed <n>', 'random seed (same seed: byte-identical files)', wholeArg('--seed', 0), 0)
    .addOption(new Option('--distractors <kind>', 'the non-defining parts: random attributes (hard) or plain grey (easy; what SYNTHPARTS and SYNTHPARTS_SCATTERED generate)').choices(['random', 'plain']).default('random'))
    .addOption(new Option('--layout <kind>', 'centred: a large bird near the centre (the original set); scattered: the harder set — birds at 0.4–1.0 scale anywhere in the ' +
      'image, mirrored half of the time, on background clutter with loose distractor parts (what SYNTHPARTS_SCATTERED generates)').choices([...SYNTH_LAYOUTS]).default('centred'))
    .option('--varied-sizes', 'with --layout scattered: images of varied sizes and aspect ratios as CUB\'s — the longer side 0.8–1 × --size, aspect 1.15–1.5, ' +
      `a quarter portrait (about 500 × 375 at --size 500; --size ${SYNTH_MIN_VARIED_SIZE} or more)`)
    .action(async (o: { out: string; classes: number; perClass: number; size?: number; seed: number; distractors: Distractors; layout: SynthLayout; variedSizes?: boolean }) => {
      const size = o.size ?? SYNTH_DEFAULT_SIZE[o.layout];
      if (o.variedSizes && o.layout !== 'scattered') throw new Error('--varied-sizes needs --layout scattered (the centred layout draws squares).');
      if (o.variedSizes && size < SYNTH_MIN_VARIED_SIZE) throw new Error(`--size ${size} is too small for --varied-sizes, whose shortest sides are down to 0.53 of it: give --size ${SYNTH_MIN_VARIED_SIZE} or more.`);
      if (size < SYNTH_MIN_SIZE[o.layout]) {
        throw new Error(`--size ${size} is too small for --layout ${o.layout}, whose smallest birds are 0.4 of the image: give --size ${SYNTH_MIN_SIZE[o.layout]} or more ` +
          `(default ${SYNTH_DEFAULT_SIZE[o.layout]}), or --layout centred.`);
      }
      const out = checkOutDir(o.out, '--out');
      const t0 = Date.now();
      const root = await writeSynthDataset({ out, classes: o.classes, perClass: o.perClass, size, seed: o.seed, distractors: o.distractors, layout: o.layout, variedSizes: Boolean(o.variedSizes) });
      log.info(`Wrote ${o.classes * o.perClass} images (${o.classes} classes, ${o.variedSizes ? `varied sizes up to ${size}` : size}px${o.layout === 'scattered' ? ', scattered' : ''}) to ${root} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      process.stdout.write(`${root}\n`);
    });
}
