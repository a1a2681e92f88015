/** Worker-thread entry: runs one simulation, reports progress, stops when the shared cancel flag is set. */
import { parentPort, workerData } from 'node:worker_threads';
import { isGcIncidentError } from '../../core/errors.js';
import type { CalibrationProfile } from '../../core/simulator/cost-model.js';
import { simulate } from '../../core/simulator/simulate.js';
import type { Workload } from '../../core/simulator/workload.js';

interface Job {
  readonly workload: Workload;
  readonly calibration?: CalibrationProfile;
  readonly cancel: SharedArrayBuffer;
}

const job = workerData as Job;
const cancelled = new Int32Array(job.cancel);
try {
  const result = simulate(job.workload, {
    calibration: job.calibration,
    onProgress: (fraction) => {
      parentPort?.postMessage({ type: 'progress', fraction });
      return Atomics.load(cancelled, 0) === 1;
    },
  });
  parentPort?.postMessage({ type: 'result', result });
} catch (error) {
  parentPort?.postMessage({
    type: 'error',
    code: isGcIncidentError(error) ? error.code : 'INTERNAL',
    message: error instanceof Error ? error.message : String(error),
  });
}
