// Installs Slurm and munge once before the test files run (as root, with apt; see cluster.mjs slurmAvailable),
// so that the files only check. When it cannot, the files skip with the reason printed here.
import { slurmAvailable } from './cluster.mjs';

export default async function setup() {
  const t0 = Date.now();
  const reason = await slurmAvailable({ log: (m) => console.log(`[test:slurm] ${m}`) });
  if (reason) console.warn(`[test:slurm] Slurm tests will be skipped: ${reason}`);
  else if (Date.now() - t0 > 2000) console.log(`[test:slurm] Slurm ready after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
