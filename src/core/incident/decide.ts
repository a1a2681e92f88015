/**
 * The incident state machine: given the current incident and a command,
 * either the events that record what changes, or a coded error saying why the
 * command is not allowed now. Pure: the caller supplies time and persistence.
 */

import { GcIncidentError } from '../errors.js';
import { checkFreeText } from '../text/free-text.js';
import { decideAttach, decideJoin, decideSplit } from './alerts-attached.js';
import type { IncidentCommand } from './commands.js';
import { decideEvidence } from './decide-evidence.js';
import { decideRecord } from './decide-roles.js';
import {
  type EventType,
  type Incident,
  type IncidentStatus,
  PHASES,
  type StepState,
  stepOf,
} from './model.js';
import { checkRoleChange } from './role-permissions.js';

export interface PendingEvent {
  readonly type: EventType;
  readonly data: Record<string, unknown>;
}

const STATUS_MOVES: Record<IncidentStatus, readonly IncidentStatus[]> = {
  open: ['mitigated', 'resolved'],
  mitigated: ['open', 'resolved'],
  resolved: ['open', 'closed'],
  closed: ['open'],
};

function illegal(message: string, details: Record<string, unknown>): never {
  throw new GcIncidentError('ILLEGAL_TRANSITION', message, details);
}

function findStep(incident: Incident, stepId: string): StepState {
  const step = stepOf(incident, stepId);
  if (!step) {
    throw new GcIncidentError('STEP_NOT_FOUND', `incident ${incident.id} has no step '${stepId}'`, {
      incidentId: incident.id,
      stepId,
    });
  }
  return step;
}

function statusChange(step: StepState, after: StepState['status']) {
  return { stepId: step.id, before: step.status, after };
}

export function decide(incident: Incident, command: IncidentCommand): PendingEvent[] {
  const id = incident.id;
  if (
    incident.status === 'closed' &&
    !(command.type === 'set-status' && command.status === 'open') &&
    command.type !== 'record-card' &&
    command.type !== 'record-canvas' &&
    command.type !== 'record-announcement' &&
    command.type !== 'update-followup' &&
    command.type !== 'note-postmortem'
  ) {
    illegal(`incident ${id} is closed; reopen it first`, { incidentId: id, reason: 'closed' });
  }
  switch (command.type) {
    case 'start-step': {
      const step = findStep(incident, command.stepId);
      // A step skipped only because its datasource was down may run once it is back.
      const rerun = step.status === 'skipped' && step.skippedForOutage !== undefined;
      if (step.status !== 'pending' && step.status !== 'failed' && !rerun) {
        illegal(`step '${step.id}' is ${step.status}; only a pending or failed step can start`, {
          stepId: step.id,
          status: step.status,
        });
      }
      if (step.needsApproval && !step.approvedBy) {
        throw new GcIncidentError('NOT_APPROVED', `action '${step.id}' needs an approval before it runs`, {
          stepId: step.id,
          risk: step.risk,
        });
      }
      return [{ type: 'step.started', data: statusChange(step, 'running') }];
    }
    case 'complete-step': {
      const step = findStep(incident, command.stepId);
      if (step.status === 'done' || step.status === 'skipped') {
        illegal(`step '${step.id}' is already ${step.status}`, { stepId: step.id, status: step.status });
      }
      if (step.needsApproval && !step.approvedBy) {
        throw new GcIncidentError(
          'NOT_APPROVED',
          `action '${step.id}' needs an approval before it can be done`,
          {
            stepId: step.id,
            risk: step.risk,
          },
        );
      }
      return [
        { type: 'step.completed', data: { ...statusChange(step, 'done'), result: command.result ?? null } },
      ];
    }
    case 'fail-step': {
      const step = findStep(incident, command.stepId);
      if (step.status !== 'running' && step.status !== 'pending') {
        illegal(`step '${step.id}' is ${step.status}; only a pending or running step can fail`, {
          stepId: step.id,
          status: step.status,
        });
      }
      return [
        {
          type: 'step.failed',
          data: { ...statusChange(step, 'failed'), error: command.error, result: command.result ?? null },
        },
      ];
    }
    case 'skip-step': {
      const step = findStep(incident, command.stepId);
      if (command.reason.trim() === '')
        illegal('skipping a step needs a reason', { stepId: step.id, reason: 'no-reason' });
      // A running step can be skipped too (a stuck action, a dripping server): its late result
      // is dropped by the driver (run-steps.ts), the skip and its reason stand.
      if (step.status === 'done' || step.status === 'skipped') {
        illegal(`step '${step.id}' is already ${step.status}`, { stepId: step.id, status: step.status });
      }
      return [
        {
          type: 'step.skipped',
          data: {
            ...statusChange(step, 'skipped'),
            reason: command.reason.trim(),
            ...(command.byCondition ? { byCondition: true } : {}),
            ...(command.outage ? { outage: command.outage } : {}),
          },
        },
      ];
    }
    case 'assign-step': {
      const step = findStep(incident, command.stepId);
      if (step.status === 'done' || step.status === 'skipped') {
        illegal(`step '${step.id}' is already ${step.status}`, { stepId: step.id, status: step.status });
      }
      if (step.assignee === command.assignee) return [];
      return [
        {
          type: 'step.assigned',
          data: { stepId: step.id, before: step.assignee ?? null, after: command.assignee },
        },
      ];
    }
    case 'approve-action': {
      const step = findStep(incident, command.stepId);
      if (step.kind !== 'action' || !step.needsApproval) {
        illegal(`step '${step.id}' does not need an approval`, { stepId: step.id });
      }
      if (step.approvedBy) return [];
      if (step.status !== 'pending' && step.status !== 'failed') {
        illegal(`action '${step.id}' is ${step.status}`, { stepId: step.id, status: step.status });
      }
      return [
        {
          type: 'action.approved',
          data: {
            stepId: step.id,
            before: null,
            after: command.actor,
            risk: step.risk,
            ...(command.as ? { role: command.as } : {}),
          },
        },
      ];
    }
    case 'advance-phase': {
      const index = PHASES.indexOf(incident.phase);
      const target = command.to ?? PHASES[index + 1];
      if (target === undefined) illegal('follow-up is the last phase', { phase: incident.phase });
      if (PHASES.indexOf(target) <= index) {
        illegal(`cannot go back from ${incident.phase} to ${target}`, { phase: incident.phase, to: target });
      }
      const blocking = incident.steps.filter(
        (s) =>
          PHASES.indexOf(s.phase) < PHASES.indexOf(target) &&
          !s.optional &&
          s.status !== 'done' &&
          s.status !== 'skipped',
      );
      if (blocking.length > 0) {
        illegal(
          `cannot enter ${target}: ${blocking.map((s) => `'${s.id}' (${s.status})`).join(', ')} must be done or skipped first`,
          { phase: incident.phase, to: target, blocking: blocking.map((s) => s.id) },
        );
      }
      return [{ type: 'phase.started', data: { before: incident.phase, after: target } }];
    }
    case 'set-status': {
      const from = incident.status;
      const to = command.status;
      if (from === to) return [];
      if (!STATUS_MOVES[from].includes(to)) {
        illegal(`an incident cannot go from ${from} to ${to}`, { before: from, after: to });
      }
      if (to === 'closed') checkClosable(incident);
      return [{ type: 'status.changed', data: { before: from, after: to, reason: command.reason ?? null } }];
    }
    case 'join':
      if (incident.participants.includes(command.actor) || incident.commander === command.actor) return [];
      return [{ type: 'participant.joined', data: { after: command.actor } }];
    case 'set-commander':
      if (incident.commander === command.commander) return [];
      // No surface sends it (they assign the commander role); the same rule holds for it.
      checkRoleChange(incident, command.actor, {
        kind: 'assign',
        role: 'commander',
        person: command.commander,
      });
      return [{ type: 'commander.changed', data: { before: incident.commander, after: command.commander } }];
    case 'add-note':
      if (command.text.trim() === '') illegal('a note needs text', { reason: 'empty-note' });
      checkFreeText('the note', command.text);
      return [{ type: 'note.added', data: { text: command.text.trim() } }];
    case 'add-followup': {
      const title = command.title.trim();
      if (title === '') illegal('a follow-up needs a title', { reason: 'no-title' });
      if (Number.isNaN(Date.parse(command.dueAt)))
        illegal(`'${command.dueAt}' is not a due date`, { reason: 'bad-due' });
      if (command.stepId && (incident.followUps ?? []).some((f) => f.stepId === command.stepId)) return [];
      const item = {
        id: `F${(incident.followUps ?? []).length + 1}`,
        title,
        type: command.followUpType,
        owner: command.owner,
        dueAt: new Date(command.dueAt).toISOString(),
        status: 'open',
        ...(command.stepId ? { stepId: command.stepId } : {}),
        ...(command.ownerRole ? { ownerRole: command.ownerRole } : {}),
        ...(command.roleUnassigned ? { roleUnassigned: true } : {}),
      };
      return [{ type: 'followup.created', data: { item } }];
    }
    case 'update-followup': {
      const item = (incident.followUps ?? []).find((f) => f.id === command.itemId);
      if (!item) {
        throw new GcIncidentError(
          'STEP_NOT_FOUND',
          `incident ${incident.id} has no follow-up ${command.itemId}`,
          {
            incidentId: incident.id,
            itemId: command.itemId,
          },
        );
      }
      if (command.change.status === 'wont-do' && !command.change.reason?.trim()) {
        illegal("won't do needs a reason", { itemId: item.id, reason: 'no-reason' });
      }
      const after: Record<string, unknown> = {};
      const before: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(command.change)) {
        if (value === undefined || (item as unknown as Record<string, unknown>)[key] === value) continue;
        before[key] = (item as unknown as Record<string, unknown>)[key] ?? null;
        after[key] = value;
      }
      if (Object.keys(after).length === 0) return [];
      const events: PendingEvent[] = [{ type: 'followup.changed', data: { itemId: item.id, before, after } }];
      // A runbook follow-up done here is the runbook step done: closing checks the steps.
      const step = item.stepId ? stepOf(incident, item.stepId) : undefined;
      if (
        step &&
        (step.status === 'pending' || step.status === 'failed') &&
        (after.status === 'done' || after.status === 'wont-do')
      ) {
        events.push(
          after.status === 'done'
            ? {
                type: 'step.completed',
                data: { ...statusChange(step, 'done'), result: { followUp: item.id } },
              }
            : {
                type: 'step.skipped',
                data: {
                  ...statusChange(step, 'skipped'),
                  reason: String(after.reason ?? command.change.reason),
                },
              },
        );
      }
      return events;
    }
    case 'note-postmortem': {
      const after = Object.fromEntries(Object.entries(command.notes).filter(([, v]) => v !== undefined));
      if (Object.keys(after).length === 0) return [];
      return [{ type: 'postmortem.noted', data: { before: incident.notes ?? {}, after } }];
    }
    case 'record-outage':
    case 'record-recovery':
    case 'verify-by-hand':
      return decideEvidence(incident, command);
    case 'assign-role':
    case 'unassign-role':
    case 'pin-message':
    case 'unpin-message':
      return decideRecord(incident, command);
    case 'attach-alerts':
      return decideAttach(incident, command);
    case 'join-fleet':
      return decideJoin(incident, command);
    case 'split-fleet':
      return decideSplit(incident, command);
    case 'record-card':
      if (incident.card?.channel === command.channel && incident.card.ts === command.ts) return [];
      return [
        {
          type: 'card.posted',
          data: { before: incident.card ?? null, channel: command.channel, ts: command.ts },
        },
      ];
    case 'record-channel':
      if (incident.channel?.id === command.channel) return [];
      return [
        {
          type: 'channel.created',
          data: { channel: command.channel, announcement: command.announcement ?? null },
        },
      ];
    case 'record-announcement': {
      // Only for a recorded channel; a second record of the same line (a retry) changes nothing.
      const at = incident.channel?.announcement;
      if (!incident.channel || (at?.channel === command.channel && at.ts === command.ts)) return [];
      return [{ type: 'channel.announced', data: { channel: command.channel, ts: command.ts } }];
    }
    case 'set-severity':
      if (incident.severity === command.severity) return [];
      return [{ type: 'severity.changed', data: { before: incident.severity, after: command.severity } }];
    case 'intend-channel':
      if (incident.channel || incident.intendedChannel?.name === command.name) return [];
      return [{ type: 'channel.intended', data: { name: command.name } }];
    case 'record-canvas':
      if (incident.canvas?.id === command.canvas) return [];
      return [{ type: 'canvas.created', data: { canvas: command.canvas } }];
  }
}

/** Closing needs every action settled, every high-risk action acknowledged, required follow-ups done. */
function checkClosable(incident: Incident): void {
  const running = incident.steps.filter((s) => s.kind === 'action' && s.status === 'running');
  if (running.length > 0) {
    illegal(`cannot close: action(s) ${running.map((s) => `'${s.id}'`).join(', ')} still running`, {
      reason: 'action-running',
      steps: running.map((s) => s.id),
    });
  }
  const unacknowledged = incident.steps.filter(
    (s) => s.kind === 'action' && s.risk === 'high' && (s.status === 'pending' || s.status === 'failed'),
  );
  if (unacknowledged.length > 0) {
    illegal(
      `cannot close: high-risk action(s) ${unacknowledged.map((s) => `'${s.id}'`).join(', ')} are neither done nor skipped with a reason`,
      { reason: 'unacknowledged-high-risk', steps: unacknowledged.map((s) => s.id) },
    );
  }
  const required = incident.steps.filter(
    (s) => s.phase === 'follow-up' && !s.optional && s.status !== 'done' && s.status !== 'skipped',
  );
  if (required.length > 0) {
    illegal(
      `cannot close: follow-up(s) ${required.map((s) => `'${s.id}'`).join(', ')} are required before closing`,
      { reason: 'required-follow-up', steps: required.map((s) => s.id) },
    );
  }
}
