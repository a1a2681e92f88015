/**
 * Which mitigation to try first, as an on-call engineer would choose: a
 * variant whose memory keeps growing (nothing frees what the collector would)
 * is ruled out however little GC time it spends; the others are weighed on
 * GC time (CPU), the p99 pause (latency) and peak memory, each against the
 * baseline. The same rule ranks simulated variants and, in `bench:fit`, the
 * mitigations measured on a running service, so the two can be compared.
 */
import type { SimulationResult } from './simulate.js';

export interface Outcome {
  /** GC time per second of service (ms/s), or the total GC time of a run without a rate. */
  readonly gcMs: number;
  /** The 99th-percentile pause in ms. */
  readonly p99Ms: number;
  /** Memory over the run, oldest first, in any unit shared by the variants (objects, bytes). */
  readonly memory: readonly number[];
}

export interface RankedVariant {
  readonly label: string;
  /** Weighted log-ratio against the baseline: below 0 is better; undefined when ruled out. */
  readonly score: number | undefined;
  /** Why the variant cannot be recommended, e.g. 'memory grows without bound'. */
  readonly ruledOut: string | undefined;
}

export interface Ranking {
  /** The variant to try first; undefined when none beats the baseline by RANK_MARGIN. */
  readonly first: string | undefined;
  /** Every variant but the baseline, best first, the ruled-out ones last. */
  readonly order: readonly RankedVariant[];
}

/** GC time under 1 ms per second (0.1 % of a core) is nobody's problem: ratios below it are noise. */
export const GC_MS_FLOOR = 1;
/** Pauses under 1 ms do not show in request latency. */
export const PAUSE_MS_FLOOR = 1;
/** Weights of the three log-ratios (CPU, tail latency, memory). */
export const WEIGHTS = { gc: 1, p99: 1, memory: 0.5 } as const;
/** A variant must beat the baseline's score by this much (about 10 %) to be worth a change. */
export const RANK_MARGIN = 0.1;

const logRatio = (value: number, base: number, floor: number) =>
  Math.log((Math.max(0, value) + floor) / (Math.max(0, base) + floor));

const peak = (series: readonly number[]) => Math.max(0, ...series);

/** Rise over the second half of a series that never falls back by more than 1 % of its level; 0 otherwise. */
export function growthWithoutRelief(series: readonly number[]): number {
  if (series.length < 4) return 0;
  const half = series.slice(Math.floor(series.length / 2));
  let high = half[0] ?? 0;
  for (const v of half) {
    if (v < high - 0.01 * Math.abs(high)) return 0;
    high = Math.max(high, v);
  }
  const rise = (half.at(-1) ?? 0) - (half[0] ?? 0);
  return rise > 0.02 * Math.abs(half[0] ?? 0) ? rise : 0;
}

/**
 * Memory that keeps climbing with nothing to bring it down, clearly faster
 * than the baseline's (which may itself climb between full collections), by
 * more than 5 % of the baseline's peak within the run, ending above that peak.
 */
export function growsWithoutBound(variant: Outcome, baseline: Outcome): boolean {
  // Below the baseline's own peak, a climb is warm-up the baseline hides behind its collections
  // (breaking cycles climbs to the live set and stays there): not a leak.
  if (peak(variant.memory) <= 1.05 * peak(baseline.memory)) return false;
  const grown = growthWithoutRelief(variant.memory);
  if (grown <= 0.05 * peak(baseline.memory)) return false;
  return grown > 1.5 * growthWithoutRelief(baseline.memory);
}

export function score(variant: Outcome, baseline: Outcome): number {
  const mem = peak(baseline.memory) > 0 ? Math.log(peak(variant.memory) / peak(baseline.memory)) : 0;
  return (
    WEIGHTS.gc * logRatio(variant.gcMs, baseline.gcMs, GC_MS_FLOOR) +
    WEIGHTS.p99 * logRatio(variant.p99Ms, baseline.p99Ms, PAUSE_MS_FLOOR) +
    WEIGHTS.memory * (Number.isFinite(mem) ? mem : 0)
  );
}

export function rankOutcomes(
  baseline: Outcome,
  variants: readonly { readonly label: string; readonly outcome: Outcome }[],
): Ranking {
  const ranked: RankedVariant[] = variants.map(({ label, outcome }) =>
    growsWithoutBound(outcome, baseline)
      ? { label, score: undefined, ruledOut: 'memory grows without bound' }
      : { label, score: score(outcome, baseline), ruledOut: undefined },
  );
  const order = [...ranked].sort(
    (a, b) => (a.score ?? Number.POSITIVE_INFINITY) - (b.score ?? Number.POSITIVE_INFINITY),
  );
  const best = order[0];
  return {
    first: best?.score !== undefined && best.score < -RANK_MARGIN ? best.label : undefined,
    order,
  };
}

/** A simulation's outcome: GC time per second when the workload has a rate, its pauses, the heap over time. */
export function simulatedOutcome(r: SimulationResult): Outcome {
  return {
    gcMs: r.perSecond ? r.perSecond.gcMs : r.pauses.totalMs,
    p99Ms: r.pauses.p99Ms,
    memory: r.heap.timeline.length > 0 ? r.heap.timeline.map((p) => p.peak) : [r.heap.peak],
  };
}

/** Ranks simulated variants, the first being the baseline. */
export function rankSimulations(
  variants: readonly { readonly label: string; readonly result: SimulationResult }[],
): Ranking {
  const [baseline, ...others] = variants;
  if (!baseline) return { first: undefined, order: [] };
  return rankOutcomes(
    simulatedOutcome(baseline.result),
    others.map((v) => ({ label: v.label, outcome: simulatedOutcome(v.result) })),
  );
}
