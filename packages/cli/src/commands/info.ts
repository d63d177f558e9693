/** `pixpnet info`: versions, and the engine this machine runs. */
import type { Command } from 'commander';
import { initBackend } from '@pixpnet/engine';
import type { EngineInfo } from '@pixpnet/engine';
import { allVersions } from '../versions.js';
import type { GlobalOptions } from '../options.js';
import { engineOptions } from '../options.js';

/** What `pixpnet info --json` prints. */
export interface InfoReport {
  node: string;
  platform: string;
  packages: Record<string, string>;
  backend: EngineInfo['backend'];
  simd: boolean | null;
  threads: number;
  kernels: string[];
  skipped: EngineInfo['skipped'];
}

/** Gathers the report (starting the engine). */
export async function infoReport(options: GlobalOptions): Promise<InfoReport> {
  const engine = await initBackend(engineOptions(options));
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    packages: allVersions(),
    backend: engine.backend,
    simd: engine.simd,
    threads: engine.threads,
    kernels: engine.kernels,
    skipped: engine.skipped,
  };
}

/** The report as aligned text. */
export function formatInfo(r: InfoReport): string {
  const rows: Array<[string, string]> = [
    ['node', `${r.node} (${r.platform})`],
    ...Object.entries(r.packages),
    ['backend', r.backend],
    ['SIMD', r.simd === null ? 'n/a' : r.simd ? 'on' : 'off'],
    ['threads', r.threads === 0 ? 'chosen by TensorFlow' : String(r.threads)],
    ['PixPNet kernels', r.kernels.length ? r.kernels.join(', ') : 'none needed'],
  ];
  for (const s of r.skipped) rows.push([`skipped ${s.backend}`, s.reason]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

/** Adds the command to the program. */
export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('print package versions and the tfjs engine in use (backend, SIMD, threads)')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const report = await infoReport(cmd.optsWithGlobals<GlobalOptions>());
      process.stdout.write((opts.json ? JSON.stringify(report, null, 2) : formatInfo(report)) + '\n');
    });
}
