/**
 * A freeze as a running service applies it: after start-up and its first full collections.
 * CPython's gc.freeze() leaves the long-lived total at the heap the last full collection kept,
 * so the first full collection after it still waits for a quarter of that heap to be promoted;
 * only from then on does the total count what is left outside the permanent generation, and
 * full collections take their new pace. A service measured minutes after the freeze is in that
 * second state: the simulation runs the first stretch unrecorded and measures from there.
 */
import type { GcEngine } from './engine.js';
import { MAX_UNBATCHED_STEPS, stepsPerIteration } from './harness-setup.js';
import { type CompiledOp, runIteration } from './program.js';
import type { Workload } from './workload.js';

/**
 * "Minutes after the freeze": a first full collection within this much service time is waited
 * for; one further off is not (the service is measured before it).
 */
export const SETTLE_LIMIT_SECONDS = 600;
/** Without a rate, the same bound in iterations: this many times the workload's own length. */
const SETTLE_LIMIT_RUNS = 10;
/**
 * Iterations run after the first stretch at most, in workload lengths: enough for the default
 * t2 = 10 when the stretch holds a single generation-1 collection (11 more of them), and a bound
 * on the cost (they run one by one, without the measured run's skip-ahead).
 */
export const SETTLE_MAX_RUNS = 12;

export interface SettleOutcome {
  /** Measured past the first full collection after the freeze. */
  readonly settled: boolean;
  /** Iterations run, unrecorded, before the measured stretch. */
  readonly iterations: number;
  /** Why not, when not settled: the run is then measured from where those iterations ended. */
  readonly note?: string | undefined;
}

/**
 * Runs iterations, unrecorded, until the first full collection after the freeze, then clears
 * the statistics. The workload's own length is run as it is; when that holds no full
 * collection but objects were promoted, the first full collection is estimated: it needs the
 * promotion still missing (a quarter of the long-lived total, at the pace the stretch showed)
 * and generation 2's count over threshold 2 (t2 + 1 generation-1 collections, at the stretch's
 * pace), whichever takes longer. Within SETTLE_LIMIT_SECONDS of service time, the missing
 * promotion is taken as done and iterations run until the count brings the full collection, if
 * that fits SETTLE_MAX_RUNS lengths and the simulator's step limit (MAX_UNBATCHED_STEPS, with the
 * run's own steps). What the skipped stretch would have promoted is not added: the first full
 * collection keeps only what is alive when it runs, which a stationary service has at any time.
 */
export function settleAfterFreeze(
  engine: GcEngine,
  ops: readonly CompiledOp[],
  workload: Workload,
): SettleOutcome {
  const hook = engine.onCollection;
  engine.onCollection = undefined;
  let i = 0;
  const fullBefore = engine.stats[2]?.collections ?? 0;
  const young1Before = engine.stats[1]?.collections ?? 0;
  const settled = () => (engine.stats[2]?.collections ?? 0) > fullBefore;
  const pendingBefore = engine.longLivedPending;
  let note: string | undefined;
  try {
    for (; i < workload.iterations && !settled(); i++) runIteration(engine, ops, workload.every, i);
    if (!settled()) {
      const promoted = engine.longLivedPending - pendingBefore;
      const young1 = (engine.stats[1]?.collections ?? 0) - young1Before;
      const plan =
        promoted > 0 && young1 > 0 && i > 0
          ? planFirstFull(engine, workload, i, promoted, young1)
          : undefined;
      if (!plan) note = 'the stretch after the freeze promoted nothing, so no full collection follows it';
      else if (typeof plan === 'string') note = plan;
      else {
        engine.longLivedPending += plan.missing;
        for (const end = i + plan.run; i < end && !settled(); i++)
          runIteration(engine, ops, workload.every, i);
        if (!settled()) note = `no full collection came within ${i} iterations after the freeze`;
      }
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
  return done
    ? { settled: true, iterations: i }
    : {
        settled: false,
        iterations: i,
        note: `${note}: measured from the freeze, not past its first full collection`,
      };
}

/**
 * The first full collection after the first stretch (`i` iterations that promoted `promoted`
 * objects in `young1` generation-1 collections): the promotion to take as done and the
 * iterations to run, or why it is not waited for.
 */
function planFirstFull(
  engine: GcEngine,
  workload: Workload,
  i: number,
  promoted: number,
  young1: number,
): { missing: number; run: number } | string {
  const missing = Math.max(0, Math.trunc(engine.longLivedTotal / 4) - engine.longLivedPending);
  const byPromotion = (missing / promoted) * i;
  const byCount = (Math.max(0, (engine.threshold[2] ?? 10) + 1 - (engine.count[2] ?? 0)) * i) / young1;
  const away = Math.max(byPromotion, byCount);
  const rate = workload.rate;
  const limit = rate ? SETTLE_LIMIT_SECONDS * rate : SETTLE_LIMIT_RUNS * workload.iterations;
  if (away > limit) {
    const far = rate
      ? `${Math.round(away / rate)} s of service time`
      : `${Math.round(away / workload.iterations)} workload lengths`;
    const bound = rate ? `${SETTLE_LIMIT_SECONDS} s` : `${SETTLE_LIMIT_RUNS} workload lengths`;
    return `the first full collection after the freeze is about ${far} away (over ${bound})`;
  }
  // Only the count part is run (the promotion is taken as done): it must fit the step budget.
  const perIteration = Math.max(1, stepsPerIteration(workload));
  const stepsLeft = MAX_UNBATCHED_STEPS - perIteration * (workload.iterations + i);
  const budget = Math.max(
    0,
    Math.min(SETTLE_MAX_RUNS * workload.iterations, Math.floor(stepsLeft / perIteration)),
  );
  if (byCount > budget)
    return `the first full collection after the freeze is about ${Math.round(byCount)} iterations away, more than the simulator runs (${budget})`;
  // Generation-1 collections come unevenly: twice the estimate and a length, within the budget.
  return { missing, run: Math.min(budget, Math.ceil(2 * byCount) + workload.iterations) };
}
