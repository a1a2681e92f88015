import { describe, expect, it } from 'vitest';
import { fitPauseTail, MAX_TAIL_RATIO, MIN_TAIL_COLLECTIONS } from '../../src/core/fit/fit-tail.js';
import { fitUncertainty } from '../../src/core/fit/fit-uncertainty.js';
import { fitWorkload } from '../../src/core/fit/fit-workload.js';
import type { GcObservations, PauseBucket, PerGeneration } from '../../src/core/fit/observations.js';
import { predictTail } from '../../src/core/simulator/pause-tail.js';
import { simulatedOutcome } from '../../src/core/simulator/rank.js';
import { type SimulationResult, simulate } from '../../src/core/simulator/simulate.js';
import { predictedBounds } from '../../src/core/simulator/uncertainty.js';
import { normalizeWorkload } from '../../src/core/simulator/workload.js';
import { simulationVerdict } from '../../src/format/simulation-summary.js';

const EDGES = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01];

/** Cumulative buckets for pauses counted per bucket (the exporter's edges, +Inf last). */
function cumulative(perBucket: Readonly<Record<number, number>>): PauseBucket[] {
  let sum = 0;
  const out = EDGES.map((le) => {
    sum += perBucket[le] ?? 0;
    return { le, count: sum };
  });
  return [...out, { le: Number.POSITIVE_INFINITY, count: sum }];
}

function observations(extra: Partial<GcObservations>): GcObservations {
  return {
    job: 'svc',
    datasource: 'default',
    windowSeconds: 20,
    end: new Date(0),
    pythonVersion: '3.11.2',
    implementation: 'CPython',
    instances: 1,
    collections: [50, 5, 0],
    collected: [0, 0, 0],
    thresholds: [700, 10, 10],
    meanPause: undefined,
    frozen: undefined,
    pending: undefined,
    enabled: 1,
    sources: [],
    ...extra,
  };
}

/** A simulated run with only what the tail reads: each generation's collections and their total. */
function run(byGeneration: { count: number; meanMs: number }[], pendingFullMs?: number): SimulationResult {
  return {
    pauses: {
      byGeneration: byGeneration.map((g) => ({
        count: g.count,
        totalMs: g.count * g.meanMs,
        maxMs: g.count > 0 ? g.meanMs : 0,
      })),
    },
    pendingFullMs,
  } as unknown as SimulationResult;
}

// 1000 gen-0 pauses, mean 0.1 ms: 900 in (0.05, 0.1] ms, 95 in (0.1, 0.25], 5 in (0.25, 0.5].
const GEN0 = cumulative({ 0.0001: 900, 0.00025: 95, 0.0005: 5 });

describe('the service’s pause tail', () => {
  it('a hostile histogram (a mean pause near zero) is capped, and the note says so', () => {
    const fit = fitPauseTail(
      observations({ meanPause: [1e-12, undefined, undefined], pauseBuckets: [GEN0, [], []] }),
    );
    const g0 = fit.tail?.generations[0];
    expect(g0?.p99.hi).toBe(MAX_TAIL_RATIO);
    expect(g0?.max.value).toBe(MAX_TAIL_RATIO);
    expect(Math.max(...(g0?.shape ?? []).map((s) => s.ratio))).toBe(MAX_TAIL_RATIO);
    expect(fit.note).toContain(`ratios capped at ×${MAX_TAIL_RATIO}`);
  });

  it('pauses past the last bound have no upper edge; counts out of order are read as cumulative', () => {
    // 1000 pauses, 995 in (0.05, 0.1] ms and 5 beyond the last bound (10 ms); one bucket's
    // increase() came back a little below the one under it.
    const buckets = cumulative({ 0.0001: 995 }).map((b) => ({ ...b }));
    const last = buckets.at(-1);
    if (last) last.count = 1000;
    const shaky = buckets.map((b) => (b.le === 0.005 ? { ...b, count: 990 } : b));
    const fit = fitPauseTail(
      observations({ meanPause: [0.0001, undefined, undefined], pauseBuckets: [shaky, [], []] }),
    );
    const g0 = fit.tail?.generations[0];
    // p99 (the 990th) lies in (0.05, 0.1] ms: the out-of-order 990 below did not move it.
    expect(g0?.p99.hi).toBeCloseTo(1, 6);
    // The longest: beyond 10 ms (×100 the mean), with no upper edge but the cap.
    expect(g0?.max).toMatchObject({ value: 100, lo: 100, hi: MAX_TAIL_RATIO });
    // The shape never falls: each share at least the one below it.
    const shares = (g0?.shape ?? []).map((s) => s.share);
    expect(shares).toEqual([...shares].sort((a, b) => a - b));
  });

  it('without the histogram: no tail, and the note says so', () => {
    const fit = fitPauseTail(observations({ meanPause: [0.0001, undefined, undefined] }));
    expect(fit.tail).toBeUndefined();
    expect(fit.note).toMatch(/no python_gc_pause_seconds histogram/);
  });

  it('fits p99 and the longest pause to the mean, with their buckets’ edges', () => {
    const fit = fitPauseTail(
      observations({ meanPause: [0.0001, undefined, undefined], pauseBuckets: [GEN0, [], []] }),
    );
    const g0 = fit.tail?.generations[0];
    // p99: the 990th pause lies 90/95 into (0.1, 0.25] ms: 0.1 + 0.15 × 90/95 = 0.2421 ms, ×2.421 the mean.
    expect(g0?.p99.value).toBeCloseTo(2.4211, 3);
    expect(g0?.p99.lo).toBeCloseTo(1, 6);
    expect(g0?.p99.hi).toBeCloseTo(2.5, 6);
    // The longest filled (0.25, 0.5] ms.
    expect(g0?.max).toMatchObject({ lo: 2.5, hi: 5, value: 5 });
    expect(g0?.collections).toBe(1000);
    expect(fit.tail?.generations[1]).toBeUndefined();
    expect(fit.note).toMatch(/gen 0 p99 ×2\.4 \(1\.0–2\.5\)/);
  });

  it('uses no generation with fewer collections than it needs', () => {
    const few = cumulative({ 0.0001: MIN_TAIL_COLLECTIONS - 1 });
    const fit = fitPauseTail(
      observations({ meanPause: [0.0001, 0.0001, 0.0001], pauseBuckets: [few, few, few] }),
    );
    expect(fit.tail).toBeUndefined();
    expect(fit.note).toMatch(/fewer than 20 collections/);
  });

  it('a ten-fold longer mean does not make a stall ten-fold longer', () => {
    const fit = fitPauseTail(
      observations({ meanPause: [0.0001, undefined, undefined], pauseBuckets: [GEN0, [], []] }),
    );
    const tail = fit.tail;
    if (!tail) throw new Error('no tail');
    const at = (meanMs: number) =>
      predictTail(
        run([
          { count: 1000, meanMs },
          { count: 0, meanMs: 0 },
          { count: 0, meanMs: 0 },
        ]),
        tail,
      ).maxMs.value;
    // Only the part up to p99 (×2.421) scales with the mean; the excess beyond it is the same.
    expect(at(1) - at(0.1)).toBeCloseTo(0.9 * 2.4211, 3);
  });

  it('applies the shape to the simulated mean pause: one generation', () => {
    const fit = fitPauseTail(
      observations({ meanPause: [0.0001, undefined, undefined], pauseBuckets: [GEN0, [], []] }),
    );
    const tail = fit.tail;
    if (!tail) throw new Error('no tail');
    // A simulated mean of 0.05 ms: p99 = 0.05 × 2.421 ms, known to [0.05 × 1, 0.05 × 2.5].
    const t = predictTail(
      run([
        { count: 1000, meanMs: 0.05 },
        { count: 0, meanMs: 0 },
        { count: 0, meanMs: 0 },
      ]),
      tail,
    );
    expect(t.p99Ms.value).toBeCloseTo(0.05 * 2.4211, 4);
    expect(t.p99Ms.lo).toBeCloseTo(0.05, 4);
    expect(t.p99Ms.hi).toBeCloseTo(0.125, 4);
    // Longest: the simulated mean at p99 plus the service's excess beyond its p99 (0.1 ms ×
    // (5 − 2.421) at the buckets' tops; 0.05 × 1 + 0.1 × (2.5 − 1) at their bottoms), added.
    expect(t.maxMs.value).toBeCloseTo(0.05 * 2.4211 + 0.1 * (5 - 2.4211), 4);
    expect(t.maxMs.lo).toBeCloseTo(0.05 + 0.15, 6);
  });

  it('mixes the generations by their simulated collections: p99 falls among the gen-1 pauses', () => {
    // Both generations with the same shape; gen 1 is 100 of 1100 pauses, mean 1 ms.
    const fit = fitPauseTail(
      observations({ meanPause: [0.0001, 0.0001, undefined], pauseBuckets: [GEN0, GEN0, []] }),
    );
    const tail = fit.tail;
    if (!tail) throw new Error('no tail');
    const t = predictTail(
      run([
        { count: 1000, meanMs: 0.05 },
        { count: 100, meanMs: 1 },
        { count: 0, meanMs: 0 },
      ]),
      tail,
    );
    // 1089 pauses at or below p99: all 1000 gen-0 ones (≤ 0.25 ms) and 89 of gen 1's, whose share
    // rises linearly from 0 at 0.5 ms to 0.9 at 1 ms: 0.5 + 0.5 × 0.89 / 0.9 = 0.99444 ms.
    expect(t.p99Ms.value).toBeCloseTo(0.99444, 4);
    expect(t.p99Ms.lo).toBeLessThanOrEqual(t.p99Ms.value);
    expect(t.p99Ms.hi).toBeGreaterThanOrEqual(t.p99Ms.value);
    // Longest: gen 1's mean at p99 plus the excess beyond it.
    expect(t.maxMs.value).toBeCloseTo(2.4211 + 0.1 * (5 - 2.4211), 3);
  });

  it('a full collection still to come gets the full collections’ tail; a generation without one keeps its simulated pause', () => {
    const full = cumulative({ 0.005: 20, 0.01: 5 });
    const fit = fitPauseTail(
      observations({ meanPause: [0.0001, undefined, 0.005], pauseBuckets: [GEN0, [], full] }),
    );
    const tail = fit.tail;
    if (!tail) throw new Error('no tail');
    // 25 full collections, mean 5 ms: fewer than FEW_FOR_AN_OUTLIER, so the longest (10 ms, the
    // top bucket's upper edge, ×2 the mean) scales whole. One pending of 40 ms: 40 × 2; at the
    // bucket's lower edge (5 ms, ×1) 40.
    const t = predictTail(
      run(
        [
          { count: 1000, meanMs: 0.05 },
          { count: 10, meanMs: 0.3 },
          { count: 0, meanMs: 0 },
        ],
        40,
      ),
      tail,
    );
    expect(t.maxMs.value).toBeCloseTo(80, 6);
    expect(t.maxMs.lo).toBeCloseTo(40, 6);
  });

  it('of many collections the part above the p99 is added as it was; of few, the longest scales whole', () => {
    // The same shape counted 25 and 250 times: 10 pauses of 5 ms simulated against a 5 ms mean.
    const shape = (n: number) => cumulative({ 0.005: 20 * n, 0.01: 5 * n });
    const longest = (n: number, simulatedMs: number) => {
      const tail = fitPauseTail(
        observations({ meanPause: [undefined, undefined, 0.005], pauseBuckets: [[], [], shape(n)] }),
      ).tail;
      if (!tail) throw new Error('no tail');
      return predictTail(
        run([
          { count: 0, meanMs: 0 },
          { count: 0, meanMs: 0 },
          { count: 10, meanMs: simulatedMs },
        ]),
        tail,
      ).maxMs.value;
    };
    // Halving the full collections halves the longest of 25, not of 250 (its excess is a stall's).
    expect(longest(1, 2.5) / longest(1, 5)).toBeCloseTo(0.5, 6);
    expect(longest(10, 2.5) / longest(10, 5)).toBeGreaterThan(0.5);
  });
});

describe('the fit records the tail and the ranking uses it', () => {
  const doc = {
    python: '3.11' as const,
    iterations: 40_000,
    rate: 2000,
    each_iteration: [{ cycle: { size: 2 } }, { temp: 4 }],
  };
  const truth = simulate(normalizeWorkload(doc));
  const sec = truth.perSecond?.seconds ?? 1;
  const mean = truth.pauses.byGeneration.map((p) => (p.count > 0 ? p.totalMs / p.count / 1000 : undefined));
  // The service's pauses: 90 % at most its mean, 9.5 % up to 4× it, the rest up to 8×.
  const histogram = truth.pauses.byGeneration.map((p, g) => {
    const m = mean[g] ?? 0;
    return p.count > 0
      ? [
          { le: m, count: 0.9 * p.count },
          { le: 4 * m, count: 0.995 * p.count },
          { le: 8 * m, count: p.count },
          { le: Number.POSITIVE_INFINITY, count: p.count },
        ]
      : [];
  });
  const obs = (withHistogram: boolean) =>
    observations({
      windowSeconds: sec,
      collections: truth.stats.map((s) => s.collections / sec) as unknown as PerGeneration,
      collected: truth.stats.map((s) => s.collected / sec) as unknown as PerGeneration,
      thresholds: truth.thresholds,
      meanPause: mean,
      pauseBuckets: withHistogram ? histogram : undefined,
    });

  it('with the histogram: the p99 predicted for the fitted workload carries the tail', () => {
    const fit = fitWorkload(obs(true));
    expect(fit.notes.join('\n')).toMatch(/pause tail from the service's histogram/);
    const tail = fit.cost.tail;
    expect(tail?.generations[0]?.p99.hi).toBeCloseTo(4, 6);
    const r = simulate({ ...normalizeWorkload(fit.doc), cost: fit.cost.coefficients });
    const plain = simulatedOutcome(r);
    const tailed = simulatedOutcome(r, undefined, tail);
    // The simulator's own p99 is one pause per collection size; with the tail it lies in the
    // (1×, 4×] mean bucket of the generation p99 falls in.
    expect(tailed.p99Ms).toBeGreaterThan(1.5 * plain.p99Ms);
    expect(tailed.bounds?.p99Ms?.hi).toBeGreaterThan(tailed.p99Ms);
    // The bucket edges are the same ratios for every variant: they widen the absolute
    // prediction, not the interval variants are compared by.
    const u = fitUncertainty(fit, obs(true), fit.cost.residual);
    const compared = simulatedOutcome(r, u, tail).bounds?.p99Ms;
    const absolute = predictedBounds(r, u, tail).p99Ms;
    const t = predictTail(r, tail as NonNullable<typeof tail>).p99Ms;
    expect(compared?.lo).toBeCloseTo(t.value / (1 + u.relative.p99Ms), 9);
    expect(absolute.lo).toBeLessThan((compared?.lo ?? 0) * (t.lo / t.value) + 1e-12);
    // No full collection in the window: the one still to come keeps the simulator's pause.
    expect(truth.stats[2]?.collections).toBe(0);
    expect(tail?.generations[2]).toBeUndefined();
    expect(tailed.maxMs).toBe(plain.maxMs);
  });

  it('the verdict states the p99 it ranked on: the tailed one', () => {
    const fit = fitWorkload(obs(true));
    const r = simulate({ ...normalizeWorkload(fit.doc), cost: fit.cost.coefficients });
    const variants = [{ label: 'baseline', result: r }];
    const tailed = simulatedOutcome(r, undefined, fit.cost.tail).p99Ms;
    const text = (v: number) => (v >= 1 ? v.toFixed(2).replace(/0$/, '') : v.toPrecision(2));
    const withTail = simulationVerdict(variants, { objective: 'p99-pause', tail: fit.cost.tail });
    expect(withTail).toContain(`p99 pause ${text(tailed)} ms`);
    expect(simulationVerdict(variants, { objective: 'p99-pause' })).toContain(
      `p99 pause ${text(r.pauses.p99Ms)} ms`,
    );
  });

  it('without it: the note says so and the simulator’s pauses stand', () => {
    const fit = fitWorkload(obs(false));
    expect(fit.cost.tail).toBeUndefined();
    expect(fit.notes.join('\n')).toMatch(/no python_gc_pause_seconds histogram/);
    const r = simulate(normalizeWorkload(fit.doc));
    expect(simulatedOutcome(r, undefined, fit.cost.tail).p99Ms).toBe(r.pauses.p99Ms);
  });
});
