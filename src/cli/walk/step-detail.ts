/** What a person reads in the terminal for a phase and a step: guidance, queries, commands to copy. */
import type { Phase, StepState } from '../../core/incident/model.js';
import { renderForDisplay, renderQuery } from '../../core/incident/render-query.js';
import { allChecks, type Runbook } from '../../core/runbook/types.js';

export function phaseGuidance(runbook: Runbook, phase: Phase): string | undefined {
  switch (phase) {
    case 'detection':
      return runbook.detection.guidance;
    case 'triage':
      return runbook.triage.guidance;
    case 'containment':
      return runbook.containment.guidance;
    case 'verification':
      return runbook.verification.guidance;
    case 'follow-up':
      return runbook.followUp.guidance;
  }
}

export function stepDetail(
  runbook: Runbook,
  step: StepState,
  inputs: Readonly<Record<string, string>>,
): string {
  const triage = runbook.triage.steps.find((s) => s.id === step.id);
  if (triage) {
    const parts = [triage.guidance.trim()];
    if (triage.kind === 'command')
      parts.push(
        `Run it yourself (gc-incident never executes commands):\n${renderForDisplay(triage.command.trim(), inputs)}`,
      );
    if (triage.kind === 'link') parts.push(triage.url);
    if (triage.kind === 'manual' && triage.checklist)
      parts.push(triage.checklist.map((c) => `- ${c}`).join('\n'));
    return parts.join('\n');
  }
  const action = runbook.containment.actions.find((a) => a.id === step.id);
  if (action) {
    const parts = [action.effect.trim(), action.guidance.trim()];
    if (action.command)
      parts.push(`Command (not executed):\n${renderForDisplay(action.command.trim(), inputs)}`);
    if (action.rollback) parts.push(`Rollback: ${action.rollback.trim()}`);
    return parts.join('\n');
  }
  const check = allChecks(runbook).find((c) => c.id === step.id);
  if (check) {
    return `${renderQuery(check.query.trim(), inputs)}  ${check.operator} ${check.threshold}${check.guidance ? `\n${check.guidance.trim()}` : ''}`;
  }
  const item = runbook.followUp.items.find((i) => i.id === step.id);
  if (item)
    return `${item.type}, owner ${typeof item.owner === 'string' ? item.owner : 'role' in item.owner ? item.owner.role : item.owner.user}, due ${item.due}`;
  return '';
}

export function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

export function titleOf(phase: Phase): string {
  return phase.charAt(0).toUpperCase() + phase.slice(1);
}
