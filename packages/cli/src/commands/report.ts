/**
 * `pixpnet report RUN_DIR`: a self-contained folder `RUN_DIR/report/` whose `index.html` opens from disk (no server,
 * no network, no script): results, training curves, the prototype gallery, a few explanations and — when
 * `pixpnet evaluate` has run — its metrics and ROT figure. The run's files are untrusted: the figures are drawn here
 * from their numbers (the ROT curves from `results/rot/`, never `results/rot.svg`), every string is escaped, and the
 * page's Content-Security-Policy allows no script.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { initBackend, log, withStagedFiles } from '@pixpnet/engine';
import { experimentPlotSpec, experimentReportHtml, explainItems, meanRfPct, readInterpretabilityFile, readRunRotFigure, reportHtml, runRotFigureSvg, summarizeExperiment, trainingCurvesSvg, vegaLiteSvg } from '@pixpnet/eval';
import { readRows } from '../experiment/run.js';
import { readMetricsCsv, readModelInfo, runPaths } from '@pixpnet/train';
import { buildGallery } from '../gallery.js';
import { randomTestItems, requireRunDir, withRun } from '../run_data.js';
import { checkOutDir } from '../out_dir.js';
import { engineOptions, wholeArg } from '../options.js';
import type { GlobalOptions } from '../options.js';

/** What to do about a bad file of the run. */
const FIX = 'restore it, or delete it to leave it out of the report.';

/** The report of an experiment's folder (`pixpnet experiment --out DIR`): `DIR/report/index.html`. */
async function experimentReport(dir: string): Promise<void> {
  const out = checkOutDir(path.join(dir, 'report'), 'The report folder', { within: { dir } });
  const runs = readRows(dir); // checked, before anything is written
  if (!runs.length) throw new Error(`${dir} holds no finished row yet (rows/*.json): run pixpnet experiment first.`);
  const summary = summarizeExperiment(runs);
  const name = path.basename(path.resolve(dir));
  const figureSvg = await vegaLiteSvg(experimentPlotSpec(summary, `${name}: mean ± sd over seeds`));
  await withStagedFiles((staged) => staged.write(path.join(out, 'index.html'), experimentReportHtml({ name, dir: path.resolve(dir), summary, runs, figureSvg })), { within: dir });
  process.stdout.write(`${path.join(out, 'index.html')}\n`);
}

/** Adds `report`. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('a self-contained HTML report of a run (opens from disk): results, curves, prototypes, explanations, interpretability')
    .argument('<run_dir>', 'a finished run directory, or the folder of pixpnet experiment (its summary, figure and runs)')
    .option('--explanations <n>', 'random test images explained (default 3)', wholeArg('--explanations', 0))
    .option('--seed <s>', 'seed of the explained images (default 0)', wholeArg('--seed', 0))
    .action(async (runArg: string, _o: unknown, self: Command) => {
      const f = self.optsWithGlobals<GlobalOptions & { explanations?: number; seed?: number }>();
      if (fs.existsSync(path.join(runArg, 'experiment.json')) && !fs.existsSync(path.join(runArg, 'results'))) {
        await experimentReport(requireRunDir(runArg, 'The experiment folder'));
        return;
      }
      const runDir = requireRunDir(runArg);
      const paths = runPaths(runDir);
      const out = checkOutDir(path.join(runDir, 'report'), 'The report folder', { within: { dir: runDir } }); // (a link in a run never sends the report elsewhere)
      // the run's files first: a bad one stops the report before anything is written
      const interp = readInterpretabilityFile(path.join(paths.results, 'interpretability.yaml'), FIX);
      const modelInfo = readModelInfo(path.join(paths.results, 'model_info.yaml'), FIX);
      const metrics = fs.existsSync(paths.metrics) ? readMetricsCsv(paths.metrics) : undefined;
      const rotFigure = interp ? readRunRotFigure(paths.results, interp) : undefined;
      await initBackend(engineOptions(f));
      // every file of the report is written whole before any replaces a previous report's (a full disk leaves that one)
      await withRun(runDir, true, async (run, ds) => withStagedFiles(async (staged) => {
        const c = run.config;
        const { entries, png } = await buildGallery(run.model, ds);
        staged.write(path.join(out, 'prototypes.png'), png);
        const records = await explainItems({ model: run.model, samples: ds.index.samples, preset: ds.preset, classNames: ds.index.classNames },
          randomTestItems(c, ds, f.explanations ?? 3, f.seed ?? 0), { outDir: path.join(out, 'explanations'), staged });
        const html = reportHtml({
          title: `PixPNet run ${path.basename(path.resolve(runDir))}`, runDir: path.resolve(runDir), config: c,
          ...(run.scores ? { scores: run.scores } : {}),
          ...(modelInfo ? { modelInfo } : {}),
          ...(metrics ? { curvesSvg: await trainingCurvesSvg(metrics) } : {}),
          gallery: { image: 'prototypes.png', entries, classNames: ds.index.classNames },
          explanations: records.map((r) => ({ image: path.relative(out, r.file!).split(path.sep).join('/'), record: r })),
          ...(interp ? { interpretability: { record: interp, ...(rotFigure ? { rotSvg: await runRotFigureSvg(rotFigure, meanRfPct(run.model)) } : {}) } } : {}),
        });
        staged.write(path.join(out, 'index.html'), html);
      }, { within: runDir })); // (a link below a folder of the run never sends a file outside the run)
      if (!interp) log.info(`No interpretability results yet: run pixpnet evaluate ${runDir}, then the report again to include them.`);
      process.stdout.write(`${path.join(out, 'index.html')}\n`);
    });
}
