/**
 * The terminal's words for where an incident stands: the core decides (progress.ts), the same
 * facts the Slack card renders; here they are plain text.
 */
import type { Incident } from '../core/incident/model.js';
import {
  type Next,
  nextFor,
  type VerificationVerdict,
  verificationVerdict,
} from '../core/incident/progress.js';

const person = (actor: string) => (actor.startsWith('cli:') ? actor.slice(4) : actor);

export function verdictLine(verdict: VerificationVerdict): string {
  switch (verdict.kind) {
    case 'held':
      return 'held (its checks passed)';
    case 'by-hand':
      return `verified by hand by ${person(verdict.manual.by)}: ${verdict.manual.note}`;
    case 'no-checks':
      return 'the runbook has no verification checks';
    case 'skipped':
      return `not verified: its checks were skipped${verdict.outage ? ` (datasource '${verdict.outage}' unreachable)` : ''}`;
    case 'failed':
      return 'not verified: a check failed';
    case 'running':
      return 'running';
    default:
      return 'not started';
  }
}

export function nextLine(next: Next): string {
  switch (next.kind) {
    case 'none':
      return 'nothing: closed';
    case 'step':
      return `${next.act === 'approve' ? 'approve' : next.act === 'run' ? (next.again ? 'run again' : 'run') : 'do, then mark done'}: ${next.step.id}`;
    case 'wait':
      return `wait: ${next.steps.map((s) => s.id).join(', ')} running`;
    case 'outage':
      return `datasource '${next.outage.datasource}' unreachable: skip metric steps (recorded as not checked), or retry`;
    case 'rerun-skipped':
      return `datasource '${next.datasource}' is back: run the ${next.steps.length} skipped check(s)`;
    case 'verify-by-hand':
      return `${verdictLine(next.verdict)}: verify by hand (say how), or run the checks`;
    case 'mitigate':
      return 'containment done: mark the incident mitigated';
    case 'resolve':
      return `${verdictLine(next.verdict)}: resolve${next.verdict.kind === 'held' || next.verdict.kind === 'by-hand' ? '' : ' only when you know the symptom is gone'}`;
    case 'close':
      return 'finish the follow-ups, then close';
    case 'advance':
      return `${next.phase} finished: go to ${next.to}`;
  }
}

export function standingLines(incident: Incident): string[] {
  return [
    `verification ${verdictLine(verificationVerdict(incident))}`,
    `next: ${nextLine(nextFor(incident))}`,
  ];
}
