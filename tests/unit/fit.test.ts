/** The fit, pure: observations in, a schema-valid workload that reproduces them, a diagnosis, coded errors. */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/core/fit/diagnose.js';
import { fitWorkload } from '../../src/core/fit/fit-workload.js';
import type { GcObservations, PerGeneration } from '../../src/core/fit/observations.js';
import { renderFittedWorkload } from '../../src/core/fit/render.js';
import { validateWorkloadBytes } from '../../src/core/runbook/validate.js';
import { simulate } from '../../src/core/simulator/simulate.js';
import { normalizeWorkload, type WorkloadDocument } from '../../src/core/simulator/workload.js';
import { schemaValidator } from '../helpers/runbooks.js';

function observations(over: Partial<GcObservations>): GcObservations {
  return {
    job: 'api',
    datasource: 'default',
    windowSeconds: 900,
    end: new Date('2026-12-02T15:00:00Z'),
    pythonVersion: '3.11.7',
    implementation: 'CPython',
    instances: 1,
    collections: [0, 0, 0],
    collected: [0, 0, 0],
    thresholds: undefined,
    meanPause: undefined,
    frozen: undefined,
    pending: undefined,
    enabled: undefined,
    sources: ['python_gc_collections_total{job="api"}'],
    ...over,
  };
}

/** What a service running `doc` would export: its simulated rates. */
function observed(doc: WorkloadDocument): GcObservations {
  const r = simulate(normalizeWorkload(doc));
  const sec = r.perSecond?.seconds ?? 1;
  const per = (key: 'collections' | 'collected') =>
    r.stats.map((s) => s[key] / sec) as unknown as PerGeneration;
  return observations({
    pythonVersion: `${doc.python}.1`,
    collections: per('collections'),
    collected: per('collected'),
    thresholds: r.thresholds,
  });
}

describe('fit', () => {
  it('recovers the collection rates of services with young garbage, old garbage and a churning cache', () => {
    const services: WorkloadDocument[] = [
      {
        python: '3.12',
        iterations: 30000,
        rate: 1000,
        each_iteration: [{ cycle: { size: 2 } }, { temp: 4 }],
      },
      {
        python: '3.11',
        iterations: 40000,
        rate: 2000,
        setup: { heap: 200000 },
        each_iteration: [{ cycle: { size: 4 } }, { cycle: { size: 2, lifetime: 300 } }],
      },
      {
        python: '3.9',
        iterations: 30000,
        rate: 1000,
        setup: { heap: 100000 },
        each_iteration: [{ cycle: { size: 6 } }, { cache: { size: 5000, insert: 10 } }],
      },
    ];
    for (const service of services) {
      const obs = observed(service);
      const fit = fitWorkload(obs);
      for (const q of fit.quality.filter((x) => x.series === 'collections' && x.observed * 900 >= 10)) {
        expect(
          Math.abs(q.errorPercent ?? 100),
          `${JSON.stringify(service.each_iteration)} gen ${q.generation}`,
        ).toBeLessThan(15);
      }
      expect(fit.python).toBe(service.python);
    }
  });

  it('writes a normal workload, with provenance and quality in comments', () => {
    const obs = observed({
      python: '3.12',
      iterations: 20000,
      rate: 1000,
      each_iteration: [{ cycle: { size: 3 } }],
    });
    const fit = fitWorkload(obs);
    const yaml = renderFittedWorkload(fit, obs);
    const result = validateWorkloadBytes('fit.yaml', new TextEncoder().encode(yaml), schemaValidator());
    expect(result.diagnostics).toEqual([]);
    expect(result.data?.rate).toBeGreaterThan(0);
    expect(yaml).toContain("# Fitted by 'gc-incident fit' to job 'api'");
    expect(yaml).toContain('2026-12-02T15:00:00.000Z');
    expect(yaml).toContain('#   python_gc_collections_total{job="api"}');
    expect(yaml).toMatch(/# {3}collections gen 0: fitted [0-9.]+\/s, observed [0-9.]+\/s \([+-][0-9.]+ %\)/);
    expect(yaml).toContain('# diagnosis: ');
  });

  it('refuses interpreters it does not model, with a coded error', () => {
    for (const over of [
      { pythonVersion: '3.7.16' },
      { pythonVersion: '3.14.0' },
      { implementation: 'PyPy', pythonVersion: '3.10.13' },
      { pythonVersion: undefined },
    ]) {
      expect(() => fitWorkload(observations({ ...over, collections: [1, 0.1, 0] }))).toThrow(
        expect.objectContaining({ code: 'FIT_PYTHON_UNSUPPORTED' }),
      );
    }
    expect(
      fitWorkload(
        observations({ pythonVersion: undefined, collections: [1, 0.1, 0], collected: [700, 0, 0] }),
        '3.12',
      ).python,
    ).toBe('3.12');
  });
});

describe('diagnosis', () => {
  const shape = { heap: 50_000, promotedPerSecond: 100, thresholds: [700, 10, 10] as const };
  const cases: [Partial<GcObservations>, string, string | undefined][] = [
    [{ collections: [0, 0, 0], enabled: 0 }, 'collector-disabled', 'gc-disabled-or-starved'],
    [{ collections: [10, 1, 0.01], frozen: 1_000_000 }, 'frozen-heap', 'gc-prefork-copy-on-write'],
    [
      { collections: [30, 3, 1], collected: [20000, 1000, 500] },
      'old-generation-growth',
      'gc-full-collection-latency',
    ],
    [
      { collections: [20, 2, 0.01], collected: [5000, 2000, 3000] },
      'cycle-garbage',
      'gc-cyclic-garbage-growth',
    ],
    [
      { collections: [610, 60, 0.02], collected: [420000, 1000, 10] },
      'allocation-churn',
      'gc-thrash-allocation-churn',
    ],
    [{ collections: [3, 0.3, 0.001], collected: [2000, 10, 1] }, 'healthy', undefined],
  ];
  for (const [over, mode, runbook] of cases) {
    it(`${mode}, with one sentence of evidence and the runbook`, () => {
      const d = diagnose(observations(over), { ...shape, thresholds: [700, 10, 10] });
      expect(d.mode).toBe(mode);
      expect(d.runbook).toBe(runbook);
      expect(d.evidence.length).toBeGreaterThan(20);
      expect(d.evidence).not.toContain('\n');
    });
  }
  it('frequent full collections on a fast-allocating service are churn when young collections do most of the work', () => {
    // The bundled churn service on an idle machine: the long-lived heuristic lets a full collection
    // through every few seconds, yet young collections scan far more objects per second.
    const observed = observations({ collections: [3246, 295, 0.26], collected: [2265341, 215662, 1251] });
    expect(
      diagnose(observed, { heap: 852_000, promotedPerSecond: 519, thresholds: [700, 10, 10] }).mode,
    ).toBe('allocation-churn');
    // The same full collections over a heap twenty times larger do dominate: old-generation growth.
    expect(
      diagnose(observed, { heap: 20_000_000, promotedPerSecond: 519, thresholds: [700, 10, 10] }).mode,
    ).toBe('old-generation-growth');
  });

  it('the churn evidence gives the young collections and the net allocations behind them', () => {
    const d = diagnose(observations({ collections: [610, 60, 0.02], collected: [420000, 1000, 10] }), {
      ...shape,
      thresholds: [700, 10, 10],
    });
    expect(d.evidence).toMatch(
      /^gen-0 collections 610\/s from 470k net container allocations\/s; 100 % of the garbage dies young$/,
    );
  });
});
