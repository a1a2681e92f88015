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
  const residual =
    median(
      fit.quality
        .filter((q) => q.series === 'collections' && q.observed > 0 && q.errorPercent !== undefined)
        .map((q) => Math.abs(q.errorPercent ?? 0)),
    ) / 100;
  const seen = obs.collections.map((c) => c * obs.windowSeconds);
  const all = (seen[0] ?? 0) + (seen[1] ?? 0) + (seen[2] ?? 0);
  const relative = {
    gcMs: combine(residual, countingNoise(all), CALIBRATION_NOISE),
    p99Ms: combine(countingNoise(seen[0] ?? 0), CALIBRATION_NOISE),
    maxMs: combine(countingNoise(seen[2] ?? 0), CALIBRATION_NOISE),
    memory: combine(residual, 0.05),
  };
  const shared = costScale ?? PROFILE_SCALE;
  const sources = [
    `fit residual ${Math.round(residual * 100)} % on collection rates`,
    `${Math.round(seen[2] ?? 0)} full collection(s) in ${obs.windowSeconds} s${obs.requestedWindowSeconds !== undefined ? ' (a cut window)' : ''}`,
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
