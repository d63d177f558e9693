/**
 * The exported page's script (bundled by `scripts/bundle.mjs` into `dist/browser/app.js`): loads the run's model and
 * prototypes from the folder it is served from, classifies a picked or dropped image with tfjs in the browser
 * (webgl, else wasm, else cpu), and draws the "this looks like that" panel with the same `explainImage` as Node.
 */
import createColormap from 'colormap';
import { tf } from '@pixpnet/engine';
import type { Tensor4D } from '@pixpnet/engine';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { protoNetFromArtifacts } from '@pixpnet/models';
import type { ProtoNet, ProtoNetModelJson } from '@pixpnet/models';
import { explainImage } from '@pixpnet/eval/browser';
import type { Explanation } from '@pixpnet/eval/browser';

interface Explainer {
  format: 'pixpnet-browser';
  title: string;
  classNames: string[];
  preset: { crop?: number; resize?: number; downsample?: number; mean: [number, number, number]; std: [number, number, number] };
  topK: number;
  /** Per prototype: its training patch (a PNG beside the page) or null. */
  patches: Array<string | null>;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (s: string) => { $('status').textContent = s; };

async function pickBackend(): Promise<string> {
  setWasmPaths('./wasm/');
  for (const b of ['webgl', 'wasm', 'cpu']) {
    try {
      if (await tf.setBackend(b)) { await tf.ready(); return b; }
    } catch { /* next */ }
  }
  throw new Error('No tfjs backend works in this browser.');
}

/** The run's evaluation transform on an image: resizes, centre crop, downsample, as the Node pipeline (canvas resampling). */
function preprocess(img: CanvasImageSource & { width: number; height: number }, p: Explainer['preset']): { x: Float32Array; rgb: ImageData } {
  let c = document.createElement('canvas');
  c.width = img.width; c.height = img.height;
  c.getContext('2d')!.drawImage(img, 0, 0);
  const resize = (w: number, h: number) => {
    const n = document.createElement('canvas');
    n.width = w; n.height = h;
    const g = n.getContext('2d')!;
    g.imageSmoothingQuality = 'high';
    g.drawImage(c, 0, 0, w, h);
    c = n;
  };
  const shorter = (s: number) => (c.width <= c.height ? [s, Math.round((c.height * s) / c.width)] : [Math.round((c.width * s) / c.height), s]) as [number, number];
  if (p.crop && (!p.resize || p.resize < p.crop) && (c.width < p.crop || c.height < p.crop)) resize(...shorter(p.crop));
  if (p.resize) { if (p.crop) resize(...shorter(p.resize)); else resize(p.resize, p.resize); }
  if (p.crop) {
    const cw = Math.min(p.crop, c.width), ch = Math.min(p.crop, c.height);
    const n = document.createElement('canvas');
    n.width = cw; n.height = ch;
    n.getContext('2d')!.drawImage(c, Math.round((c.width - cw) / 2), Math.round((c.height - ch) / 2), cw, ch, 0, 0, cw, ch);
    c = n;
  }
  if (p.downsample) resize(p.downsample, p.downsample);
  const rgb = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
  const x = new Float32Array(c.width * c.height * 3);
  for (let i = 0; i < c.width * c.height; i++) for (let k = 0; k < 3; k++) x[i * 3 + k] = (rgb.data[i * 4 + k]! / 255 - p.mean[k]!) / p.std[k]!;
  return { x, rgb };
}

const JET = createColormap({ colormap: 'jet', nshades: 256, format: 'rgba' });

/** The panel on a canvas: sample + RF box, prototype patch, corresponding patch, heat map overlay, contribution. */
async function drawPanel(canvas: HTMLCanvasElement, e: Explanation, rgb: ImageData, ex: Explainer, patches: Array<HTMLImageElement | null>): Promise<void> {
  const H = rgb.height, W = rgb.width, scale = Math.max(1, Math.ceil(192 / Math.max(H, W))), S = Math.max(H, W) * scale, PAD = 14, TOP = 64, ROW = S + 30;
  canvas.width = PAD + 4 * (S + PAD) + 170; canvas.height = TOP + e.evidence.length * ROW + PAD;
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#fff'; g.fillRect(0, 0, canvas.width, canvas.height);
  g.imageSmoothingEnabled = false;
  const src = document.createElement('canvas');
  src.width = W; src.height = H; src.getContext('2d')!.putImageData(rgb, 0, 0);
  g.fillStyle = '#111'; g.textAlign = 'center'; g.font = 'bold 18px sans-serif';
  g.fillText(`Predicted: ${ex.classNames[e.predicted] ?? e.predicted}`, canvas.width / 2, 24);
  g.font = 'bold 14px sans-serif';
  ['Sample', 'Prototype', 'Corresponding image patch', 'Overlaid heat map'].forEach((t, c) => g.fillText(t, PAD + c * (S + PAD) + S / 2, 52));
  g.fillText('Contribution', PAD + 4 * (S + PAD) + 85, 52);
  e.evidence.forEach((ev, r) => {
    const y = TOP + r * ROW, [x1, y1, x2, y2] = ev.box;
    const box = (left: number) => { g.strokeStyle = '#e00000'; g.lineWidth = 3; g.strokeRect(left + x1 * scale, y + y1 * scale, (x2 - x1) * scale, (y2 - y1) * scale); };
    g.drawImage(src, PAD, y, W * scale, H * scale); box(PAD);
    const fit = (img: CanvasImageSource, w: number, h: number, sx: number, sy: number, left: number) => {
      const f = Math.max(1, Math.floor(S / Math.max(w, h)));
      g.drawImage(img, sx, sy, w, h, left + (S - w * f) / 2, y + (S - h * f) / 2, w * f, h * f);
    };
    const patch = patches[ev.prototype];
    if (patch) fit(patch, patch.width, patch.height, 0, 0, PAD + S + PAD);
    else { g.fillStyle = '#777'; g.font = '16px sans-serif'; g.fillText('no sample', PAD + S + PAD + S / 2, y + S / 2); }
    fit(src, x2 - x1, y2 - y1, x1, y1, PAD + 2 * (S + PAD));
    let lo = Infinity, hi = -Infinity;
    for (const v of ev.heatmap) if (!Number.isNaN(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const over = new ImageData(W, H);
    for (let i = 0; i < W * H; i++) {
      const t = hi > lo ? (ev.heatmap[i]! - lo) / (hi - lo) : 0, c = JET[Math.round((Number.isNaN(t) ? 0 : t) * 255)]!;
      for (let k = 0; k < 3; k++) over.data[i * 4 + k] = Math.round(0.4 * c[k]! + 0.6 * rgb.data[i * 4 + k]!);
      over.data[i * 4 + 3] = 255;
    }
    const oc = document.createElement('canvas');
    oc.width = W; oc.height = H; oc.getContext('2d')!.putImageData(over, 0, 0);
    g.drawImage(oc, PAD + 3 * (S + PAD), y, W * scale, H * scale); box(PAD + 3 * (S + PAD));
    g.fillStyle = '#111'; g.font = '22px sans-serif';
    g.fillText(`= ${Number(ev.contribution.toPrecision(3))}`, PAD + 4 * (S + PAD) + 85, y + S / 2 + 8);
    g.font = '13px sans-serif'; g.fillStyle = '#333';
    g.fillText(`prototype ${ev.prototype} · similarity ${Number(ev.similarity.toPrecision(3))}`, PAD + S + PAD + S / 2, y + S + 18);
  });
}

async function main(): Promise<void> {
  status('Loading the model…');
  const backend = await pickBackend();
  const [ex, modelJson, weights] = await Promise.all([
    fetch('explainer.json').then((r) => r.json() as Promise<Explainer>),
    fetch('model/model.json').then((r) => r.json() as Promise<ProtoNetModelJson>),
    fetch('model/weights.bin').then((r) => r.arrayBuffer()),
  ]);
  const model: ProtoNet = protoNetFromArtifacts(modelJson, weights);
  const patches = await Promise.all(ex.patches.map((p) => (p ? new Promise<HTMLImageElement | null>((res) => {
    const i = new Image(); i.onload = () => res(i); i.onerror = () => res(null); i.src = p;
  }) : Promise.resolve(null))));
  document.title = ex.title;
  $('title').textContent = ex.title;
  const explain = async (img: CanvasImageSource & { width: number; height: number }) => {
    const { x, rgb } = preprocess(img, ex.preset);
    const [H, W] = model.config.inputSize;
    if (rgb.width !== W || rgb.height !== H) throw new Error(`The transform gave ${rgb.width}×${rgb.height}, the model takes ${W}×${H}.`);
    const t = tf.tensor4d(x, [1, H, W, 3]) as Tensor4D;
    try {
      const e = await explainImage(model, t, { topK: ex.topK });
      await drawPanel($('panel') as HTMLCanvasElement, e, rgb, ex, patches);
      status(`Predicted ${ex.classNames[e.predicted]} (${backend})`);
      return { predicted: e.predicted, className: ex.classNames[e.predicted], logits: e.logits, similarities: e.similarities, top: e.evidence.map((v) => v.prototype), backend };
    } finally {
      t.dispose();
    }
  };
  const fromBlob = async (b: Blob) => explain(await createImageBitmap(b));
  $<HTMLInputElement>('file').addEventListener('change', (ev) => { const f = (ev.target as HTMLInputElement).files?.[0]; if (f) void fromBlob(f).catch((err) => status(String(err))); });
  const drop = $('drop');
  drop.addEventListener('dragover', (ev) => ev.preventDefault());
  drop.addEventListener('drop', (ev) => { ev.preventDefault(); const f = ev.dataTransfer?.files[0]; if (f) void fromBlob(f).catch((err) => status(String(err))); });
  (window as unknown as { pixpnet: unknown }).pixpnet = { backend, explainUrl: async (url: string) => fromBlob(await (await fetch(url)).blob()) };
  status(`Ready (${backend}): pick or drop an image.`);
}

main().catch((e) => status(`Error: ${(e as Error).message}`));
