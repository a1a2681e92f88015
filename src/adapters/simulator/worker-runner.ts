/**
 * Runs a simulation off the main event loop, so a Slack app keeps acking
 * within its 3-second budget while a long simulation runs. Progress arrives as
 * callbacks; an AbortSignal cancels it.
 */
import { type ErrorCode, GcIncidentError } from '../../core/errors.js';
import type { CalibrationProfile } from '../../core/simulator/cost-model.js';
import type { SimulationResult } from '../../core/simulator/simulate.js';
import type { Workload } from '../../core/simulator/workload.js';
import { startWorker } from '../workers/start-worker.js';

export interface WorkerRunOptions {
  readonly calibration?: CalibrationProfile | undefined;
  readonly onProgress?: ((fraction: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

type WorkerMessage =
  | { type: 'progress'; fraction: number }
  | { type: 'result'; result: SimulationResult }
  | { type: 'error'; code: string; message: string };

export function runSimulationInWorker(
  workload: Workload,
  options: WorkerRunOptions = {},
): Promise<SimulationResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new GcIncidentError('SIMULATION_CANCELLED', `simulation of '${workload.name}' was cancelled`));
      return;
    }
    const cancel = new SharedArrayBuffer(4);
    const worker = startWorker(import.meta.url, './simulation-worker', {
      workload,
      calibration: options.calibration,
      cancel,
    });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      Atomics.store(new Int32Array(cancel), 0, 1);
      // A simulation checks the flag about a hundred times per run; terminate if it does not stop soon.
      setTimeout(() => {
        if (!settled) {
          void worker.terminate();
          finish(() =>
            reject(
              new GcIncidentError('SIMULATION_CANCELLED', `simulation of '${workload.name}' was cancelled`),
            ),
          );
        }
      }, 2000).unref();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') options.onProgress?.(message.fraction);
      else if (message.type === 'result') finish(() => resolve(message.result));
      else finish(() => reject(new GcIncidentError(toCode(message.code), message.message)));
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => {
      if (code !== 0) finish(() => reject(new Error(`simulation worker exited with code ${code}`)));
    });
  });
}

function toCode(code: string): ErrorCode {
  return ['SIMULATION_CANCELLED', 'WORKLOAD_TOO_LARGE', 'USAGE'].includes(code)
    ? (code as ErrorCode)
    : 'PYTHON_FAILED';
}
