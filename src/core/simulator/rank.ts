/**
 * Which mitigation to try first, as an on-call engineer would choose: a variant whose
 * memory keeps growing (nothing frees what the collector would) is ruled out however
 * little GC time it spends; the others are ranked on the incident's objective (objective.ts:
 * the longest pause, the p99 pause, GC time or memory), ties on it broken by the other
 * measures weighed together. Predictions carry intervals: a variant is recommended only when
 * its interval on the objective clears the baseline's, and two variants whose intervals
 * overlap are said to be within each other's error. The same rule ranks simulated variants
 * and, in `bench:fit`, the mitigations measured on a running service.
 */
import {
  DEFAULT_OBJECTIVE,
  gcTimeOf,
  longestPauseMs,
  MEASURE_OF,
  type Measure,
  type Objective,
} from './objective.js';
import { hasTail, type PauseTail, predictTail } from './pause-tail.js';
import type { SimulationResult } from './simulate.js';
import { boundsOf, type Uncertainty } from './uncertainty.js';

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

export interface Outcome {
  /** GC time per second of service (ms/s), or the total GC time of a run without a rate. */
  readonly gcMs: number;
  /** The 99th-percentile pause in ms. */
  readonly p99Ms: number;
  /** The longest pause in ms (a full collection still to come included); the p99 when unknown. */
  readonly maxMs?: number | undefined;
  /** Memory over the run, oldest first, in any unit shared by the variants (objects, bytes). */
  readonly memory: readonly number[];
  /** No collection ran while cyclic garbage piled up: nothing will ever free it, however long the run. */
  readonly neverFreed?: boolean | undefined;
  /** Where each measure may lie (a prediction's error); a point when absent. */
  readonly bounds?: Partial<Record<Measure, Interval>> | undefined;
}

export interface RankedVariant {
  readonly label: string;
  /** Log-ratio against the baseline on the objective: below 0 is better; undefined when ruled out. */
  readonly score: number | undefined;
  /** Why the variant cannot be recommended, e.g. 'memory grows without bound'. */
  readonly ruledOut: string | undefined;
}

export interface Ranking {
  readonly objective: Objective;
  /** The variant to try first; undefined when none beats the baseline clearly on the objective. */
  readonly first: string | undefined;
  /** Every variant but the baseline, best first, the ruled-out ones last. */
  readonly order: readonly RankedVariant[];
  /** Variants within the first one's error on the objective (it was picked among them as the easiest to undo). */
  readonly tied: readonly string[];
  /** The variant that looks best on the objective but whose interval overlaps the baseline's: can't tell. */
  readonly unsure: string | undefined;
}

export interface RankOptions {
  readonly objective?: Objective | undefined;
}

/** GC time under 1 ms per second (0.1 % of a core) is nobody's problem: ratios below it are noise. */
export const GC_MS_FLOOR = 1;
/** Pauses under 1 ms do not show in request latency. */
export const PAUSE_MS_FLOOR = 1;
/** Weights of the three log-ratios (CPU, tail latency, memory). */
export const WEIGHTS = { gc: 1, p99: 1, memory: 0.5 } as const;
/** A variant must beat the baseline on the objective by this much (about 10 %) to be worth a change. */
export const RANK_MARGIN = 0.1;

const logRatio = (value: number, base: number, floor: number) =>
  Math.log((Math.max(0, value) + floor) / (Math.max(0, base) + floor));

const peak = (series: readonly number[]) => Math.max(0, ...series);

/** Samples at the end of a series that must stay level for a rise before them to count as a step, not growth. */
export const PLATEAU_SAMPLES = 3;

/**
 * Rise over the second half of a series that never falls back by more than 1 % of its level and
 * is still rising at its end; 0 otherwise. A rise that ends in a plateau (the last
 * PLATEAU_SAMPLES samples, at least a third of the half, within 1 % of each other) is one
 * allocation, not growth: a measured RSS steps up when the allocator maps a new block (the cache
 * service's OrderedDict table is reallocated every ~500 000 inserts, +8 to +20 MiB, with or
 * without gc.freeze()) and stays there. Only one step since the series last fell: two or more are a staircase, growth.
 */
export function growthWithoutRelief(series: readonly number[]): number {
  if (series.length < 4) return 0;
  const half = series.slice(Math.floor(series.length / 2));
  let high = half[0] ?? 0;
  for (const v of half) {
    if (v < high - 0.01 * Math.abs(high)) return 0;
    high = Math.max(high, v);
  }
  const rise = (half.at(-1) ?? 0) - (half[0] ?? 0);
  if (rise <= 0.02 * Math.abs(half[0] ?? 0)) return 0;
  const tail = half.slice(-Math.max(PLATEAU_SAMPLES, Math.ceil(half.length / 3)));
  const level = Math.abs(tail.at(-1) ?? 0);
  const flat = tail.length < half.length && Math.max(...tail) - Math.min(...tail) <= 0.01 * level;
  // One step (a run of rising samples) then level is an allocation; two or more steps are a
  // staircase, the way a dict- or list-backed leak grows (each reallocation after a longer tread).
  return flat && risingRuns(sinceLastFall(series), 0.01 * level) <= 1 ? 0 : rise;
}

/** The series after its last fall of more than 1 % (a collection freeing memory starts a new climb). */
function sinceLastFall(series: readonly number[]): readonly number[] {
  let start = 0;
  for (let i = 1; i < series.length; i++) {
    const before = series[i - 1] ?? 0;
    if ((series[i] ?? 0) < before - 0.01 * Math.abs(before)) start = i;
  }
  return series.slice(start);
}

/** Runs of consecutive samples that each rise by more than `by`. */
function risingRuns(series: readonly number[], by: number): number {
  let runs = 0;
  let rising = false;
  for (let i = 1; i < series.length; i++) {
    const up = (series[i] ?? 0) - (series[i - 1] ?? 0) > by;
    if (up && !rising) runs += 1;
    rising = up;
  }
  return runs;
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

/** The other measures weighed together (CPU, tail latency, memory): breaks ties on the objective. */
export function score(variant: Outcome, baseline: Outcome): number {
  const mem = peak(baseline.memory) > 0 ? Math.log(peak(variant.memory) / peak(baseline.memory)) : 0;
  return (
    WEIGHTS.gc * logRatio(variant.gcMs, baseline.gcMs, GC_MS_FLOOR) +
    WEIGHTS.p99 * logRatio(variant.p99Ms, baseline.p99Ms, PAUSE_MS_FLOOR) +
    WEIGHTS.memory * (Number.isFinite(mem) ? mem : 0)
  );
}

/** The value of one measure of an outcome (memory: its peak). */
export function measureOf(o: Outcome, m: Measure): number {
  if (m === 'memory') return peak(o.memory);
  if (m === 'maxMs') return o.maxMs ?? o.p99Ms;
  return o[m];
}

/** Where a measure may lie: its bounds, else the point. */
export function intervalOf(o: Outcome, m: Measure): Interval {
  const v = measureOf(o, m);
  return o.bounds?.[m] ?? { lo: v, hi: v };
}

const FLOOR: Readonly<Record<Measure, number>> = {
  gcMs: GC_MS_FLOOR,
  p99Ms: PAUSE_MS_FLOOR,
  maxMs: PAUSE_MS_FLOOR,
  memory: 0,
};

/** Log-ratio of a variant to the baseline on one measure (below 0: smaller). */
export function measureRatio(variant: Outcome, baseline: Outcome, m: Measure): number {
  const b = measureOf(baseline, m);
  if (m === 'memory') return b > 0 ? Math.log(Math.max(1e-9, measureOf(variant, m)) / b) : 0;
  return logRatio(measureOf(variant, m), b, FLOOR[m]);
}

/** Whether two intervals share a point, at the resolution that matters (the measure's floor). */
function overlap(a: Interval, b: Interval, m: Measure): boolean {
  const slack = m === 'memory' ? 0 : FLOOR[m] * 0.1;
  return a.lo <= b.hi + slack && b.lo <= a.hi + slack;
}

/**
 * Mitigations in the order they are easiest to undo: a freeze or a threshold is one call at run
 * time (and reversed by another), a periodic collection a small code change, breaking cycles a
 * code change, a Python upgrade a deploy.
 */
const EASE = ['freeze', 'threshold', 'disable+collect', 'disable', 'break-cycles', 'python'];
export function easeRank(label: string): number {
  const name = label.split('=', 1)[0] ?? label;
  const i = EASE.indexOf(name);
  return i < 0 ? EASE.length : i;
}

export function rankOutcomes(
  baseline: Outcome,
  variants: readonly { readonly label: string; readonly outcome: Outcome }[],
  options: RankOptions = {},
): Ranking {
  const objective = options.objective ?? DEFAULT_OBJECTIVE;
  const m = MEASURE_OF[objective];
  const byLabel = new Map(variants.map((v) => [v.label, v.outcome]));
  const ranked: (RankedVariant & { readonly tie: number })[] = variants.map(({ label, outcome }) =>
    outcome.neverFreed
      ? { label, score: undefined, ruledOut: 'cyclic garbage is never freed', tie: 0 }
      : growsWithoutBound(outcome, baseline)
        ? { label, score: undefined, ruledOut: 'memory grows without bound', tie: 0 }
        : {
            label,
            score: measureRatio(outcome, baseline, m),
            ruledOut: undefined,
            tie: score(outcome, baseline),
          },
  );
  const order = [...ranked].sort(
    (a, b) =>
      (a.score ?? Number.POSITIVE_INFINITY) - (b.score ?? Number.POSITIVE_INFINITY) ||
      (Math.abs((a.score ?? 0) - (b.score ?? 0)) < 1e-9 ? a.tie - b.tie : 0),
  );
  const better = order.filter((v) => v.score !== undefined && v.score < -RANK_MARGIN);
  const strip = ({ tie: _tie, ...v }: RankedVariant & { tie: number }): RankedVariant => v;
  const interval = (label: string) => intervalOf(byLabel.get(label) as Outcome, m);
  // Clear of the baseline's error: those are improvements; the others may be no better at all.
  const clear = better.filter((v) => !overlap(interval(v.label), intervalOf(baseline, m), m));
  const unsure =
    better[0] && better[0] !== clear[0] && !clear.includes(better[0]) ? better[0].label : undefined;
  const best = clear[0];
  if (!best) return { objective, first: undefined, order: order.map(strip), tied: [], unsure };
  // Every other clear improvement the best one's interval overlaps: the easiest to undo goes first.
  const tiedWith = clear.filter((v) => v !== best && overlap(interval(v.label), interval(best.label), m));
  const group = [best, ...tiedWith].sort((a, b) => easeRank(a.label) - easeRank(b.label));
  const first = group[0] ?? best;
  return {
    objective,
    first: first.label,
    order: order.map(strip),
    tied: group.filter((v) => v !== first).map((v) => v.label),
    unsure,
  };
}

/** A simulation's outcome: GC time per second when the workload has a rate, its pauses, the heap over time. */
export function simulatedOutcome(
  r: SimulationResult,
  uncertainty?: Uncertainty,
  tail?: PauseTail | undefined,
): Outcome {
  // The service's own pause tail (fit-tail.ts) on the simulated means, when its histogram was read.
  const t = hasTail(tail) ? predictTail(r, tail) : undefined;
  return {
    gcMs: gcTimeOf(r),
    p99Ms: t ? t.p99Ms.value : r.pauses.p99Ms,
    // As the verdict shows it (withTail): the simulator's own longest when it is the longer.
    maxMs: t ? Math.max(longestPauseMs(r), t.maxMs.value) : longestPauseMs(r),
    memory: r.heap.timeline.length > 0 ? r.heap.timeline.map((p) => p.peak) : [r.heap.peak],
    neverFreed:
      r.pauses.count === 0 && (r.heap.timeline.at(-1)?.garbage ?? 0) > (r.heap.timeline[0]?.garbage ?? 0),
    bounds: boundsOf(r, uncertainty, tail),
  };
}

/** What a ranking of simulations is about, and how far its predictions may be off. */
export interface DecisionContext {
  readonly objective?: Objective | undefined;
  readonly uncertainty?: Uncertainty | undefined;
  /** The service's pause tail (a fit with its pause histogram): p99 and longest pauses get its spread. */
  readonly tail?: PauseTail | undefined;
}

/** Ranks simulated variants, the first being the baseline. */
export function rankSimulations(
  variants: readonly { readonly label: string; readonly result: SimulationResult }[],
  context: DecisionContext = {},
): Ranking {
  const [baseline, ...others] = variants;
  const objective = context.objective ?? DEFAULT_OBJECTIVE;
  if (!baseline) return { objective, first: undefined, order: [], tied: [], unsure: undefined };
  return rankOutcomes(
    simulatedOutcome(baseline.result, context.uncertainty, context.tail),
    others.map((v) => ({
      label: v.label,
      outcome: simulatedOutcome(v.result, context.uncertainty, context.tail),
    })),
    { objective },
  );
}
