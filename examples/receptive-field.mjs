#!/usr/bin/env node
// The receptive-field analyzer on its own (`@pixpnet/symbolic`, no other dependency): exact receptive fields of a
// zoo network and of a Keras / TensorFlow.js model.json, printed as tables, and a PNG that draws a few units'
// exact fields over an image.
//
//   npm run build
//   node examples/receptive-field.mjs                                   # vgg16 at 224 px, a small built-in Keras model
//   node examples/receptive-field.mjs --model resnet50 --layer layer2 --keras my/model.json --keras-size 224 --image bird.jpg --out rf.png
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import sharp from 'sharp';
import { computeReceptiveFields, importKerasTopology, zooModel } from '@pixpnet/symbolic';

const { values: o } = parseArgs({ options: {
  model: { type: 'string', default: 'vgg16' }, size: { type: 'string', default: '224' }, layer: { type: 'string', default: 'maxpool4' },
  keras: { type: 'string' }, 'keras-size': { type: 'string', default: '64' }, image: { type: 'string' }, out: { type: 'string', default: 'receptive-fields.png' },
} });
const size = Number(o.size);

/** One line per named layer: grid, receptive field, stride and the mean share of the image a unit sees. */
function printTable(report) {
  console.log(`\n${report.model} at ${report.height}×${report.width} (${report.elapsedMs.toFixed(1)} ms)`);
  console.log('layer'.padEnd(18) + 'grid'.padEnd(10) + 'rf'.padEnd(9) + 'stride'.padEnd(9) + 'mean %');
  for (const [name, l] of Object.entries(report.layers)) {
    console.log(name.padEnd(18) + `${l.grid[0]}x${l.grid[1]}`.padEnd(10) + `${l.rf[0]}x${l.rf[1]}`.padEnd(9) + `${l.stride[0]}`.padEnd(9) + l.meanAreaPct.toFixed(2));
  }
}

// 1. a zoo network
const zoo = computeReceptiveFields(zooModel(o.model), { height: size });
printTable(zoo);

// 2. a Keras / tfjs layers model: the user's model.json, or a small functional model written here
const layer = (class_name, name, config, from) => ({ class_name, name, config: { name, ...config }, inbound_nodes: from ? [from.map((f) => [f, 0, 0, {}])] : [] });
const keras = o.keras ? JSON.parse(fs.readFileSync(o.keras, 'utf8')) : {
  class_name: 'Model',
  config: {
    name: 'small_cnn',
    layers: [
      layer('InputLayer', 'input', { batch_input_shape: [null, 64, 64, 3] }),
      layer('Conv2D', 'conv1', { filters: 8, kernel_size: [5, 5], strides: [2, 2], padding: 'same' }, ['input']),
      layer('MaxPooling2D', 'pool1', { pool_size: [2, 2], strides: [2, 2], padding: 'valid' }, ['conv1']),
      layer('Conv2D', 'conv2', { filters: 16, kernel_size: [3, 3], padding: 'same', dilation_rate: [2, 2] }, ['pool1']),
      layer('GlobalAveragePooling2D', 'gap', {}, ['conv2']),
      layer('Dense', 'logits', { units: 10 }, ['gap']),
    ],
    input_layers: [['input', 0, 0]], output_layers: [['logits', 0, 0]],
  },
};
const kerasSize = Number(o['keras-size']); // the input size the fields are computed for
printTable(computeReceptiveFields(importKerasTopology(keras, { height: kerasSize }), { height: kerasSize }));

// 3. a few units' exact fields over an image: the top-left, centre and bottom-right units of the layer
const l = zoo.layers[o.layer];
if (!l) throw new Error(`${o.model} has no layer '${o.layer}': choose one of ${Object.keys(zoo.layers).join(', ')}.`);
if (!l.product) throw new Error(`${o.layer}: a unit's field is not one rectangle (use --json of pixpnet rf for the exact sets).`);
const [gh, gw] = l.grid;
const units = [[0, 0, '#e6194b'], [Math.floor(gh / 2), Math.floor(gw / 2), '#3cb44b'], [gh - 1, gw - 1, '#4363d8']];
const k = Math.max(1, Math.ceil(448 / size)); // drawn at least 448 px wide
const base = o.image
  ? sharp(o.image).resize(size * k, size * k, { fit: 'cover' })
  : sharp({ create: { width: size * k, height: size * k, channels: 3, background: '#dfe7ef' } });
const rects = units.map(([i, j, color]) => {
  const [y0, y1] = l.rows[i].map((v) => v * k), [x0, x1] = l.cols[j].map((v) => v * k);
  const right = x0 > (size * k) / 2, below = y0 > (size * k) / 2; // keep the label inside the image
  return `<rect x="${x0 + 2}" y="${y0 + 2}" width="${x1 - x0 - 4}" height="${y1 - y0 - 4}" fill="${color}" fill-opacity="0.18" stroke="${color}" stroke-width="4"/>` +
    `<text x="${right ? x1 - 8 : x0 + 8}" y="${below ? y1 - 10 : y0 + 24}" text-anchor="${right ? 'end' : 'start'}" font-family="DejaVu Sans" font-size="17" font-weight="bold" fill="${color}">unit (${i}, ${j}): ${(x1 - x0) / k}×${(y1 - y0) / k} px</text>`;
});
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size * k}" height="${size * k}">${rects.join('')}</svg>`;
await base.composite([{ input: Buffer.from(svg) }]).png().toFile(o.out);
console.log(`\nwrote ${o.out}: the exact receptive fields of three units of ${o.model} ${o.layer} (${gh}×${gw} grid); border units see less of the image`);
