/**
 * The incident driver: one implementation of how an incident is worked, behind every surface.
 * Given an incident and its runbook it decides what runs (checks, queries, simulations, HTTP
 * actions, verification), what needs a person (approve, skip, assign, status) and what is
 * recorded; surfaces supply a Narrator and Decisions (see ports.ts) and call these methods.
 * Pure: no I/O of its own, time from the clock port.
 */

import type { FleetMember } from '../../alerts/fleet.js';
import { GcIncidentError } from '../../errors.js';
import type { FollowUpAdd } from '../../followups/plan.js';
import type { Actor, Incident, IncidentStatus, Phase, PostmortemNotes, StepState } from '../model.js';
import { stepOf } from '../model.js';
import { type NotApprovedFacts, refusalText } from '../refusals.js';
import type { IncidentRole } from '../roles.js';
import type { CommandOutcome, OpenRequest } from '../service.js';
import {
  type AlertArrival,
  type AlertPolicy,
  alertFiring,
  alertsResolved,
  type FiringOutcome,
  type OpenForAlert,
  splitFromFleet,
} from './alerts.js';
import { mayApprove, roleHint } from './approvals.js';
import { applyConditions, decideConditionsNow } from './conditions.js';
import { type DriverDeps, execOn } from './context.js';
import {
  addFollowUp,
  changeFollowUp,
  createFollowUps,
  type FollowUpChange,
  type FollowUpOutcome,
} from './followups.js';
import { isAutomatable, serviceFor } from './policy.js';
import type { Person } from './ports.js';
import {
  failInterrupted,
  intendChannel,
  notePostmortem,
  recordAnnouncement,
  recordCanvas,
  recordCard,
  recordChannel,
} from './records.js';
import { moveRemindersWithRoles } from './reminders.js';
import { addNote, assignRole, type PinCommand, pin, setSeverity, unassignRole } from './roles.js';
import { rerunSkipped, retryMetricSteps, runAction, runBatch, skipMetricSteps } from './run-steps.js';
import { openVerificationChecks, verify } from './verification.js';

export type OpenIncident = Omit<OpenRequest, 'service'> & { readonly service?: string | undefined };

export class IncidentDriver {
  constructor(readonly deps: DriverDeps) {}

  get(incidentId: string): Promise<Incident> {
    return this.deps.service.get(incidentId);
  }

  open(request: OpenIncident): Promise<CommandOutcome> {
    return this.deps.service.open({
      ...request,
      service: serviceFor(request.runbook, request.service, request.inputs),
    });
  }

  /** A firing alert attaches to its cause's live incident, re-opens a recent one, or opens one. */
  alertFiring(
    arrival: AlertArrival,
    by: Person,
    policy: AlertPolicy,
    open: OpenForAlert,
  ): Promise<FiringOutcome> {
    return alertFiring(this.deps, arrival, by, policy, open);
  }

  /** A service of a fleet incident gets its own incident (opened by `open`); the fleet's table says so. */
  splitFromFleet(
    fleet: Incident,
    service: string,
    by: Person,
    open: (member: FleetMember) => Promise<Incident>,
  ) {
    return splitFromFleet(this.deps, fleet, service, by, open);
  }

  /** Resolved alerts leave their cause's live incident; never opens one. */
  alertsResolved(arrival: AlertArrival, by: Person) {
    return alertsResolved(this.deps, arrival, by);
  }

  /** A phase begins: its guidance is shown; detection checks and verification run; follow-ups are created. */
  async enterPhase(incident: Incident, phase: Phase, by: Person): Promise<Incident> {
    const { runbook } = this.deps.runbookOf(incident);
    const checks = incident.steps.filter(
      (s) => s.phase === phase && s.kind === 'check' && (s.status === 'pending' || s.status === 'failed'),
    );
    // Conditions that can be decided now are decided before the phase is announced, so its
    // introduction lists only the steps that will run; triage checks must run first when the
    // phase has them (its conditions read them), and the decisions then follow the results.
    if (phase === 'containment' || (phase === 'triage' && checks.length === 0)) {
      const decided = await decideConditionsNow(this.deps, incident, phase);
      await this.deps.narrator.phaseEntered(decided.incident, runbook, phase);
      if (decided.shown.length > 0)
        await this.deps.narrator.conditionsDecided(decided.incident, phase, decided.shown);
      return decided.incident;
    }
    await this.deps.narrator.phaseEntered(incident, runbook, phase);
    if (phase === 'detection' || phase === 'triage') {
      const ran = checks.length > 0 ? await runBatch(this.deps, incident, checks, by) : incident;
      return phase === 'triage' ? applyConditions(this.deps, ran, phase) : ran;
    }
    if (phase === 'verification' && openVerificationChecks(incident).length > 0)
      return verify(this.deps, incident, by);
    if (phase === 'follow-up') return this.createFollowUps(incident, by);
    return incident;
  }

  /** Run: a check, query or simulation runs; an HTTP action is called; a verification check verifies. */
  async runStep(incident: Incident, stepId: string, by: Person, key?: string): Promise<Incident> {
    const step = requireStep(incident, stepId);
    if (step.kind === 'check' && step.phase === 'verification') return verify(this.deps, incident, by, key);
    if (step.kind === 'action') return runAction(this.deps, incident, step, by, key);
    if (!isAutomatable(step)) {
      throw new GcIncidentError(
        'ILLEGAL_TRANSITION',
        `'${step.title}' is done by a person: click Done when it is done`,
        { stepId },
      );
    }
    const done = await runBatch(this.deps, incident, [step], by, key);
    await this.deps.narrator.changed(done);
    return done;
  }

  verify(incident: Incident, by: Person, key?: string): Promise<Incident> {
    return verify(this.deps, incident, by, key);
  }

  /** Approvers are checked on every surface: the runbook's, then the configured ones. */
  async approve(incident: Incident, stepId: string, by: Person, key?: string): Promise<Incident> {
    const step = requireStep(incident, stepId);
    const { runbook } = this.deps.runbookOf(incident);
    const action = runbook.containment.actions.find((a) => a.id === stepId);
    const verdict = await mayApprove(
      by,
      incident,
      action?.confirmation?.approvers ?? [],
      this.deps.caps.approvers ?? [],
      this.deps.caps.groupMembers ?? (async () => []),
      this.deps.caps.userIdOf,
    );
    if (!verdict.allowed) {
      // Facts, not words: each surface renders them (Slack with live mentions, src/slack/refusal-text.ts).
      const refusal: NotApprovedFacts = {
        code: 'NOT_APPROVED',
        incidentId: incident.id,
        stepId,
        stepTitle: step.title,
        user: by.id,
        approvers: verdict.approvers,
        ask: roleHint(incident, verdict),
      };
      throw new GcIncidentError('NOT_APPROVED', refusalText(refusal), { stepId, user: by.id, refusal });
    }
    const outcome = await execOn(this.deps, incident, {
      type: 'approve-action',
      stepId,
      as: verdict.as,
      actor: by.id,
      idempotencyKey: key,
    });
    if (outcome.events.length > 0 && !outcome.replayed)
      await this.deps.narrator.approved(outcome.incident, step, by, verdict.as);
    await this.deps.narrator.changed(outcome.incident);
    return outcome.incident;
  }

  async done(incident: Incident, stepId: string, by: Person, key?: string): Promise<Incident> {
    const step = requireStep(incident, stepId);
    if (isAutomatable(step)) {
      throw new GcIncidentError(
        'ILLEGAL_TRANSITION',
        `'${step.title}' is completed by running it: click Run`,
        {
          stepId,
        },
      );
    }
    return this.change(incident, { type: 'complete-step', stepId, actor: by.id, idempotencyKey: key });
  }

  skip(incident: Incident, stepId: string, by: Person, reason: string, key?: string): Promise<Incident> {
    return this.change(incident, { type: 'skip-step', stepId, actor: by.id, reason, idempotencyKey: key });
  }

  /**
   * The person joins the incident (unless the copy shows them in it already: a join that changes
   * nothing would read the stored incident again), then takes the step. The assignment's outcome
   * is the stored state: if the copy was old and they are not in the incident after all (the
   * commander changed meanwhile), they join then.
   */
  async assign(incident: Incident, stepId: string, by: Person, key?: string): Promise<Incident> {
    const inIncident = (i: Incident) => i.commander === by.id || i.participants.includes(by.id);
    const joined = inIncident(incident)
      ? incident
      : (await execOn(this.deps, incident, { type: 'join', actor: by.id })).incident;
    let current = (
      await execOn(this.deps, joined, {
        type: 'assign-step',
        stepId,
        assignee: by.id,
        actor: by.id,
        idempotencyKey: key,
      })
    ).incident;
    if (!inIncident(current))
      current = (await execOn(this.deps, current, { type: 'join', actor: by.id })).incident;
    await this.deps.narrator.changed(current);
    return current;
  }

  /** The next phase (or `to`); undefined when nothing changed (a replay). Entering it is enterPhase. */
  async advance(incident: Incident, by: Person, key?: string, to?: Phase): Promise<CommandOutcome> {
    const outcome = await execOn(this.deps, incident, {
      type: 'advance-phase',
      to,
      actor: by.id,
      idempotencyKey: key,
    });
    await this.deps.narrator.changed(outcome.incident);
    return outcome;
  }

  async setStatus(incident: Incident, status: IncidentStatus, by: Person, key?: string, reason?: string) {
    const outcome = await execOn(this.deps, incident, {
      type: 'set-status',
      status,
      reason,
      actor: by.id,
      idempotencyKey: key,
    });
    await this.deps.narrator.changed(outcome.incident);
    if (outcome.events.length > 0 && !outcome.replayed)
      await this.deps.narrator.statusChanged(outcome.incident, by);
    return outcome;
  }

  /** The answer to "the datasource is unavailable": skip every metric step, retry; once back, rerun the skipped. */
  answerUnavailable(
    incident: Incident,
    choice: 'skip' | 'retry' | 'rerun',
    datasource: string,
    by: Person,
    key?: string,
  ) {
    if (choice === 'rerun') return rerunSkipped(this.deps, incident, by);
    return choice === 'skip'
      ? skipMetricSteps(this.deps, incident, datasource, by, key)
      : retryMetricSteps(this.deps, incident, by);
  }

  /**
   * Verification closed without metrics: a person says how they verified (required). The
   * checks that did not run stay skipped; the record says "verified by hand by <person>: <note>".
   */
  async verifyByHand(incident: Incident, note: string, by: Person, key?: string): Promise<Incident> {
    const outcome = await execOn(this.deps, incident, {
      type: 'verify-by-hand',
      note,
      actor: by.id,
      idempotencyKey: key,
    });
    await this.deps.narrator.changed(outcome.incident);
    if (outcome.events.length > 0 && !outcome.replayed)
      await this.deps.narrator.verifiedByHand(outcome.incident, by);
    return outcome.incident;
  }

  /** The datasource is back: the metric steps skipped while it was down run now. */
  rerunSkipped(incident: Incident, by: Person): Promise<Incident> {
    return rerunSkipped(this.deps, incident, by);
  }

  /** The runbook's follow-up items become tracked items with owners, due dates and reminders. */
  createFollowUps(incident: Incident, by: Person): Promise<Incident> {
    return createFollowUps(this.deps, incident, by);
  }

  /** A follow-up added by hand, with its reminders. */
  addFollowUp(incidentId: string, add: FollowUpAdd, by: Person, key: string): Promise<FollowUpOutcome> {
    return addFollowUp(this.deps, incidentId, add, by, key);
  }

  /** Done, won't do, snoozed, reassigned: the item's reminders are planned again. */
  changeFollowUp(incidentId: string, itemId: string, change: FollowUpChange, by: Person, key: string) {
    return changeFollowUp(this.deps, incidentId, itemId, change, by, key);
  }

  /** A role given or handed over (the engine decides who may); moved follow-ups' reminders follow. */
  async assignRole(incident: Incident, role: IncidentRole, person: Actor, by: Person, key?: string) {
    const outcome = await assignRole(this.deps, incident, role, person, by, key);
    await moveRemindersWithRoles(this.deps, outcome);
    return outcome;
  }

  /** A role taken back (the commander stands in); moved follow-ups' reminders follow. */
  async unassignRole(incident: Incident, role: IncidentRole, by: Person, key?: string) {
    const outcome = await unassignRole(this.deps, incident, role, by, key);
    await moveRemindersWithRoles(this.deps, outcome);
    return outcome;
  }

  addNote(incident: Incident, text: string, by: Person, key?: string): Promise<CommandOutcome> {
    return addNote(this.deps, incident, text, by, key);
  }

  setSeverity(incident: Incident, severity: Incident['severity'], by: Person, key?: string) {
    return setSeverity(this.deps, incident, severity, by, key);
  }

  /** A message pinned to (or unpinned from) the record. */
  pin(incident: Incident, command: PinCommand): Promise<CommandOutcome> {
    return pin(this.deps, incident, command);
  }

  notePostmortem(incidentId: string, notes: PostmortemNotes, by: Person, key: string) {
    return notePostmortem(this.deps, incidentId, notes, by, key);
  }

  /** Where the surface shows the incident: its card, its own channel, its postmortem canvas. */
  recordCard(incidentId: string, at: { channel: string; ts: string }) {
    return recordCard(this.deps, incidentId, at);
  }

  recordChannel(incidentId: string, channel: string, announcement?: { channel: string; ts: string }) {
    return recordChannel(this.deps, incidentId, channel, announcement);
  }

  recordAnnouncement(incidentId: string, at: { channel: string; ts: string }) {
    return recordAnnouncement(this.deps, incidentId, at);
  }

  intendChannel(incidentId: string, name: string) {
    return intendChannel(this.deps, incidentId, name);
  }

  recordCanvas(incidentId: string, canvas: string) {
    return recordCanvas(this.deps, incidentId, canvas);
  }

  /** Steps a dead process left running fail, so people can run them again. */
  failInterrupted(incidentId: string, stepIds: readonly string[], key: string) {
    return failInterrupted(this.deps, incidentId, stepIds, key);
  }

  private async change(incident: Incident, command: Parameters<typeof execOn>[2]): Promise<Incident> {
    const outcome = await execOn(this.deps, incident, command);
    await this.deps.narrator.changed(outcome.incident);
    return outcome.incident;
  }
}

export function requireStep(incident: Incident, stepId: string): StepState {
  const step = stepOf(incident, stepId);
  if (!step)
    throw new GcIncidentError('STEP_NOT_FOUND', `incident ${incident.id} has no step '${stepId}'`, {
      stepId,
    });
  return step;
}
