/**
 * `pixpnet explain RUN_DIR`: "this looks like that" panels (spec §8) for image files or random test images of the
 * run's dataset — the top prototypes, the exact receptive field of their best cells, their heat maps and
 * contributions — written as PNGs (and `--json`: the numbers behind them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { initBackend, log } from '@pixpnet/engine';
import { EXPLAIN_SORTS, checkExplainOptions, explainItems } from '@pixpnet/eval';
import type { ExplainItem, ExplainSort } from '@pixpnet/eval';
import { checkImages, describeUnreadable } from '@pixpnet/data';
import { randomTestItems, requireRunDir, withRun } from '../run_data.js';
import { checkOutDir } from '../out_dir.js';
import { engineOptions, wholeArg } from '../options.js';
import type { GlobalOptions } from '../options.js';

interface ExplainFlags {
  images?: string[];
  samples?: number;
  seed?: number;
  topK?: number;
  sort?: ExplainSort;
  heatmap?: string;
  out?: string;
  json?: boolean;
}

/** Adds `explain`. */
export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('"this looks like that" panels: the top prototypes of images, their exact receptive fields, heat maps and contributions')
    .argument('<run_dir>', 'a finished run directory (a symbolic link to one works like it)')
    .option('--images <files...>', 'image files to explain (passed through the run\'s evaluation transform)')
    .option('--samples <n>', 'random test images of the run\'s dataset (default 3 without --images)', wholeArg('--samples', 1))
    .option('--seed <s>', 'seed of the random test images (default 0)', wholeArg('--seed', 0))
    .option('--top-k <k>', 'prototypes per panel (default 4)', wholeArg('--top-k', 1))
    .addOption(new Option('--sort <order>', 'row order (default contribution)').choices([...EXPLAIN_SORTS]))
    .option('--heatmap <method>', 'heat-map method: rf (exact receptive fields, default), upsample, … (any registered)')
    .option('--out <dir>', 'where the PNGs go (default RUN_DIR/explanations); a symbolic link to a folder writes into that folder')
    .option('--json', 'print the numbers behind each panel as one JSON array')
    .action(async (runArg: string, _o: unknown, self: Command) => {
      const f = self.optsWithGlobals<GlobalOptions & ExplainFlags>();
      const opts = { ...(f.topK ? { topK: f.topK } : {}), ...(f.sort ? { sort: f.sort } : {}), ...(f.heatmap ? { heatmap: f.heatmap } : {}) };
      checkExplainOptions(opts); // before any work
      if (f.images && f.samples) throw new Error('Give --images or --samples, not both.');
      for (const file of f.images ?? []) if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new Error(`--images: no such file ${file}.`);
      const runDir = requireRunDir(runArg);
      const outDir = f.out ? checkOutDir(f.out, '--out')
        : checkOutDir(path.join(runDir, 'explanations'), 'The default --out folder', { within: { dir: runDir, option: '--out' } });
      await initBackend(engineOptions(f));
      await withRun(runDir, false, async (run, ds) => {
        const c = run.config;
        const items: ExplainItem[] = f.images
          ? f.images.map((file, i) => ({ sample: { id: -1 - i, path: path.resolve(file), label: -1, train: false }, name: path.basename(file).replace(/\.[^.]+$/, ''), actual: null }))
          : randomTestItems(c, ds, f.samples ?? 3, f.seed ?? 0);
        if (!f.images && (f.samples ?? 3) > items.length) log.warning(`--samples ${f.samples ?? 3}: the run's test split has ${items.length} images; explaining all of them.`);
        if (f.images) {
          // every file decodes before the first panel is drawn
          const samples = items.map((it) => it.sample), all = samples.map((_, i) => i);
          const bad = await checkImages(samples, { exist: [], decode: all, preset: ds.preset }); // (existence: checked above)
          if (bad.length) throw new Error(`--images: ${bad.length} of ${samples.length} file(s) cannot be read as images:\n${describeUnreadable(bad)}`);
        }
        const records = await explainItems({ model: run.model, samples: ds.index.samples, preset: ds.preset, classNames: ds.index.classNames }, items, { ...opts, outDir });
        if (f.json) process.stdout.write(JSON.stringify(records) + '\n');
        else {
          for (const r of records) {
            process.stdout.write(`${r.image}: predicted ${r.predicted.name}${r.actual ? ` (actual ${r.actual.name})` : ''} → ${r.file}\n`);
          }
        }
        log.info(`${records.length} explanation panel(s) in ${outDir}`);
      });
    });
}
