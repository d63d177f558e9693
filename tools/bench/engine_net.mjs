// The benchmark network, built with @pixpnet/engine ops: VGG-style conv-bn-relu blocks, a 1x1 add-on with
// sigmoid, cosine similarity to prototypes with a global max and ProtoPNet's log activation, a linear head.
// engine_torch.py builds the same network in PyTorch.
import { tf, conv2d, batchNormTraining } from '@pixpnet/engine';

/** The benchmark networks' conv stacks (numbers: 3x3 conv-bn-relu output channels; 'M': 2x2 max pool). */
export const NETS = {
  vgg6: [32, 32, 'M', 64, 64, 'M', 128, 128, 'M'],
  vgg11_bn: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg16_bn: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
};
export const CFG = NETS.vgg6;

/** The net's config by name, with an error listing the names. */
export function netConfig(name) {
  if (!Object.hasOwn(NETS, name)) throw new Error(`unknown --net ${name}; use one of: ${Object.keys(NETS).join(', ')}`);
  return NETS[name];
}

/** Every 3x3 conv of the net at `size` px: input height/width and channels. */
export function convLayers(name, size) {
  const out = [];
  let c = 3, s = size;
  for (const item of netConfig(name)) {
    if (item === 'M') { s = Math.floor(s / 2); continue; }
    out.push({ h: s, w: s, cin: c, cout: item, k: 3, stride: 1 });
    c = item;
  }
  return out;
}

function heNormal(shape, fanIn, seed) {
  return tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed);
}

export function buildNet({ cfg = CFG, inCh = 3, protoDim = 128, nProto = 200, nClass = 20, eps = 1e-5 } = {}) {
  const vars = [];
  const layers = [];
  let c = inCh, seed = 1;
  for (const item of cfg) {
    if (item === 'M') { layers.push({ type: 'pool' }); continue; }
    const L = {
      type: 'conv',
      w: tf.variable(heNormal([3, 3, c, item], 9 * c, seed++)),
      gamma: tf.variable(tf.ones([item])), beta: tf.variable(tf.zeros([item])),
      mean: tf.zeros([item]), variance: tf.ones([item]), // running statistics (inference)
    };
    vars.push(L.w, L.gamma, L.beta);
    layers.push(L);
    c = item;
  }
  const addW = tf.variable(heNormal([1, 1, c, protoDim], c, seed++));
  const addB = tf.variable(tf.zeros([protoDim]));
  const protos = tf.variable(tf.randomUniform([nProto, protoDim], 0, 1, 'float32', seed++));
  const head = tf.variable(heNormal([nProto, nClass], nProto, seed++));
  vars.push(addW, addB, protos, head);

  function features(x, training) {
    let h = x;
    for (const L of layers) {
      if (L.type === 'pool') { h = tf.maxPool(h, 2, 2, 'valid'); continue; }
      if (training) {
        h = conv2d(h, L.w, { padding: 'same' });
        h = tf.relu(batchNormTraining(h, L.gamma, L.beta, eps).y);
      } else {
        // inference: batch norm folded into the convolution, one fused XNNPACK op with bias and relu
        const scale = tf.mul(L.gamma, tf.rsqrt(tf.add(L.variance, eps)));
        const bias = tf.sub(L.beta, tf.mul(L.mean, scale));
        h = tf.fused.conv2d({ x: h, filter: tf.mul(L.w, scale), strides: 1, pad: 'same', bias, activation: 'relu' });
      }
    }
    return tf.sigmoid(tf.add(conv2d(h, addW), addB));
  }

  function forward(x, training) {
    const f = features(x, training);
    const [B, H, W, D] = f.shape;
    const fn = tf.div(f, tf.add(tf.norm(f, 'euclidean', -1, true), 1e-6));
    const pn = tf.div(protos, tf.add(tf.norm(protos, 'euclidean', -1, true), 1e-6));
    const cos = tf.matMul(tf.reshape(fn, [B * H * W, D]), pn, false, true);
    const maxCos = tf.max(tf.reshape(cos, [B, H * W, -1]), 1);
    const d = tf.sub(1, maxCos);
    const act = tf.log(tf.div(tf.add(d, 1), tf.add(d, 1e-4)));
    return tf.matMul(act, head);
  }
  return { vars, forward, layers };
}
