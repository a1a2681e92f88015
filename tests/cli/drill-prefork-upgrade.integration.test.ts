/**
 * The drill scenarios with more than one process in the job: a pre-fork master
 * and its workers (copy-on-write), and a rollout half done to a newer CPython.
 * A file of its own so it runs beside the other drill tests. The two drills
 * share nothing (each its own services, Prometheus, store and folder) and
 * mostly wait on real time, so they run at once.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { findInterpreter } from '../../src/adapters/python/interpreters.js';
import { readLocalConfig } from '../../src/config.js';
import { postmortemPath, runDrill } from '../helpers/drill.js';
import { labMissing, SERVICE_PYTHON } from '../helpers/lab.js';

const missing = labMissing();
if (missing) console.log(missing);

/** The upgrade drill needs a CPython newer than the service's (3.11 on Debian 12). */
function newerPython(): string | undefined {
  for (const v of ['3.13', '3.12']) {
    try {
      const found = findInterpreter(v, readLocalConfig(process.env));
      if (found.path !== SERVICE_PYTHON) return found.version;
    } catch {
      // not installed
    }
  }
  return undefined;
}
const newer = newerPython();
if (!newer) console.log('no CPython 3.12 or 3.13 found (pyenv or PATH): the upgrade drill test is skipped');

describe.skipIf(missing !== undefined)('gc-incident drill --scenario (several processes)', () => {
  // waits: each drill waits on its real services (ready for 5 s, verification held for its stableFor)
  it.concurrent('prefork: workers copy the master heap; re-forking after gc.freeze() keeps it shared', async ({
    expect,
  }) => {
    const run = await runDrill('prefork');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/with 2 pre-fork workers/);
    const postmortem = readFileSync(postmortemPath(run.stdout) as string, 'utf8');
    // Detection saw the workers' private memory climb (it was measured, not assumed).
    expect(postmortem).toMatch(/worker-memory-climb: running → done \[holds: /);
    expect(run.stdout).toMatch(/admin\/refork\?freeze=1: 200/);
    // Verification held for 20 s: longer than a worker takes to copy the heap when not frozen.
    expect(run.stdout).toMatch(/→ verified: the criteria held for 2\ds/);
    expect(run.stdout).toMatch(/status resolved, phase follow-up/);
    const state = JSON.parse(/The service now reports: (.*)/.exec(run.stdout)?.[1] ?? '{}');
    expect(state.forked_frozen).toBe(true);
    expect(state.frozen).toBeGreaterThan(1_000_000);
  }, 240_000);

  it.skipIf(!newer).concurrent(
    'upgrade: two interpreters in one job are detected; thresholds are tuned on the new one',
    async ({ expect }) => {
      const run = await runDrill('upgrade');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Runtime: CPython 3\.11\.\d+ on 1 instance/);
      expect(run.stdout).toContain(`Runtime: CPython ${newer} on 1 instance`);
      const postmortem = readFileSync(postmortemPath(run.stdout) as string, 'utf8');
      expect(postmortem).toMatch(/mixed-versions: running → done \[holds: max of 1 series: 2 > 1/);
      expect(postmortem).toMatch(/collections-by-version.*\| done \| 2 series/);
      expect(run.stdout).toMatch(/admin\/threshold\?t0=20000&t1=10&t2=10: 200/);
      expect(run.stdout).toMatch(/→ verified: the criteria held for 3s/);
      const state = JSON.parse(/The service now reports: (.*)/.exec(run.stdout)?.[1] ?? '{}');
      expect(state.threshold).toEqual([20000, 10, 10]);
    },
    240_000,
  );
});
