/**
 * Upgrade advice across the 3.14 revert: a service on 3.14.0-3.14.4 (python_info) is told the
 * incremental collector is the likely cause of memory growth, in the upgrade runbook and in the
 * fit's answer, and the runbook's what-if compares the incremental model with 3.14.5+. A
 * service on 3.14.10 is not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { modelledPythonFor } from '../../src/core/fit/fit-workload.js';
import type { GcObservations } from '../../src/core/fit/observations.js';
import { evaluateCondition } from '../../src/core/runbook/conditions.js';
import type { Runbook } from '../../src/core/runbook/types.js';
import { simulate } from '../../src/core/simulator/simulate.js';
import { modelForVersion } from '../../src/core/simulator/versions.js';
import { applyWhatIf } from '../../src/core/simulator/what-if.js';
import { normalizeWorkload } from '../../src/core/simulator/workload.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';

const runbook = parse(
  readFileSync(join(RUNBOOKS_DIR, 'gc-python-upgrade-regression.yaml'), 'utf8'),
) as Runbook;
const step = (id: string) => {
  const found = runbook.triage.steps.find((s) => s.id === id);
  if (!found) throw new Error(`no step ${id}`);
  return found;
};
const applies = (id: string, python: string) => {
  const when = (step(id) as { when?: Parameters<typeof evaluateCondition>[0] }).when;
  if (!when) throw new Error(`step ${id} has no when`);
  return evaluateCondition(when, { checks: new Map(), python, inputs: {} }).met;
};
const observed = (pythonVersion: string): GcObservations => ({
  job: 'api',
  datasource: 'default',
  windowSeconds: 900,
  end: new Date(0),
  pythonVersion,
  implementation: 'CPython',
  instances: 1,
  collections: [0, 1, 0],
  collected: [0, 10, 0],
  thresholds: undefined,
  meanPause: undefined,
  frozen: undefined,
  pending: undefined,
  enabled: undefined,
  sources: [],
});

describe('a 3.14.2 service', () => {
  it('the runbook names the incremental collector as the likely cause of memory growth', () => {
    expect(step('incremental-cause').title).toContain(
      'incremental collector is the likely cause of memory growth',
    );
    expect(step('incremental-cause').guidance).toContain('3.14.5 reverted');
    expect(applies('incremental-cause', '3.14.2')).toBe(true);
    expect(applies('incremental-vs-reverted', '3.14.2')).toBe(true);
  });

  it("the what-if compares the incremental model (the service's) with 3.14.5+", () => {
    const sim = step('incremental-vs-reverted') as { whatIf?: string[]; workload: { ref: string } };
    expect(sim.whatIf).toEqual(['python=3.14-incremental', 'python=3.14.5']);
    const doc = parse(readFileSync(join(RUNBOOKS_DIR, sim.workload.ref), 'utf8'));
    const service = normalizeWorkload(doc, modelForVersion('3.14.2'));
    const [incremental, reverted] = (sim.whatIf ?? []).map((w) => simulate(applyWhatIf(service, w)));
    expect([incremental?.collector, incremental?.covers]).toEqual(['incremental', '3.14.0 to 3.14.4']);
    expect([reverted?.collector, reverted?.covers, reverted?.fidelity]).toEqual([
      'generational',
      '3.14.5 and later',
      'measured',
    ]);
  });

  it("the fit's answer names the incremental collector and the runbook", () => {
    expect(() => modelledPythonFor(observed('3.14.2'))).toThrow(
      /3\.14\.2.*incremental collector of CPython 3\.14\.0 to 3\.14\.4 is the likely cause of memory growth.*gc-python-upgrade-regression/,
    );
  });
});

describe('a 3.14.10 service', () => {
  it('is not told about the incremental collector', () => {
    expect(applies('incremental-cause', '3.14.10')).toBe(false);
    expect(applies('incremental-vs-reverted', '3.14.10')).toBe(false);
    expect(applies('incremental-cause', '3.14.5')).toBe(false);
    expect(applies('incremental-cause', '3.13.0')).toBe(false);
  });

  it('is fitted with the measured 3.14.5+ model', () => {
    expect(modelledPythonFor(observed('3.14.10'))).toBe('3.14');
    expect(modelledPythonFor(observed('3.15.2'))).toBe('3.15');
    // --python: 3.14 without a patch level is the current 3.14 (3.14.5+); 3.14.2 is refused with the cause.
    expect(modelledPythonFor(observed('3.12.1'), '3.14')).toBe('3.14');
    expect(() => modelledPythonFor(observed('3.12.1'), '3.14.2')).toThrow(/incremental collector/);
  });
});
