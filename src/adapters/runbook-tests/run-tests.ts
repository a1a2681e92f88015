/**
 * Runs loaded test files: every group's series placed on one time line (a day apart, so no
 * range selector reaches the previous group), one Prometheus for the whole run, every case
 * through `runCase`. A result points at the runbook line of the check that decided.
 */

import { type CaseVerdict, runCase } from '../../core/runbook-tests/run-case.js';
import type { Position } from '../../core/yaml/load-yaml.js';
import { type PlacedSeries, startSeriesEngine } from './series-engine.js';
import type { LoadedTestFile } from './test-files.js';

export interface CaseResult extends CaseVerdict {
  readonly testFile: string;
  readonly testPosition: Position;
  readonly group: string;
  readonly name: string;
  readonly runbookFile: string;
  /** The runbook line of the check that decided, or the runbook's first line. */
  readonly runbookPosition: Position;
}

/** Where the first group starts: a fixed instant, so a run is reproducible. */
const TIME_LINE_START_MS = Date.UTC(2024, 0, 1);
const GAP_BETWEEN_GROUPS_MS = 24 * 3600 * 1000;

export async function runTestFiles(
  files: readonly LoadedTestFile[],
  searchPath: string | undefined,
): Promise<CaseResult[]> {
  const starts: number[][] = [];
  const placed: PlacedSeries[] = [];
  let cursor = TIME_LINE_START_MS;
  for (const file of files) {
    const fileStarts: number[] = [];
    for (const group of file.groups) {
      fileStarts.push(cursor);
      placed.push({ startMs: cursor, intervalMs: group.intervalMs, series: group.series });
      cursor +=
        Math.ceil((group.extentMs + GAP_BETWEEN_GROUPS_MS) / GAP_BETWEEN_GROUPS_MS) * GAP_BETWEEN_GROUPS_MS;
    }
    starts.push(fileStarts);
  }
  const engine = await startSeriesEngine(placed, searchPath);
  const results: CaseResult[] = [];
  try {
    for (const [fi, file] of files.entries()) {
      for (const [gi, group] of file.groups.entries()) {
        const startMs = starts[fi]?.[gi] ?? TIME_LINE_START_MS;
        for (const c of group.cases) {
          const verdict = await runCase(file.runbook, c.plan, group.inputs, engine.metrics, startMs);
          const d = verdict.decider;
          results.push({
            ...verdict,
            testFile: file.file,
            testPosition: c.position,
            group: group.name,
            name: c.name,
            runbookFile: file.runbookFile,
            runbookPosition: d
              ? file.runbookLocate.at([d.section, 'checks', d.index, d.field])
              : { line: 1, col: 1 },
          });
        }
      }
    }
  } finally {
    await engine.stop();
  }
  return results;
}
