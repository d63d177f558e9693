/** Progress of a training run drawn from its events: cli-progress bars with ETA on a terminal, one log line per epoch otherwise. */
import cliProgress from 'cli-progress';
import type { Observable } from 'rxjs';
import { log } from '@pixpnet/engine';
import type { TrainEvent } from '@pixpnet/train';

const fmt = (v: number | undefined, d = 3) => (v === undefined ? '–' : v.toFixed(d));

/** Subscribes a progress display to a run's events. */
export function attachProgress(events: Observable<TrainEvent>, stream: NodeJS.WriteStream = process.stderr): void {
  const tty = Boolean(stream.isTTY);
  let bar: cliProgress.SingleBar | undefined;
  let epochs = 0;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  events.subscribe({
    next: (e) => {
      switch (e.type) {
        case 'runStart':
          epochs = e.epochs;
          log.info(`Run directory ${e.runDir}: ${e.sizes.train} training items (${e.stepsPerEpoch} batches/epoch), ${e.sizes.val} validation, ${e.sizes.test} test; ${e.backend}` +
            (e.resumed ? `; resumed after epoch ${e.resumed.epoch}` : ''));
          break;
        case 'epochStart':
          if (tty) {
            stop();
            const label = e.phase === 'readout' ? `readout ${e.readoutEpoch! + 1}` : e.phase;
            bar = new cliProgress.SingleBar({
              format: `epoch ${e.epoch + 1}/${epochs} ${label.padEnd(6)} [{bar}] {value}/{total} | loss {loss} acc {acc} | ETA {eta_formatted}`,
              stream, hideCursor: true, clearOnComplete: false, etaBuffer: 20,
            }, cliProgress.Presets.shades_classic);
            bar.start(e.batches, 0, { loss: '–', acc: '–' });
          }
          break;
        case 'step':
          bar?.update(e.batch, { loss: fmt(e.metrics['train_total_loss']), acc: fmt(e.metrics['train_accuracy']) });
          break;
        case 'epochEnd':
          stop();
          log.info(`epoch ${e.epoch + 1}/${epochs}: train loss ${fmt(e.metrics['train_total_loss'])}, accuracy ${fmt(e.metrics['train_accuracy'])} (${e.seconds.toFixed(1)} s)`);
          break;
        case 'validation':
          stop();
          log.info(`epoch ${e.epoch + 1}/${epochs}: validation loss ${fmt(e.metrics['val_total_loss'])}, accuracy ${fmt(e.metrics['val_accuracy'])}`);
          break;
        case 'push': {
          stop();
          const { stats } = e;
          const q = stats.quantiles.map((v) => v.toPrecision(4)).join(' / ');
          log.info(`push after epoch ${e.epoch + 1}: best distances (0/25/50/75/100 %) ${q}; ${stats.distinctSamples} images for ${e.prototypes} prototypes` +
            `${stats.unassigned ? `, ${stats.unassigned} without a candidate (zeroed)` : ''}${stats.nans ? `, ${stats.nans} NaN` : ''}; ` +
            `prototype norm ${stats.normBefore.toPrecision(4)} → ${stats.normAfter.toPrecision(4)} (${e.seconds.toFixed(1)} s)`);
          break;
        }
        case 'validationAfterPush':
          stop();
          log.info(`epoch ${e.epoch + 1}/${epochs}: validation after the push${e.lastLayer ? ' and the last-layer epochs' : ''}: ` +
            `loss ${fmt(e.metrics['val_total_loss'])}, accuracy ${fmt(e.metrics['val_accuracy'])}`);
          break;
        case 'test':
          log.info(`test: loss ${fmt(e.metrics['test_total_loss'])}, accuracy ${fmt(e.metrics['test_accuracy'])}, balanced ${fmt(e.metrics['test_weighted_accuracy'])}`);
          break;
        case 'runEnd':
          log.info(`Done in ${e.seconds.toFixed(1)} s`);
          break;
        default:
      }
    },
    error: () => stop(),
    complete: () => stop(),
  });
}

/**
 * Progress of a staged job (`pixpnet evaluate`): one cli-progress bar with ETA per stage on a terminal, a log line
 * at each quarter otherwise. Call the returned function with (stage, done, total); `stop()` clears the bar.
 */
export function stageProgress(stream: NodeJS.WriteStream = process.stderr): { update: (stage: string, done: number, total: number) => void; stop: () => void } {
  const tty = Boolean(stream.isTTY);
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  let quarter = 0;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    update: (stage, done, total) => {
      if (stage !== current) {
        stop();
        current = stage;
        quarter = 0;
        if (tty) {
          bar = new cliProgress.SingleBar({ format: `${stage.padEnd(22)} [{bar}] {value}/{total} | ETA {eta_formatted}`, stream, hideCursor: true, etaBuffer: 50 }, cliProgress.Presets.shades_classic);
          bar.start(total, 0);
        }
      }
      if (bar) bar.update(done);
      else if (total > 0 && Math.floor((done / total) * 4) > quarter) {
        quarter = Math.floor((done / total) * 4);
        log.info(`${stage}: ${done}/${total} (${quarter * 25} %)`);
      }
    },
    stop,
  };
}
