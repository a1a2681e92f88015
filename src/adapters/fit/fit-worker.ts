/** Worker-thread entry: one fit (its rounds of simulation included), off the main event loop. */
import { parentPort, workerData } from 'node:worker_threads';
import { isGcIncidentError } from '../../core/errors.js';
import { fitWorkload } from '../../core/fit/fit-workload.js';
import type { GcObservations } from '../../core/fit/observations.js';

interface Job {
  readonly observations: GcObservations;
  readonly python?: string | undefined;
}

const job = workerData as Job;
try {
  parentPort?.postMessage({ type: 'result', result: fitWorkload(job.observations, job.python) });
} catch (error) {
  parentPort?.postMessage({
    type: 'error',
    code: isGcIncidentError(error) ? error.code : 'INTERNAL',
    message: error instanceof Error ? error.message : String(error),
  });
}
