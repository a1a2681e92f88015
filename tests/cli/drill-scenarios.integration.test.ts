/**
 * The other drill scenarios, each with its runbook and the service's matching
 * mitigation: verification must pass within the drill, as it does for thrash.
 * A file of its own so it runs beside tests/cli/drill.integration.test.ts.
 * The drills are independent (each its own service, Prometheus, store and
 * folder) and mostly wait on real time, so two run at once: the file takes
 * about the longest drill (cycles, 30 s of verification) plus one more.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { postmortemPath, runDrill } from '../helpers/drill.js';
import { labMissing } from '../helpers/lab.js';
import { slots } from '../helpers/slots.js';

const missing = labMissing();
if (missing) console.log(missing);

/** Two drills at a time: two cores, and each drill runs a CPython service and a Prometheus. */
const slot = slots(2);

describe.skipIf(missing !== undefined)('gc-incident drill --scenario', () => {
  // waits: each drill waits on its real service (ready for 5 s, verification held for its stableFor)
  it.concurrent.for<[string, RegExp, number]>([
    // Held for 30 s: a single collection would hold only while the allocator reuses what it
    // freed (checked by hand: /admin/collect alone fails at the deadline). The longest drill,
    // so first: it takes one slot while the two short ones follow each other in the other.
    ['cycles', /admin\/collect\?every=5: 200/, 30],
    ['full-collection', /admin\/threshold\?t0=50000&t1=20&t2=100: 200/, 3],
    ['disabled', /admin\/enable: 200/, 3],
  ])(
    '%s: the mitigation ends the incident and verification passes',
    { timeout: 240_000 },
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
});
