/**
 * `pixpnet train -c config.yaml [--section.option value ...]` and `pixpnet train --resume RUN_DIR`: every option
 * of spec §3.10 comes from `TRAIN_OPTIONS` (YAML keys, flags, validation and this help are one table).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { lastValueFrom, share } from 'rxjs';
import { initBackend, log } from '@pixpnet/engine';
import { DivergedError, TRAIN_OPTIONS, planRun, settingsOf, attachWriters, latestCheckpoint, parseValue, resolveConfig, train } from '@pixpnet/train';
import type { FlatConfig, OptionSpec, RunEndEvent } from '@pixpnet/train';
import { SYNTH_DATASETS, datasetDir, datasetKey } from '@pixpnet/data';
import { engineOptions } from '../options.js';
import type { GlobalOptions } from '../options.js';
import { attachProgress } from '../progress.js';
import { builtinConfigs, resolveConfigFile } from '../configs.js';
import { checkOutDir } from '../out_dir.js';
import { requireRunDir } from '../run_data.js';
import { evaluateRun, formatInterpretability } from '../evaluation.js';

const METAVAR: Record<OptionSpec['type'], string> = { int: '<int>', float: '<float>', string: '<str>', path: '<path>', flag: '', intList: '<int...>' };

function describeDefault(o: OptionSpec): string {
  if (o.default === undefined) return '';
  return ` (default: ${Array.isArray(o.default) ? o.default.join(' ') : String(o.default)})`;
}

/** Adds `train`. */
export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description('train PixPNet: -c config.yaml, any option below overrides the file; or --resume RUN_DIR')
    .option('-c, --config <file>', 'YAML config file (same dashed nested keys as the options), or a built-in name such as proto-synthparts')
    .option('--resume <run_dir>', 'continue a killed run from its latest checkpoint (ignores every other option)');
  const keys = new Map<string, string>(); // commander attribute → option key
  const negations: Array<[string, string]> = []; // [key, its no- key]
  for (const o of TRAIN_OPTIONS) {
    const flag = o.type === 'flag' ? `--${o.key}` : `--${o.key} ${METAVAR[o.type]}`;
    const opt = new Option(flag, `${o.help}${describeDefault(o)}`);
    if (o.choices) opt.choices([...o.choices]);
    cmd.addOption(opt);
    keys.set(opt.attributeName(), o.key);
    if (o.negatable) {
      const dot = o.key.lastIndexOf('.');
      const negKey = `${o.key.slice(0, dot + 1)}no-${o.key.slice(dot + 1)}`;
      const neg = new Option(`--${negKey}`, `turn off --${o.key}`);
      cmd.addOption(neg);
      keys.set(neg.attributeName(), negKey);
      negations.push([o.key, negKey]);
    }
  }
  cmd.action(async (_o: unknown, self: Command) => {
    const all = self.optsWithGlobals<GlobalOptions & { config?: string; resume?: string } & Record<string, unknown>>();
    const overrides: FlatConfig = {};
    for (const [attr, key] of keys) {
      const v = self.getOptionValue(attr) as string | string[] | boolean | undefined;
      if (v === undefined) continue;
      overrides[key] = typeof v === 'boolean' ? v : parseValue(key, v);
    }
    for (const [key, negKey] of negations) {
      if (key in overrides && negKey in overrides) throw new Error(`--${key} and --${negKey} contradict each other: give one of them.`);
    }
    let config: FlatConfig | undefined;
    if (all.resume) {
      if (all.config || Object.keys(overrides).length) log.warning('--resume continues the run with its own configuration: the other options are ignored.');
      all.resume = requireRunDir(all.resume, '--resume'); // (a symbolic link: the run it points to)
    } else {
      if (!all.config && !Object.keys(overrides).length) throw new Error(`Give a config: a YAML file or a built-in one (-c ${builtinConfigs().join(', -c ')}), or options; see pixpnet train --help.`);
      let text: string | undefined;
      if (all.config) {
        all.config = resolveConfigFile(all.config);
        text = fs.readFileSync(all.config, 'utf8');
      }
      config = resolveConfig(text, overrides, all.config ?? 'the command line');
      planRun(config); // settings, dataset name, backbone, cut and weights file, before any work
      config['log-dir'] = checkOutDir(String(config['log-dir']), '--log-dir'); // (a symbolic link: the folder it points to)
      const key = datasetKey(String(config['dataset.name'])), root = String(config['dataset.root']);
      if (Object.hasOwn(SYNTH_DATASETS, key) && !fs.existsSync(datasetDir(root, key))) checkOutDir(root, '--dataset.root'); // (the synthetic set is generated there)
      log.info(`Configuration: ${Object.entries(config).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' ')}`);
    }
    await initBackend(engineOptions(all));
    const events = train({ ...(config ? { config } : {}), ...(all.config && !all.resume ? { configPath: path.resolve(all.config) } : {}), ...(all.resume ? { resume: all.resume } : {}) })
      .pipe(share());
    let runDir: string | undefined;
    attachWriters(events, {
      onError: (err) => {
        // checkpoints are atomic: stopping here loses nothing already written
        log.error(`Writing the run outputs failed: ${err.message}. Fix that, then continue with: pixpnet train --resume ${runDir ?? '<run dir>'}`);
        process.exit(1);
      },
    });
    attachProgress(events);
    let end: (RunEndEvent & { config: Record<string, unknown> }) | undefined;
    let resolved: Record<string, unknown> = {};
    events.subscribe({
      next: (e) => {
        if (e.type === 'runStart') {
          resolved = e.config;
          runDir = e.runDir;
        }
        if (e.type === 'runEnd') end = { ...e, config: resolved };
      },
      error: () => undefined,
    });
    try {
      await lastValueFrom(events, { defaultValue: undefined });
    } catch (e) {
      // a crash after a checkpoint (out of memory, a killed worker) can continue from it; a diverged run needs new options
      const resumable = runDir && latestCheckpoint(runDir) && e instanceof Error && !(e instanceof DivergedError);
      if (resumable) e.message += ` (the run can continue from its last checkpoint: pixpnet train --resume ${runDir})`;
      // a new run that failed before its first checkpoint holds nothing to resume: no orphan directory is left
      if (runDir && !all.resume && !latestCheckpoint(runDir)) {
        fs.rmSync(runDir, { recursive: true, force: true });
        log.info(`Removed ${runDir}: the run failed before its first checkpoint.`);
      }
      throw e;
    }
    if (end) {
      const acc = end.scores['test_accuracy'];
      process.stdout.write(`test accuracy: ${acc !== undefined ? (acc * 100).toFixed(1) : '?'} %\n`);
      const s = settingsOf(end.config as FlatConfig);
      if (s.eval.interpretability && s.model.classSpecific) {
        // the same evaluation as pixpnet evaluate, with a fast ROT
        try {
          const r = await evaluateRun(end.runDir, { rot: { steps: s.eval.rotSteps, numSamples: s.eval.rotNumSamples, sampleOrder: s.eval.rotSampleOrder } });
          process.stdout.write(`${formatInterpretability(r)}\n`);
        } catch (e) {
          (e as Error).message = `The run finished and is saved, but its interpretability evaluation failed: ${(e as Error).message} ` +
            `Fix that and run: pixpnet evaluate ${end.runDir}`;
          throw e;
        }
      }
      process.stdout.write(`results:    ${path.join(end.runDir, 'results')}\ncheckpoint: ${end.checkpoint}\nmodel:      ${end.modelDir}\n`);
    }
  });
}
