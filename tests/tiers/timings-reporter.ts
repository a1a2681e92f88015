/**
 * A vitest reporter that records the seconds each test file took, start to end (preparation,
 * import, setup, and its tests and hooks), into tests/tiers/file-seconds.json, for the suite's
 * order (tests/tiers/sequencer.ts). Files that did not run keep their recorded seconds.
 *
 *   npm run test:timings        (the whole suite, as `vitest run`, with this reporter added)
 *
 * The time is the file's own, not its tests' sum: a file whose long wait is in `beforeAll` (the
 * fit tests wait for Prometheus to hold a window there) is long, and starts early.
 */
import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';
import { FILE_SECONDS, recordedSeconds, repoPath } from './sequencer.js';

/** Seconds from the start of a file's preparation to the end of its last hook, to a tenth. */
export function fileSeconds(module: TestModule): number {
  const d = module.diagnostic();
  const ms =
    d.environmentSetupDuration + d.prepareDuration + d.collectDuration + d.setupDuration + d.duration;
  return Math.round(ms / 100) / 10;
}

export default class TimingsReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const table = recordedSeconds();
    for (const module of modules) {
      if (module.state() !== 'skipped') table.set(repoPath(module.moduleId), fileSeconds(module));
    }
    const sorted = Object.fromEntries([...table].sort(([a], [b]) => a.localeCompare(b)));
    writeFileSync(FILE_SECONDS, `${JSON.stringify(sorted, null, 2)}\n`);
    console.log(`recorded the seconds of ${modules.length} test files in ${repoPath(FILE_SECONDS)}`);
  }
}
