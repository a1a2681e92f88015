/**
 * How `bench:fit` scores a prediction against what the running service then did, with the
 * observation's own uncertainty: a pause read from the exporter's histogram is known only to
 * its bucket (histogram_quantile interpolates inside it), GC time over a window varies from one
 * window to the next, resident memory moves while it is read. A ranking is scored right or
 * wrong only where the observations can order the variants; where they cannot, the mode is
 * "can't tell (observations)", kept apart from the product's own "can't tell".
 */
import { errorPercent } from '../src/adapters/lab/fit-loop.js';
import type { Measure } from '../src/core/simulator/objective.js';
import {
  GC_MS_FLOOR,
  type Interval,
  measureOf,
  type Outcome,
  PAUSE_MS_FLOOR,
  RANK_MARGIN,
  type Ranking,
} from '../src/core/simulator/rank.js';

/** The exporter's histogram bounds in ms (python/gc_incident_exporter.py BUCKETS). */
export const BOUNDS_MS = [
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
];
/**
 * Window-to-window variation of GC time with nothing changed: bench:fit's `freeze` rows in
 * `churn`, where a freeze changes nothing, were 0.6, 1.5 and 3.9 % off the baseline window
 * (2026-12-07 idle run): the largest of them.
 */
export const GC_WINDOW_NOISE = 0.04;
/** Resident memory read once a second moves by a few %: the ranking's own significance (rank.ts, 5 %). */
export const MEMORY_NOISE = 0.05;

/** The histogram bucket (lo, hi] a value read from it lies in; a point at 0. */
export function bucketOf(valueMs: number): Interval {
  if (!(valueMs > 0)) return { lo: 0, hi: 0 };
  // histogram_quantile answers the last finite bound for a quantile in the +Inf bucket: at that
  // bound, the value is only known to lie beyond the one below it.
  const top = BOUNDS_MS.at(-1) ?? 0;
  if (Math.abs(valueMs - top) <= 1e-9) return { lo: BOUNDS_MS.at(-2) ?? 0, hi: Number.POSITIVE_INFINITY };
  const i = BOUNDS_MS.findIndex((b) => valueMs <= b + 1e-9);
  if (i < 0) return { lo: BOUNDS_MS.at(-1) ?? 0, hi: Number.POSITIVE_INFINITY };
  return { lo: i > 0 ? (BOUNDS_MS[i - 1] ?? 0) : 0, hi: BOUNDS_MS[i] ?? valueMs };
}

/** Relative noise of an observed GC time over a window holding `collections` collections. */
export function gcNoise(collections: number): number {
  const counting = collections >= 1 ? 1 / Math.sqrt(collections) : 1;
  return Math.sqrt(GC_WINDOW_NOISE ** 2 + counting ** 2);
}

/** Where an observed measure may lie, from how it was observed. */
export function observedInterval(o: Outcome, m: Measure, collections: number): Interval {
  if (m === 'p99Ms' || m === 'maxMs') return bucketOf(measureOf(o, m));
  if (m === 'gcMs') {
    const r = gcNoise(collections);
    return { lo: o.gcMs / (1 + r), hi: o.gcMs * (1 + r) };
  }
  const peak = measureOf(o, 'memory');
  return { lo: Math.min(peak / (1 + MEMORY_NOISE), ...o.memory), hi: peak * (1 + MEMORY_NOISE) };
}

/**
 * Where a Poisson count's mean may lie, having seen `n` events: 1 σ either side (84 % one-sided),
 * Wilson–Hilferty's approximation of Garwood's interval (n = 0: [0, 1.83]).
 */
export function countInterval(n: number): Interval {
  const upper = (n + 1) * (1 - 1 / (9 * (n + 1)) + 1 / (3 * Math.sqrt(n + 1))) ** 3;
  const lower = n > 0 ? n * (1 - 1 / (9 * n) - 1 / (3 * Math.sqrt(n))) ** 3 : 0;
  return { lo: Math.max(0, lower), hi: upper };
}

/** What a window's GC time rests on, per generation: rates (/s), GC time (ms/s), its length (s). */
export interface GcWindow {
  readonly observed: readonly number[];
  readonly observedGcByGeneration: readonly number[];
  readonly predicted: readonly number[];
  readonly predictedGcByGeneration: readonly number[];
  readonly seconds: number;
}

/**
 * Where the service's GC time over a window may lie, given the collections it counted: each
 * generation's count may be off by its Poisson interval (a collection every 50 s is none or one
 * in 20 s), at that generation's observed mean pause, or the predicted one where the window held
 * none; and the window-to-window noise on top. A prediction inside this is as close as the window
 * can tell, as a pause inside its histogram bucket is. Where the window held none of a generation,
 * the predicted pause prices it, so a prediction that overstates that pause widens its own
 * interval: the score is lenient there, and the raw error is printed beside it.
 */
export function countedGcInterval(w: GcWindow): Interval {
  let lo = 0;
  let hi = 0;
  for (const g of [0, 1, 2]) {
    const n = Math.round((w.observed[g] ?? 0) * w.seconds);
    const predictedRate = w.predicted[g] ?? 0;
    const pauseMs =
      n > 0
        ? ((w.observedGcByGeneration[g] ?? 0) * w.seconds) / n
        : predictedRate > 0
          ? (w.predictedGcByGeneration[g] ?? 0) / predictedRate
          : 0;
    const counts = countInterval(n);
    lo += (counts.lo * pauseMs) / w.seconds;
    hi += (counts.hi * pauseMs) / w.seconds;
  }
  return { lo: lo / (1 + GC_WINDOW_NOISE), hi: hi * (1 + GC_WINDOW_NOISE) };
}

/** Error against an observation known only as an interval: 0 inside it, else to its nearest edge. */
export function errorAgainst(predicted: number, observed: Interval): number {
  if (predicted < observed.lo) return errorPercent(predicted, observed.lo);
  if (predicted > observed.hi) return errorPercent(predicted, observed.hi);
  return 0;
}

/** Whether a predicted interval and an observed one share a point. */
export const overlaps = (a: Interval, b: Interval) => a.lo <= b.hi && b.lo <= a.hi;

const FLOOR: Readonly<Record<Measure, number>> = {
  gcMs: GC_MS_FLOOR,
  p99Ms: PAUSE_MS_FLOOR,
  maxMs: PAUSE_MS_FLOOR,
  memory: 0,
};
/** The ranking's scale: log of the value above its floor (rank.ts), so sub-floor differences count for little. */
const g = (v: number, m: Measure) => Math.log(Math.max(1e-12, Math.max(0, v) + FLOOR[m]));

/**
 * Whether the observations show `x` better than `y` by the ranking's margin: 'yes' when even
 * x's highest possible value beats y's lowest by it, 'no' when even x's lowest does not beat
 * y's highest, else 'unknown'. A pause's bucket is a hard bound, so the two ranges add; GC time
 * and memory carry noise, so their spreads combine as independent errors (root of the sum of squares).
 */
export function clearlyBetter(x: Interval, y: Interval, m: Measure): 'yes' | 'no' | 'unknown' {
  const [xl, xh, yl, yh] = [g(x.lo, m), g(x.hi, m), g(y.lo, m), g(y.hi, m)];
  const d = (xl + xh) / 2 - (yl + yh) / 2;
  const wx = (xh - xl) / 2;
  const wy = (yh - yl) / 2;
  const w = m === 'p99Ms' || m === 'maxMs' ? wx + wy : Math.hypot(wx, wy);
  if (d + w < -RANK_MARGIN) return 'yes';
  if (d - w > -RANK_MARGIN) return 'no';
  return 'unknown';
}

export interface ObservedVariant {
  readonly label: string;
  /** The objective's measure as observed, with its uncertainty. */
  readonly interval: Interval;
  /** Ruled out by what was observed (memory that grew without bound in the window). */
  readonly ruledOut: boolean;
}

export type RankVerdict = 'right' | 'wrong' | 'product-cant-tell' | 'observations-cant-tell';

export interface RankScore {
  readonly verdict: RankVerdict;
  /** Why, in a few words, for the table. */
  readonly reason: string;
}

/**
 * Scores the product's first-ranked variant against the observed ones on the objective. The
 * product's "can't tell" (no variant clear of the baseline's error, or several within each
 * other's) is its own verdict. Otherwise: right when the observations show the pick best by the
 * margin (or, for no change, no variant clearly better); wrong when they show a variant clearly
 * better than the pick, the pick clearly no better than the baseline, or the pick ruled out;
 * can't tell when the intervals cannot order them, or when the only variant that might beat the
 * pick is one the product ruled out for its memory (growing, or garbage never freed) where the
 * window was too short to show it.
 */
export function scoreRanking(
  predicted: Ranking,
  baseline: Interval,
  observed: readonly ObservedVariant[],
  m: Measure,
  windowSeconds: number,
): RankScore {
  if (!predicted.first && predicted.unsure)
    return { verdict: 'product-cant-tell', reason: `${predicted.unsure} within the baseline's error` };
  if (predicted.first && predicted.tied.length > 0)
    return {
      verdict: 'product-cant-tell',
      reason: `${[predicted.first, ...predicted.tied].join(', ')} within each other's error`,
    };
  const pick = predicted.first;
  const picked = observed.find((v) => v.label === pick);
  if (pick && picked?.ruledOut) return { verdict: 'wrong', reason: `${pick} ruled out by what was observed` };
  const mine = picked?.interval ?? baseline;
  // Ruled out by the product (memory that grows without bound, or cyclic garbage never freed)
  // but not by the observations: a window may be too short to show either.
  const disputed = new Set(predicted.order.filter((v) => v.ruledOut !== undefined).map((v) => v.label));
  const unknown: string[] = [];
  const hidden: string[] = [];
  if (pick) {
    const vsBaseline = clearlyBetter(mine, baseline, m);
    if (vsBaseline === 'no') return { verdict: 'wrong', reason: `${pick} observed no better than no change` };
    if (vsBaseline === 'unknown') unknown.push('no change');
  }
  for (const v of observed) {
    if (v.label === pick || v.ruledOut) continue;
    const better = clearlyBetter(v.interval, mine, m);
    if (better === 'no') continue;
    if (disputed.has(v.label)) hidden.push(v.label);
    else if (better === 'yes') return { verdict: 'wrong', reason: `${v.label} observed clearly better` };
    else unknown.push(v.label);
  }
  if (unknown.length > 0)
    return {
      verdict: 'observations-cant-tell',
      reason: `${pick ?? 'no change'} and ${unknown.join(', ')} within the observations' error`,
    };
  if (hidden.length > 0)
    return {
      verdict: 'observations-cant-tell',
      reason: `${hidden.join(', ')} ruled out by the prediction for its memory, not visible in ${windowSeconds} s`,
    };
  return { verdict: 'right', reason: `${pick ?? 'no change'} observed best` };
}
