// Ships the repository's stock configs inside the package (dist/configs/), so that `pixpnet train -c proto-synthparts`
// works wherever the CLI is installed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
fs.cpSync(path.resolve(here, '../../../configs'), path.resolve(here, '../dist/configs'), { recursive: true, filter: (f) => !f.endsWith('README.md') });
