/**
 * The fit in a worker thread: its simulations are as long as the service's
 * rates make them, so a serving process runs it through the simulation pool
 * (time and memory limits, one run per CPU) rather than on the event loop.
 */
import type { FitResult } from '../../core/fit/fit-workload.js';
import type { GcObservations } from '../../core/fit/observations.js';
import { runInWorker, type WorkerRunOptions } from '../simulator/worker-runner.js';

export type FitRunner = (
  observations: GcObservations,
  python: string | undefined,
  options: WorkerRunOptions,
) => Promise<FitResult>;

export const runFitInWorker: FitRunner = (observations, python, options) =>
  runInWorker<FitResult>(
    {
      callerUrl: import.meta.url,
      module: './fit-worker',
      data: { observations, python },
      what: `the fit of job '${observations.job}'`,
    },
    options,
  );
