/**
 * Starts a worker thread from a module next to the caller, at low CPU priority.
 *
 * On Linux a nice value belongs to one thread: lowering the worker's (before it loads anything,
 * since loading Vega or the simulator is itself work) lets the main thread, which answers Slack
 * within its 3 seconds, win the CPU whenever both want it. Elsewhere, or when the system refuses,
 * the worker simply runs at normal priority.
 *
 * From dist/ the module is plain JavaScript; from src/ (tests, tsx) it is TypeScript, so the
 * bootstrap also registers tsx's loader inside the worker (execArgv cannot carry --import).
 */
import { type ResourceLimits, Worker } from 'node:worker_threads';

export function startWorker(
  callerUrl: string,
  moduleBase: string,
  workerData: unknown,
  resourceLimits?: ResourceLimits,
): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const url = new URL(`${moduleBase}${fromSource ? '.ts' : '.js'}`, callerUrl);
  const bootstrap = [
    "import('node:os').then((os) => { try { os.setPriority(19); } catch {} })",
    fromSource ? ".then(() => import('tsx/esm/api')).then((m) => m.register())" : '',
    `.then(() => import(${JSON.stringify(url.href)}));`,
  ].join('');
  return new Worker(bootstrap, { eval: true, workerData, ...(resourceLimits ? { resourceLimits } : {}) });
}
