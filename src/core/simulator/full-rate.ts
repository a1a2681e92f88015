/**
 * Full collections rarer than the simulated stretch. CPython's generational collector (3.8 to
 * 3.13, and 3.14.5+ and 3.15, which reverted 3.14.0-3.14.4's incremental one: every release the
 * simulator gives the 'generational' collector, versions.ts collectorOf) runs a full collection
 * once generation 2's count is over its threshold (one count per generation-1 collection) and the
 * objects promoted since the last one reach a quarter of the long-lived total
 * (gc_collect_generations: long_lived_pending ≥ long_lived_total / 4). A stretch of a few seconds holds none when they come every few
 * seconds, yet their pace follows from what it did hold: the promotion per second and the total.
 */
import type { GcEngine } from './engine.js';
import type { Collector } from './profile.js';

/** A run's figures per second of service time (a workload with a `rate`). */
export interface PerSecond {
  readonly collections: [number, number, number];
  readonly gcMs: number;
  readonly seconds: number;
  /** Full collections per second the long-lived rule implies when the stretch held none. */
  readonly fullProjected?: number | undefined;
}

export interface FullRateInput {
  /** long_lived_pending when the measured stretch began. */
  readonly pendingAtStart: number;
  /** Seconds of service time the stretch stands for. */
  readonly seconds: number;
}

export function perSecondOf(
  engine: GcEngine,
  run: FullRateInput & { readonly gcNs: number },
  collector: Collector,
): PerSecond {
  const fullProjected = collector === 'generational' ? projectedFullPerSecond(engine, run) : undefined;
  return {
    seconds: run.seconds,
    collections: engine.stats.map((s) => s.collections / run.seconds) as [number, number, number],
    gcMs: run.gcNs / 1e6 / run.seconds,
    ...(fullProjected !== undefined ? { fullProjected } : {}),
  };
}

/**
 * Full collections per second the long-lived rule implies, when the stretch held none though
 * objects were promoted; undefined when it held one (its own count says more) or when no
 * generational collector is running.
 */
export function projectedFullPerSecond(engine: GcEngine, input: FullRateInput): number | undefined {
  if (!engine.enabled || (engine.threshold[0] ?? 0) === 0 || !(input.seconds > 0)) return undefined;
  if ((engine.stats[2]?.collections ?? 0) > 0) return undefined;
  const young1 = (engine.stats[1]?.collections ?? 0) / input.seconds;
  const promoted = (engine.longLivedPending - input.pendingAtStart) / input.seconds;
  if (young1 <= 0 || promoted <= 0) return 0;
  // Between two full collections: at least threshold 2 + 1 generation-1 collections, and as long
  // as the promotion takes to reach a quarter of the total (what the last full collection kept).
  const byCount = ((engine.threshold[2] ?? 10) + 1) / young1;
  const byPending = Math.trunc(engine.longLivedTotal / 4) / promoted;
  return 1 / Math.max(byCount, byPending);
}
