/** Shared types of the dataset readers. */

/** A part keypoint in original image pixels. */
export interface PartLocation {
  /** Merged part id (CUB: 12 parts, spec §5.1). */
  partId: number;
  /** The dataset's own part id (CUB: 15 parts, 0-based). */
  partIdOrig: number;
  x: number;
  y: number;
  visible: boolean;
  /** Where it was read: `file:line`. */
  source?: string;
}

/** One image of a dataset. */
export interface Sample {
  /** The dataset's own image id. */
  id: number;
  /** Absolute path of the image file (empty for in-memory images). */
  path: string;
  /** In-memory pixels (CIFAR-10), interleaved RGB, when there is no file. */
  pixels?: { width: number; height: number; data: Uint8Array };
  /** 0-based class. */
  label: number;
  train: boolean;
  /** `[x, y, width, height]` in original pixels, when the dataset has boxes. */
  bbox?: [number, number, number, number];
  /** Part keypoints, when the dataset has them and they were asked for. */
  parts?: PartLocation[];
}

/** A dataset as its list of samples and class names. */
export interface DatasetIndex {
  name: string;
  root: string;
  classNames: string[];
  samples: Sample[];
  /** Part names by merged part id, when the dataset has parts. */
  partNames?: string[];
}
