/**
 * The ProtoPNet/PixPNet losses (spec §3.2): cross-entropy, cluster, separation (with the logged-only average
 * separation) and the L1 readout penalty. A term whose coefficient is 0 is neither computed nor reported.
 */
import { tf } from '@pixpnet/engine';
import type { Tensor, Tensor1D, Tensor2D } from '@pixpnet/engine';

type Scalar = tf.Scalar;
import type { ProtoNet } from '@pixpnet/models';

/** Loss coefficients (`--loss.*`); defaults are the reference's. */
export interface LossCoefficients {
  xent?: number;
  cluster?: number;
  separation?: number;
  l1?: number;
}

/** The total and each computed term (scalars; dispose them, or compute inside `tf.tidy`/`minimize`). */
export interface LossTerms {
  total: Scalar;
  xent?: Scalar;
  cluster?: Scalar;
  separation?: Scalar;
  /** Logged only: −mean over samples of the mean distance to the other classes' prototypes. */
  avgSeparation?: Scalar;
  l1?: Scalar;
}

export const DEFAULT_COEFFICIENTS: Required<LossCoefficients> = { xent: 1, cluster: 0.8, separation: 0.08, l1: 1e-4 };

/**
 * The losses of one batch, from the model's `logits` and `minDistances` (`N × P`) and integer labels `y`.
 * Call inside the function given to `optimizer.minimize` (or `tf.tidy`).
 */
export function protoLosses(model: ProtoNet, logits: Tensor2D, minDistances: Tensor2D, y: Tensor1D, coefficients: LossCoefficients = {}): LossTerms {
  const c = { ...DEFAULT_COEFFICIENTS, ...coefficients };
  const { numClasses: C, classSpecific, readout } = model.config;
  const terms: Omit<LossTerms, 'total'> = {};
  const parts: Tensor[] = [];
  if (c.xent) {
    terms.xent = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(y, 'int32'), C), logits) as Scalar;
    parts.push(tf.mul(terms.xent, c.xent));
  }
  // own[n, p] = 1 when prototype p belongs to sample n's class
  const own = classSpecific ? tf.matMul(tf.oneHot(tf.cast(y, 'int32'), C).asType('float32'), model.classIdentity, false, true) : undefined;
  const big = tf.scalar(1e30);
  if (c.cluster) {
    const d = own ? tf.add(minDistances, tf.mul(tf.sub(1, own), big)) : minDistances;
    terms.cluster = tf.mean(tf.min(d, 1)) as Scalar;
    parts.push(tf.mul(terms.cluster, c.cluster));
  }
  if (c.separation && own) {
    terms.separation = tf.neg(tf.mean(tf.min(tf.add(minDistances, tf.mul(own, big)), 1))) as Scalar;
    terms.avgSeparation = tf.neg(tf.mean(tf.div(tf.sum(tf.mul(minDistances, tf.sub(1, own)), 1), tf.sum(tf.sub(1, own), 1)))) as Scalar;
    parts.push(tf.mul(terms.separation, c.separation));
  }
  if (c.l1 && model.readout && readout !== 'proto') {
    // linear + class-specific: only wrong-class connections; otherwise every weight (sparse: the reference's quirk)
    const w = readout === 'linear' && classSpecific ? tf.mul(model.readout, tf.sub(1, tf.transpose(model.classIdentity))) : model.readout;
    terms.l1 = tf.sum(tf.abs(w)) as Scalar;
    parts.push(tf.mul(terms.l1, c.l1));
  }
  const total = (parts.length ? tf.addN(parts) : tf.scalar(0)) as Scalar;
  return { total, ...terms };
}
