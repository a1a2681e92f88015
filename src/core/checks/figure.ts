/**
 * A check as one readable figure: the value against its limit, in words that hold, then
 * whether it is good or bad (`612/s, over the 50/s limit ✗`). Detection checks are bad when they hold (the symptom
 * is there); verification checks are good when they hold.
 */

import type { StepState } from '../incident/model.js';
import { allChecks, type Check, type Runbook } from '../runbook/types.js';
import type { CheckEvaluation } from './evaluate.js';
import { formatMeasure, ratioQuantity } from './measure.js';

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

/** A value in the check's unit, or, for a ratio that says what it stands for, that quantity's. */
function measured(value: number, check: Check | undefined, evaluation?: CheckEvaluation): string {
  const of = ratioQuantity(check, evaluation);
  return of ? formatMeasure(value * of.one, of.unit) : formatMeasure(value, check?.unit);
}

/**
 * `612/s, over the 50/s limit ✗`, `p99 full-collection pause 32 ms, over the 10 ms limit ✗`,
 * `12.4/s, under the 50/s limit ✓`: the value and where it stands against the threshold, in
 * words that are true whatever the operator (over, under, at), then good or bad for the phase.
 * From an evaluation just made (the step's recorded result may lag behind it).
 */
export function evaluationFigure(
  evaluation: CheckEvaluation,
  phase: StepState['phase'],
  check?: Check | undefined,
): string {
  const mark = checkMark(evaluation.outcome, phase);
  // A fleet incident's check: its services in one line (fleet-checks.ts), on every surface.
  if (evaluation.fleet) return `${evaluation.fleet.summary} ${mark}`;
  const of = ratioQuantity(check, evaluation);
  const limit = measured(evaluation.threshold, check, evaluation);
  if (evaluation.value === null) return `no data (limit ${limit}) ${mark}`;
  const value = `${of ? `${of.quantity} ` : ''}${measured(evaluation.value, check, evaluation)}`;
  const where =
    evaluation.value > evaluation.threshold
      ? 'over'
      : evaluation.value < evaluation.threshold
        ? 'under'
        : 'at';
  // A bare number reads badly as an adjective ("the 1 limit"): "at the limit of 1".
  const unitless = !of && (check?.unit ?? 'none') === 'none';
  return `${value}, ${where} ${unitless ? `the limit of ${limit}` : `the ${limit} limit`} ${mark}`;
}

/** `> 50/s`, `> 10 ms p99 full-collection pause`: the criterion, before anything was measured. */
export function criterion(check: Check): string {
  const of = check.unit === 'ratio' ? check.ratioOf : undefined;
  if (of && of.length > 0)
    return of
      .map((o) => `${o.quantity} ${check.operator} ${formatMeasure(check.threshold * o.one, o.unit)}`)
      .join(' (else ')
      .concat(of.length > 1 ? ')' : '');
  return `${check.operator} ${formatMeasure(check.threshold, check.unit)}`;
}

/** `612/s, over the 50/s limit ✗` once run; `> 50/s (not run yet)` before (or `(skipped)`); undefined for steps that are not checks. */
export function checkFigure(step: StepState, check?: Check): string | undefined {
  if (step.kind !== 'check') return undefined;
  if (isEvaluation(step.result)) return evaluationFigure(step.result, step.phase, check);
  if (!check) return undefined;
  const threshold = criterion(check);
  if (step.status === 'running') return `${threshold} (checking…)`;
  if (step.status === 'skipped') return `${threshold} (skipped)`;
  return `${threshold} (not run yet)`;
}

export interface CheckLine {
  readonly step: StepState;
  /** `612/s, over the 50/s limit ✗`, `> 50/s (not run yet)`, or without the runbook and a result: `(not run yet)`. */
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
