/** CIFAR-10's binary release (`cifar-10-batches-bin/`): 10,000-record batches of a label byte and 32×32×3 planes. */
import fs from 'node:fs';
import path from 'node:path';
import { DatasetError } from './read_table.js';
import type { DatasetIndex, Sample } from './types.js';

/** CIFAR-10's class names. */
export const CIFAR10_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

const LAYOUT = 'Expected <root>/cifar-10-batches-bin/{data_batch_1..5.bin, test_batch.bin} (the binary version from ' +
  'https://www.cs.toronto.edu/~kriz/cifar.html).';

/** Reads every batch into in-memory samples (interleaved RGB). */
export function readCifar10(root: string): DatasetIndex {
  const dir = [path.join(root, 'cifar-10-batches-bin'), root].find((d) => fs.existsSync(path.join(d, 'test_batch.bin')));
  if (!dir) throw new DatasetError(`No CIFAR-10 under ${root}. ${LAYOUT}`);
  const files = [...[1, 2, 3, 4, 5].map((i) => [`data_batch_${i}.bin`, true] as const), ['test_batch.bin', false] as const];
  const samples: Sample[] = [];
  for (const [name, train] of files) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) throw new DatasetError(`Missing ${file}. ${LAYOUT}`);
    const buf = fs.readFileSync(file);
    if (buf.length % 3073 !== 0) throw new DatasetError(`${file} has ${buf.length} bytes, not a multiple of 3073 (label + 32×32×3). ${LAYOUT}`);
    for (let r = 0; r < buf.length / 3073; r++) {
      const o = r * 3073;
      const label = buf[o]!;
      if (label > 9) throw new DatasetError(`${file}: record ${r} has label ${label}, outside 0–9. ${LAYOUT}`);
      const data = new Uint8Array(3072);
      for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) data[p * 3 + c] = buf[o + 1 + c * 1024 + p]!;
      samples.push({ id: samples.length, path: '', label, train, pixels: { width: 32, height: 32, data } });
    }
  }
  return { name: 'CIFAR10', root: dir, classNames: CIFAR10_NAMES, samples };
}
