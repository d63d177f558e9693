/**
 * Inception-v3 (torchvision `inception.py`, `aux_logits=False`, `transform_input=False`). Stages of spec §1.4,
 * plus `Mixed_7a` and `Mixed_7b`: the exact engine handles the crosses of their 1×3/3×1 branches.
 */
import { GraphBuilder } from '../ir/builder.js';
import type { PaddingSpec, Size } from '../ir/builder.js';
import { INPUT } from '../ir/types.js';
import type { Graph } from '../ir/types.js';
import type { ZooConstructor, ZooOptions } from './types.js';

/** torchvision's BasicConv2d: conv (no bias), batch norm (eps 0.001), ReLU. */
function basic(b: GraphBuilder, id: string, x: string, out: number, k: Size, o: { stride?: Size; padding?: PaddingSpec } = {}): string {
  const c = b.conv(`${id}.conv`, x, out, k, { ...o, bias: false });
  return b.act(`${id}.relu`, b.bn(`${id}.bn`, c, 0.001));
}

function avg3(b: GraphBuilder, id: string, x: string): string {
  return b.avgPool(id, x, 3, { stride: 1, padding: 1 });
}

function inceptionA(b: GraphBuilder, p: string, x: string, poolFeatures: number): string {
  const b1 = basic(b, `${p}.branch1x1`, x, 64, 1);
  const b5 = basic(b, `${p}.branch5x5_2`, basic(b, `${p}.branch5x5_1`, x, 48, 1), 64, 5, { padding: 2 });
  let b3 = basic(b, `${p}.branch3x3dbl_1`, x, 64, 1);
  b3 = basic(b, `${p}.branch3x3dbl_3`, basic(b, `${p}.branch3x3dbl_2`, b3, 96, 3, { padding: 1 }), 96, 3, { padding: 1 });
  const bp = basic(b, `${p}.branch_pool`, avg3(b, `${p}.avg_pool`, x), poolFeatures, 1);
  return b.cat(`${p}.cat`, [b1, b5, b3, bp]);
}

function inceptionB(b: GraphBuilder, p: string, x: string): string {
  const b3 = basic(b, `${p}.branch3x3`, x, 384, 3, { stride: 2 });
  let bd = basic(b, `${p}.branch3x3dbl_1`, x, 64, 1);
  bd = basic(b, `${p}.branch3x3dbl_3`, basic(b, `${p}.branch3x3dbl_2`, bd, 96, 3, { padding: 1 }), 96, 3, { stride: 2 });
  const bp = b.maxPool(`${p}.max_pool`, x, 3, { stride: 2 });
  return b.cat(`${p}.cat`, [b3, bd, bp]);
}

function inceptionC(b: GraphBuilder, p: string, x: string, c7: number): string {
  const b1 = basic(b, `${p}.branch1x1`, x, 192, 1);
  let b7 = basic(b, `${p}.branch7x7_1`, x, c7, 1);
  b7 = basic(b, `${p}.branch7x7_2`, b7, c7, [1, 7], { padding: [0, 3] });
  b7 = basic(b, `${p}.branch7x7_3`, b7, 192, [7, 1], { padding: [3, 0] });
  let bd = basic(b, `${p}.branch7x7dbl_1`, x, c7, 1);
  bd = basic(b, `${p}.branch7x7dbl_2`, bd, c7, [7, 1], { padding: [3, 0] });
  bd = basic(b, `${p}.branch7x7dbl_3`, bd, c7, [1, 7], { padding: [0, 3] });
  bd = basic(b, `${p}.branch7x7dbl_4`, bd, c7, [7, 1], { padding: [3, 0] });
  bd = basic(b, `${p}.branch7x7dbl_5`, bd, 192, [1, 7], { padding: [0, 3] });
  const bp = basic(b, `${p}.branch_pool`, avg3(b, `${p}.avg_pool`, x), 192, 1);
  return b.cat(`${p}.cat`, [b1, b7, bd, bp]);
}

function inceptionD(b: GraphBuilder, p: string, x: string): string {
  const b3 = basic(b, `${p}.branch3x3_2`, basic(b, `${p}.branch3x3_1`, x, 192, 1), 320, 3, { stride: 2 });
  let b7 = basic(b, `${p}.branch7x7x3_1`, x, 192, 1);
  b7 = basic(b, `${p}.branch7x7x3_2`, b7, 192, [1, 7], { padding: [0, 3] });
  b7 = basic(b, `${p}.branch7x7x3_3`, b7, 192, [7, 1], { padding: [3, 0] });
  b7 = basic(b, `${p}.branch7x7x3_4`, b7, 192, 3, { stride: 2 });
  const bp = b.maxPool(`${p}.max_pool`, x, 3, { stride: 2 });
  return b.cat(`${p}.cat`, [b3, b7, bp]);
}

function inceptionE(b: GraphBuilder, p: string, x: string): string {
  const b1 = basic(b, `${p}.branch1x1`, x, 320, 1);
  const s3 = basic(b, `${p}.branch3x3_1`, x, 384, 1);
  const b3 = b.cat(`${p}.branch3x3_cat`, [
    basic(b, `${p}.branch3x3_2a`, s3, 384, [1, 3], { padding: [0, 1] }),
    basic(b, `${p}.branch3x3_2b`, s3, 384, [3, 1], { padding: [1, 0] }),
  ]);
  const sd = basic(b, `${p}.branch3x3dbl_2`, basic(b, `${p}.branch3x3dbl_1`, x, 448, 1), 384, 3, { padding: 1 });
  const bd = b.cat(`${p}.branch3x3dbl_cat`, [
    basic(b, `${p}.branch3x3dbl_3a`, sd, 384, [1, 3], { padding: [0, 1] }),
    basic(b, `${p}.branch3x3dbl_3b`, sd, 384, [3, 1], { padding: [1, 0] }),
  ]);
  const bp = basic(b, `${p}.branch_pool`, avg3(b, `${p}.avg_pool`, x), 192, 1);
  return b.cat(`${p}.cat`, [b1, b3, bd, bp]);
}

/** The Inception-v3 graph. */
export function inceptionV3(options: ZooOptions = {}): Graph {
  const b = new GraphBuilder('inception_v3', 3);
  let x = b.stage('Conv2d_1a_3x3', basic(b, 'Conv2d_1a_3x3', INPUT, 32, 3, { stride: 2 }));
  x = b.stage('Conv2d_2a_3x3', basic(b, 'Conv2d_2a_3x3', x, 32, 3));
  x = b.stage('Conv2d_2b_3x3', basic(b, 'Conv2d_2b_3x3', x, 64, 3, { padding: 1 }));
  x = b.stage('maxpool1', b.maxPool('maxpool1', x, 3, { stride: 2 }));
  x = b.stage('Conv2d_3b_1x1', basic(b, 'Conv2d_3b_1x1', x, 80, 1));
  x = b.stage('Conv2d_4a_3x3', basic(b, 'Conv2d_4a_3x3', x, 192, 3));
  x = b.stage('maxpool2', b.maxPool('maxpool2', x, 3, { stride: 2 }));
  x = b.stage('Mixed_5b', inceptionA(b, 'Mixed_5b', x, 32));
  x = b.stage('Mixed_5c', inceptionA(b, 'Mixed_5c', x, 64));
  x = b.stage('Mixed_5d', inceptionA(b, 'Mixed_5d', x, 64));
  x = b.stage('Mixed_6a', inceptionB(b, 'Mixed_6a', x));
  x = b.stage('Mixed_6b', inceptionC(b, 'Mixed_6b', x, 128));
  x = b.stage('Mixed_6c', inceptionC(b, 'Mixed_6c', x, 160));
  x = b.stage('Mixed_6d', inceptionC(b, 'Mixed_6d', x, 160));
  x = b.stage('Mixed_6e', inceptionC(b, 'Mixed_6e', x, 192));
  x = b.stage('Mixed_7a', inceptionD(b, 'Mixed_7a', x));
  x = b.stage('Mixed_7b', inceptionE(b, 'Mixed_7b', x));
  x = b.stage('Mixed_7c', inceptionE(b, 'Mixed_7c', x));
  x = b.stage('avgpool', b.adaptiveAvgPool('avgpool', x, 1));
  x = b.identity('dropout', x, 'dropout', 0.5);
  b.stage('fc', b.linear('fc', b.flatten('flatten', x), options.numClasses ?? 1000));
  return b.build();
}

/** The Inception constructor by torchvision name. */
export const INCEPTION_MODELS: Record<string, ZooConstructor> = { inception_v3: inceptionV3 };
