/**
 * What the runbook expects next, so the card can lead: one primary button and one
 * sentence. Pure: decided from the incident alone (steps, phase, status).
 */
import { type Incident, PHASES, type Phase, type StepState } from '../../core/incident/model.js';
import { isAutomatable } from '../../core/incident/step-runner.js';
import { ACTION } from '../ids.js';
import { escapeMrkdwn, truncate } from '../limits.js';

export type NextAction =
  | { readonly kind: 'step'; readonly actionId: string; readonly step: StepState; readonly sentence: string }
  | { readonly kind: 'incident'; readonly actionId: string; readonly sentence: string }
  | { readonly kind: 'wait'; readonly sentence: string }
  | { readonly kind: 'none'; readonly sentence: string };

const settled = (s: StepState) => s.status === 'done' || s.status === 'skipped';
const automatable = (s: StepState) => isAutomatable(s);

export function phaseName(phase: Phase): string {
  return phase === 'follow-up' ? 'follow-up' : phase;
}

/** Verification holds when every verification check that was not skipped has passed (is done). */
export function verificationHolds(incident: Incident): boolean {
  const checks = incident.steps.filter((s) => s.phase === 'verification');
  if (checks.length === 0) return PHASES.indexOf(incident.phase) >= PHASES.indexOf('verification');
  return checks.some((s) => s.status === 'done') && checks.every(settled);
}

/** The label of the button that moves to the next phase. */
export function advanceLabel(phase: Phase): string {
  const next = PHASES[PHASES.indexOf(phase) + 1];
  if (next === 'verification') return 'Start verification';
  if (next === 'triage') return 'Run triage';
  if (next === 'containment') return 'Go to containment';
  return 'Go to follow-up';
}

function stepAction(step: StepState, runnable: ReadonlySet<string>): NextAction {
  const title = `*${escapeMrkdwn(truncate(step.title, 100))}*`;
  if (step.needsApproval && !step.approvedBy)
    return {
      kind: 'step',
      actionId: ACTION.approve,
      step,
      sentence: `Approve ${title} (${step.risk ?? 'unknown'} risk), then run it`,
    };
  if (automatable(step) || (step.kind === 'action' && runnable.has(step.id))) {
    const again = step.status === 'failed' ? ' again' : '';
    return { kind: 'step', actionId: ACTION.run, step, sentence: `Run ${title}${again}` };
  }
  return {
    kind: 'step',
    actionId: ACTION.done,
    step,
    sentence: `Do ${title}, then mark it Done`,
  };
}

/**
 * Run detection → run triage → approve/run containment → start verification → resolve → close.
 * `runnable` names the containment actions gc-incident runs itself.
 */
export function nextAction(incident: Incident, runnable: ReadonlySet<string> = new Set()): NextAction {
  if (incident.status === 'closed') return { kind: 'none', sentence: 'Closed.' };
  if (verificationHolds(incident)) {
    return incident.status === 'resolved'
      ? {
          kind: 'incident',
          actionId: ACTION.close,
          sentence: 'Verification held and the incident is resolved: finish the follow-ups, then *Close*',
        }
      : {
          kind: 'incident',
          actionId: ACTION.resolved,
          sentence: 'Verification holds: mark the incident *Resolved*',
        };
  }
  const steps = incident.steps.filter((s) => s.phase === incident.phase);
  if (steps.some((s) => s.status === 'running'))
    return {
      kind: 'wait',
      sentence: `Wait: ${steps
        .filter((s) => s.status === 'running')
        .map((s) => `*${escapeMrkdwn(truncate(s.title, 60))}*`)
        .join(', ')} running`,
    };
  if (incident.phase === 'containment') {
    // One containment action is enough; the others are alternatives.
    if (!steps.some((s) => s.status === 'done')) {
      const first = steps.find((s) => !settled(s));
      if (first) return stepAction(first, runnable);
    }
  } else {
    const first = steps.find((s) => !s.optional && !settled(s));
    if (first) return stepAction(first, runnable);
  }
  // People moved past verification on purpose: resolving (then closing) is what is left.
  if (incident.phase === 'follow-up')
    return incident.status === 'resolved'
      ? { kind: 'incident', actionId: ACTION.close, sentence: 'Finish the follow-ups, then *Close*' }
      : {
          kind: 'incident',
          actionId: ACTION.resolved,
          sentence: 'Follow-up started without verification holding: *Resolve* when the symptom is gone',
        };
  return {
    kind: 'incident',
    actionId: ACTION.advance,
    sentence: `${phaseName(incident.phase).replace(/^./, (c) => c.toUpperCase())} done: *${advanceLabel(incident.phase)}*`,
  };
}
