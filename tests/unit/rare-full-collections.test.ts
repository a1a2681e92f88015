/**
 * Full collections rarer than the simulated stretch (issue 30): a fit simulates a service for a
 * couple of seconds, and a churning service collects generation 2 every few seconds, or, once
 * frozen and past its first full collection, every 11th generation-1 collection. Figures from
 * bench:fit on Debian's 3.11 (churn mode, 2026-12-07).
 */
import { describe, expect, it } from 'vitest';
import { fitWorkload, ratesOf } from '../../src/core/fit/fit-workload.js';
import type { GcObservations } from '../../src/core/fit/observations.js';
import { simulate } from '../../src/core/simulator/simulate.js';
import { applyWhatIf } from '../../src/core/simulator/what-if.js';
import { normalizeWorkload, type WorkloadDocument } from '../../src/core/simulator/workload.js';

const churn = (iterations: number, heap = 100_000): WorkloadDocument => ({
  name: 'churn',
  python: '3.11',
  setup: { heap },
  iterations,
  rate: 3000,
  each_iteration: [{ cycle: { size: 8 } }, { cycle: { size: 2, lifetime: 400 } }],
});

describe('full collections rarer than the simulated stretch', () => {
  it('are projected from the promotion and the long-lived total, near what a long run holds', () => {
    const short = simulate(normalizeWorkload(churn(3000)));
    const long = simulate(normalizeWorkload(churn(150_000)));
    expect(short.stats[2]?.collections).toBe(0);
    const truth = long.perSecond?.collections[2] ?? 0;
    expect(long.stats[2]?.collections).toBeGreaterThanOrEqual(3);
    const projected = short.perSecond?.fullProjected ?? 0;
    expect(Math.abs(projected - truth)).toBeLessThanOrEqual(0.25 * truth);
    // A stretch that holds full collections is measured, not projected.
    expect(long.perSecond?.fullProjected).toBeUndefined();
  });

  it('a freeze is measured past its first full collection even when that comes after the stretch', () => {
    // The first full collection after the freeze waits for a quarter of the 300 000 objects it froze.
    const doc: WorkloadDocument = {
      name: 'fitted-churn',
      python: '3.11',
      thresholds: [700, 10, 10],
      setup: { heap: 300_000 },
      iterations: 20_000,
      rate: 17_000,
      each_iteration: [{ cycle: { size: 71 } }, { cycle: { size: 1, lifetime: 16 } }],
    };
    const base = simulate(normalizeWorkload(doc));
    expect(base.stats[2]?.collections).toBe(0);
    const frozen = simulate(applyWhatIf(normalizeWorkload(doc), 'freeze', { running: true }));
    const [, r1, r2] = ratesOf(frozen);
    // Nothing long-lived outside the permanent generation: one full per 11 generation-1 collections.
    expect(frozen.stats[2]?.collections).toBeGreaterThan(0);
    expect(Math.abs((r2 ?? 0) - (r1 ?? 0) / 11)).toBeLessThanOrEqual(0.1 * ((r1 ?? 0) / 11));
  });

  it('a fit of a churning service predicts its rare full collections, and the freeze’s frequent ones', () => {
    const obs: GcObservations = {
      job: 'gcsvc',
      datasource: 'default',
      windowSeconds: 19,
      end: new Date('2026-12-07T04:43:47Z'),
      pythonVersion: '3.11.2',
      implementation: 'CPython',
      instances: 1,
      collections: [1600.4, 145.51, 0.1053],
      collected: [1_117_037, 106_344, 491.7],
      thresholds: [700, 10, 10],
      meanPause: [0.0001457, 0.0001776, 0.03037],
      frozen: 0,
      pending: undefined,
      enabled: 1,
      sources: [],
    };
    const fit = fitWorkload(obs);
    const workload = normalizeWorkload(fit.doc);
    const [, , base2] = ratesOf(simulate(workload));
    expect(Math.abs((base2 ?? 0) - 0.1053)).toBeLessThanOrEqual(0.35 * 0.1053);
    const [, f1, f2] = ratesOf(simulate(applyWhatIf(workload, 'freeze', { running: true })));
    expect(Math.abs((f2 ?? 0) - (f1 ?? 0) / 11)).toBeLessThanOrEqual(0.15 * ((f1 ?? 0) / 11));
  });
});
