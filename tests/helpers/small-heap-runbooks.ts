/**
 * The shipped full-collection runbook beside a scaled-down copy of its workload (a 1M-object heap
 * and 200,000 iterations become 40,000 and 8,000): for tests about what is done with a
 * simulation's result (charts, canvases), not about the simulation, whose four variants of the
 * full workload take 10 to 20 s of CPU each time. The simulator's own tests use the full one.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO } from './runbooks.js';

const RUNBOOK = 'gc-full-collection-latency.yaml';
const WORKLOAD = 'full-collection-latency.yaml';

/** A fresh folder holding runbooks/ and workloads/; returns both paths. */
export function smallHeapRunbooks(): { readonly runbooksDir: string; readonly workloadsDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'gc-incident-small-heap-'));
  const runbooksDir = join(root, 'runbooks');
  const workloadsDir = join(root, 'workloads');
  mkdirSync(runbooksDir);
  mkdirSync(workloadsDir);
  copyFileSync(join(REPO, 'runbooks', RUNBOOK), join(runbooksDir, RUNBOOK));
  const workload = parse(readFileSync(join(REPO, 'workloads', WORKLOAD), 'utf8')) as {
    setup: { heap: number };
    iterations: number;
  };
  workload.setup.heap = 40_000;
  workload.iterations = 8_000;
  writeFileSync(join(workloadsDir, WORKLOAD), stringify(workload));
  return { runbooksDir, workloadsDir };
}
