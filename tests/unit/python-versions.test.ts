/** Which model each CPython release gets, from every place a version is written. */
import { describe, expect, it } from 'vitest';
import { reportedRuntimes } from '../../src/core/checks/runtime.js';
import { GcIncidentError } from '../../src/core/errors.js';
import { simulate } from '../../src/core/simulator/simulate.js';
import {
  isMeasuredVersion,
  MODEL_COVERS,
  MODELLED_PYTHONS,
  modelForVersion,
  pythonSpecProblem,
  resolvePython,
} from '../../src/core/simulator/versions.js';
import { applyWhatIf } from '../../src/core/simulator/what-if.js';
import { normalizeWorkload, type WorkloadDocument } from '../../src/core/simulator/workload.js';

const doc = (python: string): WorkloadDocument => ({
  python,
  iterations: 200,
  each_iteration: [{ cycle: { size: 2 } }, { keep: 1 }],
});

describe('resolvePython: any 3.x from 3.8 to the collector that release ships', () => {
  it.each([
    ['3.8', '3.8'],
    ['3.12.1', '3.12'],
    ['3.13t', '3.13t'],
    ['3.14.0', '3.14-incremental'],
    ['3.14.2', '3.14-incremental'],
    ['3.14.4', '3.14-incremental'],
    ['3.14.5', '3.14'],
    ['3.14.10', '3.14'],
    ['3.14', '3.14'],
    ['3.14.2t', '3.14t'],
    ['3.14t', '3.14t'],
    ['3.15', '3.15'],
    ['3.15.2', '3.15'],
    ['3.14-incremental', '3.14-incremental'],
  ])('%s → %s', (spec, model) => {
    expect(resolvePython(spec, `--python ${spec}`)).toBe(model);
  });

  it.each([
    ['3.7', /oldest modelled is 3\.8/],
    ['3.16', /3\.16's collector is not known yet.*newest modelled is 3\.15/],
    ['3.12t', /free-threaded builds exist from 3\.13/],
    ['3.15t', /free-threaded 3\.15 collector is not modelled.*3\.14t is the nearest/],
    ['2.7', /not a CPython version/],
    ['three', /not a CPython version/],
  ])('%s is refused with the reason', (spec, reason) => {
    expect(pythonSpecProblem(spec)).toMatch(reason);
    expect(() => resolvePython(spec, `--python ${spec}`)).toThrow(GcIncidentError);
    expect(() => resolvePython(spec, `--python ${spec}`)).toThrow(`--python ${spec}:`);
  });

  it('python_info versions (release candidates included) get the same models', () => {
    expect(modelForVersion('3.14.0rc1')).toBe('3.14-incremental');
    expect(modelForVersion('3.15.2')).toBe('3.15');
    expect(modelForVersion('3.15.0')).toBe('3.15');
    expect(modelForVersion('3.16.0a1')).toBeUndefined();
    expect(modelForVersion('3.14.10', true)).toBe('3.14t');
  });

  it('every model says which releases it covers, and which are measured', () => {
    for (const python of MODELLED_PYTHONS) expect(MODEL_COVERS[python]).toMatch(/^3\.1?[0-9]/);
    expect(MODEL_COVERS['3.14-incremental']).toBe('3.14.0 to 3.14.4');
    expect(MODEL_COVERS['3.14']).toBe('3.14.5 and later');
    expect(MODELLED_PYTHONS.filter(isMeasuredVersion)).toEqual([
      '3.8',
      '3.9',
      '3.10',
      '3.11',
      '3.12',
      '3.13',
      '3.14',
      '3.15',
    ]);
  });
});

describe('the workload, the what-if and the simulation agree', () => {
  it("a workload's python: takes a release with a patch level", () => {
    expect(normalizeWorkload(doc('3.14.2')).python).toBe('3.14-incremental');
    expect(normalizeWorkload(doc('3.14.2')).thresholds).toEqual([2000, 10, 0]);
    expect(normalizeWorkload(doc('3.15')).thresholds).toEqual([2000, 10, 10]);
    expect(() => normalizeWorkload(doc('3.16'))).toThrow(/python: 3\.16: .*not known yet/);
  });

  it('python=3.14.5 and python=3.14-incremental compare the two 3.14 collectors', () => {
    const base = normalizeWorkload(doc('3.14.2'));
    expect(applyWhatIf(base, 'python=3.14.5').python).toBe('3.14');
    expect(applyWhatIf(base, 'python=3.14.5').thresholds).toEqual([2000, 10, 10]);
    expect(applyWhatIf(base, 'python=3.14-incremental').python).toBe('3.14-incremental');
    expect(() => applyWhatIf(base, 'python=3.16')).toThrow(/what-if 'python=3\.16'/);
  });

  it('a simulation names the releases its model covers and whether it is measured', () => {
    const r315 = simulate(normalizeWorkload(doc('3.15')));
    expect([r315.python, r315.covers, r315.collector, r315.fidelity]).toEqual([
      '3.15',
      '3.15.x',
      'generational',
      'measured',
    ]);
    const r142 = simulate(normalizeWorkload(doc('3.14.2')));
    expect([r142.covers, r142.collector, r142.fidelity]).toEqual([
      '3.14.0 to 3.14.4',
      'incremental',
      'model only',
    ]);
    // 3.15 keeps 3.14.5+'s collector: the same numbers.
    const r14 = simulate(normalizeWorkload(doc('3.14.10')));
    expect({ stats: r315.stats, count: r315.count }).toEqual({ stats: r14.stats, count: r14.count });
  });
});

describe('reportedRuntimes: the one python_info lookup', () => {
  const metrics = (version: string, fail = false) => ({
    queries: [] as string[],
    async instant(_ds: string, query: string) {
      this.queries.push(query);
      if (fail) throw new Error('down');
      return [{ labels: { implementation: 'CPython', version }, value: 1 }];
    },
    async range() {
      return [];
    },
  });

  it('a 3.15 service is modelled as 3.15, a 3.14.2 one as the incremental collector', async () => {
    const at = new Date(0);
    const m = metrics('3.15.2');
    const r = await reportedRuntimes(m, 'default', { job: 'api' }, at);
    expect(m.queries).toEqual(['python_info{job="api"}']);
    expect(r.runtimes[0]?.modelled).toBe('3.15');
    const old = await reportedRuntimes(metrics('3.14.2'), 'default', { job: 'api' }, at);
    expect(old.runtimes[0]?.collector).toBe('incremental (3.14.0 to 3.14.4)');
  });

  it('no job, no client or a datasource down: nothing known, no error', async () => {
    const at = new Date(0);
    expect((await reportedRuntimes(undefined, 'default', { job: 'api' }, at)).runtimes).toEqual([]);
    expect((await reportedRuntimes(metrics('3.15.2'), 'default', {}, at)).runtimes).toEqual([]);
    expect((await reportedRuntimes(metrics('3.15.2', true), 'default', { job: 'a' }, at)).runtimes).toEqual(
      [],
    );
  });
});

describe('PYTHON_ROOTS', () => {
  it('is a colon-separated list of absolute directories', async () => {
    const { readLocalConfig } = await import('../../src/config.js');
    expect(readLocalConfig({}).pythonRoots).toEqual([]);
    expect(readLocalConfig({ PYTHON_ROOTS: '/a:/b/c' }).pythonRoots).toEqual(['/a', '/b/c']);
    expect(() => readLocalConfig({ PYTHON_ROOTS: 'relative/root' })).toThrow(
      "PYTHON_ROOTS must list absolute directories separated by ':' (got 'relative/root')",
    );
  });
});
