/**
 * The tail of a real service's pauses. The simulator's pause is a function of the collection's
 * size, so every collection of one size lasts as long; a real collection's does not (cache
 * misses, page faults, a scheduler slice), and its p99 and longest pause sit several times above
 * its mean. Fitted from the service's own pause histogram (src/core/fit/fit-tail.ts), the shape
 * of each generation's pauses relative to its mean is applied to the simulated means: the
 * predicted p99 is the 99th percentile of the mixture of the generations' shapes, each scaled
 * to its simulated mean pause and weighted by its simulated collections.
 */

import { longestPauseMs } from './objective.js';
import type { Interval } from './rank.js';
import type { SimulationResult } from './simulate.js';

/** A ratio to the mean pause, known to a histogram bucket: the interpolated value and the bucket's edges. */
export interface TailRatio {
  readonly value: number;
  readonly lo: number;
  readonly hi: number;
}

/** One generation's pauses over the baseline window, relative to their mean. */
export interface GenerationTail {
  readonly generation: number;
  /** Collections the histogram counted in the window. */
  readonly collections: number;
  /** Their mean pause (ms), what the ratios are relative to. */
  readonly meanMs: number;
  /** The generation's p99 pause over its mean pause. */
  readonly p99: TailRatio;
  /** Its longest pause over its mean (the highest bucket that filled: lo, hi its edges, value its top). */
  readonly max: TailRatio;
  /** Cumulative share of the pauses at each bucket's upper edge, as a ratio to the mean, ascending. */
  readonly shape: readonly { readonly ratio: number; readonly share: number }[];
}

export interface PauseTail {
  /** Per generation; undefined where the window held too few of its collections. */
  readonly generations: readonly (GenerationTail | undefined)[];
}

export interface TailPrediction {
  readonly p99Ms: TailRatio;
  readonly maxMs: TailRatio;
}

type Edge = 'lo' | 'value' | 'hi';

/**
 * Share of one generation's pauses at or below `x` times its mean. `value` interpolates linearly
 * within a bucket (as Prometheus's histogram_quantile does); `lo` puts each bucket's pauses at its
 * lower edge (the shortest they can be), `hi` at its upper edge (the longest).
 */
function shareBelow(shape: GenerationTail['shape'], x: number, edge: Edge): number {
  let lower = 0;
  let below = 0;
  for (const { ratio, share } of shape) {
    if (x >= ratio) {
      lower = ratio;
      below = share;
      continue;
    }
    if (edge === 'hi') return below;
    if (edge === 'lo') return x >= lower ? share : below;
    return below + ((share - below) * (x - lower)) / Math.max(1e-12, ratio - lower);
  }
  return 1;
}

/** The q-quantile (ms) of the simulated generations' pauses, each with its tail's shape where known. */
function mixtureQuantile(r: SimulationResult, tail: PauseTail, q: number, edge: Edge): number {
  const parts = r.pauses.byGeneration.flatMap((p, g) =>
    p.count > 0 ? [{ n: p.count, mean: p.totalMs / p.count, shape: tail.generations[g]?.shape }] : [],
  );
  const total = parts.reduce((s, p) => s + p.n, 0);
  if (total === 0) return 0;
  const cdf = (x: number) =>
    parts.reduce(
      (s, p) => s + p.n * (p.shape ? shareBelow(p.shape, x / p.mean, edge) : x >= p.mean ? 1 : 0),
      0,
    ) / total;
  let hi = Math.max(...parts.map((p) => p.mean * (p.shape?.at(-1)?.ratio ?? 1)));
  let lo = 0;
  if (cdf(hi) < q) return hi;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) >= q) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The longest pause (ms): each generation's simulated mean scaled to its p99, plus the service's
 * excess of its longest pause over its p99. The part up to p99 grows with the collection, the
 * rest is added: the longest of many young pauses is one outlier (a scheduler slice, page
 * faults) whose length does not (churn under load: a 100 ms young pause at a 0.08 ms mean, which
 * a ratio would have turned into a second under a ten-fold threshold), while of a few full
 * collections the p99 is the longest, and the whole of it scales (freeze halves it). A
 * generation without a tail keeps its simulated longest.
 */
function longestOf(r: SimulationResult, tail: PauseTail, edge: Edge): number {
  return Math.max(0, ...longestByGeneration(r, tail, edge));
}

/**
 * Below this many collections in the window, a generation's p99 is its longest pause, and the
 * longest scales whole with the simulated mean. The histogram's top bucket puts the longest at
 * its upper edge while the p99 is interpolated inside it, so 20 full collections of the big-heap
 * service in (100, 250] ms read as an outlier of 60 ms that no variant changes: freeze then
 * predicted −17 % ("can't tell") for what halves every full collection (`npm test`, 2026-12-07).
 */
export const FEW_FOR_AN_OUTLIER = 100;

/**
 * Each generation's longest pause (ms) with the service's tail, the full collection the run
 * postponed past its end counted in generation 2's. Of many collections (FEW_FOR_AN_OUTLIER or
 * more), the part of the longest pause above the p99 is the service's own (ms, not scaled to the
 * simulated mean): a stall of the process, which no variant of the collector changes.
 */
export function longestByGeneration(r: SimulationResult, tail: PauseTail, edge: Edge = 'value'): number[] {
  const longest = (meanMs: number, t: GenerationTail) =>
    t.collections < FEW_FOR_AN_OUTLIER
      ? meanMs * t.max[edge]
      : meanMs * t.p99[edge] + Math.max(0, t.meanMs * (t.max[edge] - t.p99[edge]));
  const byGeneration = r.pauses.byGeneration.map((p, g) => {
    const t = tail.generations[g];
    if (p.count === 0) return 0;
    return t ? longest(p.totalMs / p.count, t) : p.maxMs;
  });
  const pending = r.pendingFullMs ?? 0;
  const full = tail.generations[2];
  if (pending > 0) {
    const last = byGeneration.length - 1;
    byGeneration[last] = Math.max(byGeneration[last] ?? 0, full ? longest(pending, full) : pending);
  }
  return byGeneration;
}

/** The p99 and longest pause of a simulated run with the service's tail: value and bucket-resolution bounds. */
export function predictTail(r: SimulationResult, tail: PauseTail): TailPrediction {
  const p99 = (edge: Edge) => mixtureQuantile(r, tail, 0.99, edge);
  return {
    p99Ms: { value: p99('value'), lo: p99('lo'), hi: p99('hi') },
    maxMs: {
      value: longestOf(r, tail, 'value'),
      lo: longestOf(r, tail, 'lo'),
      hi: longestOf(r, tail, 'hi'),
    },
  };
}

/** A tail prediction widened by a relative error: [lo / (1 + rel), hi × (1 + rel)]. */
export function tailInterval(t: TailRatio, relative: number): Interval {
  return { lo: t.lo / (1 + relative), hi: t.hi * (1 + relative) };
}

/** Whether a tail says anything: some generation was fitted. */
export function hasTail(tail: PauseTail | undefined): tail is PauseTail {
  return tail?.generations.some((g) => g !== undefined) === true;
}

/**
 * A simulated run as the verdict states it: its p99 and longest pause with the service's tail
 * (the ranking applies the same through its context); the run itself when there is no tail.
 */
export function withTail(r: SimulationResult, tail: PauseTail | undefined): SimulationResult {
  if (!hasTail(tail)) return r;
  const t = predictTail(r, tail);
  return {
    ...r,
    pauses: { ...r.pauses, p99Ms: t.p99Ms.value, maxMs: Math.max(longestPauseMs(r), t.maxMs.value) },
  };
}
