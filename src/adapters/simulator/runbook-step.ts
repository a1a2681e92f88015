/**
 * A runbook's simulate step as workloads (baseline plus one per what-if), and
 * the summary of their results that the timeline records. The terminal runs
 * them in-process; the Slack app runs them in a worker thread.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { SimulateStep } from '../../core/runbook/types.js';
import type { CostCoefficients } from '../../core/simulator/cost-model.js';
import type { TailRatio } from '../../core/simulator/pause-tail.js';
import { type SimulationResult, simulate } from '../../core/simulator/simulate.js';
import { applyWhatIf } from '../../core/simulator/what-if.js';
import {
  type ModelledPython,
  normalizeWorkload,
  type Workload,
  type WorkloadDocument,
} from '../../core/simulator/workload.js';
import { resolveWorkloadRef } from '../fs/file-root.js';

export interface SimulationSummary {
  readonly python: string;
  /** A `fit` step: the fit's quality and diagnosis, or why the runbook's workload was used. */
  readonly note?: string;
  /** The what-if table as text (with the note under it), as both surfaces show and record it. */
  readonly table?: string;
  readonly fidelity: string;
  /** A fit's pause cost: fitted to the service's own pauses, or the shipped profile. */
  readonly pauseCost?: {
    readonly source: 'fitted' | 'profile';
    readonly coefficients: CostCoefficients;
    readonly residual: number | undefined;
    /** The service's pause tail per generation (p99 and longest over the mean pause), when its histogram was read. */
    readonly tail?: readonly ({
      readonly p99: TailRatio;
      readonly max: TailRatio;
      readonly collections: number;
    } | null)[];
  };
  readonly rows: {
    variant: string;
    python: string;
    collections: number[];
    collected: number;
    p50Ms: number;
    p95Ms: number;
    maxMs: number;
    /** The full collection the run did not reach but the service will (raised thresholds), when longer than maxMs. */
    nextFullMs?: number;
    peak: number;
  }[];
}

export interface LabelledWorkload {
  readonly label: string;
  readonly workload: Workload;
}

export interface LabelledResult {
  readonly label: string;
  readonly result: SimulationResult;
}

export function stepWorkloads(
  step: SimulateStep,
  runbookFile: string,
  python?: ModelledPython,
): LabelledWorkload[] {
  const doc =
    'ref' in step.workload
      ? (parse(readFileSync(resolveWorkloadRef(runbookFile, step.workload.ref), 'utf8')) as WorkloadDocument)
      : (step.workload.inline as unknown as WorkloadDocument);
  const base = normalizeWorkload({ name: step.id, ...doc }, python);
  return [
    { label: 'baseline', workload: base },
    ...(step.whatIf ?? []).map((whatIf) => ({ label: whatIf, workload: applyWhatIf(base, whatIf) })),
  ];
}

export function summarizeSimulation(results: readonly LabelledResult[]): SimulationSummary {
  const baseline = results[0]?.result;
  return {
    python: baseline?.python ?? 'unknown',
    fidelity: baseline?.fidelity ?? 'measured',
    rows: results.map(({ label, result }) => ({
      variant: label,
      python: result.python,
      collections: result.stats.map((s) => s.collections),
      collected: result.stats.reduce((s, g) => s + g.collected, 0),
      p50Ms: result.pauses.p50Ms,
      p95Ms: result.pauses.p95Ms,
      maxMs: result.pauses.maxMs,
      ...(result.pendingFullMs !== undefined && result.pendingFullMs > result.pauses.maxMs
        ? { nextFullMs: result.pendingFullMs }
        : {}),
      peak: result.heap.peak,
    })),
  };
}

/** In-process, for the terminal. */
export function simulateRunbookStep(
  step: SimulateStep,
  runbookFile: string,
  python?: ModelledPython,
): { summary: SimulationSummary; results: LabelledResult[] } {
  const results = stepWorkloads(step, runbookFile, python).map(({ label, workload }) => ({
    label,
    result: simulate(workload),
  }));
  return { results, summary: summarizeSimulation(results) };
}
