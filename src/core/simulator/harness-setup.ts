/**
 * What the simulator does before a run: it refuses workloads that would take
 * hours on the per-object paths, and builds the harness's state (the setup
 * heap, the stats snapshot, gc.collect()) the way the repro script does.
 */
import { GcIncidentError } from '../errors.js';
import type { GcEngine } from './engine.js';
import type { Workload } from './workload.js';

/** Work the per-object paths would do; beyond this a run is refused rather than left to run for hours. */
export const MAX_UNBATCHED_STEPS = 4e9;

/**
 * The harness before the measured run (see repro.ts): the setup heap is
 * created with the collector disabled, optionally frozen, a stats snapshot is
 * taken, and gc.collect() leaves every tracked object in generation 2 with
 * counts (0, 0, 0) and empty free-lists; the what-if "freeze" then freezes it.
 */
export function setUpHarness(engine: GcEngine, workload: Workload): void {
  const p = engine.profile;
  const heap = workload.setup.heap;
  const tracked = workload.setup.kind === 'dict' ? (p.dictsTrackedAtCreation ? heap : 0) : heap;
  // The stats snapshot: a list, and three dicts of ints (tracked only where every dict is).
  const snapshot = 1 + (p.dictsTrackedAtCreation ? 3 : 0);
  if (workload.setup.freeze) engine.live[3] += tracked;
  engine.live[2] += (workload.setup.freeze ? 0 : tracked) + snapshot;
  engine.longLivedTotal = engine.live[2];
  engine.longLivedPending = 0;
  // gc.freeze() after that collection moves the heap out of the way but leaves the long-lived
  // total at what the collection kept (CPython's freeze does not reset it).
  if (workload.setup.collectThenFreeze) engine.freeze();
  engine.saveall = workload.saveall;
  engine.enabled = !workload.disabled;
  engine.prepareRun();
}

/** Steps one iteration takes on the per-object paths (what refuseAbsurd counts). */
export function stepsPerIteration(workload: Workload): number {
  let perIteration = 0;
  for (const op of workload.ops) {
    if (op.op === 'cycle') perIteration += op.size * 3;
    else if (op.kind === 'plain' && op.op !== 'bulk') perIteration += op.count;
    // A cache or a keep with a lifetime stores its objects one by one whenever a collection is
    // due within the iteration (keepAged): counted as 2 steps, a fitted cache inserting 1e12
    // objects per iteration passed this check and ran for ever.
    else if (op.op === 'keep' && op.slots !== undefined) perIteration += 2 * op.count;
    else perIteration += 2;
  }
  return perIteration;
}

export function refuseAbsurd(workload: Workload): void {
  const steps = stepsPerIteration(workload) * workload.iterations;
  if (steps > MAX_UNBATCHED_STEPS) {
    throw new GcIncidentError(
      'WORKLOAD_TOO_LARGE',
      `workload '${workload.name}' needs about ${steps.toExponential(1)} simulation steps (limit ${MAX_UNBATCHED_STEPS.toExponential(0)}): lower 'iterations', or describe the same traffic with fewer, larger operations (keep/temp/bulk counts are cheap, cycle sizes and plain objects are not)`,
      { steps },
    );
  }
}
