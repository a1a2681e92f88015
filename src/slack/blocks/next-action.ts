/**
 * What the runbook expects next, in Slack's words: one sentence and the one primary button.
 * The decision itself is the core's (nextFor in core/incident/progress.ts), the same one the
 * terminal renders; this module only phrases it.
 */
import { type Incident, PHASES, type Phase, type StepState } from '../../core/incident/model.js';
import {
  type Next,
  nextFor,
  type PhaseTally,
  type VerificationVerdict,
  verificationVerdict,
} from '../../core/incident/progress.js';
import { ACTION } from '../ids.js';
import { escapeMrkdwn, truncate } from '../limits.js';

export type NextAction =
  | { readonly kind: 'step'; readonly actionId: string; readonly step: StepState; readonly sentence: string }
  | { readonly kind: 'incident'; readonly actionId: string; readonly sentence: string }
  | { readonly kind: 'wait'; readonly sentence: string }
  | { readonly kind: 'none'; readonly sentence: string };

export function phaseName(phase: Phase): string {
  return phase === 'follow-up' ? 'follow-up' : phase;
}

/** Verification held (measured), or a person verified by hand: resolving is backed by evidence. */
export function verificationHolds(incident: Incident): boolean {
  const kind = verificationVerdict(incident).kind;
  if (kind === 'no-checks') return PHASES.indexOf(incident.phase) >= PHASES.indexOf('verification');
  return kind === 'held' || kind === 'by-hand';
}

/** The label of the button that moves to the next phase. */
export function advanceLabel(phase: Phase): string {
  const next = PHASES[PHASES.indexOf(phase) + 1];
  if (next === 'verification') return 'Start verification';
  if (next === 'triage') return 'Run triage';
  if (next === 'containment') return 'Go to containment';
  return 'Go to follow-up';
}

/** "Prometheus `default`": the datasource by kind and name. */
export function datasourceLabel(datasource: string): string {
  return `Prometheus \`${escapeMrkdwn(datasource)}\``;
}

const capital = (text: string) => text.replace(/^./, (c) => c.toUpperCase());

/** How a phase ended, never stronger than what ran: "Detection skipped: not checked (…)". */
export function phaseEnding(tally: PhaseTally): string {
  const name = capital(phaseName(tally.phase));
  const outage = Object.keys(tally.outage);
  if (outage.length > 0 && tally.done === 0)
    return `${name} skipped: *not checked* (${outage.map(datasourceLabel).join(', ')} unreachable)`;
  if (outage.length > 0)
    return `${name} partly checked (${outage.map(datasourceLabel).join(', ')} unreachable)`;
  if (tally.done === 0 && tally.total > 0) return `${name} skipped`;
  return `${name} done`;
}

/** How verification ended, in the card's words. */
export function verdictText(verdict: VerificationVerdict): string {
  switch (verdict.kind) {
    case 'held':
      return 'Verification held';
    case 'by-hand':
      return 'Verified by hand';
    case 'no-checks':
      return 'The runbook has no verification checks';
    case 'skipped':
      return `Verification skipped: *not verified*${verdict.outage ? ` (${datasourceLabel(verdict.outage)} unreachable)` : ''}`;
    case 'failed':
      return 'Verification failed: *not verified*';
    default:
      return 'Not verified yet';
  }
}

function stepSentence(next: Extract<Next, { kind: 'step' }>): NextAction {
  const { step } = next;
  const title = `*${escapeMrkdwn(truncate(step.title, 100))}*`;
  if (next.act === 'approve')
    return {
      kind: 'step',
      actionId: ACTION.approve,
      step,
      sentence: `Approve ${title} (${step.risk ?? 'unknown'} risk), then run it`,
    };
  if (next.act === 'run')
    return {
      kind: 'step',
      actionId: ACTION.run,
      step,
      sentence: `Run ${title}${next.again ? ' again' : ''}`,
    };
  return { kind: 'step', actionId: ACTION.done, step, sentence: `${title}, then mark it Done` };
}

export function describeNext(next: Next): NextAction {
  switch (next.kind) {
    case 'none':
      return { kind: 'none', sentence: 'Closed.' };
    case 'step':
      return stepSentence(next);
    case 'wait':
      return {
        kind: 'wait',
        sentence: `Wait: ${next.steps.map((s) => `*${escapeMrkdwn(truncate(s.title, 60))}*`).join(', ')} running`,
      };
    case 'outage':
      return {
        kind: 'incident',
        actionId: ACTION.skipMetrics,
        sentence: `${datasourceLabel(next.outage.datasource)} is unreachable: *Skip metric steps* (recorded as not checked), or *Retry*`,
      };
    case 'rerun-skipped':
      return {
        kind: 'incident',
        actionId: ACTION.rerunSkipped,
        sentence: `${datasourceLabel(next.datasource)} is back: *Run skipped checks* (${next.steps.length} skipped while it was down)`,
      };
    case 'verify-by-hand':
      return {
        kind: 'incident',
        actionId: ACTION.verifyByHand,
        sentence: `${verdictText(next.verdict)}. Check it yourself, then *Verified by hand* (say how)`,
      };
    case 'mitigate':
      return {
        kind: 'incident',
        actionId: ACTION.mitigated,
        sentence: 'Containment done: mark the incident *Mitigated*, then start verification',
      };
    case 'resolve':
      return {
        kind: 'incident',
        actionId: ACTION.resolved,
        sentence:
          next.verdict.kind === 'held' || next.verdict.kind === 'by-hand'
            ? `${verdictText(next.verdict)}: mark the incident *Resolved*`
            : `${verdictText(next.verdict)}: *Resolve* only when you know the symptom is gone`,
      };
    case 'close':
      return {
        kind: 'incident',
        actionId: ACTION.close,
        sentence: `${verdictText(next.verdict)} and the incident is resolved: finish the follow-ups, then *Close*`,
      };
    case 'advance':
      return {
        kind: 'incident',
        actionId: ACTION.advance,
        sentence: `${phaseEnding(next.tally)}: *${advanceLabel(next.phase)}*`,
      };
  }
}

/** `runnable` names the containment actions gc-incident runs itself. */
export function nextAction(incident: Incident, runnable: ReadonlySet<string> = new Set()): NextAction {
  return describeNext(nextFor(incident, runnable));
}
