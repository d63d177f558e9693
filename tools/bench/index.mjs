#!/usr/bin/env node
// `npm run bench -- <name> [options]`: long measurements that never run in tests.
//   engine   a ProtoPNet-style VGG training and inference step, ours vs PyTorch (see engine.mjs)
//   kernels  GFLOP/s of each conv layer's forward, input and filter gradient, and the SIMD ceiling (see kernels.mjs)
//   rf       receptive-field analysis of every fixture model, ours vs the reference engine (see rf.mjs)
//   data     decode + resize + augment images/s, our DataLoader vs torchvision/PIL (see data.mjs)
//   rot      the exact relevance ordering test vs the fast one (--rot.steps) on the synthetic demo run (see rot.mjs)
//   prp      ms per PRP map for ResNet-18 and VGG-11 at 224 px beside one forward+backward (see prp.mjs)
//   bn       a micro-batched training step with batch norm over the whole batch vs per micro-batch (see bn.mjs)
//   cub      the paper's workload rehearsed: CUB-sized data, proto-cub200224 (VGG16-BN, 2,000 prototypes, 224 px) through every command (see cub.mjs)
const benches = {
  engine: () => import('./engine.mjs'),
  kernels: () => import('./kernels.mjs'),
  rf: () => import('./rf.mjs'),
  data: () => import('./data.mjs'),
  rot: () => import('./rot.mjs'),
  prp: () => import('./prp.mjs'),
  cub: () => import('./cub.mjs'),
  bn: () => import('./bn.mjs'),
};
const [name, ...rest] = process.argv.slice(2);
if (!name || !(name in benches)) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]`);
  process.exit(2);
}
const mod = await benches[name]();
process.exitCode = (await mod.run(rest)) ?? 0;
