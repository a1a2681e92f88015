/**
 * A runbook's detection, triage or verification checks evaluated now, with the verdict each
 * surface shows (`gc-incident check`, the MCP `check` tool): a detection check passes when it
 * does not breach, a verification check when its criterion holds, a triage check is met or not.
 */
import type { MetricsClient } from '../ports.js';
import { type Check, DEFAULT_DATASOURCE, type Runbook } from '../runbook/types.js';
import { evaluateCheck, NO_GC_DATA_CAUSES } from './check-runner.js';
import type { CheckEvaluation } from './evaluate.js';
import { reportedRuntimes } from './runtime.js';

export const CHECK_PHASES = ['detection', 'triage', 'verification'] as const;
export type CheckPhase = (typeof CHECK_PHASES)[number];

export type CheckVerdict = 'ok' | 'breach' | 'pass' | 'fail' | 'met' | 'not met' | 'unknown';

export interface PhaseCheckResult extends CheckEvaluation {
  readonly id: string;
  readonly verdict: CheckVerdict;
  /** The evaluation's reason, or the causes of missing GC series when a GC query found none. */
  readonly why: string;
}

export interface PhaseChecks {
  readonly phase: CheckPhase;
  /** Every check passed (triage: every check could be evaluated). */
  readonly pass: boolean;
  readonly evaluations: PhaseCheckResult[];
  /** python_info labels of the job's instances, when the runbook has a `job` input. */
  readonly runtime: Record<string, string>[];
}

export function phaseChecks(runbook: Runbook, phase: CheckPhase): readonly Check[] {
  return phase === 'detection'
    ? runbook.detection.checks
    : phase === 'triage'
      ? (runbook.triage.checks ?? [])
      : runbook.verification.checks;
}

export async function evaluatePhaseChecks(
  runbook: Runbook,
  phase: CheckPhase,
  inputs: Readonly<Record<string, string>>,
  client: MetricsClient,
  now: Date,
): Promise<PhaseChecks> {
  const evaluations: PhaseCheckResult[] = [];
  for (const check of phaseChecks(runbook, phase)) {
    const evaluation = await evaluateCheck(check, inputs, client, now, runbook.datasource);
    const why =
      evaluation.value === null && /python_gc_/.test(check.query) ? NO_GC_DATA_CAUSES : evaluation.reason;
    evaluations.push({ id: check.id, ...evaluation, verdict: verdictOf(phase, evaluation), why });
  }
  // The one python_info lookup (runtime.ts), as every surface reads it.
  const { samples: runtime } = await reportedRuntimes(
    client,
    runbook.datasource ?? DEFAULT_DATASOURCE,
    inputs,
    now,
  );
  return {
    phase,
    pass: evaluations.every((e) => ['ok', 'pass', 'met', 'not met'].includes(e.verdict)),
    evaluations,
    runtime: runtime.map((s) => ({ ...s.labels })),
  };
}

function verdictOf(phase: CheckPhase, evaluation: CheckEvaluation): CheckVerdict {
  if (evaluation.outcome === 'unknown') return 'unknown';
  const holds = evaluation.outcome === 'holds';
  if (phase === 'triage') return holds ? 'met' : 'not met';
  if (phase === 'detection') return holds ? 'breach' : 'ok';
  return holds ? 'pass' : 'fail';
}
