/**
 * A training step of a backbone over a batch too large for the heap, computed chunk by chunk yet exactly as on the
 * whole batch: batch norm normalises with the whole batch's statistics (and updates its running statistics once, with
 * them), as the reference does on one device. The graph runs node by node: each node over every chunk of the batch,
 * its outputs kept in JavaScript memory (outside the wasm heap) until the backward pass no longer needs them. The
 * backward pass runs the nodes in reverse: a batch-norm node reduces its output gradient over the whole batch
 * first; any other node takes each chunk's vector-Jacobian product by recomputing itself on that chunk.
 */
import { chunks, rows, tf } from '@pixpnet/engine';
import type { Tensor, Tensor1D, Tensor4D, Variable } from '@pixpnet/engine';
import { INPUT } from '@pixpnet/symbolic';
import type { BatchNorm2dOp } from '@pixpnet/symbolic';
import type { Backbone } from './backbone.js';

/** A tensor's values kept outside the heap. */
interface Held {
  data: Float32Array;
  shape: number[];
}

const hold = (t: Tensor): Held => ({ data: t.dataSync() as Float32Array, shape: t.shape });
/** Computes a tensor in a tidy scope and keeps its values outside the heap. */
function held(fn: () => Tensor): Held {
  let out: Held | undefined;
  tf.tidy(() => {
    out = hold(fn());
  });
  return out!;
}
const tensorOf = (h: Held): Tensor => tf.tensor(h.data, h.shape, 'float32');

/** What {@link layerwiseGradients} returns. */
export interface LayerwiseResult {
  /** Gradients by variable name: the backbone's trainable variables asked for and the head's. */
  grads: tf.NamedTensorMap;
}

/**
 * Gradients of `Σ_chunks head(features of the chunk)` with respect to the backbone's `backboneVars` (none: the
 * backbone frozen) and `headVars`, for the batch `x` split into chunks of `chunk` images, with batch norm over the
 * whole batch in training mode. `head(features, start, len)` returns the chunk's (already weighted) loss; it runs
 * inside a gradient tape, once per chunk. The backbone must be cut at one layer.
 */
export function layerwiseGradients(backbone: Backbone, x: Tensor4D, chunk: number, head: (features: Tensor4D, start: number, len: number) => tf.Scalar,
  backboneVars: readonly Variable[], headVars: readonly Variable[]): LayerwiseResult {
  if (backbone.cutNodeIds.length !== 1) throw new Error('layerwiseGradients: the backbone must be cut at one layer.');
  const n = x.shape[0];
  const spans = [...chunks(n, chunk)];
  const nodes = backbone.keptNodes;
  const call = backbone.nextTrainingCall();
  const wanted = new Set(backboneVars.map((v) => v.name));
  const grads: tf.NamedTensorMap = {};
  const addGrad = (name: string, g: Tensor) => {
    const prev = grads[name];
    grads[name] = tf.keep(prev ? tf.add(prev, g) : tf.clone(g)); // (kept: called inside tidy scopes too)
    if (prev) prev.dispose();
  };

  // forward, node by node over every chunk
  const values = new Map<string, Held[]>([[INPUT, spans.map(([s, l]) => held(() => rows(x, s, l)))]]);
  const bnStats = new Map<string, { mean: Tensor1D; invStd: Tensor1D; count: number }>();
  try {
    for (const [k, node] of nodes.entries()) {
      const inputs = node.inputs.map((i) => values.get(i)!);
      if (node.op.type === 'batchNorm2d') {
        const op = node.op as BatchNorm2dOp;
        const xs = inputs[0]!;
        const C = xs[0]!.shape[xs[0]!.shape.length - 1]!;
        const count = xs.reduce((a, h) => a + h.data.length / C, 0);
        // two passes for the statistics (the mean, then the squared deviations): as exact as one batch's moments
        const sum = new Float64Array(C), sq = new Float64Array(C);
        for (const h of xs) tf.tidy(() => tf.sum(tensorOf(h), [0, 1, 2]).dataSync().forEach((v, c) => (sum[c]! += v)));
        const mean = Float32Array.from(sum, (v) => v / count);
        for (const h of xs) tf.tidy(() => tf.sum(tf.square(tf.sub(tensorOf(h), tf.tensor1d(mean))), [0, 1, 2]).dataSync().forEach((v, c) => (sq[c]! += v)));
        const variance = Float32Array.from(sq, (v) => v / count);
        const stats = { mean: tf.tensor1d(mean), invStd: tf.tensor1d(variance.map((v) => 1 / Math.sqrt(v + op.eps))), count };
        bnStats.set(node.id, stats);
        const gamma = backbone.variable(`${node.id}.weight`), beta = backbone.variable(`${node.id}.bias`);
        values.set(node.id, xs.map((h) => held(() => tf.add(tf.mul(tf.mul(tf.sub(tensorOf(h), stats.mean), stats.invStd), gamma), beta))));
        // the running statistics, once per step with the whole batch's (the unbiased variance, as torch)
        const m = op.momentum, rm = backbone.variable(`${node.id}.running_mean`), rv = backbone.variable(`${node.id}.running_var`);
        const unbiased = count > 1 ? count / (count - 1) : 1;
        tf.tidy(() => {
          rm.assign(tf.add(tf.mul(rm, 1 - m), tf.mul(stats.mean, m)));
          rv.assign(tf.add(tf.mul(rv, 1 - m), tf.mul(tf.tensor1d(variance), m * unbiased)));
        });
      } else {
        values.set(node.id, spans.map((_, c) => held(() => backbone.runNode(k, inputs.map((h) => tensorOf(h[c]!)), { training: true, call }))));
      }
    }

    // the head, per chunk: its gradients and the gradient of the features
    const cut = backbone.cutNodeIds[0]!;
    const feats = values.get(cut)!;
    const dY = new Map<string, Held[]>();
    dY.set(cut, spans.map(([s, l], c) => {
      const init = tensorOf(feats[c]!);
      const f = tf.variable(init, true, undefined, 'float32');
      init.dispose();
      try {
        const r = tf.variableGrads(() => head(f as unknown as Tensor4D, s, l), [...headVars, f]);
        r.value.dispose();
        const df = hold(r.grads[f.name]!);
        for (const v of headVars) if (r.grads[v.name]) addGrad(v.name, r.grads[v.name]!);
        tf.dispose(Object.values(r.grads));
        return df;
      } finally {
        f.dispose();
      }
    }));

    // backward, node by node in reverse
    for (let k = nodes.length - 1; k >= 0; k--) {
      const node = nodes[k]!;
      const dy = dY.get(node.id);
      dY.delete(node.id);
      values.delete(node.id); // its own output is needed no more (its consumers are done)
      if (!dy) continue;
      const inputs = node.inputs.map((i) => values.get(i)!);
      const accumulate = (id: string, c: number, g: Tensor) => {
        if (id === INPUT) return;
        let list = dY.get(id);
        if (!list) dY.set(id, (list = new Array<Held>(spans.length)));
        const prev = list[c];
        list[c] = prev ? held(() => tf.add(tensorOf(prev), g)) : hold(g);
      };
      const trained = backbone.specs.filter((p) => p.node === node.id && p.trainable && wanted.has(backbone.variable(p.name).name))
        .map((p) => ({ suffix: p.name.slice(node.id.length + 1), name: p.name }));
      if (node.op.type === 'batchNorm2d') {
        const st = bnStats.get(node.id)!;
        const gamma = backbone.variable(`${node.id}.weight`);
        const C = st.mean.shape[0];
        const sdy = new Float64Array(C), sdyx = new Float64Array(C);
        for (const [c] of spans.entries()) {
          tf.tidy(() => {
            const xhat = tf.mul(tf.sub(tensorOf(inputs[0]![c]!), st.mean), st.invStd);
            const g = tensorOf(dy[c]!);
            tf.sum(g, [0, 1, 2]).dataSync().forEach((v, j) => (sdy[j]! += v));
            tf.sum(tf.mul(g, xhat), [0, 1, 2]).dataSync().forEach((v, j) => (sdyx[j]! += v));
          });
        }
        const dBeta = tf.tensor1d(Float32Array.from(sdy)), dGamma = tf.tensor1d(Float32Array.from(sdyx));
        for (const p of trained) addGrad(backbone.variable(p.name).name, p.suffix === 'weight' ? dGamma : dBeta);
        if (node.inputs[0] !== INPUT) {
          for (const [c] of spans.entries()) {
            tf.tidy(() => {
              const xhat = tf.mul(tf.sub(tensorOf(inputs[0]![c]!), st.mean), st.invStd);
              // dx = γ·σ⁻¹·(dy − Σdy/N − x̂·Σ(dy·x̂)/N), the sums over the whole batch
              const dx = tf.mul(tf.mul(gamma, st.invStd), tf.sub(tf.sub(tensorOf(dy[c]!), tf.div(dBeta, st.count)), tf.mul(xhat, tf.div(dGamma, st.count))));
              accumulate(node.inputs[0]!, c, dx);
            });
          }
        }
        tf.dispose([dBeta, dGamma, st.mean, st.invStd]);
        bnStats.delete(node.id);
      } else {
        const needInputs = node.inputs.some((i) => i !== INPUT);
        if (!needInputs && !trained.length) continue;
        for (const [c] of spans.entries()) {
          tf.tidy(() => {
            const ins = inputs.map((h) => tensorOf(h[c]!));
            const ps = trained.map((p) => backbone.variable(p.name) as Tensor);
            const g = tensorOf(dy[c]!);
            // the vector-Jacobian product of this node on this chunk, by recomputing it: grad of Σ(node(x)·dy)
            const f = (...args: Tensor[]) => {
              const map = new Map(trained.map((p, j) => [p.suffix, args[ins.length + j]!]));
              return tf.sum(tf.mul(backbone.runNode(k, args.slice(0, ins.length), { training: true, call, params: map, setBuffer: () => undefined }), g));
            };
            const gs = tf.grads(f)([...ins, ...ps]);
            ins.forEach((_, i) => accumulate(node.inputs[i]!, c, gs[i]!));
            trained.forEach((p, j) => addGrad(backbone.variable(p.name).name, gs[ins.length + j]!));
          });
        }
      }
    }
    return { grads };
  } catch (e) {
    tf.dispose(Object.values(grads));
    throw e;
  } finally {
    for (const st of bnStats.values()) tf.dispose([st.mean, st.invStd]);
  }
}
