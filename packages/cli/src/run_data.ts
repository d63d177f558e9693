/** A finished run's dataset and splits, reopened exactly as training made them (shared by the commands that read runs). */
import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '@pixpnet/engine';
import { datasetDir, datasetKey, makeSplits, openDataset } from '@pixpnet/data';
import type { OpenedDataset } from '@pixpnet/data';
import type { ExplainItem } from '@pixpnet/eval';
import { loadRun } from '@pixpnet/train';
import type { LoadedRun } from '@pixpnet/train';

/** Which split. */
export type SplitName = 'test' | 'val' | 'train';

/**
 * The run's dataset (`parts`: read part annotations where the dataset has them). It must be where the run recorded
 * it (a root recorded relative, by older runs, is taken from the current folder): a command reading a run never
 * generates the synthetic set, and a dataset with another number of classes than the model is refused.
 */
export async function openRunDataset(config: Record<string, unknown>, parts: boolean, numClasses?: number): Promise<OpenedDataset> {
  const name = String(config['dataset.name']), root = String(config['dataset.root']);
  const dir = datasetDir(root, datasetKey(name));
  const where = `${path.resolve(dir)}${path.isAbsolute(root) ? '' : ` (dataset.root '${root}' in the run's results/config.yaml, taken from the current folder ${process.cwd()})`}`;
  if (!fs.existsSync(dir)) {
    const fix = path.isAbsolute(root) ? 'put the dataset back there, or set dataset.root in the run\'s results/config.yaml to where it is now'
      : 'run the command from the folder the run was trained in, or put the dataset there';
    throw new Error(`The run's dataset ${name} is not at ${where}: ${fix}.`);
  }
  const ds = await openDataset(name, root, { parts, cropToBbox: Boolean(config['dataset.crop-to-bbox']), generate: false, allowOutsideRoot: config['dataset.allow-outside-root'] === true });
  if (numClasses !== undefined && ds.numClasses !== numClasses) {
    throw new Error(`The dataset at ${where} has ${ds.numClasses} classes, the run's model ${numClasses}: it is not the dataset the run was trained on.`);
  }
  return ds;
}

/** The positions in `ds.index.samples` of a split, as the run made it (same seed, validation size, augment factor). */
export function runSplit(config: Record<string, unknown>, ds: OpenedDataset, split: SplitName): number[] {
  const s = makeSplits(ds.index.samples, { valSize: Number(config['dataset.val-size']), seed: Number(config['seed']), augmentFactor: Number(config['dataset.augment-factor'] ?? 1) });
  return split === 'train' ? s.trainUnaugmented : s[split];
}

/** `n` random test images (seeded) as items to explain. */
export function randomTestItems(config: Record<string, unknown>, ds: OpenedDataset, n: number, seed: number): ExplainItem[] {
  return new Rng(seed).shuffle([...runSplit(config, ds, 'test')]).slice(0, n).map((i) => {
    const s = ds.index.samples[i]!;
    return { sample: s, name: s.path ? `test${i}_${path.basename(s.path).replace(/\.[^.]+$/, '')}` : `test${i}`, actual: s.label };
  });
}

/**
 * Throws unless `runDir` is a folder (checked before the backend starts); `what` names the option that gave it.
 * Returns it absolute with symbolic links resolved: a link to a run directory works like the run directory, and
 * the command reads and writes the folder it points to.
 */
export function requireRunDir(runDir: string, what?: string): string {
  if (!fs.existsSync(runDir)) {
    const dangling = fs.lstatSync(runDir, { throwIfNoEntry: false })?.isSymbolicLink();
    if (dangling) throw new Error(`${what ? `${what} ` : ''}${runDir} is a symbolic link to ${fs.readlinkSync(runDir)}, which does not exist: give the run directory itself, or fix the link.`);
    throw new Error(what ? `${what} ${runDir}: no such run directory.` : `No such run directory: ${runDir}.`);
  }
  if (!fs.statSync(runDir).isDirectory()) throw new Error(`${what ? `${what} ` : ''}${runDir} is a file, not a run directory: give the folder a run wrote (logs/…/<timestamp>).`);
  return fs.realpathSync(runDir);
}

/** Loads a finished run and its dataset, runs `fn`, and disposes the model whatever happens. */
export async function withRun<T>(runDir: string, parts: boolean, fn: (run: LoadedRun, ds: OpenedDataset) => Promise<T>): Promise<T> {
  const run = loadRun(requireRunDir(runDir));
  try {
    return await fn(run, await openRunDataset(run.config, parts, run.model.config.numClasses));
  } finally {
    run.model.dispose();
  }
}
