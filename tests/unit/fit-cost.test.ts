/**
 * Pause cost fitted to the service: a service whose objects cost three times the profile's to
 * traverse, with a larger fixed cost, exports its pauses; the fit reproduces its GC time and
 * its full-collection pause, where the shipped profile would be off by that factor.
 */
import { describe, expect, it } from 'vitest';
import { fitUncertainty } from '../../src/core/fit/fit-uncertainty.js';
import { fitWorkload } from '../../src/core/fit/fit-workload.js';
import type { GcObservations, PerGeneration } from '../../src/core/fit/observations.js';
import { coefficientsFor, DEFAULT_CALIBRATION } from '../../src/core/simulator/cost-model.js';
import { simulate } from '../../src/core/simulator/simulate.js';
import { normalizeWorkload, type WorkloadDocument } from '../../src/core/simulator/workload.js';

const profile = coefficientsFor(DEFAULT_CALIBRATION, '3.11');
/** The service's true costs: 3× the profile per object, 20 µs fixed. */
const truth = {
  ...profile,
  scanNs: 3 * profile.scanNs,
  freeNs: 3 * profile.freeNs,
  fixedNs: 20_000,
};

const service: WorkloadDocument = {
  python: '3.11',
  iterations: 150_000,
  rate: 2000,
  setup: { heap: 300_000 },
  each_iteration: [{ cycle: { size: 4 } }, { cache: { size: 20_000, insert: 8 } }],
};

/** What the service exports, its pause histogram included (or not). */
function observed(withPauses: boolean): { obs: GcObservations; gcMs: number; fullMs: number } {
  const r = simulate({ ...normalizeWorkload(service), cost: truth });
  const sec = r.perSecond?.seconds ?? 1;
  const per = (key: 'collections' | 'collected') =>
    r.stats.map((s) => s[key] / sec) as unknown as PerGeneration;
  const mean = r.pauses.byGeneration.map((p) => (p.count > 0 ? p.totalMs / p.count / 1000 : undefined));
  return {
    obs: {
      job: 'api',
      datasource: 'default',
      windowSeconds: sec,
      end: new Date('2026-12-06T20:00:00Z'),
      pythonVersion: '3.11.2',
      implementation: 'CPython',
      instances: 1,
      collections: per('collections'),
      collected: per('collected'),
      thresholds: r.thresholds,
      meanPause: withPauses ? mean : undefined,
      frozen: undefined,
      pending: undefined,
      enabled: 1,
      sources: [],
    },
    gcMs: r.perSecond?.gcMs ?? 0,
    fullMs: r.pauses.byGeneration[2]?.maxMs ?? 0,
  };
}

const fittedGc = (fit: ReturnType<typeof fitWorkload>, withCost: boolean) => {
  const w = normalizeWorkload(fit.doc);
  const r = simulate(withCost && fit.cost.source === 'fitted' ? { ...w, cost: fit.cost.coefficients } : w);
  return { gcMs: r.perSecond?.gcMs ?? 0, fullMs: r.pauses.byGeneration[2]?.maxMs ?? 0 };
};

describe('pause cost fitted to the service', () => {
  it('from its own pauses: GC time and the full-collection pause within 25 %, coefficients recorded', () => {
    const { obs, gcMs, fullMs } = observed(true);
    expect(obs.collections[2] * obs.windowSeconds).toBeGreaterThanOrEqual(3);
    const fit = fitWorkload(obs);
    expect(fit.cost.source).toBe('fitted');
    expect(fit.notes.join('\n')).toMatch(/pause cost fitted to the service's pauses: per-object cost/);
    const scale = fit.cost.coefficients.generationScale ?? [1, 1, 1];
    expect(scale[0]).toBeGreaterThan(2);
    const predicted = fittedGc(fit, true);
    expect(Math.abs(predicted.gcMs - gcMs) / gcMs).toBeLessThan(0.25);
    expect(Math.abs(predicted.fullMs - fullMs) / fullMs).toBeLessThan(0.25);
    // The shipped profile on the same fit is off by about the service's factor.
    expect(fittedGc(fit, false).gcMs).toBeLessThan(0.6 * gcMs);
  });

  it('without pause metrics: the profile, said in the notes, and a wide interval on absolute pauses', () => {
    const { obs } = observed(false);
    const fit = fitWorkload(obs);
    expect(fit.cost.source).toBe('profile');
    expect(fit.notes.join('\n')).toMatch(/no python_gc_pause_seconds: pause cost from the shipped profile/);
    const u = fitUncertainty(fit, obs, fit.cost.residual);
    expect(u.scale?.gcMs).toBeGreaterThanOrEqual(2);
    expect(u.sources.join('; ')).toMatch(/shipped profile/);
    const fitted = fitUncertainty(fitWorkload(observed(true).obs), obs, 0.1);
    expect(fitted.scale?.gcMs).toBeLessThan(0.5);
  });
});
