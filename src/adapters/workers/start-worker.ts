/**
 * Starts a worker thread from a module next to the caller, at low CPU priority, and stops it.
 *
 * On Linux a nice value belongs to one thread: lowering the worker's (before it loads anything,
 * since loading Vega or the simulator is itself work) lets the main thread, which answers Slack
 * within its 3 seconds, win the CPU whenever both want it. Elsewhere, or when the system refuses,
 * the worker simply runs at normal priority.
 *
 * From dist/ the module is plain JavaScript; from src/ (tests, tsx) it is TypeScript, so the
 * bootstrap also registers tsx's loader inside the worker (execArgv cannot carry --import). That
 * costs 0.3–0.5 s of CPU per worker, so a test run bundles the worker modules once and names the
 * folder under WORKER_BUNDLES_KEY (tests/tiers/bundles.ts); a worker from src/ loads its
 * bundle from there when there is one.
 *
 * A worker is never terminated while its modules are still being evaluated: V8 aborts the whole
 * process when an isolate is terminated in the middle of asynchronous module evaluation (seen in
 * CI on Node 22 as "Check failed: (location_) != nullptr" in AsyncModuleExecutionFulfilled; Node
 * issue 43182 is the same class of crash). The bootstrap raises a shared flag once its module has
 * loaded, and `stopWorker` waits for it before it terminates.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getEnvironmentData, type ResourceLimits, setEnvironmentData, Worker } from 'node:worker_threads';

/** How long `stopWorker` waits for a worker still loading before it terminates it anyway. */
const LOAD_WAIT_MS = 30_000;
const LOAD_POLL_MS = 20;
/** The environment-data key under which a new worker finds its flag (copied at `new Worker`). */
const LOADED_KEY = 'gc-incident:worker-loaded';

/** The environment-data key under which a process names a folder of bundled worker modules. */
export const WORKER_BUNDLES_KEY = 'gc-incident:worker-bundles';

const loadedFlags = new WeakMap<Worker, Int32Array>();

/** The worker's module, and whether loading it needs tsx (TypeScript, not bundled). */
function workerModule(callerUrl: string, moduleBase: string): { href: string; tsx: boolean } {
  if (!callerUrl.endsWith('.ts')) return { href: new URL(`${moduleBase}.js`, callerUrl).href, tsx: false };
  const bundles = getEnvironmentData(WORKER_BUNDLES_KEY);
  if (typeof bundles === 'string') {
    const bundle = join(bundles, `${basename(moduleBase)}.mjs`);
    if (existsSync(bundle)) return { href: pathToFileURL(bundle).href, tsx: false };
  }
  return { href: new URL(`${moduleBase}.ts`, callerUrl).href, tsx: true };
}

export function startWorker(
  callerUrl: string,
  moduleBase: string,
  workerData: unknown,
  resourceLimits?: ResourceLimits,
): Worker {
  const entry = workerModule(callerUrl, moduleBase);
  const bootstrap = [
    `const loaded = new Int32Array(require('node:worker_threads').getEnvironmentData(${JSON.stringify(LOADED_KEY)}));`,
    "import('node:os').then((os) => { try { os.setPriority(19); } catch {} })",
    entry.tsx ? ".then(() => import('tsx/esm/api')).then((m) => m.register())" : '',
    `.then(() => import(${JSON.stringify(entry.href)}))`,
    // Loaded or failed, evaluation is over: from here the worker may be terminated.
    '.finally(() => { Atomics.store(loaded, 0, 1); Atomics.notify(loaded, 0); });',
  ].join('');
  // Environment data is copied into the worker when it is created; a SharedArrayBuffer is shared.
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const previous = getEnvironmentData(LOADED_KEY);
  setEnvironmentData(LOADED_KEY, flag.buffer as SharedArrayBuffer);
  try {
    const worker = new Worker(bootstrap, {
      eval: true,
      workerData,
      ...(resourceLimits ? { resourceLimits } : {}),
    });
    loadedFlags.set(worker, flag);
    return worker;
  } finally {
    setEnvironmentData(LOADED_KEY, previous as SharedArrayBuffer | undefined);
  }
}

/** Whether the worker's module has finished loading (or failed to). */
export function workerLoaded(worker: Worker): boolean {
  const flag = loadedFlags.get(worker);
  return flag === undefined || Atomics.load(flag, 0) === 1;
}

/**
 * Terminates a worker once its module has loaded, it has exited, or LOAD_WAIT_MS have passed
 * (a worker stuck while loading is terminated anyway: a hang is worse than the rare abort).
 */
export async function stopWorker(worker: Worker): Promise<void> {
  const flag = loadedFlags.get(worker);
  // threadId is -1 once the worker has exited: nothing is left to wait for.
  if (flag && Atomics.load(flag, 0) === 0 && worker.threadId !== -1) {
    await new Promise<void>((resolve) => {
      let waitedMs = 0;
      const poll = setInterval(() => {
        if (Atomics.load(flag, 0) === 1 || worker.threadId === -1 || waitedMs >= LOAD_WAIT_MS) {
          clearInterval(poll);
          resolve();
        }
        waitedMs += LOAD_POLL_MS;
      }, LOAD_POLL_MS);
    });
  }
  await worker.terminate();
}
