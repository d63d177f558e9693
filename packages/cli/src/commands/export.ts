/**
 * `pixpnet export RUN_DIR --out DIR`: the run's model as a static web page that explains images in the browser —
 * the tfjs model, the prototypes' training patches, the cut layer's exact receptive fields, class names and
 * preprocessing constants, `index.html` and the bundled script. Serve the folder with any static server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import sharp from 'sharp';
import { initBackend, log, withStagedFiles } from '@pixpnet/engine';
import { protoNetToArtifacts } from '@pixpnet/models';
import { prototypePatches } from '@pixpnet/eval';
import { requireRunDir, withRun } from '../run_data.js';
import { checkOutDir } from '../out_dir.js';
import { engineOptions, wholeArg } from '../options.js';
import type { GlobalOptions } from '../options.js';

/** The bundled page (built with the package: `dist/browser/`). */
const PAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../browser');

/** Adds `export`. */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('the model as a static web page that classifies and explains images in the browser')
    .argument('<run_dir>', 'a finished run directory (a symbolic link to one works like it)')
    .option('--out <dir>', 'the folder to write (default RUN_DIR/export); a symbolic link to a folder writes into that folder')
    .option('--top-k <k>', 'prototypes per explanation (default 4)', wholeArg('--top-k', 1))
    .action(async (runArg: string, _o: unknown, self: Command) => {
      const f = self.optsWithGlobals<GlobalOptions & { out?: string; topK?: number }>();
      const runDir = requireRunDir(runArg);
      const out = f.out ? checkOutDir(f.out, '--out') : checkOutDir(path.join(runDir, 'export'), 'The default --out folder', { within: { dir: runDir, option: '--out' } });
      if (!fs.existsSync(path.join(PAGE, 'app.js'))) throw new Error(`The page bundle is missing (${PAGE}): build the CLI (npm run build).`);
      await initBackend(engineOptions(f));
      await withRun(runDir, false, async (run, ds) => withStagedFiles(async (staged) => {
        // every file is written whole before any replaces a previous export's (a full disk leaves that one as it was)
        for (const e of fs.readdirSync(PAGE, { recursive: true, withFileTypes: true })) {
          if (e.isFile()) staged.write(path.join(out, path.relative(PAGE, path.join(e.parentPath, e.name))), fs.readFileSync(path.join(e.parentPath, e.name)));
        }
        const { modelJson, weights } = await protoNetToArtifacts(run.model);
        staged.write(path.join(out, 'model', 'model.json'), JSON.stringify(modelJson));
        staged.write(path.join(out, 'model', 'weights.bin'), Buffer.from(weights));
        const P = run.model.config.numPrototypes;
        const patches = await prototypePatches(run.model, Array.from({ length: P }, (_, j) => j), ds.index.samples, ds.preset);
        const files: Array<string | null> = [];
        for (let j = 0; j < P; j++) {
          const p = patches.get(j);
          if (!p) { files.push(null); continue; }
          const file = `prototypes/p${j}.png`;
          staged.write(path.join(out, file), await sharp(Buffer.from(p.data), { raw: { width: p.w, height: p.h, channels: 3 } }).png().toBuffer());
          files.push(file);
        }
        const { mean, std, crop, resize, downsample } = ds.preset;
        staged.write(path.join(out, 'explainer.json'), JSON.stringify({
          format: 'pixpnet-browser', title: `PixPNet: ${ds.key} (${run.model.config.backbone} cut at ${run.model.config.featureLayer})`,
          classNames: ds.index.classNames, preset: { mean, std, ...(crop ? { crop } : {}), ...(resize ? { resize } : {}), ...(downsample ? { downsample } : {}) },
          topK: f.topK ?? 4, patches: files,
        }));
        staged.write(path.join(out, 'rf.json'), JSON.stringify({ layer: run.model.config.featureLayer, inputSize: run.model.config.inputSize, grid: run.model.latentGrid, rfBoxes: run.model.rfBoxes }));
      }, f.out ? {} : { within: runDir })); // (a link below a folder of the run never sends a file outside the run)
      process.stdout.write(`${out}\n`);
      log.info(`Serve it with any static server, e.g. python3 -m http.server --directory ${out} 8000 (opening index.html from file:// blocks its module script and fetches)`);
    });
}
