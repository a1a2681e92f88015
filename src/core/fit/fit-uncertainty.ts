/**
 * How far a fitted workload's predictions may be off, from what the fit could not explain:
 * its residual on the collection rates, the counting noise of the window (few full
 * collections in a short or cut window say little), and the pause-cost model (fitted to the
 * service's own pauses, or the shipped profile measured on other objects and another machine).
 */
import { combine, type Uncertainty } from '../simulator/uncertainty.js';
import type { FitResult } from './fit-workload.js';
import type { GcObservations } from './observations.js';

/** The calibration profile's own measurement noise (the notes, §5.3). */
const CALIBRATION_NOISE = 0.1;
/**
 * The shipped profile against a real service: bench:fit saw GC time off by up to 3× (the
 * service's objects cost more to traverse than the profile's small slotted ones).
 */
const PROFILE_SCALE = 2;
/**
 * A projected full-collection rate against the count a long run holds: within 25 %
 * (tests/unit/rare-full-collections.test.ts, the churn workload).
 */
const PROJECTION_NOISE = 0.25;

/** Relative noise of a rate estimated from n events (Poisson): 1/√n, at most 1. */
export function countingNoise(events: number): number {
  return events >= 1 ? Math.min(1, 1 / Math.sqrt(events)) : 1;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * `costScale`: the relative error of the pause cost when fitted to the service's own pauses
 * (the fit's residual); undefined when the shipped profile was used.
 */
export function fitUncertainty(
  fit: FitResult,
  obs: GcObservations,
  costScale?: number | undefined,
): Uncertainty {
  // A projected full-collection rate (full-rate.ts) was matched to the observed one by the fit's
  // rounds (within ±10 %): no evidence of fit, so it is left out of the residual, and the
  // projection's own error is added instead (widening the bands, never narrowing them).
  const rates = fit.quality.filter((q) => q.series === 'collections' && q.errorPercent !== undefined);
  const projected = rates.some((q) => q.projected);
  const residual =
    median(rates.filter((q) => q.observed > 0 && !q.projected).map((q) => Math.abs(q.errorPercent ?? 0))) /
    100;
  const seen = obs.collections.map((c) => c * obs.windowSeconds);
  const all = (seen[0] ?? 0) + (seen[1] ?? 0) + (seen[2] ?? 0);
  const relative = {
    gcMs: combine(residual, countingNoise(all), CALIBRATION_NOISE, projected ? PROJECTION_NOISE : 0),
    p99Ms: combine(countingNoise(seen[0] ?? 0), CALIBRATION_NOISE),
    maxMs: combine(countingNoise(seen[2] ?? 0), CALIBRATION_NOISE),
    // The long-lived heap is what the fit sized to match a projected rate: its error is the heap's.
    memory: combine(residual, 0.05, projected ? PROJECTION_NOISE : 0),
  };
  const shared = costScale ?? PROFILE_SCALE;
  const sources = [
    `fit residual ${Math.round(residual * 100)} % on collection rates`,
    `${Math.round(seen[2] ?? 0)} full collection(s) in ${obs.windowSeconds} s${obs.requestedWindowSeconds !== undefined ? ' (a cut window)' : ''}`,
    ...(projected
      ? [
          `full-collection rate projected from the collector's rule (±${Math.round(PROJECTION_NOISE * 100)} %)`,
        ]
      : []),
    costScale === undefined
      ? 'pause cost from the shipped profile (×/÷ 3 on absolute pauses)'
      : `pause cost fitted to the service's pauses (±${Math.round(costScale * 100)} %)`,
  ];
  return {
    relative,
    scale: { gcMs: shared, p99Ms: shared, maxMs: shared, memory: 0 },
    sources,
  };
}
