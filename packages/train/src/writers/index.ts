/** The run's file outputs as subscribers of the training events. */
import type { Observable, Subscription } from 'rxjs';
import { log } from '@pixpnet/engine';
import type { TrainEvent } from '../events.js';
import { CsvMetricsWriter } from './csv.js';
import { ResultsWriter } from './results.js';
import { TensorBoardMetricsWriter } from './tensorboard_events.js';

/** Options of {@link attachWriters}. */
export interface WriterOptions {
  /**
   * Called when a writer fails (a full disk, a file another program holds); the default logs it. Writers run
   * inside the event stream, where a thrown error could not reach the caller.
   */
  onError?: (error: Error, event: TrainEvent) => void;
}

/** Subscribes the CSV, TensorBoard and results writers to a run's events. */
export function attachWriters(events: Observable<TrainEvent>, options: WriterOptions = {}): Subscription {
  const csv = new CsvMetricsWriter(), tb = new TensorBoardMetricsWriter(), results = new ResultsWriter();
  const onError = options.onError ?? ((e: Error) => log.error(`Writing the run outputs failed: ${e.message}`));
  let failed = false;
  const handle = (e: TrainEvent) => {
    if (e.type === 'runStart') {
      csv.start(e);
      tb.start(e);
      results.start(e);
    } else if (e.type === 'metrics') {
      csv.row(e);
      tb.row(e);
    } else if (e.type === 'histograms') tb.histograms(e);
    else if (e.type === 'checkpoint') {
      csv.flush();
      tb.flush();
    } else if (e.type === 'runEnd') results.end(e);
  };
  return events.subscribe({
    next: (e) => {
      if (failed) return;
      try {
        handle(e);
      } catch (err) {
        failed = true;
        onError(err instanceof Error ? err : new Error(String(err)), e);
      }
    },
    complete: () => tb.close(),
    error: () => tb.close(),
  });
}
