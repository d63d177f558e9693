/**
 * Progress of a training run drawn from its events: cli-progress bars with ETA on a terminal; without one (a Slurm
 * log, `nohup`), a line per epoch and, within every long stage, a line every `--log.every-seconds` (default 30) and
 * one at its end with its duration and images/s.
 */
import cliProgress from 'cli-progress';
import type { Observable } from 'rxjs';
import { Heartbeat, log } from '@pixpnet/engine';
import type { TrainEvent } from '@pixpnet/train';

const STAGE_LABEL = { validation: 'validation', push: 'push', test: 'test' } as const;

const fmt = (v: number | undefined, d = 3) => (v === undefined ? '–' : v.toFixed(d));

/** A terminal bar for a stage counted in units: done of total, and the ETA. */
function stageBar(stage: string, stream: NodeJS.WriteStream, total: number, o: { clearOnComplete: boolean; etaBuffer: number }): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar({ format: `${stage.padEnd(22)} [{bar}] {value}/{total} | ETA {eta_formatted}`, stream, hideCursor: true, ...o },
    cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return bar;
}

/** Without a terminal: a throttled line for `done` of `total`, and the stage's last line when it ends. */
function beat(heartbeat: Heartbeat, done: number, total: number, images?: number): void {
  heartbeat.tick(done, total, images);
  if (done === total) heartbeat.end(done, total);
}

/** Subscribes a progress display to a run's events. */
export function attachProgress(events: Observable<TrainEvent>, stream: NodeJS.WriteStream = process.stderr, heartbeat = new Heartbeat((l) => log.info(l))): void {
  const tty = Boolean(stream.isTTY);
  let bar: cliProgress.SingleBar | undefined;
  let barStage = '';
  let epochs = 0;
  const stop = () => {
    bar?.stop();
    bar = undefined;
    barStage = '';
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
          if (!tty) heartbeat.start(`epoch ${e.epoch + 1}/${epochs} ${e.phase === 'readout' ? `readout ${e.readoutEpoch! + 1}` : e.phase}`);
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
          if (tty) bar?.update(e.batch, { loss: fmt(e.metrics['train_total_loss']), acc: fmt(e.metrics['train_accuracy']) });
          else beat(heartbeat, e.batch, e.batches, e.images); // its last line: the epoch's throughput
          break;
        case 'progress': {
          // a validation, a push or the test: a bar of its own on a terminal, throttled lines otherwise
          const stage = `${e.epoch !== undefined ? `epoch ${e.epoch + 1}/${epochs} ` : ''}${STAGE_LABEL[e.stage]}`;
          if (tty) {
            if (barStage !== stage || !bar) {
              stop();
              barStage = stage;
              bar = stageBar(stage, stream, e.total, { clearOnComplete: true, etaBuffer: 20 });
            }
            bar.update(e.done);
            if (e.done >= e.total) stop();
          } else {
            if (heartbeat.current !== stage) heartbeat.start(stage);
            beat(heartbeat, e.done, e.total, e.images);
          }
          break;
        }
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
 * Progress of a staged job (`pixpnet evaluate`, sweep rows): one cli-progress bar with ETA per stage on a terminal,
 * otherwise a line every `--log.every-seconds` and one when a stage ends. Call the returned function with (stage,
 * done, total, images); `stop()` clears the bar.
 */
export function stageProgress(stream: NodeJS.WriteStream = process.stderr, heartbeat = new Heartbeat((l) => log.info(l), undefined, undefined, '')): {
  update: (stage: string, done: number, total: number, images?: number) => void; stop: () => void;
} {
  const tty = Boolean(stream.isTTY);
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    update: (stage, done, total, images) => {
      if (stage !== current) {
        stop();
        current = stage;
        if (tty) bar = stageBar(stage, stream, total, { clearOnComplete: false, etaBuffer: 50 });
        else heartbeat.start(stage);
      }
      if (bar) bar.update(done);
      else if (total > 0) beat(heartbeat, done, total, images);
    },
    stop,
  };
}
