/**
 * Orders the suite's files for three workers on two cores (vitest.config.ts): the integration tier
 * first, longest first, then the fast tier, longest first, by the seconds each file took in a
 * recorded run (tests/tiers/file-seconds.json; `npm run test:timings` refreshes it).
 *
 * - The longest integration files mostly wait on real services and real windows; started first,
 *   they run while the shorter files fill the cores around them, instead of one of them starting
 *   last and running alone (a 40 s file did, at the end of a run with a core idle: docs/testing.md).
 * - The fast tier runs without isolation: vitest hands a worker its next file without restarting
 *   it only when that file is also a shared-worker file, so the fast files stay together. Mixed in
 *   among the integration files, each fast file restarted its worker and imports doubled (56 s →
 *   107 s of the run's CPU).
 *
 * Vitest's own order runs the fast tier, then the integration tier, largest file first; it knows
 * durations only from a local results cache, which CI's fresh clone does not have.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { isIntegrationTest } from './tiers.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** Where the recorded seconds live (written by tests/tiers/timings-reporter.ts). */
export const FILE_SECONDS = join(ROOT, 'tests/tiers/file-seconds.json');

/** A test module's path as the table keys it: repository-relative, forward slashes. */
export function repoPath(moduleId: string): string {
  return relative(ROOT, moduleId).replaceAll('\\', '/');
}

/** Seconds per repository-relative test file, from a recorded run. */
export function recordedSeconds(): Map<string, number> {
  const table = JSON.parse(readFileSync(FILE_SECONDS, 'utf8')) as Record<string, number>;
  return new Map(Object.entries(table));
}

/**
 * Integration files before fast ones; within a tier, longest first. A file the table does not know
 * yet (a new one) goes first in its tier, as vitest runs unknown files first: it may be long. Ties
 * keep the path order, so runs repeat.
 */
export function suiteOrder(paths: readonly string[], seconds: ReadonlyMap<string, number>): string[] {
  const tier = (path: string) => (isIntegrationTest(path) ? 0 : 1);
  const expected = (path: string) => seconds.get(path) ?? Number.POSITIVE_INFINITY;
  return [...paths].sort((a, b) => tier(a) - tier(b) || expected(b) - expected(a) || a.localeCompare(b));
}

export default class SuiteSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const paths = new Map(files.map((spec) => [spec, repoPath(spec.moduleId)]));
    const order = suiteOrder([...new Set(paths.values())], recordedSeconds());
    const rank = new Map(order.map((path, index) => [path, index]));
    const rankOf = (spec: TestSpecification) => rank.get(paths.get(spec) ?? '') ?? 0;
    return [...files].sort((a, b) => rankOf(a) - rankOf(b));
  }
}
