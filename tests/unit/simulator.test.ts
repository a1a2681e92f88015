import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { reproScript } from '../../src/core/simulator/repro.js';
import { simulate } from '../../src/core/simulator/simulate.js';
import { applyWhatIf } from '../../src/core/simulator/what-if.js';
import {
  type ModelledPython,
  normalizeWorkload,
  type WorkloadDocument,
} from '../../src/core/simulator/workload.js';
import { randomWorkload } from '../helpers/random-workloads.js';
import { REPO } from '../helpers/runbooks.js';

const fixture = (name: string) =>
  parse(readFileSync(join(REPO, 'tests/fixtures/workloads', `${name}.yaml`), 'utf8')) as WorkloadDocument;
const run = (doc: WorkloadDocument, python?: ModelledPython) => simulate(normalizeWorkload(doc, python));
const totalCollections = (r: ReturnType<typeof run>) => r.stats.reduce((s, g) => s + g.collections, 0);

describe('skip-ahead fast path', () => {
  it('replays whole collections (segments) without changing any reported figure', () => {
    // Many collections per timeline bucket, so recorded segments are replayed thousands of times;
    // every field of the result (stats, counts, pauses, per-second rates, heap timeline) compared.
    const docs: WorkloadDocument[] = [
      { name: 'ring churn', python: '3.12', iterations: 100_000, each_iteration: [{ cycle: { size: 2 } }] },
      {
        name: 'request mix',
        python: '3.12',
        setup: { heap: 50_000 },
        iterations: 50_000,
        rate: 1000,
        each_iteration: [
          { keep: 1 },
          { temp: 5 },
          { cycle: { size: 4 } },
          { cycle: { size: 2, finalizer: true } },
        ],
      },
      {
        name: 'periodic',
        python: '3.12',
        iterations: 30_000,
        each_iteration: [{ keep: 2 }, { cycle: { size: 3 }, kind: 'list' }],
        every: [{ period: 777, action: 'collect', generation: 1 }],
      },
    ];
    for (const doc of docs) {
      for (const python of ['3.8', '3.11', '3.12', '3.13'] as const) {
        const w = normalizeWorkload(doc, python);
        // 50 buckets: segments and cycles; 3 buckets: whole generation-1 periods fit in one too.
        for (const timelinePoints of [50, 3]) {
          const fast = simulate(w, { timelinePoints });
          expect(fast, `${doc.name} ${python} ${timelinePoints}`).toEqual(
            simulate(w, { skipAhead: false, timelinePoints }),
          );
          expect(fast.stats[1]?.collections, `${doc.name} ${python}`).toBeGreaterThan(5);
        }
      }
    }
  });

  it('replays many turns of a period across timeline buckets exactly', () => {
    // Low thresholds make generation-1 periods short (about 100 iterations), so a progress step
    // holds several turns and buckets end inside turns, at their ends and between segments.
    const doc: WorkloadDocument = {
      name: 'short periods',
      python: '3.12',
      iterations: 60_000,
      thresholds: [50, 3, 10],
      each_iteration: [{ keep: 1 }, { cycle: { size: 2 } }, { cycle: { size: 3 }, kind: 'list' }],
    };
    for (const python of ['3.8', '3.11', '3.12', '3.13'] as const) {
      const w = normalizeWorkload(doc, python);
      for (const timelinePoints of [400, 77, 5]) {
        expect(simulate(w, { timelinePoints }), `${python} ${timelinePoints}`).toEqual(
          simulate(w, { skipAhead: false, timelinePoints }),
        );
      }
    }
  });

  it('does not take an iteration that froze the heap as the pattern for skipping others', () => {
    // gc.freeze() every 1258 iterations resets count0; once the heap was frozen, such an iteration
    // looked quiet, and skipping ahead with it drove count0 below zero (3.13, 3.14).
    const doc: WorkloadDocument = {
      name: 'freeze',
      python: '3.13',
      iterations: 23_185,
      setup: { heap: 18_140, kind: 'dict' },
      each_iteration: [
        { cycle: { size: 1 }, kind: 'list' },
        { temp: 14, kind: 'list' },
      ],
      every: [{ period: 1258, action: 'freeze' }],
    };
    for (const python of ['3.12', '3.13', '3.14'] as const) {
      const w = normalizeWorkload(doc, python);
      expect(simulate(w), python).toEqual(simulate(w, { skipAhead: false }));
    }
  });

  it('replays whole generation-1 periods exactly, also where more collections follow in the same iteration', () => {
    // A bulk of list objects collects several times per iteration on 3.8-3.11: the generation-1
    // collection can be followed by another one whose generation depends on count2, so such a
    // period is not replayed (this workload differed in count and stats when it was).
    const doc: WorkloadDocument = {
      name: 'bulk lists',
      python: '3.8',
      iterations: 22_443,
      each_iteration: [
        { temp: 3, kind: 'plain' },
        { cycle: { size: 1 } },
        { cycle: { size: 2 }, kind: 'list' },
        { bulk: 1591, kind: 'list' },
      ],
    };
    for (const python of ['3.8', '3.11', '3.12'] as const) {
      const w = normalizeWorkload(doc, python);
      for (const timelinePoints of [400, 4]) {
        expect(simulate(w, { timelinePoints }), `${python} ${timelinePoints}`).toEqual(
          simulate(w, { skipAhead: false, timelinePoints }),
        );
      }
    }
  });

  it('gives exactly the step-by-step results on 150 random workloads and every generational version', () => {
    for (let seed = 100; seed < 250; seed++) {
      const doc = randomWorkload(seed, 0.5);
      for (const python of ['3.8', '3.11', '3.12', '3.14'] as const) {
        const w = normalizeWorkload(doc, python);
        // Every field, the heap timeline included: replays close buckets with values they compute.
        expect(simulate(w), `seed ${seed} ${python}`).toEqual(simulate(w, { skipAhead: false }));
      }
    }
  });
});

describe('known CPython behaviour', () => {
  it('pure create-and-drop churn never triggers a collection (alloc/free symmetry)', () => {
    for (const python of ['3.8', '3.12', '3.13'] as const) {
      expect(totalCollections(run(fixture('w03-temp'), python))).toBe(0);
    }
  });

  it('breaking the cycles removes every collection of the ring workload', () => {
    const w = applyWhatIf(normalizeWorkload(fixture('w01-ring2'), '3.12'), 'break-cycles');
    expect(simulate(w).stats.map((s) => s.collections)).toEqual([0, 0, 0]);
  });

  it('3.12 with threshold 2000 gives exactly the 3.13 defaults (the 3.13 change is the threshold)', () => {
    for (const name of ['w01-ring2', 'w02-keep', 'w04-keep-temp-ring']) {
      const at2000 = simulate(applyWhatIf(normalizeWorkload(fixture(name), '3.12'), 'threshold=2000,10,10'));
      const on313 = run(fixture(name), '3.13');
      expect(at2000.stats).toEqual(on313.stats);
      expect(at2000.count).toEqual(on313.count);
    }
  });

  it('3.12 runs one collection after a bulk C call where 3.11 runs many during it', () => {
    const on311 = run(fixture('w07-bulk'), '3.11');
    const on312 = run(fixture('w07-bulk'), '3.12');
    expect(totalCollections(on311)).toBeGreaterThan(5 * totalCollections(on312));
  });

  it('3.8 frees nothing in a collection where something was resurrected; 3.9+ frees the rest', () => {
    const on38 = run(fixture('w06-resurrect'), '3.8');
    const on39 = run(fixture('w06-resurrect'), '3.9');
    expect(on38.stats[0]?.collected).toBe(0);
    expect(on39.stats[0]?.collected).toBeGreaterThan(0);
  });

  it('freezing a big heap adds full collections but makes each one cheap', () => {
    const doc = parse(
      readFileSync(join(REPO, 'workloads/full-collection-latency.yaml'), 'utf8'),
    ) as WorkloadDocument;
    const base = normalizeWorkload(doc);
    const baseline = simulate(base);
    const frozen = simulate(applyWhatIf(base, 'freeze'));
    expect(frozen.stats[2]?.collections).toBeGreaterThan(baseline.stats[2]?.collections ?? 0);
    expect(frozen.pauses.maxMs).toBeLessThan(baseline.pauses.maxMs / 2);
  });

  it('the freeze what-if collects first, so the long-lived total stays at the heap and full collections keep their pace', () => {
    // 400k long-lived objects, 2 survivors promoted per iteration: a full collection needs 100k
    // promotions (a quarter of the heap), more than this run makes. Freezing before the
    // collection (long-lived total 0) would run one every 11th generation-1 collection instead.
    const doc: WorkloadDocument = {
      name: 'freeze-at-run-time',
      python: '3.11',
      thresholds: [100, 10, 10],
      setup: { heap: 400_000 },
      iterations: 40_000,
      each_iteration: [{ keep: 2 }, { cycle: { size: 2 } }],
    };
    const base = normalizeWorkload(doc);
    const baseline = simulate(base);
    const frozen = simulate(applyWhatIf(base, 'freeze'));
    const frozenBeforeCollect = simulate({ ...base, setup: { ...base.setup, freeze: true } });
    expect(baseline.stats[2]?.collections).toBe(0);
    expect(frozen.stats[2]?.collections).toBe(0);
    expect(frozenBeforeCollect.stats[2]?.collections).toBeGreaterThan(3);
    expect(frozen.stats[1]?.collections).toBe(baseline.stats[1]?.collections);
    expect(reproScript(applyWhatIf(base, 'freeze'))).toMatch(/gc\.collect\(\)\ngc\.freeze\(\)/);
  });

  it('disable+collect runs only the explicit full collections', () => {
    const w = applyWhatIf(normalizeWorkload(fixture('w01-ring2'), '3.12'), 'disable+collect=5000');
    expect(simulate(w).stats.map((s) => s.collections)).toEqual([0, 0, 4]);
  });
});

describe('model-only versions', () => {
  it('are labelled model only; 3.14.5+ and 3.15 are measured (Debian root, tests/integration)', () => {
    for (const python of ['3.14-incremental', '3.13t', '3.14t'] as const) {
      expect(run(fixture('w01-ring2'), python).fidelity).toBe('model only');
    }
    for (const python of ['3.13', '3.14', '3.15'] as const) {
      expect(run(fixture('w01-ring2'), python).fidelity).toBe('measured');
    }
  });

  it('3.14.5+ (generational) behaves as 3.13 on workloads without dicts', () => {
    for (const name of ['w01-ring2', 'w04-keep-temp-ring', 'w05-finalizer', 'w07-bulk']) {
      const a = run(fixture(name), '3.14');
      const b = run(fixture(name), '3.13');
      expect(a.stats).toEqual(b.stats);
    }
  });

  it('3.14 tracks every dict from creation, so kept dicts count in the heap', () => {
    expect(run(fixture('w10-dict'), '3.14').heap.final).toBeGreaterThan(
      run(fixture('w10-dict'), '3.13').heap.final,
    );
  });

  it('the incremental collector books automatic collections as generation 1', () => {
    const r = run(fixture('w04-keep-temp-ring'), '3.14-incremental');
    expect(r.collector).toBe('incremental');
    expect(r.stats[0]?.collections).toBe(0);
    expect(r.stats[2]?.collections).toBe(0);
    expect(r.stats[1]?.collections).toBeGreaterThan(0);
    expect(r.stats[1]?.collected).toBeGreaterThan(0);
  });

  it('the incremental collector keeps automatic pauses small on a big heap', () => {
    const gen = run(fixture('w11-setup-heap'), '3.14');
    const inc = run(fixture('w11-setup-heap'), '3.14-incremental');
    expect(inc.pauses.maxMs).toBeLessThan(gen.pauses.maxMs);
  });

  it('free-threaded builds book automatic full-heap collections as generation 0', () => {
    for (const python of ['3.13t', '3.14t'] as const) {
      const r = run(fixture('w01-ring2'), python);
      expect(r.collector).toBe('free-threaded');
      expect(r.stats[0]?.collections).toBeGreaterThan(0);
      expect(r.stats[1]?.collections).toBe(0);
      expect(r.stats[2]?.collections).toBe(0);
      // Every collection is full: no garbage survives one.
      for (const p of r.heap.timeline) if (p.collections[0] > 0) expect(p.garbage).toBeLessThan(2100);
    }
  });

  it('free-threaded counts move in steps of 512', () => {
    expect((run(fixture('w01-ring2'), '3.13t').count[0] ?? 1) % 512).toBe(0);
  });
});

describe('scale and safety', () => {
  it('an hour at 100,000 net allocations per second runs in bounded memory', () => {
    const doc: WorkloadDocument = {
      name: 'hour',
      python: '3.12',
      iterations: 3_600_000,
      rate: 1000,
      each_iteration: [{ keep: 20 }, { temp: 50 }, { cycle: { size: 40 } }],
    };
    const before = process.memoryUsage().heapUsed;
    const r = run(doc);
    expect(r.stats[0]?.collections).toBeGreaterThan(100_000);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(200 * 1024 * 1024);
    expect(r.heap.timeline.length).toBeLessThanOrEqual(400);
  });

  it('an absurd workload is refused with a coded error, not run', () => {
    const doc: WorkloadDocument = {
      python: '3.12',
      iterations: 10_000_000_000,
      each_iteration: [{ cycle: { size: 100000 } }],
    };
    expect(() => run(doc)).toThrow(expect.objectContaining({ code: 'WORKLOAD_TOO_LARGE' }));
  });

  it('a long simulation reports progress and can be cancelled', () => {
    const seen: number[] = [];
    const w = normalizeWorkload(fixture('w01-ring2'));
    expect(() =>
      simulate(w, {
        onProgress: (f) => {
          seen.push(f);
          return f > 0.3;
        },
      }),
    ).toThrow(expect.objectContaining({ code: 'SIMULATION_CANCELLED' }));
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every((f, i) => i === 0 || f > (seen[i - 1] ?? 0))).toBe(true);
  });

  it('per-second figures need a rate', () => {
    expect(run(fixture('w01-ring2')).perSecond).toBeNull();
    const withRate = run({ ...fixture('w01-ring2'), rate: 1000 });
    expect(withRate.perSecond?.seconds).toBe(20);
    expect(withRate.perSecond?.collections[0]).toBeCloseTo((withRate.stats[0]?.collections ?? 0) / 20);
  });
});

describe('what-if parsing', () => {
  const base = normalizeWorkload(fixture('w01-ring2'));
  it('accepts every documented form', () => {
    expect(applyWhatIf(base, 'threshold=50000').thresholds).toEqual([50000, 10, 10]);
    expect(applyWhatIf(base, 'threshold=50000,20,100').thresholds).toEqual([50000, 20, 100]);
    expect(applyWhatIf(base, 'python=3.13').thresholds).toEqual([2000, 10, 10]);
    expect(applyWhatIf(base, 'freeze').setup.collectThenFreeze).toBe(true);
    expect(applyWhatIf(base, 'disable').disabled).toBe(true);
  });
  it('refuses anything else with USAGE', () => {
    for (const bad of ['thresholds=1', 'python=2.7', 'freeze!', 'disable+collect=0']) {
      expect(() => applyWhatIf(base, bad), bad).toThrow(expect.objectContaining({ code: 'USAGE' }));
    }
  });
});
