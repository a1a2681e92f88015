/**
 * A freeze as a running service applies it: after start-up and its first full collections.
 * CPython's gc.freeze() leaves the long-lived total at the heap the last full collection kept,
 * so the first full collection after it still waits for a quarter of that heap to be promoted;
 * only from then on does the total count what is left outside the permanent generation, and
 * full collections take their new pace. A service measured minutes after the freeze is in that
 * second state: the simulation runs the first stretch unrecorded and measures from there.
 */
import type { GcEngine } from './engine.js';
import { type CompiledOp, runIteration } from './program.js';
import type { Workload } from './workload.js';

/**
 * Runs iterations, unrecorded, until the first full collection after the freeze (at most the
 * workload's own length), then clears the statistics. Returns the iterations run, or undefined
 * when no full collection came within them (the measured stretch then starts where they ended).
 */
export function settleAfterFreeze(
  engine: GcEngine,
  ops: readonly CompiledOp[],
  workload: Workload,
): number | undefined {
  const hook = engine.onCollection;
  engine.onCollection = undefined;
  let i = 0;
  const fullBefore = engine.stats[2]?.collections ?? 0;
  try {
    for (; i < workload.iterations; i++) {
      runIteration(engine, ops, workload.every, i);
      if ((engine.stats[2]?.collections ?? 0) > fullBefore) break;
    }
  } finally {
    engine.onCollection = hook;
  }
  const settled = (engine.stats[2]?.collections ?? 0) > fullBefore;
  for (const s of engine.stats) {
    s.collections = 0;
    s.collected = 0;
    s.uncollectable = 0;
  }
  return settled ? i + 1 : undefined;
}
