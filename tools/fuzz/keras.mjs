#!/usr/bin/env node
// Fuzzes the Keras/TensorFlow.js importer and the receptive-field analysis (issue #12): random Keras topologies —
// Sequential, functional, nested — some valid, most corrupted (wrong types, missing fields, negative, huge or NaN
// numbers, cycles, dangling references, deep nesting), through importKerasTopology + computeReceptiveFields.
// Allowed: a sane result, or an Error whose message names the problem. Disallowed: a TypeError/RangeError (or any
// other internal error) from inside, a report with impossible values, or more than 2 s on one input.
//
//   node tools/fuzz/keras.mjs [--runs N] [--seed S]      (default 100000 runs; needs the built @pixpnet/symbolic)
//
// The property is exported so the symbolic package's test suite runs a bounded version of it.
import fc from 'fast-check';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const LAYERS = ['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose', 'MaxPooling2D', 'AveragePooling2D', 'ZeroPadding2D',
  'Cropping2D', 'UpSampling2D', 'BatchNormalization', 'ReLU', 'Activation', 'Dropout', 'Rescaling', 'Normalization',
  'GlobalAveragePooling2D', 'Flatten', 'Dense', 'Reshape', 'Softmax', 'LeakyReLU'];
const MERGES = ['Add', 'Multiply', 'Concatenate'];

const small = (lo, hi) => fc.integer({ min: lo, max: hi });
const sizeArb = fc.oneof(small(1, 4), fc.tuple(small(1, 4), small(1, 4)));

/** A plausible config for a layer class. */
function configArb(cls) {
  switch (cls) {
    case 'Conv2D':
    case 'SeparableConv2D':
    case 'DepthwiseConv2D':
      return fc.record({
        filters: small(1, 4), kernel_size: sizeArb, strides: fc.oneof(small(1, 3), fc.tuple(small(1, 3), small(1, 3))),
        padding: fc.constantFrom('valid', 'same'), dilation_rate: fc.constantFrom(1, 1, 2, [1, 3]),
        activation: fc.constantFrom('relu', 'linear', 'softmax', 'swish', 'relu6'), use_bias: fc.boolean(),
      });
    case 'Conv2DTranspose':
      return fc.record({
        filters: small(1, 3), kernel_size: sizeArb, strides: fc.oneof(small(1, 3), fc.tuple(small(1, 3), small(1, 3))),
        padding: fc.constantFrom('valid', 'same'), output_padding: fc.constantFrom(null, null, 0, 1), dilation_rate: fc.constantFrom(1, 1, 2),
      });
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return fc.record({ pool_size: sizeArb, strides: fc.oneof(fc.constant(null), small(1, 3)), padding: fc.constantFrom('valid', 'same') });
    case 'ZeroPadding2D':
      return fc.record({ padding: fc.oneof(small(0, 3), fc.tuple(fc.tuple(small(0, 3), small(0, 3)), fc.tuple(small(0, 3), small(0, 3)))) });
    case 'Cropping2D':
      return fc.record({ cropping: fc.oneof(small(0, 2), fc.tuple(fc.tuple(small(0, 2), small(0, 2)), fc.tuple(small(0, 2), small(0, 2)))) });
    case 'UpSampling2D':
      return fc.record({ size: fc.oneof(small(1, 3), fc.tuple(small(1, 3), small(1, 3))), interpolation: fc.constantFrom('nearest', 'bilinear') });
    case 'Rescaling':
      return fc.record({ scale: fc.constantFrom(1 / 255, 2, [1, 2, 3]), offset: fc.constantFrom(0, -1) });
    case 'Normalization':
      return fc.record({ axis: fc.constant(-1), mean: fc.constantFrom(null, 0.5, [1, 2, 3]), variance: fc.constantFrom(null, 4, [1, 1, 1]) });
    case 'Dense':
      return fc.record({ units: small(1, 4), activation: fc.constantFrom('relu', 'softmax', 'linear') });
    case 'Reshape':
      return fc.record({ target_shape: fc.constantFrom([-1], [1, 1, -1], [-1], [4, 4, 1]) });
    case 'Activation':
      return fc.record({ activation: fc.constantFrom('relu', 'sigmoid', 'linear', 'tanh', 'mish') });
    case 'Concatenate':
      return fc.record({ axis: fc.constantFrom(-1, -1, 3, 1) });
    default:
      return fc.constant({});
  }
}

const layerSpecArb = fc.constantFrom(...LAYERS).chain((cls) => configArb(cls).map((config) => ({ cls, config })));

/** Keras 2 (`[[["name", 0, 0, {}]]]`) or Keras 3 (`{args: [keras tensors]}`) inbound nodes. */
function inboundNodes(from, keras3) {
  if (!from.length) return [];
  if (!keras3) return [from.map((n) => [n, 0, 0, {}])];
  return [{ args: from.map((n) => ({ class_name: '__keras_tensor__', config: { keras_history: [n, 0, 0] } })), kwargs: {} }];
}

const dimArb = fc.oneof({ weight: 6, arbitrary: small(1, 40) }, { weight: 1, arbitrary: fc.constant(null) });
const inputShapeArb = fc.tuple(dimArb, dimArb, fc.constantFrom(1, 3));

/** A functional model: each layer reads one (or, for merges, two) earlier layers. */
const functionalArb = fc.record({
  shape: inputShapeArb, keras3: fc.boolean(),
  nodes: fc.array(fc.record({
    spec: fc.oneof({ weight: 4, arbitrary: layerSpecArb },
      { weight: 1, arbitrary: fc.constantFrom(...MERGES).chain((cls) => configArb(cls).map((config) => ({ cls, config }))) }),
    a: fc.nat(), b: fc.nat(),
  }), { minLength: 1, maxLength: 10 }),
});

/** A Sequential model: an input layer (sometimes) and a chain of layers; sometimes a nested model among them. */
const sequentialArb = fc.letrec((tie) => ({
  model: fc.record({
    shape: inputShapeArb, keras3: fc.boolean(), withInput: fc.boolean(),
    items: fc.array(fc.oneof({ weight: 6, arbitrary: layerSpecArb }, { weight: 1, arbitrary: tie('nested') }), { minLength: 1, maxLength: 8 }),
  }),
  nested: fc.oneof({ depthSize: 'small' }, tie('model'), functionalArb),
})).model;

let counter = 0;
function sequentialJson(spec, name = `seq${counter++}`) {
  const layers = [];
  if (spec.withInput) layers.push({ class_name: 'InputLayer', config: { name: `${name}_in`, [spec.keras3 ? 'batch_shape' : 'batch_input_shape']: [null, ...spec.shape] } });
  spec.items.forEach((it, k) => {
    if (it.items || it.nodes) layers.push(it.items ? sequentialJson(it) : functionalJson(it));
    else layers.push({ class_name: it.cls, config: { name: `${name}_l${k}`, ...it.config } });
  });
  if (!spec.withInput && layers[0]?.config) layers[0].config.batch_input_shape = [null, ...spec.shape];
  return { class_name: 'Sequential', config: { name, layers } };
}

function functionalJson(spec, name = `fun${counter++}`) {
  const names = [`${name}_in`];
  const layers = [{ class_name: 'InputLayer', name: names[0], config: { name: names[0], [spec.keras3 ? 'batch_shape' : 'batch_input_shape']: [null, ...spec.shape] }, inbound_nodes: [] }];
  spec.nodes.forEach((n, k) => {
    const id = `${name}_n${k}`;
    const from = MERGES.includes(n.spec.cls) ? [names[n.a % names.length], names[n.b % names.length]] : [names[n.a % names.length]];
    layers.push({ class_name: n.spec.cls, name: id, config: { name: id, ...n.spec.config }, inbound_nodes: inboundNodes(from, spec.keras3) });
    names.push(id);
  });
  const last = names[names.length - 1];
  return { class_name: spec.keras3 ? 'Functional' : 'Model', config: { name, layers, input_layers: [[names[0], 0, 0]], output_layers: [[last, 0, 0]] } };
}

const BAD_VALUES = [null, undefined, -1, 0, 1.5, 2 ** 31, 1e300, Number.NaN, Infinity, -Infinity, '', 'same', 'x', true, false, [], [0], [1, 2, 3], {}, { a: 1 },
  [[1, 2], [3]], [null, null], '__proto__', 'constructor', [[-1, 0], [0, 0]], 70000, 100000, [null, 300000, 300000, 3]];

/** Every object/array in a JSON tree, with its parent, for mutations. */
function containers(root) {
  const out = [];
  const stack = [root];
  const seen = new Set();
  while (stack.length) {
    const v = stack.pop();
    if (v && typeof v === 'object' && !seen.has(v)) {
      seen.add(v);
      out.push(v);
      for (const c of Object.values(v)) if (c && typeof c === 'object') stack.push(c);
    }
  }
  return out;
}

/** Applies one corruption to the model (in place), or wraps it; returns the (maybe new) root. */
function mutate(root, m) {
  if (!root || typeof root !== 'object') return root; // already a string
  const all = containers(root);
  const target = all[m.at % all.length];
  const keys = Object.keys(target);
  const key = keys.length ? keys[m.key % keys.length] : 'config';
  switch (m.kind) {
    case 'set':
      target[key] = structuredClone(BAD_VALUES[m.value % BAD_VALUES.length]); // a fresh copy: no value shared between inputs
      return root;
    case 'delete':
      if (Array.isArray(target)) target.splice(m.key % Math.max(1, target.length), 1);
      else delete target[key];
      return root;
    case 'number': {
      // a numeric field gets an extreme number
      const nums = all.flatMap((o) => Object.keys(o).filter((k) => typeof o[k] === 'number').map((k) => [o, k]));
      if (nums.length) {
        const [o, k] = nums[m.key % nums.length];
        o[k] = [-5, 0, 0.5, 65536, 65537, 2 ** 31, 1e6, Number.NaN, Infinity][m.value % 9];
      }
      return root;
    }
    case 'cycle':
    case 'dangling': {
      // a layer reads a later layer, itself, or a name that does not exist
      const layers = all.filter((o) => Array.isArray(o.inbound_nodes));
      if (layers.length) {
        const l = layers[m.key % layers.length];
        const other = m.kind === 'cycle' ? layers[m.value % layers.length].name ?? l.name : 'ghost';
        l.inbound_nodes = [[[other, 0, m.value % 3 === 0 ? 1 : 0, {}]]];
      }
      return root;
    }
    case 'duplicate': {
      const named = all.filter((o) => typeof o.name === 'string');
      if (named.length > 1) named[m.key % named.length].name = named[m.value % named.length].name;
      return root;
    }
    case 'nest': {
      let r = root;
      for (let k = 0; k < 1 + (m.value % 72); k++) r = { class_name: 'Sequential', config: { name: `wrap${k}`, layers: [r] } };
      return r;
    }
    case 'string':
      return JSON.stringify(root);
    default:
      return root;
  }
}

const mutationArb = fc.record({
  kind: fc.constantFrom('set', 'set', 'delete', 'number', 'number', 'cycle', 'dangling', 'duplicate', 'nest', 'string'),
  at: fc.nat(), key: fc.nat(), value: fc.nat(),
});

/** A fuzz input: a generated topology (Sequential or functional, maybe in a model.json), and 0–3 corruptions. */
export const kerasInputArb = fc.record({
  model: fc.oneof(sequentialArb, functionalArb),
  wrap: fc.constantFrom('none', 'none', 'tfjs', 'model_config'),
  mutations: fc.array(mutationArb, { maxLength: 3 }),
  size: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.tuple(small(1, 48), fc.option(small(1, 48), { nil: undefined })) }),
}).map(({ model, wrap, mutations, size }) => {
  let json = model.items ? sequentialJson(model) : functionalJson(model);
  if (wrap === 'tfjs') json = { format: 'layers-model', modelTopology: json };
  if (wrap === 'model_config') json = { model_config: json };
  for (const m of mutations) json = mutate(json, m);
  const options = size ? { height: size[0], ...(size[1] ? { width: size[1] } : {}) } : {};
  return { json, options };
});

const INTERNAL = /unreachable|no receptive-field rule|Maximum call stack|Invalid array length|Cannot read prop|is not a function|is not iterable/;

/**
 * The outcome of one input: `null` when allowed (a sane report, or an Error naming the problem), else a
 * description of the disallowed outcome. `api` is `{ importKerasTopology, computeReceptiveFields }`.
 */
export function checkInput(api, { json, options }) {
  const t0 = performance.now();
  let report;
  try {
    const graph = api.importKerasTopology(json, options);
    report = api.computeReceptiveFields(graph, {});
  } catch (e) {
    const ms = performance.now() - t0;
    if (ms > 2000) return `took ${ms.toFixed(0)} ms before failing`;
    if (!(e instanceof Error)) return `threw a non-Error: ${String(e)}`;
    if (e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError) return `${e.name}: ${e.message}`;
    if (!e.message || e.message.length < 10 || INTERNAL.test(e.message)) return `an internal error: ${e.message}`;
    return null;
  }
  const ms = performance.now() - t0;
  if (ms > 2000) return `took ${ms.toFixed(0)} ms`;
  const { height: H, width: W } = report;
  for (const [name, l] of Object.entries(report.layers)) {
    const [h, w] = l.grid;
    const spanOk = (len) => ([a, b]) => Number.isInteger(a) && Number.isInteger(b) && a >= 0 && a <= b && b <= len;
    if (!(h >= 1 && w >= 1) || l.rows.length !== h || l.cols.length !== w) return `layer ${name}: grid ${l.grid} vs ${l.rows.length}x${l.cols.length} spans`;
    if (!l.rows.every(spanOk(H)) || !l.cols.every(spanOk(W))) return `layer ${name}: a span outside the ${H}x${W} input`;
    for (const v of [l.meanAreaPct, l.minAreaPct, l.maxAreaPct, l.meanChannelAreaPct]) {
      if (!Number.isFinite(v) || v < 0 || v > 100 + 1e-9) return `layer ${name}: an area of ${v}%`;
    }
    for (const v of [...l.rf, ...l.stride, ...l.padding]) if (!Number.isFinite(v)) return `layer ${name}: Araujo values ${l.rf} ${l.stride} ${l.padding}`;
  }
  return null;
}

/** The fast-check property: every input has an allowed outcome. */
export function kerasProperty(api) {
  return fc.property(kerasInputArb, (input) => {
    const bad = checkInput(api, input);
    if (bad) throw new Error(bad);
  });
}

async function main() {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '100000' }, seed: { type: 'string' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number, got ${values.runs}`);
  const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../packages/symbolic/dist/index.js');
  const api = await import(pathToFileURL(dist).href).catch(() => {
    throw new Error(`${dist} is missing: build @pixpnet/symbolic first (npm run build).`);
  });
  const r = fc.check(kerasProperty(api), { numRuns: runs, ...(values.seed ? { seed: Number(values.seed) } : {}) });
  if (r.failed) {
    console.log(`keras: ${r.numRuns} inputs, 1 disallowed outcome (seed ${r.seed}, path ${r.counterexamplePath})`);
    console.log(`input: ${JSON.stringify(r.counterexample?.[0])?.slice(0, 4000)}`);
    console.log(`outcome: ${r.errorInstance?.message ?? r.error}`);
    process.exit(1);
  }
  console.log(`keras: ${r.numRuns} inputs, 0 disallowed outcomes`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
