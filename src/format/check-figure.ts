/**
 * A check as one readable figure: value, operator and threshold, then whether it is
 * good or bad (`612/s > 50/s ✗`). Detection checks are bad when they hold (the symptom
 * is there); verification checks are good when they hold.
 */
import type { CheckEvaluation } from '../core/checks/evaluate.js';
import type { StepState } from '../core/incident/model.js';
import { allChecks, type Check, type Runbook } from '../core/runbook/types.js';
import { formatMeasure } from './measure.js';

export function isEvaluation(result: unknown): result is CheckEvaluation {
  if (typeof result !== 'object' || result === null) return false;
  const r = result as Record<string, unknown>;
  return typeof r.operator === 'string' && typeof r.threshold === 'number' && typeof r.outcome === 'string';
}

export function findRunbookCheck(runbook: Runbook | undefined, stepId: string): Check | undefined {
  if (!runbook) return undefined;
  return allChecks(runbook).find((c) => c.id === stepId);
}

/** ✓ good, ✗ bad, ? unknown, for the phase the check belongs to. */
export function checkMark(outcome: CheckEvaluation['outcome'], phase: StepState['phase']): string {
  if (outcome === 'unknown') return '?';
  const holds = outcome === 'holds';
  return phase === 'verification' ? (holds ? '✓' : '✗') : holds ? '✗' : '✓';
}

/** What an outcome means for the phase, in the same words on every surface. */
export function checkMeaning(outcome: CheckEvaluation['outcome'], phase: StepState['phase']): string {
  if (outcome === 'unknown') return 'cannot tell';
  if (phase === 'verification')
    return outcome === 'holds' ? 'the criterion holds' : 'the criterion does not hold yet';
  if (phase === 'triage') return outcome === 'holds' ? 'met' : 'not met';
  return outcome === 'holds' ? 'the symptom is present' : 'the symptom is absent';
}

/** The relation that is true when a comparison does not hold (`12.4/s <= 50/s`, never `12.4/s > 50/s`). */
const NEGATED: Record<string, string> = {
  '>': '<=',
  '>=': '<',
  '<': '>=',
  '<=': '>',
  '==': '!=',
  '!=': '==',
};

/**
 * `612/s > 50/s ✗` from an evaluation just made (the step's recorded result may lag behind it).
 * The relation shown is the one that holds: a check that does not hold shows its negation.
 */
export function evaluationFigure(
  evaluation: CheckEvaluation,
  phase: StepState['phase'],
  check?: Check | undefined,
): string {
  const unit = check?.unit;
  const value = evaluation.value === null ? 'no data' : formatMeasure(evaluation.value, unit);
  const relation =
    evaluation.outcome === 'does-not-hold' && evaluation.value !== null
      ? (NEGATED[evaluation.operator] ?? evaluation.operator)
      : evaluation.operator;
  return `${value} ${relation} ${formatMeasure(evaluation.threshold, unit)} ${checkMark(evaluation.outcome, phase)}`;
}

/** `612/s > 50/s ✗` once run; `> 50/s (not run yet)` before (or `(skipped)`); undefined for steps that are not checks. */
export function checkFigure(step: StepState, check?: Check): string | undefined {
  if (step.kind !== 'check') return undefined;
  if (isEvaluation(step.result)) return evaluationFigure(step.result, step.phase, check);
  if (!check) return undefined;
  const threshold = `${check.operator} ${formatMeasure(check.threshold, check.unit)}`;
  if (step.status === 'running') return `${threshold} (checking…)`;
  if (step.status === 'skipped') return `${threshold} (skipped)`;
  return `${threshold} (not run yet)`;
}

export interface CheckLine {
  readonly step: StepState;
  /** `612/s > 50/s ✗`, `> 50/s (not run yet)`, or without the runbook and a result: `(not run yet)`. */
  readonly figure: string;
}

/** Every check of an incident (detection, then verification) with its figure, run or not. */
export function checkLines(steps: readonly StepState[], runbook: Runbook | undefined): CheckLine[] {
  return steps
    .filter((s) => s.kind === 'check')
    .map((step) => ({
      step,
      figure:
        checkFigure(step, findRunbookCheck(runbook, step.id)) ??
        (step.status === 'skipped' ? '(skipped)' : '(not run yet)'),
    }));
}
