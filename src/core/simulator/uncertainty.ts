/**
 * How far a prediction may be off, per measure: what the fit could not explain (its residual
 * on the collection rates), the pause-cost model's error (fitted to the service's own pauses,
 * or the shipped profile measured elsewhere), and a window too short to hold a full
 * collection. Intervals are multiplicative, [v / (1 + r), v × (1 + r)], as rates and pauses
 * are off by factors, not by amounts.
 */
import type { Measure } from './objective.js';
import { longestPauseMs } from './objective.js';
import { hasTail, type PauseTail, predictTail, tailInterval } from './pause-tail.js';
import type { Interval } from './rank.js';
import type { SimulationResult } from './simulate.js';

export interface Uncertainty {
  /** Relative error per measure (0.1 is ×/÷ 1.1) that may differ between variants: ranking compares these. */
  readonly relative: Readonly<Record<Measure, number>>;
  /**
   * Error shared by every variant of one workload (a pause-cost scale that is off scales all of
   * them alike, so it never reorders them): widens the predicted values, not the comparison.
   */
  readonly scale?: Readonly<Record<Measure, number>> | undefined;
  /** Where the error comes from, in words, for the note under the verdict. */
  readonly sources: readonly string[];
}

/**
 * A workload simulated as written (no fit): its counts are the collector's own (checked against
 * CPython), its pauses as good as the calibration profile, measured with ±10 % noise (the notes, §5.3).
 */
export const MODEL_UNCERTAINTY: Uncertainty = {
  relative: { gcMs: 0.1, p99Ms: 0.1, maxMs: 0.1, memory: 0.02 },
  sources: ['pause cost ±10 % (the calibration profile’s noise)'],
};

/** Combines independent relative errors (root of the sum of squares). */
export function combine(...relative: readonly number[]): number {
  return Math.sqrt(relative.reduce((s, r) => s + r * r, 0));
}

export function around(value: number, relative: number): Interval {
  return { lo: value / (1 + relative), hi: value * (1 + relative) };
}

/** Where each measure of a simulated variant may lie in absolute terms: the comparison's error and the shared scale's. */
export function predictedBounds(
  r: SimulationResult,
  u: Uncertainty = MODEL_UNCERTAINTY,
  tail?: PauseTail | undefined,
): Readonly<Record<Measure, Interval>> {
  const s = u.scale;
  if (!s) return boundsOf(r, u, tail, true);
  const relative = {
    gcMs: combine(u.relative.gcMs, s.gcMs),
    p99Ms: combine(u.relative.p99Ms, s.p99Ms),
    maxMs: combine(u.relative.maxMs, s.maxMs),
    memory: combine(u.relative.memory, s.memory),
  };
  return boundsOf(r, { relative, sources: u.sources }, tail, true);
}

/**
 * Each measure of a simulated variant with its interval for comparison against the others.
 * `edges`: a pause tail's bucket edges widen p99 and the longest pause too. They are the same
 * ratios for every variant (a shared scale, as a per-object cost that is off), so they belong to
 * the absolute prediction (predictedBounds), not to the comparison.
 */
export function boundsOf(
  r: SimulationResult,
  u: Uncertainty = MODEL_UNCERTAINTY,
  tail?: PauseTail | undefined,
  edges = false,
): Readonly<Record<Measure, Interval>> {
  const gc = r.perSecond ? r.perSecond.gcMs : r.pauses.totalMs;
  const gcBounds = around(gc, u.relative.gcMs);
  // No full collection in the run though one will come: up to one more in a window this long.
  const pending = r.pendingFullMs ?? 0;
  const extra = r.perSecond && r.perSecond.seconds > 0 ? pending / r.perSecond.seconds : pending;
  // With the service's pause tail, p99 and the longest pause are known to its histogram's buckets.
  const t = hasTail(tail) ? predictTail(r, tail) : undefined;
  return {
    gcMs: { lo: gcBounds.lo, hi: gcBounds.hi + extra * (1 + u.relative.maxMs) },
    p99Ms: around(t ? t.p99Ms.value : r.pauses.p99Ms, u.relative.p99Ms),
    // The longest pause ranked and shown: the longer of the simulator's own and the tail's.
    maxMs: around(t ? Math.max(longestPauseMs(r), t.maxMs.value) : longestPauseMs(r), u.relative.maxMs),
    ...(t && edges
      ? { p99Ms: tailInterval(t.p99Ms, u.relative.p99Ms), maxMs: tailInterval(t.maxMs, u.relative.maxMs) }
      : {}),
    memory: around(r.heap.peak, u.relative.memory),
  };
}
