/**
 * `gc-incident test` on Debian's Prometheus: verification rounds prefetched with one range query
 * per check give exactly the verdicts (and reasons) of one instant query per round, as an
 * incident sends them, on every verification case of the shipped runbooks' test files.
 */
import { describe, expect, it } from 'vitest';
import { findExecutable } from '../../src/adapters/lab/lab.js';
import { startSeriesEngine } from '../../src/adapters/runbook-tests/series-engine.js';
import { loadTestFiles } from '../../src/adapters/runbook-tests/test-files.js';
import { bundledSchemaValidator } from '../../src/composition/validation-context.js';
import { runCase } from '../../src/core/runbook-tests/run-case.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';

const noEngine =
  findExecutable('promtool', process.env.PATH) && findExecutable('prometheus', process.env.PATH)
    ? undefined
    : 'promtool or prometheus not installed (apt-get install prometheus): engine equivalence test skipped';
if (noEngine) console.log(noEngine);

describe.skipIf(noEngine !== undefined)('runbook test engine', () => {
  it('prefetched verification rounds give the verdicts of one instant query per round', async () => {
    const report = loadTestFiles([RUNBOOKS_DIR], RUNBOOKS_DIR, {
      schemas: bundledSchemaValidator(),
      datasources: new Set(['default']),
    });
    expect(report.diagnostics).toEqual([]);
    const day = 24 * 3600 * 1000;
    const groups = report.loaded.flatMap((file) => file.groups.map((group) => ({ file, group })));
    const placed = groups.map(({ group }, i) => ({
      startMs: Date.UTC(2024, 0, 1) + i * day,
      intervalMs: group.intervalMs,
      series: group.series,
    }));
    const engine = await startSeriesEngine(placed, process.env.PATH);
    let compared = 0;
    try {
      for (const [i, { file, group }] of groups.entries()) {
        for (const c of group.cases.filter((k) => k.plan.kind === 'verification')) {
          const start = placed[i]?.startMs ?? 0;
          const fast = await runCase(file.runbook, c.plan, group.inputs, engine.metrics, start);
          const slow = await runCase(file.runbook, c.plan, group.inputs, engine.metrics, start, {
            prefetch: false,
          });
          expect(fast, `${file.file}: ${c.name}`).toEqual(slow);
          expect(fast.pass, `${file.file}: ${c.name}`).toBe(true);
          compared++;
        }
      }
    } finally {
      await engine.stop();
    }
    expect(compared).toBeGreaterThanOrEqual(12);
  });
});
