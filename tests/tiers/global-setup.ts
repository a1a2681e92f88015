/**
 * Once per `vitest` run, before any test file: the worker modules are bundled
 * (tests/tiers/worker-bundles.ts) into a folder of this run's own, which the test processes
 * find in GC_INCIDENT_TEST_WORKER_BUNDLES (they are started after this, with this environment).
 * Watch mode bundles again before each rerun, so an edited worker is what the next run loads.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundleWorkers, WORKER_BUNDLES_ROOT } from './worker-bundles.js';

export const WORKER_BUNDLES_VARIABLE = 'GC_INCIDENT_TEST_WORKER_BUNDLES';

/** A run killed before its teardown leaves its folder (under 1 MB): those a day old go. */
const STALE_MS = 24 * 3600_000;

function removeStale(now: number): void {
  for (const name of readdirSync(WORKER_BUNDLES_ROOT)) {
    const path = join(WORKER_BUNDLES_ROOT, name);
    if (now - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  mkdirSync(WORKER_BUNDLES_ROOT, { recursive: true });
  removeStale(Date.now());
  const dir = mkdtempSync(join(WORKER_BUNDLES_ROOT, 'run-'));
  await bundleWorkers(dir);
  process.env[WORKER_BUNDLES_VARIABLE] = dir;
  project.onTestsRerun(async () => {
    await bundleWorkers(dir);
  });
  return () => rmSync(dir, { recursive: true, force: true });
}
