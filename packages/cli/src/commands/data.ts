/** `pixpnet data …`: dataset tools. `synth` writes the embedded synthetic parts dataset. */
import { Option } from 'commander';
import type { Command } from 'commander';
import { log } from '@pixpnet/engine';
import { writeSynthDataset } from '@pixpnet/data';
import { checkOutDir } from '../out_dir.js';
import { wholeArg } from '../options.js';

/** Adds `data` and its subcommands. */
export function registerData(program: Command): void {
  const data = program.command('data').description('dataset tools');
  data
    .command('synth')
    .description('write the synthetic parts dataset (CUB-200-2011 layout, with class-defining parts)')
    .requiredOption('--out <dir>', 'output folder (CUB_200_2011/ is created inside; a symbolic link to a folder writes into that folder)')
    .option('--classes <n>', 'number of classes', wholeArg('--classes', 1), 10)
    .option('--per-class <n>', 'images per class', wholeArg('--per-class', 1), 40)
    .option('--size <px>', 'image size in pixels (24 to 4096)', wholeArg('--size', 24, 4096), 64)
    .option('--seed <n>', 'random seed (same seed: byte-identical files)', wholeArg('--seed', 0), 0)
    .addOption(new Option('--distractors <kind>', 'the non-defining parts: random attributes (hard) or plain grey (easy; what SYNTHPARTS generates)').choices(['random', 'plain']).default('random'))
    .action(async (o: { out: string; classes: number; perClass: number; size: number; seed: number; distractors: 'random' | 'plain' }) => {
      const out = checkOutDir(o.out, '--out');
      const t0 = Date.now();
      const root = await writeSynthDataset({ out, classes: o.classes, perClass: o.perClass, size: o.size, seed: o.seed, distractors: o.distractors });
      log.info(`Wrote ${o.classes * o.perClass} images (${o.classes} classes, ${o.size}px) to ${root} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      process.stdout.write(`${root}\n`);
    });
}
