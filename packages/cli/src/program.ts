/** The `pixpnet` command tree. */
import { Command } from 'commander';
import { addGlobalOptions } from './options.js';
import { cliVersion } from './versions.js';
import { registerInfo } from './commands/info.js';
import { registerRf } from './commands/rf.js';
import { registerData } from './commands/data.js';
import { registerTrain } from './commands/train.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerExplain } from './commands/explain.js';
import { registerPrototypes } from './commands/prototypes.js';
import { registerReport } from './commands/report.js';
import { registerExport } from './commands/export.js';
import { registerSweep } from './commands/sweep.js';
import { registerExperiment } from './commands/experiment.js';
import './heatmaps.js';

/** Builds the program; each command lives in `commands/` and registers itself here. */
export function createProgram(): Command {
  const program = new Command('pixpnet')
    .description('PixPNet: pixel-grounded prototypical part networks on TensorFlow.js')
    .version(cliVersion(), '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError();
  addGlobalOptions(program);
  registerInfo(program);
  registerRf(program);
  registerData(program);
  registerTrain(program);
  registerEvaluate(program);
  registerExplain(program);
  registerPrototypes(program);
  registerReport(program);
  registerExport(program);
  registerSweep(program);
  registerExperiment(program);
  return program;
}
