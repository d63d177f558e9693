/** The run's file outputs as subscribers of the training events. */
import type { Observable, Subscription } from 'rxjs';
import type { TrainEvent } from '../events.js';
import { CsvMetricsWriter } from './csv.js';
import { ResultsWriter } from './results.js';
import { TensorBoardMetricsWriter } from './tensorboard_events.js';

/** Subscribes the CSV, TensorBoard and results writers to a run's events. */
export function attachWriters(events: Observable<TrainEvent>): Subscription {
  const csv = new CsvMetricsWriter(), tb = new TensorBoardMetricsWriter(), results = new ResultsWriter();
  return events.subscribe({
    next: (e) => {
      if (e.type === 'runStart') {
        csv.start(e);
        tb.start(e);
        results.start(e);
      } else if (e.type === 'metrics') {
        csv.row(e);
        tb.row(e);
      } else if (e.type === 'histograms') tb.histograms(e);
      else if (e.type === 'checkpoint') tb.flush();
      else if (e.type === 'runEnd') results.end(e);
    },
    complete: () => tb.close(),
    error: () => tb.close(),
  });
}
