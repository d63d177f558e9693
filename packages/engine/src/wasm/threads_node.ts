/**
 * Starts tfjs-backend-wasm's threaded-SIMD build in Node.
 *
 * tfjs 4.22.0 turns threads off in Node (`flags_wasm.js`: `if (IS_NODE) return false`, tfjs issue #3830)
 * because the Emscripten module hands `node:worker_threads` Blob URLs, which Node cannot load. While the
 * backend initialises, this shim turns those Blobs into temporary files, and reports twice the CPU count
 * to the module (its C++ caps XNNPACK at `num_logical_cores / 2`, assuming hyper-threading).
 * Everything it patches is restored once the backend is up; the temporary folder is removed at exit.
 *
 * It relies on the internals of tfjs-backend-wasm 4.22.0, which is why that version is pinned.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { tf } from '../tf.js';

const require = createRequire(import.meta.url);

/** The bundle's top-level helpers that the module factory's source refers to once serialised. */
function bundleHelpers(): string {
  const src = fs.readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js'), 'utf8');
  return ['__values', '__read', '__spreadArray']
    .map((name) => src.match(new RegExp('\\nfunction ' + name + '\\([\\s\\S]*?\\n}\\n'))?.[0] ?? '')
    .join('');
}

/**
 * Patches the globals the threaded wasm build needs; call before `tf.setBackend('wasm')`, and call the
 * returned function once it has resolved.
 */
export function patchForWasmThreads(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-wasm-threads-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const mainFile = path.join(dir, 'tfjs-backend-wasm-threaded-simd.js');
  const helpers = bundleHelpers();
  const OrigBlob = globalThis.Blob;
  const texts = new WeakMap<Blob, string>();
  class FileBlob extends OrigBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      const text = (parts ?? []).map(String).join('');
      texts.set(this, text);
      if (text.startsWith('var WasmBackendModuleThreadedSimd')) {
        // the rollup node bundle refers to these module aliases from its outer scope
        fs.writeFileSync(mainFile, "var require$$0=require('fs'),require$$1=require('path'),require$$3=require('perf_hooks')," +
          "require$$4=require('os'),commonjsGlobal=globalThis;\n" + helpers + text);
      }
    }
  }
  const origCreate = URL.createObjectURL;
  let n = 0;
  globalThis.Blob = FileBlob as typeof Blob;
  URL.createObjectURL = (obj: Blob | MediaSource): string => {
    let text = obj instanceof OrigBlob ? texts.get(obj) : undefined;
    if (text === undefined) return origCreate(obj as Blob);
    if (text.includes('var ENVIRONMENT_IS_NODE')) {
      // the pthread worker script: load the main script from its file, not from a Blob
      text = text.replace('if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}',
        `if(true){importScripts(${JSON.stringify(mainFile)})}`);
    }
    const file = path.join(dir, `blob-${n++}.js`);
    fs.writeFileSync(file, text);
    return file;
  };
  const origCpus = os.cpus;
  const doubled = origCpus().concat(origCpus());
  os.cpus = () => doubled;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  return () => {
    globalThis.Blob = OrigBlob;
    URL.createObjectURL = origCreate;
    os.cpus = origCpus;
  };
}
