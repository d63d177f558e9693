/** Metric names of spec §3.7 and their per-epoch accumulation (means weighted by batch size, micro and balanced accuracy). */
import type { LossCoefficients } from './losses.js';

/** The loss metric keys (without prefix) active for the given coefficients and readout. */
export function lossKeys(c: Required<LossCoefficients>, options: { classSpecific: boolean; readout: string }): string[] {
  const keys: string[] = [];
  if (c.xent) keys.push('xent', 'xent_weighted');
  if (c.cluster) keys.push('cluster_loss', 'cluster_loss_weighted');
  if (c.separation && options.classSpecific) keys.push('separation_loss', 'separation_loss_weighted', 'avg_separation_loss');
  if (c.l1 && options.readout !== 'proto') keys.push('l1_loss', 'l1_loss_weighted');
  keys.push('total_loss');
  return keys;
}

/** Every column of `metrics.csv`: train/val/test losses and accuracies, then `hp/lr_group_{i}`. */
export function metricNames(c: Required<LossCoefficients>, options: { classSpecific: boolean; readout: string; withVal: boolean }): string[] {
  const out: string[] = [];
  for (const prefix of ['train', ...(options.withVal ? ['val'] : []), 'test']) {
    for (const k of [...lossKeys(c, options), 'accuracy', 'weighted_accuracy']) out.push(`${prefix}_${k}`);
  }
  for (let i = 0; i < 4; i++) out.push(`hp/lr_group_${i}`);
  return out;
}

/** Accumulates batch values and predictions over an epoch. */
export class MetricAccumulator {
  private sums = new Map<string, number>();
  private count = 0;
  private readonly perClass: Array<[number, number]>;

  constructor(readonly numClasses: number) {
    this.perClass = Array.from({ length: numClasses }, () => [0, 0]);
  }

  /** Adds one batch: loss values (batch means) and predicted and true labels. */
  add(values: Record<string, number>, predicted: ArrayLike<number>, labels: ArrayLike<number>): void {
    const n = labels.length;
    for (const [k, v] of Object.entries(values)) this.sums.set(k, (this.sums.get(k) ?? 0) + v * n);
    this.count += n;
    for (let i = 0; i < n; i++) {
      const pc = this.perClass[labels[i]!]!;
      pc[1]++;
      if (predicted[i] === labels[i]) pc[0]++;
    }
  }

  /** Means over the samples seen, `accuracy` (micro) and `weighted_accuracy` (mean recall over classes present). */
  result(prefix: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of this.sums) out[`${prefix}_${k}`] = v / Math.max(1, this.count);
    const present = this.perClass.filter(([, t]) => t > 0);
    out[`${prefix}_accuracy`] = present.reduce((a, [c]) => a + c, 0) / Math.max(1, this.count);
    out[`${prefix}_weighted_accuracy`] = present.length ? present.reduce((a, [c, t]) => a + c / t, 0) / present.length : 0;
    return out;
  }
}

/** Accuracy and balanced accuracy of one batch. */
export function batchAccuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number, prefix: string): Record<string, number> {
  const acc = new MetricAccumulator(numClasses);
  acc.add({}, predicted, labels);
  return acc.result(prefix);
}
