/**
 * The tail of the service's pauses, from its own pause histogram over the baseline window
 * (python_gc_pause_seconds_bucket, per generation): each generation's pauses relative to its
 * mean pause, so that the simulator's means (one pause per collection size) can be given the
 * service's spread (core/simulator/pause-tail.ts). The p99 and the longest pause are known to
 * their bucket only: the ratios carry the bucket's edges, and the predictions' intervals with them.
 * Without the histogram the note says so and the simulator's own pauses stand.
 */
import type { GenerationTail, PauseTail, TailRatio } from '../simulator/pause-tail.js';
import type { GcObservations, PauseBucket } from './observations.js';

export interface PauseTailFit {
  readonly tail: PauseTail | undefined;
  readonly note: string;
}

/** Collections of a generation the window must hold before its shape is used (a p99 of fewer is its maximum). */
export const MIN_TAIL_COLLECTIONS = 20;

/** The q-quantile (s) of a cumulative histogram: bucket index, interpolated value, bucket edges. */
function quantile(buckets: readonly PauseBucket[], q: number): { value: number; lo: number; hi: number } {
  const total = buckets.at(-1)?.count ?? 0;
  const target = q * total;
  let lower = 0;
  let below = 0;
  for (const b of buckets) {
    // The +Inf bucket's pauses are known only to exceed the last bound: no upper edge.
    const hi = Number.isFinite(b.le) ? b.le : Number.POSITIVE_INFINITY;
    if (!Number.isFinite(hi) && b.count >= target && b.count > below) return { value: lower, lo: lower, hi };
    if (b.count >= target && b.count > below) {
      const value = lower + ((hi - lower) * (target - below)) / (b.count - below);
      return { value, lo: lower, hi };
    }
    lower = hi;
    below = b.count;
  }
  return { value: lower, lo: lower, hi: lower };
}

/** The highest bucket that filled (s): its edges. */
function longest(buckets: readonly PauseBucket[]): { lo: number; hi: number } {
  let lower = 0;
  let below = 0;
  let found = { lo: 0, hi: 0 };
  for (const b of buckets) {
    const hi = Number.isFinite(b.le) ? b.le : Number.POSITIVE_INFINITY;
    if (b.count > below) found = { lo: lower, hi };
    lower = hi;
    below = b.count;
  }
  return found;
}

/**
 * The largest tail taken from a histogram, to the mean pause: a hostile or broken histogram
 * (a mean near zero, a bucket at 1e9 s) would otherwise multiply every predicted pause.
 */
export const MAX_TAIL_RATIO = 1000;

const cap = (r: number) => (Number.isFinite(r) ? Math.min(Math.max(r, 0), MAX_TAIL_RATIO) : MAX_TAIL_RATIO);

const ratio = (v: { value: number; lo: number; hi: number }, mean: number): TailRatio => ({
  value: cap(v.value / mean),
  lo: cap(v.lo / mean),
  hi: cap(v.hi / mean),
});

function generationTail(
  g: number,
  buckets: readonly PauseBucket[] | undefined,
  mean: number | undefined,
): GenerationTail | undefined {
  // Cumulative counts, as histogram_quantile reads them: increase() per bucket can come back a
  // little out of order, so each count is at least the one below it.
  let floor = 0;
  const sorted = [...(buckets ?? [])]
    .sort((a, b) => a.le - b.le)
    .map((b) => {
      floor = Math.max(floor, b.count);
      return { le: b.le, count: floor };
    });
  const total = sorted.at(-1)?.count ?? 0;
  if (!mean || mean <= 0 || total < MIN_TAIL_COLLECTIONS) return undefined;
  const top = longest(sorted);
  const finite = sorted.filter((b) => Number.isFinite(b.le));
  return {
    generation: g,
    collections: Math.round(total),
    meanMs: mean * 1000,
    p99: ratio(quantile(sorted, 0.99), mean),
    // In the +Inf bucket the longest pause is known only to exceed its lower edge: that is its value.
    max: {
      value: cap((Number.isFinite(top.hi) ? top.hi : top.lo) / mean),
      lo: cap(top.lo / mean),
      hi: cap(top.hi / mean),
    },
    shape: [
      ...finite.map((b) => ({ ratio: cap(b.le / mean), share: Math.min(1, b.count / total) })),
      // Pauses past the last finite edge: counted at it (the histogram says no more).
      ...(finite.at(-1) && (finite.at(-1)?.count ?? 0) < total
        ? [{ ratio: cap((finite.at(-1)?.le ?? 0) / mean), share: 1 }]
        : []),
    ],
  };
}

const fmt = (r: TailRatio) => `×${r.value.toFixed(1)} (${r.lo.toFixed(1)}–${r.hi.toFixed(1)})`;

export function fitPauseTail(obs: GcObservations): PauseTailFit {
  if (!obs.pauseBuckets || obs.meanPause === undefined) {
    return {
      tail: undefined,
      note: 'no python_gc_pause_seconds histogram: p99 and longest pauses are the simulator’s, one pause per collection size, no tail (a real service’s p99 runs several times its mean)',
    };
  }
  const generations = [0, 1, 2].map((g) => generationTail(g, obs.pauseBuckets?.[g], obs.meanPause?.[g]));
  const seen = generations.filter((t): t is GenerationTail => t !== undefined);
  if (seen.length === 0) {
    return {
      tail: undefined,
      note: `fewer than ${MIN_TAIL_COLLECTIONS} collections of any generation in the window's pause histogram: p99 and longest pauses are the simulator’s, no tail`,
    };
  }
  const text = seen.map((t) => `gen ${t.generation} p99 ${fmt(t.p99)}, longest ${fmt(t.max)}`);
  // A value at the cap (not an upper edge the +Inf bucket leaves open) is what was cut.
  const capped = seen.some((t) => t.max.value >= MAX_TAIL_RATIO || t.p99.value >= MAX_TAIL_RATIO);
  if (capped)
    text.push(
      `ratios capped at ×${MAX_TAIL_RATIO} (the histogram's tail is beyond what a pause model can use)`,
    );
  return {
    tail: { generations },
    note: `pause tail from the service's histogram (to its mean pause, bucket edges in brackets): ${text.join('; ')}`,
  };
}
