/** The steps an incident walks, in order, from its runbook. */
import type { Runbook } from '../runbook/types.js';
import type { StepState } from './model.js';

export function planSteps(runbook: Runbook): StepState[] {
  const steps: StepState[] = [];
  for (const check of runbook.detection.checks) {
    steps.push({
      id: check.id,
      phase: 'detection',
      kind: 'check',
      title: check.title,
      optional: false,
      status: 'pending',
    });
  }
  for (const check of runbook.triage.checks ?? []) {
    steps.push({
      id: check.id,
      phase: 'triage',
      kind: 'check',
      title: check.title,
      optional: false,
      status: 'pending',
    });
  }
  for (const step of runbook.triage.steps) {
    steps.push({
      id: step.id,
      phase: 'triage',
      kind: step.kind,
      title: step.title,
      optional: step.optional ?? false,
      status: 'pending',
    });
  }
  for (const action of runbook.containment.actions) {
    steps.push({
      id: action.id,
      phase: 'containment',
      kind: 'action',
      title: action.title,
      // An incident may be contained by one action: none of them blocks the phase.
      optional: true,
      risk: action.risk,
      needsApproval: action.confirmation?.required ?? false,
      status: 'pending',
    });
  }
  for (const check of runbook.verification.checks) {
    steps.push({
      id: check.id,
      phase: 'verification',
      kind: 'check',
      title: check.title,
      optional: false,
      status: 'pending',
    });
  }
  for (const item of runbook.followUp.items) {
    steps.push({
      id: item.id,
      phase: 'follow-up',
      kind: 'follow-up',
      title: item.title,
      optional: !(item.requiredBeforeClose ?? false),
      status: 'pending',
    });
  }
  return steps;
}
