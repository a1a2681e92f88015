/**
 * Full collections rarer than the simulated stretch (issue 30): a fit simulates a service for a
 * couple of seconds, and a churning service collects generation 2 every few seconds, or, once
 * frozen and past its first full collection, every 11th generation-1 collection. Figures from
 * bench:fit on Debian's 3.11 (churn mode, 2026-12-07).
 */
import { describe, expect, it } from 'vitest';
import { fitUncertainty } from '../../src/core/fit/fit-uncertainty.js';
import { fitWorkload, ratesOf } from '../../src/core/fit/fit-workload.js';
import type { GcObservations } from '../../src/core/fit/observations.js';
import { qualityLines, qualitySummary } from '../../src/core/fit/render.js';
import { SETTLE_MAX_RUNS } from '../../src/core/simulator/settle.js';
import { simulate } from '../../src/core/simulator/simulate.js';
import { applyWhatIf } from '../../src/core/simulator/what-if.js';
import { normalizeWorkload, type WorkloadDocument } from '../../src/core/simulator/workload.js';
import { formatComparison, formatResult } from '../../src/format/simulation.js';

const churn = (iterations: number, heap = 100_000): WorkloadDocument => ({
  name: 'churn',
  python: '3.11',
  setup: { heap },
  iterations,
  rate: 3000,
  each_iteration: [{ cycle: { size: 8 } }, { cycle: { size: 2, lifetime: 400 } }],
});

// A churning service on 3.11 (bench:fit, 2026-12-07): a full collection every 9.5 s.
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
    const fit = fitWorkload(obs);
    const workload = normalizeWorkload(fit.doc);
    const [, , base2] = ratesOf(simulate(workload));
    expect(Math.abs((base2 ?? 0) - 0.1053)).toBeLessThanOrEqual(0.35 * 0.1053);
    const [, f1, f2] = ratesOf(simulate(applyWhatIf(workload, 'freeze', { running: true })));
    expect(Math.abs((f2 ?? 0) - (f1 ?? 0) / 11)).toBeLessThanOrEqual(0.15 * ((f1 ?? 0) / 11));
  });
});

describe('the wait for the first full collection after a freeze is bounded', () => {
  // The fitted churn above: its 20 000-iteration stretch holds 171 generation-1 collections,
  // and the promotion still missing after it would take about 81 000 iterations.
  const fitted = (t2: number, rate: number): WorkloadDocument => ({
    name: 'fitted-churn',
    python: '3.11',
    thresholds: [700, 10, t2],
    setup: { heap: 300_000 },
    iterations: 20_000,
    rate,
    each_iteration: [{ cycle: { size: 71 } }, { cycle: { size: 1, lifetime: 16 } }],
  });
  const frozen = (doc: WorkloadDocument) =>
    simulate(applyWhatIf(normalizeWorkload(doc), 'freeze', { running: true }));

  it('a large threshold 2 is not run out: the stretch alone is simulated, and the result says so', () => {
    // 1e6 generation-1 collections away: within 600 s at this rate, far beyond the step budget.
    const r = frozen(fitted(1_000_000, 1e9));
    expect(r.settle?.settled).toBe(false);
    expect(r.settle?.iterations).toBeLessThanOrEqual((1 + SETTLE_MAX_RUNS) * 20_000);
    expect(r.settle?.note).toMatch(/more than the simulator runs/);
    // Over 600 s of service time at the fitted rate.
    const slow = frozen(fitted(1_000_000, 17_000));
    expect(slow.settle).toMatchObject({ settled: false, iterations: 20_000 });
    expect(slow.settle?.note).toMatch(/s of service time away \(over 600 s\)/);
  });

  it('a first full collection 700 s away, by generation 2’s count, is not waited for; 570 s away, it is', () => {
    // t2 = 1000: 830 more generation-1 collections, about 97 000 iterations (the promotion: 81 000).
    const far = frozen(fitted(1000, 139));
    const near = frozen(fitted(1000, 170));
    // Measured from the freeze, generation 2's count goes on from the first stretch's 171;
    // measured past the full collection, it starts again from 0.
    expect(far.count[2]).toBeGreaterThan(300);
    expect(near.count[2]).toBeLessThan(200);
    expect(far.settle?.settled).toBe(false);
    expect(far.settle?.note).toMatch(/about (69\d|70\d) s of service time away/);
    expect(far.settle?.iterations).toBe(20_000);
    // At a faster pace the same wait is within the limit: run until the full collection came.
    expect(near.settle?.settled).toBe(true);
    expect(near.settle?.iterations).toBeGreaterThan(90_000);
  });

  it('without a freeze, a small long-lived total does not pace full collections faster than t2 + 1 generation-1 ones', () => {
    const r = simulate(normalizeWorkload(churn(3000, 0)));
    expect(r.stats[2]?.collections).toBe(0);
    const [, r1] = ratesOf(r);
    const projected = r.perSecond?.fullProjected ?? Number.NaN;
    expect(projected).toBeGreaterThan(0);
    expect(projected).toBeLessThanOrEqual((r1 ?? 0) / 11 + 1e-9);
  });
});

describe('a projected full-collection rate is shown as such', () => {
  const fit = fitWorkload(obs);

  it('is labelled where the fit quality is printed, and in the simulation result', () => {
    const full = fit.quality.find((q) => q.series === 'collections' && q.generation === 2);
    expect(full?.projected).toBe(true);
    expect(fit.quality.filter((q) => q.projected)).toHaveLength(1);
    expect(qualityLines(fit).join('\n')).toMatch(
      /collections gen 2: [0-9.]+\/s projected from the collector's rule, observed 0\.105\/s \([^)]*\)$/m,
    );
    expect(qualitySummary(fit)).toMatch(
      /gen2 [0-9.]+ vs 0\.105 \([^)]*; projected from the collector's rule\)/,
    );
    expect(formatResult(simulate(normalizeWorkload(churn(3000))))).toMatch(
      /gen 2 0\.00\/s \(gen 2 projected 0\.[0-9]+\/s from the collector's rule\)/,
    );
  });

  it('does not narrow the uncertainty: left out of the residual, its own error added', () => {
    const asIfFitted = { ...fit, quality: fit.quality.map(({ projected: _, ...q }) => q) };
    const u = fitUncertainty(fit, obs);
    const v = fitUncertainty(asIfFitted, obs);
    expect(u.relative.gcMs).toBeGreaterThan(v.relative.gcMs);
    expect(u.relative.memory).toBeGreaterThan(v.relative.memory);
    expect(u.sources.join('; ')).toMatch(/projected from the collector's rule/);
  });

  it('a freeze that is not waited for says so under the comparison', () => {
    const doc = { ...churn(3000), thresholds: [700, 10, 1_000_000] as [number, number, number] };
    const base = normalizeWorkload(doc);
    const table = formatComparison([
      { label: 'baseline', result: simulate(base) },
      { label: 'freeze', result: simulate(applyWhatIf(base, 'freeze', { running: true })) },
    ]);
    expect(table).toMatch(
      /^freeze: the first full collection after the freeze is about .* not past its first full collection$/m,
    );
  });
});
