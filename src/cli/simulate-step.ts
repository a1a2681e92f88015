/** Runs a runbook's simulate step in-process and summarises it for the timeline. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { SimulateStep } from '../core/runbook/types.js';
import { type SimulationResult, simulate } from '../core/simulator/simulate.js';
import { applyWhatIf } from '../core/simulator/what-if.js';
import { type ModelledPython, normalizeWorkload, type WorkloadDocument } from '../core/simulator/workload.js';

export interface SimulationSummary {
  readonly python: string;
  readonly fidelity: string;
  readonly rows: {
    variant: string;
    python: string;
    collections: number[];
    collected: number;
    p50Ms: number;
    p95Ms: number;
    maxMs: number;
    peak: number;
  }[];
}

export function simulateRunbookStep(
  step: SimulateStep,
  runbookFile: string,
  python?: ModelledPython,
): { summary: SimulationSummary; results: { label: string; result: SimulationResult }[] } {
  const doc =
    'ref' in step.workload
      ? (parse(readFileSync(join(dirname(runbookFile), step.workload.ref), 'utf8')) as WorkloadDocument)
      : (step.workload.inline as unknown as WorkloadDocument);
  const base = normalizeWorkload({ name: step.id, ...doc }, python);
  const results = [{ label: 'baseline', result: simulate(base) }];
  for (const whatIf of step.whatIf ?? [])
    results.push({ label: whatIf, result: simulate(applyWhatIf(base, whatIf)) });
  const baseline = results[0]?.result;
  return {
    results,
    summary: {
      python: base.python,
      fidelity: baseline?.fidelity ?? 'measured',
      rows: results.map(({ label, result }) => ({
        variant: label,
        python: result.python,
        collections: result.stats.map((s) => s.collections),
        collected: result.stats.reduce((s, g) => s + g.collected, 0),
        p50Ms: result.pauses.p50Ms,
        p95Ms: result.pauses.p95Ms,
        maxMs: result.pauses.maxMs,
        peak: result.heap.peak,
      })),
    },
  };
}
