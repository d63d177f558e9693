/**
 * Datasets by key (spec §5.1): `dataset.name` upper-cased without dashes (`cub200-224` → `CUB200224`), read from
 * `<root>/<key lower-cased>`, with the key's transform preset and input size. `SYNTHPARTS` is the embedded
 * synthetic parts dataset and `SYNTHPARTS_SCATTERED` its harder version: they are generated there on first use
 * (nothing is downloaded).
 */
import fs from 'node:fs';
import path from 'node:path';
import { log } from '@pixpnet/engine';
import { readCub } from './cub.js';
import { readStanfordCars } from './cars.js';
import { readCifar10 } from './cifar10.js';
import { IMAGENETTE_WNIDS, readImagenette, readTrainVal } from './image_folder.js';
import { loadImagenetSubset } from './imagenet_archives.js';
import { DatasetError } from './read_table.js';
import type { DatasetIndex } from './types.js';
import { PRESETS, presetInputSize } from '../transforms/presets.js';
import type { TransformPreset } from '../transforms/presets.js';
import { writeSynthDataset } from '../synth/write.js';
import type { SynthOptions } from '../synth/write.js';

/** What {@link openDataset} returns. */
export interface OpenedDataset {
  /** The dataset key, e.g. `CUB200224`. */
  key: string;
  /** The folder it was read from: `<root>/<key lower-cased>`. */
  dir: string;
  index: DatasetIndex;
  preset: TransformPreset;
  /** Square input size of the model (spec §5.1 `input_size`). */
  inputSize: number;
  numClasses: number;
}

/** Options of {@link openDataset}. */
export interface OpenOptions {
  /** Crop images to their bounding box (CUB only; the `…BBOX` keys always do). */
  cropToBbox?: boolean;
  /** Read part annotations where the dataset has them (default true). */
  parts?: boolean;
  /** Generate the synthetic parts set where its folder holds none (default true; `false`: the folder is read as it is). */
  generate?: boolean;
  /**
   * Read images that the dataset's lists (CUB's `images.txt`, Stanford Cars' annotations) place outside the dataset
   * folder, with `../` or an absolute path (default false: such an entry is an error naming the file and line).
   */
  allowOutsideRoot?: boolean;
}

/** The synthetic dataset generated for `SYNTHPARTS` when its folder is empty. */
export const SYNTHPARTS_DEFAULTS: Omit<SynthOptions, 'out'> = { classes: 10, perClass: 100, size: 64, seed: 0, distractors: 'plain' };

/**
 * The synthetic dataset generated for `SYNTHPARTS_SCATTERED` when its folder is empty: CUB-sized (200 classes of
 * 60 images, half for training), 128 px, the scattered layout. Plain distractors on the bird, so that each class is
 * the one set of coloured parts on the bird (with random ones, a bird showing four coloured parts fits six of
 * the 200 classes); the loose parts in the background are coloured.
 */
export const SYNTHPARTS_SCATTERED_DEFAULTS: Omit<SynthOptions, 'out'> = { classes: 200, perClass: 60, size: 128, seed: 0, distractors: 'plain', layout: 'scattered' };

/** The generated datasets by key, with what is generated when their folder holds none. */
export const SYNTH_DATASETS: Readonly<Record<string, Omit<SynthOptions, 'out'>>> = { SYNTHPARTS: SYNTHPARTS_DEFAULTS, SYNTHPARTS_SCATTERED: SYNTHPARTS_SCATTERED_DEFAULTS };

/** `dataset.name` → key: upper case, dashes removed. */
export function datasetKey(name: string): string {
  return name.toUpperCase().replace(/-/g, '');
}

/** Every supported key. */
export const DATASET_KEYS: readonly string[] = Object.keys(PRESETS);

async function read(key: string, dir: string, o: OpenOptions): Promise<DatasetIndex> {
  const outside = { allowOutsideRoot: o.allowOutsideRoot === true };
  if (key.startsWith('CUB200')) return readCub(dir, { parts: o.parts !== false, ...outside });
  const synth = Object.hasOwn(SYNTH_DATASETS, key) ? SYNTH_DATASETS[key] : undefined;
  if (synth) {
    if (o.generate !== false && !fs.existsSync(path.join(dir, 'CUB_200_2011', 'images.txt'))) {
      log.info(`Generating the synthetic parts dataset in ${dir} (${synth.classes} classes × ${synth.perClass} images, ${synth.size}px, ` +
        `${synth.distractors} distractors${synth.layout === 'scattered' ? ', scattered layout' : ''})`);
      await writeSynthDataset({ ...synth, out: dir });
    }
    return { ...readCub(dir, { parts: o.parts !== false, ...outside }), name: key };
  }
  if (key === 'CARS224') return readStanfordCars(dir, outside);
  if (key === 'CIFAR10') return readCifar10(dir);
  if (key === 'IMAGENETTE') {
    try {
      return readImagenette(dir);
    } catch (e) {
      if (!(e instanceof DatasetError)) throw e;
      return loadImagenetSubset(dir, IMAGENETTE_WNIDS);
    }
  }
  // IMAGENET: an extracted train/<wnid>/, val/<wnid>/ tree
  return readTrainVal(dir, { name: 'IMAGENET' });
}

/** A dataset's key, transform preset and input size, from its name alone (no I/O). */
export interface DatasetSpec {
  key: string;
  preset: TransformPreset;
  /** Square input size of the model (spec §5.1 `input_size`). */
  inputSize: number;
}

/** Resolves `name` to its key and preset (spec §5.1) without touching the disk; errors list the supported keys. */
export function datasetSpec(name: string, options: Pick<OpenOptions, 'cropToBbox'> = {}): DatasetSpec {
  const key = datasetKey(name);
  const preset0 = Object.hasOwn(PRESETS, key) ? PRESETS[key] : undefined;
  if (!preset0) {
    const why = key === 'MNIST' ? ' (MNIST, the reference default, is not supported)' : '';
    throw new DatasetError(`Unknown dataset '${name}'${why}: set --dataset.name to one of ${DATASET_KEYS.join(', ')}.`);
  }
  if (options.cropToBbox && !key.startsWith('CUB200')) throw new DatasetError(`--dataset.crop-to-bbox works only with the CUB datasets, not ${key}.`);
  const preset = options.cropToBbox ? { ...preset0, bboxCrop: true } : preset0;
  return { key, preset, inputSize: presetInputSize(preset)! };
}

/** The folder `openDataset` reads the dataset `key` from. */
export function datasetDir(root: string, key: string): string {
  return path.join(root, key.toLowerCase());
}

/** Opens the dataset `name` under `root` (spec §5.1). Errors name the folder expected and how to fill it. */
export async function openDataset(name: string, root: string, options: OpenOptions = {}): Promise<OpenedDataset> {
  const { key, preset, inputSize } = datasetSpec(name, options);
  const dir = datasetDir(root, key);
  const index = await read(key, dir, options);
  return { key, dir, index, preset, inputSize, numClasses: index.classNames.length };
}
