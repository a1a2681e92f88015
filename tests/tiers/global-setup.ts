/**
 * Once per `vitest` run, before any test file: the worker modules and the process helpers are
 * bundled (tests/tiers/bundles.ts) into a folder of this run's own, which the test processes find
 * in GC_INCIDENT_TEST_BUNDLES (they start after this, with this environment). Watch mode bundles
 * again before each rerun, so an edited source is what the next run loads.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { BUNDLES_ROOT, BUNDLES_VARIABLE, bundleForRun } from './bundles.js';

/** A run killed before its teardown leaves its folder (about 3 MB): those a day old go. */
const STALE_MS = 24 * 3600_000;

function removeStale(now: number): void {
  for (const name of readdirSync(BUNDLES_ROOT)) {
    const path = join(BUNDLES_ROOT, name);
    if (now - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  mkdirSync(BUNDLES_ROOT, { recursive: true });
  removeStale(Date.now());
  const dir = mkdtempSync(join(BUNDLES_ROOT, 'run-'));
  await bundleForRun(dir);
  process.env[BUNDLES_VARIABLE] = dir;
  project.onTestsRerun(async () => {
    await bundleForRun(dir);
  });
  return () => rmSync(dir, { recursive: true, force: true });
}
