/** Per-dataset transform parameters (spec §5.2) and normalisation constants (spec §5.1). */

/** Geometry and normalisation of a dataset's pipeline. */
export interface TransformPreset {
  /** Crop size (centre crop at evaluation, random crop in training). */
  crop?: number;
  /** Zero padding of the training random crop (CIFAR). */
  cropPadding?: number;
  /** Resize: shorter side (with a crop) or square (without). */
  resize?: number;
  /** Final square resize. */
  downsample?: number;
  /** Crop to the bounding box first (the BBOX datasets). */
  bboxCrop?: boolean;
  mean: [number, number, number];
  std: [number, number, number];
}

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;
const CUB = { mean: [0.4862, 0.5005, 0.4334], std: [0.2321, 0.2277, 0.2665] } as const;

/** The presets by dataset key. */
export const PRESETS: Record<string, TransformPreset> = {
  IMAGENET: { crop: 224, ...IMAGENET } as TransformPreset,
  IMAGENETTE: { crop: 224, ...IMAGENET } as TransformPreset,
  CUB200: { crop: 384, resize: 510, ...CUB } as TransformPreset,
  CUB200224: { crop: 384, resize: 510, downsample: 224, ...CUB } as TransformPreset,
  CUB200BBOX: { downsample: 384, bboxCrop: true, ...CUB } as TransformPreset,
  CUB200224BBOX: { crop: 224, resize: 224, bboxCrop: true, ...CUB } as TransformPreset,
  CARS224: { resize: 224, downsample: 224, mean: [0.4708, 0.4602, 0.455], std: [0.2891, 0.2882, 0.2967] },
  CIFAR10: { crop: 32, cropPadding: 4, mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.201] },
  /** The embedded synthetic parts set: 64×64 images, a random crop with 4 px zero padding in training (as CIFAR). */
  SYNTHPARTS: { crop: 64, cropPadding: 4, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
  /** Its harder version (scattered layout): 128×128 images, a random crop with 8 px zero padding in training. */
  SYNTHPARTS_SCATTERED: { crop: 128, cropPadding: 8, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
};

/** The input size a preset produces (spec §5.1 `input_size`): the downsample size, else the crop size. */
export function presetInputSize(p: TransformPreset): number | undefined {
  return p.downsample ?? p.crop;
}
