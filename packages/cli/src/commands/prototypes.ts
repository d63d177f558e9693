/**
 * `pixpnet prototypes RUN_DIR`: the gallery of every prototype — its training patch, its source image with the
 * patch's exact receptive field, its class and, on datasets with parts, the parts inside that field — as a PNG grid
 * and the data as JSON.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { initBackend, log, writeAtomic } from '@pixpnet/engine';
import { buildGallery } from '../gallery.js';
import { requireRunDir, withRun } from '../run_data.js';
import { checkOutDir } from '../out_dir.js';
import { engineOptions } from '../options.js';
import type { GlobalOptions } from '../options.js';

/** Adds `prototypes`. */
export function registerPrototypes(program: Command): void {
  program
    .command('prototypes')
    .description("the gallery of a run's prototypes: training patch, source image with the exact receptive field, class, the parts inside the field")
    .argument('<run_dir>', 'a finished run directory (a symbolic link to one works like it)')
    .option('--out <dir>', 'where prototypes.png and prototypes.json go (default RUN_DIR/prototypes); a symbolic link to a folder writes into that folder')
    .option('--json', 'print the gallery data as JSON')
    .action(async (runArg: string, _o: unknown, self: Command) => {
      const f = self.optsWithGlobals<GlobalOptions & { out?: string; json?: boolean }>();
      const runDir = requireRunDir(runArg);
      const out = f.out ? checkOutDir(f.out, '--out')
        : checkOutDir(path.join(runDir, 'prototypes'), 'The default --out folder', { within: { dir: runDir, option: '--out' } });
      await initBackend(engineOptions(f));
      await withRun(runDir, true, async (run, ds) => {
        const { entries, png } = await buildGallery(run.model, ds);
        fs.mkdirSync(out, { recursive: true });
        writeAtomic(path.join(out, 'prototypes.png'), png);
        writeAtomic(path.join(out, 'prototypes.json'), JSON.stringify(entries, null, 1) + '\n');
        if (f.json) process.stdout.write(JSON.stringify(entries) + '\n');
        const defining = entries.filter((e) => e.definingPart).length, judged = entries.filter((e) => e.definingPart !== null).length;
        const background = entries.filter((e) => e.parts?.length === 0).length;
        if (judged) log.info(`${defining} of ${judged} prototypes hold a part that defines their class in their receptive field; ${background} hold no part (background)`);
        else if (entries.some((e) => e.parts)) log.info(`${background} of ${entries.filter((e) => e.parts).length} prototypes hold no part in their receptive field (background)`);
        log.info(`Gallery: ${path.join(out, 'prototypes.png')} and prototypes.json`);
      });
    });
}
