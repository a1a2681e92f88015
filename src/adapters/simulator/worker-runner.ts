/**
 * Runs a simulation off the main event loop, so a Slack app keeps acking
 * within its 3-second budget while a long simulation runs. Progress arrives as
 * callbacks; an AbortSignal cancels it; the worker's heap is capped, so a run
 * that would exhaust memory fails alone instead of taking the process with it.
 */
import { type ErrorCode, GcIncidentError } from '../../core/errors.js';
import type { CalibrationProfile } from '../../core/simulator/cost-model.js';
import type { SimulationResult } from '../../core/simulator/simulate.js';
import type { Workload } from '../../core/simulator/workload.js';
import { startWorker, stopWorker } from '../workers/start-worker.js';

export interface WorkerRunOptions {
  readonly calibration?: CalibrationProfile | undefined;
  readonly onProgress?: ((fraction: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
  /** The worker's heap limit in MB (V8's old generation); undefined: Node's default. */
  readonly memoryMb?: number | undefined;
}

type WorkerMessage<T> =
  | { type: 'progress'; fraction: number }
  | { type: 'result'; result: T }
  | { type: 'error'; code: string; message: string };

/** A worker module next to `callerUrl` that posts progress, then one result or error (see simulation-worker.ts). */
export interface WorkerJob {
  readonly callerUrl: string;
  readonly module: string;
  readonly data: Record<string, unknown>;
  /** What is run, for messages ("simulation of 'w'"). */
  readonly what: string;
}

export function runInWorker<T>(job: WorkerJob, options: WorkerRunOptions = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new GcIncidentError('SIMULATION_CANCELLED', `${job.what} was cancelled`));
      return;
    }
    const cancel = new SharedArrayBuffer(4);
    const worker = startWorker(
      job.callerUrl,
      job.module,
      { ...job.data, cancel },
      options.memoryMb ? { maxOldGenerationSizeMb: options.memoryMb } : undefined,
    );
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
          void stopWorker(worker);
          finish(() => reject(new GcIncidentError('SIMULATION_CANCELLED', `${job.what} was cancelled`)));
        }
      }, 2000).unref();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: WorkerMessage<T>) => {
      if (message.type === 'progress') options.onProgress?.(message.fraction);
      else if (message.type === 'result') finish(() => resolve(message.result));
      else finish(() => reject(new GcIncidentError(toCode(message.code), message.message)));
    });
    worker.on('error', (error: Error & { code?: string }) =>
      finish(() =>
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new GcIncidentError(
                'WORKLOAD_TOO_LARGE',
                `${job.what} needed more than its ${options.memoryMb} MB of memory and was stopped; simulate fewer objects`,
              )
            : error,
        ),
      ),
    );
    worker.on('exit', (code) => {
      if (code !== 0) finish(() => reject(new Error(`${job.what}: worker exited with code ${code}`)));
    });
  });
}

export function runSimulationInWorker(
  workload: Workload,
  options: WorkerRunOptions = {},
): Promise<SimulationResult> {
  return runInWorker<SimulationResult>(
    {
      callerUrl: import.meta.url,
      module: './simulation-worker',
      data: { workload, calibration: options.calibration },
      what: `simulation of '${workload.name}'`,
    },
    options,
  );
}

const PASSED_ON: readonly string[] = [
  'SIMULATION_CANCELLED',
  'WORKLOAD_TOO_LARGE',
  'WORKLOAD_INVALID',
  'USAGE',
  'FIT_IMPLAUSIBLE',
  'FIT_PYTHON_UNSUPPORTED',
];

function toCode(code: string): ErrorCode {
  return PASSED_ON.includes(code) ? (code as ErrorCode) : 'PYTHON_FAILED';
}
