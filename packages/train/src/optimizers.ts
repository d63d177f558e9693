/**
 * Optimizers by name with the four parameter groups of spec §3.3 (backbone at `fine_tune_lr`, add-on at `lr`,
 * prototypes without weight decay, readout at `readout_lr` without weight decay) and a readout optimizer that
 * shares group 3's hyper-parameters but keeps its own state. Weight decay is classic L2 added to the gradient
 * (not AdamW). tfjs optimizers have no groups, so each group is its own tfjs optimizer.
 */
import { tf } from '@pixpnet/engine';
import type { Tensor, Variable } from '@pixpnet/engine';
import type { ProtoNet } from '@pixpnet/models';

/** A tensor with its optimizer-weight name (tfjs `NamedTensor`). */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

/** `--optimizer.*` options used here. */
export interface OptimizerOptions {
  /** Case-insensitive; snake case of CamelCase names accepted (`adam`, `sgd`, `rmsprop`/`rm_sprop`, `adagrad`, `adadelta`; `adamax` and `nadam` are refused with the reason). */
  name?: string;
  lr?: number;
  weightDecay?: number;
  momentum?: number;
  fineTuneLr?: number;
  readoutLr?: number;
}

/** One parameter group: its variables and mutable hyper-parameters (the LR schedule writes `lr`). */
export interface ParamGroup {
  name: 'backbone' | 'addOn' | 'prototypes' | 'readout';
  vars: Variable[];
  hp: { lr: number; baseLr: number; weightDecay: number; momentum: number };
}

/** tfjs optimizers with torch's defaults (Adam ε 1e-8, Adagrad's accumulator starting at 0, RMSprop α 0.99). */
const MAKERS: Record<string, (hp: ParamGroup['hp']) => tf.Optimizer> = {
  adam: (hp) => tf.train.adam(hp.lr, 0.9, 0.999, 1e-8),
  sgd: (hp) => (hp.momentum ? tf.train.momentum(hp.lr, hp.momentum) : tf.train.sgd(hp.lr)),
  rmsprop: (hp) => tf.train.rmsprop(hp.lr, 0.99, hp.momentum, 1e-8),
  adagrad: (hp) => tf.train.adagrad(hp.lr, 0),
  adadelta: (hp) => tf.train.adadelta(hp.lr, 0.9, 1e-6),
};

/** Which `--optimizer.*` hyper-parameters each optimizer takes (besides `lr` and `weight-decay`). */
const TAKES_MOMENTUM = new Set(['sgd', 'rmsprop']);

/** Names the reference accepts that TensorFlow.js cannot provide here, with why. */
const REFUSED: Record<string, string> = {
  adamw: 'AdamW decouples weight decay, which TensorFlow.js has no optimizer for; use adam (L2 weight decay, as the reference configs)',
  nadam: 'TensorFlow.js has no NAdam; use adam',
  adamax: 'the TensorFlow.js Adamax cannot save its state, so its runs could not be checkpointed or resumed; use adam',
};

/** The canonical optimizer name (case-insensitive; snake case of CamelCase names accepted). */
export function optimizerName(name: string): string {
  const n = name.toLowerCase().replace(/_/g, '');
  if (Object.hasOwn(REFUSED, n)) throw new Error(`--optimizer.name ${name}: ${REFUSED[n]}.`);
  if (!Object.hasOwn(MAKERS, n)) throw new Error(`Unknown optimizer '${name}': use one of ${Object.keys(MAKERS).join(', ')} (case-insensitive).`);
  return n;
}

/** Whether the optimizer uses `--optimizer.momentum` (others ignore it, with a warning, as the reference does). */
export function takesMomentum(name: string): boolean {
  return TAKES_MOMENTUM.has(optimizerName(name));
}

/** Sets an optimizer's learning rate (SGD and momentum cache it: they need `setLearningRate`). */
function setLearningRate(opt: tf.Optimizer, lr: number): void {
  const o = opt as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

/** Group-wise optimizers: `apply(grads)` steps every group, `applyReadout(grads)` only the readout optimizer. */
export class GroupedOptimizer {
  readonly groups: ParamGroup[];
  private readonly main = new Map<ParamGroup['name'], tf.Optimizer>();
  private readonly readoutOpt?: tf.Optimizer;
  private readonly kind: string;

  constructor(model: ProtoNet, o: OptimizerOptions = {}) {
    this.kind = optimizerName(o.name ?? 'adam');
    const lr = o.lr ?? 1e-3, wd = o.weightDecay ?? 0, mom = o.momentum ?? 0;
    const g = model.variableGroups();
    const mk = (name: ParamGroup['name'], vars: Variable[], glr: number, gwd: number): ParamGroup =>
      ({ name, vars, hp: { lr: glr, baseLr: glr, weightDecay: gwd, momentum: mom } });
    this.groups = [
      mk('backbone', g.backbone, o.fineTuneLr ?? 1e-4, wd),
      mk('addOn', g.addOn, lr, wd),
      mk('prototypes', g.prototypes, lr, 0),
      mk('readout', g.readout, o.readoutLr ?? 1e-4, 0),
    ];
    for (const grp of this.groups) if (grp.vars.length) this.main.set(grp.name, MAKERS[this.kind]!(grp.hp));
    const ro = this.groups[3]!;
    if (ro.vars.length) this.readoutOpt = MAKERS[this.kind]!(ro.hp);
  }

  /** Multiplies every group's base LR (the schedule of spec §3.4); both readout optimizers follow group 3. */
  setLrMultiplier(m: number): void {
    for (const grp of this.groups) {
      grp.hp.lr = grp.hp.baseLr * m;
      const opt = this.main.get(grp.name);
      if (opt) setLearningRate(opt, grp.hp.lr);
    }
    if (this.readoutOpt) setLearningRate(this.readoutOpt, this.groups[3]!.hp.lr);
  }

  private step(opt: tf.Optimizer, grp: ParamGroup, grads: tf.NamedTensorMap): void {
    const mine: Record<string, Tensor> = {};
    for (const v of grp.vars) {
      const gv = grads[v.name];
      if (!gv) continue;
      mine[v.name] = grp.hp.weightDecay ? tf.add(gv, tf.mul(v, grp.hp.weightDecay)) : gv;
    }
    if (Object.keys(mine).length) opt.applyGradients(mine as tf.NamedTensorMap);
  }

  /** Applies gradients (by variable name) to every group's optimizer. */
  apply(grads: tf.NamedTensorMap): void {
    tf.tidy(() => {
      for (const grp of this.groups) {
        const opt = this.main.get(grp.name);
        if (opt) this.step(opt, grp, grads);
      }
    });
  }

  /** Applies gradients to the readout only, with the readout optimizer (readout fine-tuning after a push). */
  applyReadout(grads: tf.NamedTensorMap): void {
    if (this.readoutOpt) tf.tidy(() => this.step(this.readoutOpt!, this.groups[3]!, grads));
  }

  /** Every optimizer by role: the four groups' and `readoutOptimizer`. */
  private optimizers(): Array<[string, tf.Optimizer]> {
    const out: Array<[string, tf.Optimizer]> = [...this.main.entries()];
    if (this.readoutOpt) out.push(['readoutOptimizer', this.readoutOpt]);
    return out;
  }

  /**
   * The optimizers' state (iterations, moments, Adam's bias-correction powers) as named tensors, for a
   * checkpoint. The caller disposes the tensors.
   */
  async getState(): Promise<Record<string, NamedTensor[]>> {
    const out: Record<string, NamedTensor[]> = {};
    for (const [role, opt] of this.optimizers()) {
      const list = await opt.getWeights();
      // copies: the moments are the optimizer's own variables
      const own = list.map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
      list[0]?.tensor.dispose(); // the iterations scalar is a fresh tensor
      for (const extra of ['accBeta1', 'accBeta2'] as const) {
        const v = (opt as unknown as Record<string, tf.Tensor | undefined>)[extra];
        if (v instanceof tf.Tensor) own.push({ name: `#${extra}`, tensor: tf.clone(v) });
      }
      out[role] = own;
    }
    return out;
  }

  /** Restores {@link getState}'s output into fresh optimizers (tensors are copied; the caller keeps ownership). */
  async setState(state: Record<string, NamedTensor[]>): Promise<void> {
    for (const [role, opt] of this.optimizers()) {
      const list = state[role];
      if (!list) throw new Error(`The checkpoint lacks the state of the ${role} optimizer: was it written with another optimizer configuration?`);
      const weights = list.filter((w) => !w.name.startsWith('#')).map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
      await opt.setWeights(weights);
      tf.dispose(weights.map((w) => w.tensor)); // the new variables hold their own references
      for (const w of list.filter((x) => x.name.startsWith('#'))) {
        const v = (opt as unknown as Record<string, tf.Variable | undefined>)[w.name.slice(1)];
        if (v) tf.tidy(() => v.assign(tf.reshape(w.tensor, v.shape)));
      }
    }
  }

  dispose(): void {
    for (const o of this.main.values()) o.dispose();
    this.readoutOpt?.dispose();
  }
}
