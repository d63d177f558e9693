/**
 * The prototype layer's rules (spec §6.7): the global max over the similarity map is winner-take-all — a unit
 * relevance at the prototype's best cell (the first in row-major order on ties, as the model's own min pooling) —
 * and the similarity spreads it over the latent channels in proportion to `w_c`, normalised over channels:
 * l2 `w_c = 1 / (((z_c − p_c)²)² + 1e-12)`; cosine `w_c = 1 / ((1 − ẑ_c·p̂_c)² + 1e-12)` with `ẑ = z / max(‖z‖, 1e-12)`,
 * `p̂ = p / max(‖p‖, 1e-12)`.
 */
import { tf } from '@pixpnet/engine';
import type { Tensor, Tensor4D } from '@pixpnet/engine';
import type { ProtoNet } from '@pixpnet/models';

/** The relevance of the latent features `z` (`N × Hz × Wz × D`) for prototype `p`: `N × Hz × Wz × D`. */
export function latentRelevance(model: ProtoNet, z: Tensor4D, p: number): Tensor {
  return tf.tidy(() => {
    const [N, Hz, Wz, D] = z.shape;
    const proto = tf.reshape(tf.slice(model.prototypes, [p, 0], [1, D]), [1, 1, 1, D]);
    const d = tf.slice(model.distances(z), [0, 0, 0, p], [N, Hz, Wz, 1]); // N × Hz × Wz × 1
    const best = tf.argMin(tf.reshape(d, [N, Hz * Wz]), 1); // the first minimum distance = the maximum similarity
    const at = tf.reshape(tf.cast(tf.oneHot(best, Hz * Wz), 'float32'), [N, Hz, Wz, 1]); // (wasm's OneHot ignores a float dtype)
    let w: Tensor;
    if (model.config.distance === 'l2') {
      w = tf.div(1, tf.add(tf.square(tf.square(tf.sub(z, proto))), 1e-12));
    } else {
      const unit = (v: Tensor) => tf.div(v, tf.maximum(tf.sqrt(tf.sum(tf.square(v), -1, true)), 1e-12));
      w = tf.div(1, tf.add(tf.square(tf.sub(1, tf.mul(unit(z), unit(proto)))), 1e-12));
    }
    return tf.mul(at, tf.div(w, tf.sum(w, -1, true)));
  });
}
