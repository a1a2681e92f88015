/**
 * The other drill scenarios, each with its runbook and the service's matching
 * mitigation: verification must pass within the drill, as it does for thrash.
 * A file of its own so it runs beside tests/cli/drill.integration.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { postmortemPath, runDrill } from '../helpers/drill.js';
import { labMissing } from '../helpers/lab.js';

const missing = labMissing();
if (missing) console.log(missing);

describe.skipIf(missing !== undefined)('gc-incident drill --scenario', () => {
  it.each([
    ['full-collection', /admin\/threshold\?t0=50000&t1=20&t2=100: 200/, 3],
    ['disabled', /admin\/enable: 200/, 3],
    // Held for 30 s: a single collection would hold only while the allocator reuses what it
    // freed (checked by hand: /admin/collect alone fails at the deadline).
    ['cycles', /admin\/collect\?every=5: 200/, 30],
  ])(
    '%s: the mitigation ends the incident and verification passes',
    async (scenario, action, seconds) => {
      const run = await runDrill(scenario);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(action);
      expect(run.stdout).toMatch(new RegExp(`→ verified: the criteria held for ${seconds} s`));
      expect(run.stdout).toMatch(/status resolved, phase follow-up/);
      const postmortem = readFileSync(postmortemPath(run.stdout) as string, 'utf8');
      expect(postmortem).toContain('## Verification');
      if (scenario === 'full-collection') {
        // The bundled service exports pauses: the p99 full-collection pause decided.
        expect(postmortem).toMatch(/`full-collection-pauses`\) \| done \| [\d.]+ \| > 1 \| holds/);
        expect(postmortem).toMatch(/`decided-by`\) \| query \| done \| 1 series from/);
      }
    },
    240_000,
  );
});
