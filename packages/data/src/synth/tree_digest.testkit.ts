/** Test helper (not built): one SHA-256 over every file name and byte of a folder, walked in sorted order. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The digest of the folder `dir`: equal for byte-identical trees, different when any name or byte differs. */
export function treeDigest(dir: string): string {
  const h = crypto.createHash('sha256');
  const walk = (d: string): void => fs.readdirSync(d).sort().forEach((f) => {
    const p = path.join(d, f);
    if (fs.statSync(p).isDirectory()) walk(p);
    else h.update(f).update(fs.readFileSync(p));
  });
  walk(dir);
  return h.digest('hex');
}
