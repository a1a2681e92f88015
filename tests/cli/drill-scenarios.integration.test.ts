/**
 * The drill scenarios other than thrash (tests/cli/drill.integration.test.ts),
 * each with its runbook and the service's matching mitigation: verification
 * must pass within the drill. Two have more than one process in the job: a
 * pre-fork master and its workers (copy-on-write), and a rollout half done to
 * a newer CPython.
 *
 * The drills are independent (each its own services, Prometheus, store and
 * folder) and mostly wait on real time, so two run at once (two cores; each
 * drill runs CPython services and a Prometheus), the two longest first
 * (prefork, 20 s of verification; cycles, 30 s) while the short ones follow
 * each other: the file takes about the sum of all five halved.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { findInterpreter } from '../../src/adapters/python/interpreters.js';
import { readLocalConfig } from '../../src/config.js';
import { postmortemPath, runDrill } from '../helpers/drill.js';
import { labMissing, SERVICE_PYTHON } from '../helpers/lab.js';
import { slots } from '../helpers/slots.js';

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

/** Two drills at a time, started in the order they are declared. */
const slot = slots(2);
/** A drill may wait for a slot behind two others before it runs. */
const TIMEOUT = 360_000;

// waits: each drill waits on its real services (ready for 5 s, verification held for its stableFor)
describe.skipIf(missing !== undefined)('gc-incident drill --scenario', () => {
  it.concurrent('prefork: workers copy the master heap; re-forking after gc.freeze() keeps it shared', {
    timeout: TIMEOUT,
  }, async ({ expect }) => {
    const run = await slot(() => runDrill('prefork'));
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
  });

  it.concurrent.for<[string, RegExp, number]>([
    // Held for 30 s: a single collection would hold only while the allocator reuses what it
    // freed (checked by hand: /admin/collect alone fails at the deadline).
    ['cycles', /admin\/collect\?every=5: 200/, 30],
    ['full-collection', /admin\/threshold\?t0=50000&t1=20&t2=100: 200/, 3],
    ['disabled', /admin\/enable: 200/, 3],
  ])(
    '%s: the mitigation ends the incident and verification passes',
    { timeout: TIMEOUT },
    async ([scenario, action, seconds], { expect }) => {
      const run = await slot(() => runDrill(scenario));
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(action);
      expect(run.stdout).toMatch(new RegExp(`→ verified: the criteria held for ${seconds}s`));
      expect(run.stdout).toMatch(/status resolved, phase follow-up/);
      const postmortem = readFileSync(postmortemPath(run.stdout) as string, 'utf8');
      expect(postmortem).toContain('## Verification');
      if (scenario === 'full-collection') {
        // The bundled service exports pauses: the p99 full-collection pause decided.
        expect(postmortem).toMatch(/`full-collection-pauses`\) \| done \| [\d.]+ \| > 1 \| holds/);
        expect(postmortem).toMatch(/`decided-by`\) \| query \| done \| 1 series from/);
      }
    },
  );

  it.skipIf(!newer).concurrent(
    'upgrade: two interpreters in one job are detected; thresholds are tuned on the new one',
    { timeout: TIMEOUT },
    async ({ expect }) => {
      const run = await slot(() => runDrill('upgrade'));
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
  );
});
