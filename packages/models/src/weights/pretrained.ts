/**
 * `pretrained`: a local path, an http(s) URL, or `hf:<repo>[/<file>]` (Hugging Face Hub), downloaded once into a
 * cache folder (`PIXPNET_CACHE`, default `~/.cache/pixpnet`) with a progress bar, an atomic rename and a SHA-256
 * integrity check. Node only (`@pixpnet/models/node`).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { log } from '@pixpnet/engine';
import type { StateDict } from '../state_dict.js';
import { readSafetensors } from './safetensors.js';
import { isTimmStateDict, timmToTorchvision } from './timm.js';

/** Options of {@link resolvePretrained}. */
export interface PretrainedOptions {
  /** Cache folder; default `PIXPNET_CACHE`, else `~/.cache/pixpnet`. */
  cacheDir?: string;
  /** Expected SHA-256 (hex) of the file; Hugging Face's `x-linked-etag` is used when this is not given. */
  sha256?: string;
  /** Show a progress bar (default: when standard error is a terminal). */
  progress?: boolean;
  /** Hugging Face endpoint; default `HF_ENDPOINT`, else `https://huggingface.co`. */
  hfEndpoint?: string;
}

/** The cache folder in use. */
export function cacheDir(options: PretrainedOptions = {}): string {
  return options.cacheDir ?? process.env['PIXPNET_CACHE'] ?? path.join(os.homedir(), '.cache', 'pixpnet');
}

/** The download URL of a `hf:<org>/<repo>[/<file>]` spec (default file `model.safetensors`). */
export function hfUrl(spec: string, endpoint = process.env['HF_ENDPOINT'] ?? 'https://huggingface.co'): string {
  const parts = spec.slice(3).split('/').filter(Boolean);
  if (parts.length < 2) throw new Error(`'${spec}' is not a Hugging Face reference: use hf:<org>/<repo>[/<file>], e.g. hf:timm/vgg16_bn.tv_in1k`);
  const file = parts.length > 2 ? parts.slice(2).join('/') : 'model.safetensors';
  return `${endpoint.replace(/\/$/, '')}/${parts[0]}/${parts[1]}/resolve/main/${file}`;
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Downloads `url` to `dest` through a temporary file, checking length and SHA-256, then renames atomically. */
async function download(url: string, dest: string, options: PretrainedOptions): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (e) {
    throw new Error(`Could not download ${url}: ${(e as Error).message}. Without network access, download the file elsewhere and pass its local path.`);
  }
  if (!res.ok || !res.body) throw new Error(`Could not download ${url}: HTTP ${res.status} ${res.statusText}.`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const linked = (res.headers.get('x-linked-etag') ?? '').replace(/"/g, '');
  const expected = (options.sha256 ?? (/^[0-9a-f]{64}$/.test(linked) ? linked : '')).toLowerCase();
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const part = `${dest}.part-${process.pid}-${Date.now()}`;
  const out = fs.createWriteStream(part);
  const hash = createHash('sha256');
  const show = options.progress ?? Boolean(process.stderr.isTTY);
  const bar = show ? new cliProgress.SingleBar({ format: `${path.basename(dest)} [{bar}] {percentage}% {value}/{total} bytes`, stream: process.stderr },
    cliProgress.Presets.shades_classic) : undefined;
  bar?.start(total || 1, 0);
  let received = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      received += chunk.length;
      bar?.update(total ? received : 0);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    bar?.stop();
    if (total && received !== total) throw new Error(`Download of ${url} was cut short: ${received} of ${total} bytes.`);
    const digest = hash.digest('hex');
    if (expected && digest !== expected) throw new Error(`Download of ${url} is corrupt: SHA-256 ${digest}, expected ${expected}.`);
    fs.writeFileSync(`${dest}.sha256`, `${digest}\n`);
    fs.renameSync(part, dest);
  } catch (e) {
    bar?.stop();
    out.destroy();
    fs.rmSync(part, { force: true });
    const msg = (e as Error).message;
    throw msg.includes(url) ? e : new Error(`Download of ${url} failed after ${received} bytes: ${msg}. Nothing was kept; try again.`);
  }
}

/** A local path to the weights `spec` names, downloading (once) into the cache when it is a URL or `hf:` reference. */
export async function resolvePretrained(spec: string, options: PretrainedOptions = {}): Promise<string> {
  const remote = /^https?:\/\//.test(spec) || spec.startsWith('hf:');
  if (!remote) {
    if (!fs.existsSync(spec)) throw new Error(`Pretrained weights not found: ${spec}. Give a file path, an http(s) URL, or hf:<org>/<repo>[/<file>].`);
    return spec;
  }
  const url = spec.startsWith('hf:') ? hfUrl(spec, options.hfEndpoint) : spec;
  const key = createHash('sha256').update(url).digest('hex').slice(0, 16);
  const name = decodeURIComponent(new URL(url).pathname.split('/').pop() || 'weights');
  const dest = path.join(cacheDir(options), `${key}-${name}`);
  if (fs.existsSync(dest)) {
    const recorded = fs.existsSync(`${dest}.sha256`) ? fs.readFileSync(`${dest}.sha256`, 'utf8').trim() : '';
    if (recorded && recorded === (await sha256File(dest)) && (!options.sha256 || options.sha256.toLowerCase() === recorded)) return dest;
    log.warning(`Cached ${dest} fails its integrity check: downloading it again.`);
    fs.rmSync(dest, { force: true });
  }
  log.info(`Downloading ${url} into ${cacheDir(options)}`);
  await download(url, dest, options);
  return dest;
}

/** Resolves `spec` and reads it as a torchvision-named state dict (timm names are mapped). */
export async function loadPretrained(spec: string, options: PretrainedOptions = {}): Promise<StateDict> {
  const file = await resolvePretrained(spec, options);
  if (!/\.safetensors$/i.test(file) && !spec.startsWith('hf:')) {
    log.debug(`${file} has no .safetensors extension; reading it as safetensors`);
  }
  const { tensors } = readSafetensors(new Uint8Array(fs.readFileSync(file)), file);
  return isTimmStateDict(tensors) ? timmToTorchvision(tensors) : tensors;
}

/** ImageNet weights for backbones whose torchvision weights timm republishes on the Hugging Face Hub. */
export function defaultPretrained(backbone: string): string | undefined {
  if (/^(vgg(11|13|16|19)(_bn)?|resnet(18|34|50|101|152))$/.test(backbone)) return `hf:timm/${backbone}.tv_in1k`;
  return undefined;
}
