/**
 * Every option of `pixpnet train` (spec §3.10), defined once: the YAML keys, the command-line flags, the JSON
 * Schema (ajv) and `--help` all come from this table. Option names keep the reference's dashed `section.option`.
 */

/** One option. */
export interface OptionSpec {
  /** `section.option-name` (or a top-level name). */
  key: string;
  type: 'int' | 'float' | 'string' | 'path' | 'flag' | 'intList';
  default?: unknown;
  choices?: readonly string[];
  help: string;
  /** `--section.no-x` clears a flag that is on by default. */
  negatable?: boolean;
  /** Bounds of a number (inclusive `min`/`max`; `above`/`below` exclusive), checked with the option named. */
  min?: number;
  max?: number;
  above?: number;
  below?: number;
  /** The value becomes part of a folder's name: it must be one folder name (checked with the option named). */
  folderName?: boolean;
}

/** The options, in the spec's order. */
export const TRAIN_OPTIONS: readonly OptionSpec[] = [
  { key: 'seed', type: 'int', min: 0, help: 'global seed (unset: random)' },
  { key: 'log-dir', type: 'path', default: 'logs/protonet', help: 'output root (a symbolic link to a folder writes into the folder it points to)' },
  { key: 'run-id', type: 'string', folderName: true, help: "appended to the dataset subfolder as __<id>: one folder name (no '/', '\\', '..', ':', '*', '?', '\"', '<', '>', '|' or control characters)" },
  { key: 'debug', type: 'flag', default: false, help: '3 batches per split, _DEBUG suffix' },
  { key: 'tb-logging', type: 'flag', default: false, help: 'TensorBoard histograms' },
  { key: 'dataset.name', type: 'string', help: 'dataset key, e.g. CUB200224, CARS224, IMAGENETTE, SYNTHPARTS or SYNTHPARTS_SCATTERED (the synthetic sets are generated in dataset.root when missing)' },
  { key: 'dataset.val-size', type: 'float', default: 0.2, min: 0, below: 1, help: 'fraction of the training split held out for validation' },
  { key: 'dataset.augment-factor', type: 'int', default: 1, min: 1, max: 1000, help: 'training-set repeat factor per epoch' },
  { key: 'dataset.root', type: 'path', default: 'data', help: 'data root; the dataset lives in <root>/<key lower-case>' },
  { key: 'dataset.crop-to-bbox', type: 'flag', default: false, help: 'crop images to their bounding box (CUB only)' },
  { key: 'dataset.allow-outside-root', type: 'flag', default: false, help: "read images that the dataset's lists (CUB's images.txt, Stanford Cars' annotations) place outside the dataset folder (with '../' or an absolute path); without it such an entry is refused, naming the file and line" },
  { key: 'dataset.skip-corrupt', type: 'flag', default: false, help: 'skip unreadable images (counted in the log and in results/skipped_images.txt) instead of stopping before training' },
  { key: 'dataset.num-workers', type: 'int', min: 0, max: 1024, help: "worker threads decoding and augmenting images, as the reference's num_workers (0: the main thread; unset: cores - 1, at least 1); batches are the same for any number" },
  { key: 'dataset.cache-mb', type: 'int', default: 4096, min: 0, help: 'bound of the decoded-image cache in MiB (0: none); images beyond it are decoded again each epoch' },
  { key: 'dataset.legacy-val-augment', type: 'flag', default: false, help: "validate on training-augmented images, as the reference's shared dataset does" },
  { key: 'train.epochs', type: 'int', default: 50, min: 1, max: 100_000, help: 'epochs' },
  { key: 'train.batch-size', type: 'int', default: 128, min: 1, max: 65_536, help: 'training batch size (also used for push)' },
  { key: 'train.accumulate-grad-batches', type: 'int', min: 1, max: 65_536, help: 'gradient accumulation' },
  { key: 'train.checkpoint', type: 'flag', default: false, negatable: true, help: 'test the model reloaded from the last checkpoint and record that checkpoint in results/best_model_path.txt (checkpoints are written either way: --resume and the run loader need them)' },
  { key: 'train.gradient-clip-norm', type: 'float', above: 0, help: 'gradient norm clipping' },
  { key: 'train.val-every-n-epoch', type: 'int', min: 1, help: 'validation period (default max(1, round(epochs/50)))' },
  { key: 'train.push-prototypes', type: 'flag', default: true, negatable: true, help: 'enable push' },
  { key: 'train.push-every', type: 'int', default: 10, min: 1, help: 'push period in epochs (also after the first and last epoch)' },
  { key: 'train.readout-push-epochs', type: 'int', default: 20, min: 0, max: 100_000, help: 'readout-only epochs after each push (not for proto)' },
  { key: 'train.push-duplicate-filter', type: 'string', default: 'sample', choices: ['sample', 'patch', 'none'], help: 'duplicate prevention during push' },
  { key: 'test.batch-size', type: 'int', min: 1, max: 65_536, help: 'evaluation batch size (default: the training batch size)' },
  { key: 'train.batch-norm', type: 'string', default: 'whole-batch', choices: ['whole-batch', 'micro-batch'], help: 'when a batch trains as micro-batches (the wasm heap): batch norm over the whole batch, as the reference (the backbone runs node by node over the micro-batches), or per micro-batch (faster, other statistics)' },
  { key: 'train.limit-batches', type: 'int', min: 1, help: 'train on at most this many batches per epoch, as Lightning\'s limit_train_batches (smoke runs; the push still covers the whole training split)' },
  { key: 'test.limit-batches', type: 'int', min: 1, help: 'test on at most this many batches, as Lightning\'s limit_test_batches (smoke runs)' },
  { key: 'optimizer.name', type: 'string', default: 'sgd', help: 'optimizer' },
  { key: 'optimizer.lr', type: 'float', default: 0.1, above: 0, max: 100, help: 'base LR (add-on layers and prototypes)' },
  { key: 'optimizer.lr-scheduler', type: 'string', default: 'cosine', choices: ['cosine', 'step', 'multistep'], help: 'scheduler' },
  { key: 'optimizer.lr-factor', type: 'float', default: 0.1, above: 0, help: 'decay factor (step/multistep)' },
  { key: 'optimizer.lr-schedule', type: 'intList', default: [100, 150], help: 'milestones (step: exactly 1 value)' },
  { key: 'optimizer.weight-decay', type: 'float', default: 2e-4, min: 0, help: 'L2 penalty (default groups)' },
  { key: 'optimizer.momentum', type: 'float', default: 0.9, min: 0, below: 1, help: 'momentum (only if the optimizer accepts it)' },
  { key: 'optimizer.warmup-period', type: 'int', default: 5, min: 0, help: 'exponential-warmup constant and number of warm-only epochs' },
  { key: 'optimizer.fine-tune-lr', type: 'float', default: 1e-4, above: 0, max: 100, help: 'backbone LR' },
  { key: 'optimizer.readout-lr', type: 'float', default: 1e-4, above: 0, max: 100, help: 'readout LR' },
  { key: 'model.name', type: 'string', default: 'protonet', choices: ['protonet'], help: 'model family' },
  { key: 'model.feature-extractor', type: 'string', help: 'backbone: a zoo model name such as vgg16_bn or resnet50 (pixpnet rf lists them), required' },
  { key: 'model.feature-layer', type: 'string', help: 'cut layer, required' },
  { key: 'model.pretrained', type: 'flag', default: true, negatable: true, help: 'start from pretrained backbone weights' },
  { key: 'model.pretrained-weights', type: 'string', help: 'where they are: a path, an http(s) URL or hf:<org>/<repo>' },
  { key: 'model.num-prototypes', type: 'int', default: 500, min: 1, max: 100_000, help: 'P' },
  { key: 'model.prototype-dim', type: 'int', default: 512, min: 1, max: 65_536, help: 'D' },
  { key: 'model.prototype-kernel-size', type: 'int', default: 1, help: 'K (must be 1 for the receptive-field mapping)' },
  { key: 'model.init-weights', type: 'flag', default: true, negatable: true, help: 'ProtoPNet initialisation of the add-on layers and the readout' },
  { key: 'model.prototype-activation', type: 'string', default: 'log', choices: ['log', 'linear'], help: 'similarity from distance: log(1/(d+ε) + 1) or linear (−d; 1−d for cosine)' },
  { key: 'model.add-on-layers-type', type: 'string', default: 'regular', choices: ['regular', 'bottleneck'], help: 'add-on layers: conv-ReLU-conv-sigmoid, or a halving bottleneck stack' },
  { key: 'model.epsilon', type: 'float', default: 1e-6, above: 0, help: 'ε of the log activation' },
  { key: 'model.learn-prototypes', type: 'flag', default: true, negatable: true, help: 'train the prototype vectors by gradient descent' },
  { key: 'model.incorrect-strength', type: 'float', default: -0.5, help: 'initial wrong-class readout weight' },
  { key: 'model.correct-strength', type: 'float', default: 1.0, help: 'initial right-class readout weight' },
  { key: 'model.class-specific', type: 'flag', default: true, negatable: true, help: 'class-partitioned prototypes' },
  { key: 'model.readout-type', type: 'string', default: 'linear', choices: ['linear', 'sparse', 'proto'], help: 'readout: a linear layer (ProtoPNet), per-class weights, or the sum of the similarities of each class' },
  { key: 'model.distance', type: 'string', default: 'l2', choices: ['l2', 'cosine'], help: 'latent-to-prototype distance: squared L2 or cosine' },
  { key: 'loss.xent', type: 'float', default: 1.0, min: 0, help: 'cross-entropy coefficient' },
  { key: 'loss.cluster', type: 'float', default: 0.8, min: 0, help: 'cluster coefficient' },
  { key: 'loss.separation', type: 'float', default: 0.08, min: 0, help: 'separation coefficient' },
  { key: 'loss.l1', type: 'float', default: 1e-4, min: 0, help: 'L1 coefficient' },
  { key: 'eval.interpretability', type: 'flag', default: true, negatable: true, help: 'after testing, run pixpnet evaluate on the run (consistency and stability where the dataset has parts, the ROT)' },
  { key: 'eval.rot-steps', type: 'int', default: 33, min: 2, help: 'pixel counts of the fast ROT run after training (as pixpnet evaluate by default; its --rot.exact runs every pixel count)' },
  { key: 'eval.rot-num-samples', type: 'int', default: 50, min: 1, help: 'test images of the ROT run after training' },
  { key: 'eval.rot-sample-order', type: 'string', default: 'first', choices: ['first', 'spread'], help: 'the first test images (the reference) or images spread over the test split' },
];
