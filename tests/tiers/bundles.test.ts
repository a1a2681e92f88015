/**
 * The suite's worker threads load bundles made once per run (tests/tiers/bundles.ts), not
 * their TypeScript through tsx: every worker module in src/ has one, and the folder is named to the
 * test processes. That the bundles do the sources' work is what every simulation, fit and chart
 * test of the suite checks, since those run in these bundles.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getEnvironmentData } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createChartRenderer } from '../../src/adapters/charts/render-in-worker.js';
import { WORKER_BUNDLES_KEY } from '../../src/adapters/workers/start-worker.js';
import { helperEntry, PROCESS_HELPERS, workerModules } from './bundles.js';

describe('worker bundles', () => {
  it('finds the worker modules by the names src/ starts them by', () => {
    expect(Object.keys(workerModules()).sort()).toEqual(['chart-worker', 'fit-worker', 'simulation-worker']);
  });

  it('this run has a bundle for every worker module, and names its folder to the test processes', () => {
    const dir = getEnvironmentData(WORKER_BUNDLES_KEY);
    expect(dir, 'tests/tiers/global-setup.ts did not run').toBeTypeOf('string');
    for (const name of Object.keys(workerModules()))
      expect(existsSync(join(dir as string, `${name}.mjs`)), name).toBe(true);
  });

  it('a bundled worker draws a chart, with the packages it imports resolved from node_modules', async () => {
    const renderer = createChartRenderer({ idleMs: 0 });
    try {
      const svg = await renderer.svg({
        width: 40,
        height: 20,
        data: [{ name: 'd', values: [{ x: 1 }] }],
        marks: [
          { type: 'rect', from: { data: 'd' }, encode: { enter: { x: { value: 0 }, width: { value: 10 } } } },
        ],
      });
      expect(svg).toMatch(/^<svg/);
    } finally {
      await renderer.close();
    }
  });
});

describe('process helpers', () => {
  it("run from this run's bundle, or from the source under tsx without one", () => {
    const [app] = PROCESS_HELPERS;
    const bundled = helperEntry(app as string);
    expect(bundled).toHaveLength(1);
    expect(bundled[0]).toMatch(/app-process\.mjs$/);
    expect(helperEntry(app as string, {})).toEqual(['--import', 'tsx', app]);
  });
});
