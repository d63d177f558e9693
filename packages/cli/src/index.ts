/**
 * `@pixpnet/cli`: the `pixpnet` command, a thin layer over the other PixPNet packages.
 *
 * @packageDocumentation
 */
export { main } from './main.js';
export { createProgram } from './program.js';
export { infoReport, formatInfo } from './commands/info.js';
export type { InfoReport } from './commands/info.js';
export { formatRf, toFixtureJson, loadGraph } from './commands/rf.js';
export { allVersions, cliVersion, PIXPNET_PACKAGES } from './versions.js';
export type { GlobalOptions } from './options.js';
