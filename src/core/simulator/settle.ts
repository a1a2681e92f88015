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
 * "Minutes after the freeze": a first full collection the promotion brings within this much
 * service time is waited for; one further off is not (the service is measured before it).
 */
export const SETTLE_LIMIT_SECONDS = 600;
/** Without a rate, the same bound in iterations: this many times the workload's own length. */
const SETTLE_LIMIT_RUNS = 10;

/**
 * Runs iterations, unrecorded, until the first full collection after the freeze, then clears
 * the statistics. The workload's own length is run as it is; when that holds no full
 * collection but objects were promoted, the promotion still to come before the long-lived rule
 * lets one run (a quarter of the total) is taken as done, at the pace the stretch showed, if it
 * would be done within SETTLE_LIMIT_SECONDS: the full collection then comes once generation 2's
 * count is over its threshold (within threshold 2 + 2 lengths, as the stretch had a
 * generation-1 collection). What the skipped stretch
 * would have promoted is not added: the first full collection keeps only what is alive when it
 * runs, which a stationary service has at any time. Returns the iterations run, or undefined
 * when no full collection came (the measured stretch then starts where they ended).
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
  const settled = () => (engine.stats[2]?.collections ?? 0) > fullBefore;
  const pendingBefore = engine.longLivedPending;
  try {
    for (; i < workload.iterations && !settled(); i++) runIteration(engine, ops, workload.every, i);
    const promoted = engine.longLivedPending - pendingBefore;
    const missing = Math.trunc(engine.longLivedTotal / 4) - engine.longLivedPending;
    const limit = workload.rate
      ? SETTLE_LIMIT_SECONDS * workload.rate
      : SETTLE_LIMIT_RUNS * workload.iterations;
    if (!settled() && promoted > 0 && i > 0 && (missing / promoted) * i <= limit) {
      engine.longLivedPending += Math.max(0, missing);
      // The stretch held a generation-1 collection (it promoted): threshold 2 + 1 more of them
      // put generation 2's count over its threshold within as many lengths.
      const runs = (engine.threshold[2] ?? 10) + 2;
      for (const end = i + runs * workload.iterations; i < end && !settled(); i++)
        runIteration(engine, ops, workload.every, i);
    }
  } finally {
    engine.onCollection = hook;
  }
  const done = settled();
  for (const s of engine.stats) {
    s.collections = 0;
    s.collected = 0;
    s.uncollectable = 0;
  }
  return done ? i : undefined;
}
