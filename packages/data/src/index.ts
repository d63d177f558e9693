/**
 * `@pixpnet/data`: dataset readers, the embedded synthetic parts dataset, transforms and loaders.
 *
 * @packageDocumentation
 */
export { readCub, cubDir, cubClassName, CUB_PARTS, CUB_PART_MERGE } from './datasets/cub.js';
export type { CubOptions } from './datasets/cub.js';
export { DatasetError, readTable, readTableRows } from './datasets/read_table.js';
export type { TableRow } from './datasets/read_table.js';
export { readImageFolder, readImagenette, IMAGENETTE_WNIDS, IMAGENETTE_NAMES, IMAGE_EXTENSIONS } from './datasets/image_folder.js';
export { readCifar10, CIFAR10_NAMES } from './datasets/cifar10.js';
export type { DatasetIndex, Sample, PartLocation } from './datasets/types.js';
export { writeSynthDataset, variedCanvas, SYNTH_LAYOUTS, SYNTH_DEFAULT_SIZE, SYNTH_MIN_SIZE, SYNTH_MIN_VARIED_SIZE } from './synth/write.js';
export type { SynthOptions, SynthLayout } from './synth/write.js';
export { makeClasses, drawBird, drawScatteredBird, DEFINING_PARTS, ATTRIBUTES, PLAIN_ATTRIBUTES, MAX_CLASSES, SCATTERED_SCALE, CUB_IDS } from './synth/bird.js';
export type { Bird, CanvasSize, ClassSpec, DefiningPart, Distractors, Keypoint, Placement, ScatteredBird } from './synth/bird.js';
export { drawScene, SCENE } from './synth/scene.js';
export { PRESETS, presetInputSize } from './transforms/presets.js';
export type { TransformPreset } from './transforms/presets.js';
export { evalTransform, mapPoint } from './transforms/eval.js';
export type { Geometry, TransformedImage } from './transforms/eval.js';
export { DataLoader } from './loader.js';
export { checkImages, describeUnreadable } from './check.js';
export type { CheckImagesOptions, UnreadableImage } from './check.js';
export type { Batch, LoaderOptions } from './loader.js';
export { makeSplits, permutation } from './splits.js';
export type { SplitOptions, Splits } from './splits.js';
export { augment, gaussianBlur, adjustSharpness } from './transforms/augment.js';
export type { AugmentOptions, FilterOptions, Random } from './transforms/augment.js';
export { compose, invert, apply as applyHomography, warp, fromPoints } from './transforms/homography.js';
export type { H3, Region, Rgb } from './transforms/homography.js';
export { Rng } from '@pixpnet/engine';
export { readStanfordCars } from './datasets/cars.js';
export { readMat } from './datasets/mat.js';
export type { MatValue } from './datasets/mat.js';
export { mapParts } from './transforms/parts.js';
export type { MappedPart, MapPartsOptions } from './transforms/parts.js';
export { loadImagenetSubset } from './datasets/imagenet_archives.js';
export { openDataset, datasetKey, datasetSpec, datasetDir, DATASET_KEYS, SYNTHPARTS_DEFAULTS, SYNTHPARTS_SCATTERED_DEFAULTS, SYNTH_DATASETS } from './datasets/registry.js';
export type { OpenedDataset, OpenOptions, DatasetSpec } from './datasets/registry.js';
export { ImagePool, defaultNumWorkers } from './pool/pool.js';
