/**
 * A running service's what-ifs run a stretch long enough for their generation-1 collections: a
 * fitted stretch is sized from the baseline's rates, and under a ten-fold threshold 0 it held
 * nine young collections and no generation-1 one (cycles on 3.8 in bench:fit, GC time −69 %).
 */
import { describe, expect, it } from 'vitest';
import { ratesOf } from '../../src/core/fit/fit-workload.js';
import { MAX_UNBATCHED_STEPS, stepsPerIteration } from '../../src/core/simulator/harness-setup.js';
import { simulate } from '../../src/core/simulator/simulate.js';
import {
  applyWhatIf,
  MAX_STRETCH_SCALE,
  runningServiceVariants,
  stretchScale,
} from '../../src/core/simulator/what-if.js';
import { normalizeWorkload } from '../../src/core/simulator/workload.js';

// Request-scoped cycles kept about two seconds beside a held heap, as the bundled service's
// `cycles` mode: a young collection every 350 iterations, a generation-1 one every eleventh.
const cycles = normalizeWorkload({
  name: 'cycles',
  python: '3.8',
  setup: { heap: 200_000 },
  iterations: 30_000,
  rate: 1000,
  each_iteration: [{ cycle: { size: 2, lifetime: 2000 } }],
});
const THRESHOLD = 'threshold=7000,10,10';

describe('the stretch of a running service', () => {
  it('is as many times longer as threshold 0 is raised, for that what-if only', () => {
    const variants = runningServiceVariants(cycles, ['freeze', THRESHOLD]);
    expect(variants.map((v) => v.label)).toEqual(['baseline', 'freeze', THRESHOLD]);
    expect(stretchScale(cycles, applyWhatIf(cycles, THRESHOLD))).toBe(10);
    expect(variants.map((v) => v.workload.iterations)).toEqual([
      cycles.iterations,
      cycles.iterations,
      10 * cycles.iterations,
    ]);
    // The what-if itself is unchanged: the freeze still settles, the threshold is the one asked for.
    expect(variants[1]?.workload.setup.settleAfterFreeze).toBe(true);
    expect(variants[2]?.workload.thresholds).toEqual([7000, 10, 10]);
  });

  it("shows the longer run's memory and totals over the baseline's service time, its rates over the whole run", () => {
    // 30 001 iterations: the baseline's last timeline bucket is a partial one.
    const odd = { ...cycles, iterations: 30_001 };
    const [baseline, stretched] = runningServiceVariants(odd, [THRESHOLD]).map((v) =>
      simulate(v.workload, { timelinePoints: 50 }),
    );
    const whole = simulate(
      { ...applyWhatIf(odd, THRESHOLD, { running: true }), iterations: 10 * odd.iterations },
      { timelinePoints: 50 },
    );
    if (!baseline || !stretched) throw new Error('two results expected');
    expect(stretched.heap.timeline).toHaveLength(baseline.heap.timeline.length);
    expect(stretched.heap.timeline.at(-1)?.iteration).toBe(odd.iterations - 1);
    expect(baseline.heap.timeline.at(-1)?.iteration).toBe(odd.iterations - 1);
    expect(stretched.heap.peak).toBe(Math.max(...stretched.heap.timeline.map((p) => p.peak)));
    expect(stretched.heap.peak).toBeLessThan(whole.heap.peak);
    // The same run, its totals scaled to the span shown: a tenth of the collections it ran.
    expect(stretched.iterations).toBe(odd.iterations);
    expect(stretched.ranIterations).toBe(10 * odd.iterations);
    stretched.stats.forEach((s, g) => {
      expect(s.collections).toBeCloseTo((whole.stats[g]?.collections ?? 0) / 10, 9);
    });
    expect(stretched.pauses.totalMs).toBeCloseTo(whole.pauses.totalMs / 10, 9);
    // Rates and pause lengths are the whole run's: ten times fewer young collections than the baseline's.
    expect(stretched.perSecond?.collections).toEqual(whole.perSecond?.collections);
    // What bench:fit and the fit read as its rates (a stretched run's totals over its whole length were 10× low).
    expect(ratesOf(stretched).slice(0, 2)).toEqual(whole.perSecond?.collections.slice(0, 2));
    expect(stretched.pauses.maxMs).toBe(whole.pauses.maxMs);
    expect(stretched.stats[0]?.collections).toBeLessThan(0.15 * (baseline.stats[0]?.collections ?? 0));
  });

  it('holds the generation-1 collections the raised threshold still runs', () => {
    const unscaled = simulate(applyWhatIf(cycles, THRESHOLD, { running: true }));
    expect(unscaled.stats[1]?.collections).toBe(0);
    const scaled = simulate(runningServiceVariants(cycles, [THRESHOLD])[1]?.workload ?? cycles);
    const [young, gen1] = scaled.perSecond?.collections ?? [0, 0, 0];
    expect(gen1).toBeGreaterThan(0);
    // One generation-1 collection per eleven young ones (count[1] over threshold 1 = 10).
    expect(gen1).toBeGreaterThan((0.75 * young) / 11);
    expect(gen1).toBeLessThan((1.25 * young) / 11);
  });

  it('stays as it is without a rate (the run is totals), for a lowered threshold, and within the step limit', () => {
    const { rate: _rate, ...noRate } = cycles;
    const totals = { ...noRate, rate: undefined };
    expect(stretchScale(totals, applyWhatIf(totals, THRESHOLD))).toBe(1);
    expect(stretchScale(cycles, applyWhatIf(cycles, 'threshold=350'))).toBe(1);
    expect(stretchScale(cycles, applyWhatIf(cycles, 'threshold=700000'))).toBe(MAX_STRETCH_SCALE);
    expect(stretchScale(cycles, applyWhatIf(cycles, 'python=3.13'))).toBe(3);
    expect(stretchScale(cycles, applyWhatIf(cycles, 'disable'))).toBe(1);
    expect(stretchScale(cycles, applyWhatIf(cycles, 'python=3.14-incremental'))).toBe(1);
    const huge = {
      ...cycles,
      iterations: Math.floor(MAX_UNBATCHED_STEPS / 3 / Math.max(1, stepsPerIteration(cycles))),
    };
    expect(stretchScale(huge, applyWhatIf(huge, THRESHOLD))).toBe(1);
  });
});
