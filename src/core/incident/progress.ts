/**
 * Where an incident stands, decided once for every surface: how verification ended (held,
 * verified by hand, not verified), how each phase finished (done, skipped, skipped because a
 * datasource was down), and what is next and who must act. The Slack card and the terminal
 * each render these facts in their own words; nothing here is phrased for a surface.
 */

import type { Runbook } from '../runbook/types.js';
import { isAutomatable } from './driver/policy.js';
import {
  type Incident,
  type ManualVerification,
  type Outage,
  openOutage,
  PHASES,
  type Phase,
  type StepState,
} from './model.js';

export type VerificationVerdict =
  /** Every verification check passed (held for `stableFor`). */
  | { readonly kind: 'held' }
  /** A person verified without metrics, and said how. */
  | { readonly kind: 'by-hand'; readonly manual: ManualVerification }
  /** The runbook has no verification checks: nothing can be measured. */
  | { readonly kind: 'no-checks' }
  | { readonly kind: 'running' }
  /** A check failed (did not hold by its deadline, or could not run). */
  | { readonly kind: 'failed' }
  /** Checks were skipped: nothing verified the fix; `outage` when a datasource being down is why. */
  | { readonly kind: 'skipped'; readonly outage?: string | undefined }
  | { readonly kind: 'not-started' };

const settled = (s: StepState) => s.status === 'done' || s.status === 'skipped';

export function verificationVerdict(incident: Incident): VerificationVerdict {
  if (incident.verifiedByHand) return { kind: 'by-hand', manual: incident.verifiedByHand };
  const checks = incident.steps.filter((s) => s.phase === 'verification' && !s.skippedByCondition);
  if (checks.length === 0) return { kind: 'no-checks' };
  if (checks.every((s) => s.status === 'done')) return { kind: 'held' };
  if (checks.some((s) => s.status === 'running')) return { kind: 'running' };
  if (checks.some((s) => s.status === 'failed')) return { kind: 'failed' };
  const skipped = checks.filter((s) => s.status === 'skipped');
  if (skipped.length > 0 && checks.every(settled))
    return { kind: 'skipped', outage: skipped.find((s) => s.skippedForOutage)?.skippedForOutage };
  return { kind: 'not-started' };
}

/** True only when something measured or a person vouched: held, or verified by hand. */
export function isVerified(verdict: VerificationVerdict): boolean {
  return verdict.kind === 'held' || verdict.kind === 'by-hand';
}

/** How a phase's steps stand, for one folded line. */
export interface PhaseTally {
  readonly phase: Phase;
  readonly total: number;
  readonly done: number;
  /** Skipped by a person (with a reason). */
  readonly skipped: number;
  /** Skipped because their `when:` was not met. */
  readonly notApplicable: number;
  /** Skipped because a datasource was down, by datasource. */
  readonly outage: Readonly<Record<string, number>>;
  readonly failed: number;
  readonly open: number;
}

export function phaseTally(incident: Incident, phase: Phase): PhaseTally {
  const steps = incident.steps.filter((s) => s.phase === phase);
  const outage: Record<string, number> = {};
  let skipped = 0;
  let notApplicable = 0;
  for (const s of steps) {
    if (s.status !== 'skipped') continue;
    if (s.skippedForOutage) outage[s.skippedForOutage] = (outage[s.skippedForOutage] ?? 0) + 1;
    else if (s.skippedByCondition) notApplicable++;
    else skipped++;
  }
  return {
    phase,
    total: steps.length,
    done: steps.filter((s) => s.status === 'done').length,
    skipped,
    notApplicable,
    outage,
    failed: steps.filter((s) => s.status === 'failed').length,
    open: steps.filter((s) => s.status === 'pending' || s.status === 'running').length,
  };
}

/** A phase finished without anything measured in it: its metric steps were all skipped. */
export function unverifiedPhase(tally: PhaseTally): boolean {
  return Object.keys(tally.outage).length > 0 && tally.done === 0;
}

/** What a person is asked to do next; `act` names the one primary action. */
export type Next =
  | {
      readonly kind: 'step';
      readonly act: 'approve' | 'run' | 'done';
      readonly step: StepState;
      readonly again: boolean;
    }
  /** A datasource is down and open metric steps wait on it: skip them (recorded) or retry. */
  | { readonly kind: 'outage'; readonly outage: Outage }
  /** The datasource is back: run the checks skipped while it was down. */
  | { readonly kind: 'rerun-skipped'; readonly datasource: string; readonly steps: readonly StepState[] }
  /** Verification's checks did not verify anything: a person verifies by hand (saying how), or runs them. */
  | { readonly kind: 'verify-by-hand'; readonly verdict: VerificationVerdict }
  | { readonly kind: 'advance'; readonly phase: Phase; readonly to: Phase; readonly tally: PhaseTally }
  | { readonly kind: 'mitigate' }
  | { readonly kind: 'resolve'; readonly verdict: VerificationVerdict }
  | { readonly kind: 'close'; readonly verdict: VerificationVerdict }
  | { readonly kind: 'wait'; readonly steps: readonly StepState[] }
  | { readonly kind: 'none' };

/**
 * Who must act on a step, and how: a person approves it first (a risky action), the app runs it
 * (checks, queries, simulations, diagnoses, an HTTP action in `runnable`), or a person does it
 * and marks it done. The Slack card's button and the terminal walk's question are both this.
 */
export function stepNext(step: StepState, runnable: ReadonlySet<string>): Extract<Next, { kind: 'step' }> {
  if (step.needsApproval && !step.approvedBy) return { kind: 'step', act: 'approve', step, again: false };
  const runs = isAutomatable(step) || (step.kind === 'action' && runnable.has(step.id));
  return { kind: 'step', act: runs ? 'run' : 'done', step, again: step.status === 'failed' };
}

const isMetric = (s: StepState) => s.kind === 'check' || s.kind === 'query';

/** The containment actions gc-incident runs itself: HTTP actions, when this surface can call them. */
export function runnableActions(runbook: Runbook, canCall: boolean): ReadonlySet<string> {
  if (!canCall) return new Set();
  return new Set(
    runbook.containment.actions.filter((a) => a.kind === 'http' && a.httpAction).map((a) => a.id),
  );
}

/**
 * Run detection → triage → approve/run containment → mitigated → verification → resolve → close;
 * while a datasource is down, skipping its steps comes first. `runnable` names the containment
 * actions gc-incident runs itself.
 */
export function nextFor(incident: Incident, runnable: ReadonlySet<string> = new Set()): Next {
  if (incident.status === 'closed') return { kind: 'none' };
  const steps = incident.steps.filter((s) => s.phase === incident.phase);
  const down = openOutage(incident);
  if (down && steps.some((s) => isMetric(s) && (s.status === 'pending' || s.status === 'failed')))
    return { kind: 'outage', outage: down };
  const verdict = verificationVerdict(incident);
  if (isVerified(verdict))
    return incident.status === 'resolved' ? { kind: 'close', verdict } : { kind: 'resolve', verdict };
  if (verdict.kind === 'no-checks' && PHASES.indexOf(incident.phase) >= PHASES.indexOf('verification'))
    return incident.status === 'resolved' ? { kind: 'close', verdict } : { kind: 'resolve', verdict };
  const running = steps.filter((s) => s.status === 'running');
  if (running.length > 0) return { kind: 'wait', steps: running };
  const rerun = steps.filter(
    (s) => s.status === 'skipped' && s.skippedForOutage && !openOutage(incident, s.skippedForOutage),
  );
  if (rerun.length > 0 && incident.phase !== 'follow-up')
    return { kind: 'rerun-skipped', datasource: rerun[0]?.skippedForOutage ?? '', steps: rerun };
  if (incident.phase === 'containment') {
    // One containment action is enough; the others are alternatives.
    if (!steps.some((s) => s.status === 'done')) {
      const first = steps.find((s) => !settled(s));
      if (first) return stepNext(first, runnable);
    }
    if (incident.status === 'open' && steps.some((s) => s.status === 'done')) return { kind: 'mitigate' };
  } else {
    const first = steps.find((s) => !s.optional && !settled(s));
    if (first) return stepNext(first, runnable);
  }
  if (incident.phase === 'verification' && (verdict.kind === 'skipped' || verdict.kind === 'failed'))
    return { kind: 'verify-by-hand', verdict };
  if (incident.phase === 'follow-up')
    return incident.status === 'resolved' ? { kind: 'close', verdict } : { kind: 'resolve', verdict };
  const to = PHASES[PHASES.indexOf(incident.phase) + 1] as Phase;
  return { kind: 'advance', phase: incident.phase, to, tally: phaseTally(incident, incident.phase) };
}

/** "resolved (unverified)" where that is the truth; "resolved (verified by hand)"; else the status. */
export function statusWords(incident: Incident): string {
  const kind = verificationVerdict(incident).kind;
  if (incident.status !== 'resolved' && incident.status !== 'closed') return incident.status;
  if (kind === 'by-hand') return `${incident.status} (verified by hand)`;
  return kind === 'held' || kind === 'no-checks' ? incident.status : `${incident.status} (unverified)`;
}
