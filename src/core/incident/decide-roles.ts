/**
 * What people say reaches the record: role assignments and handovers, and
 * messages pinned (and unpinned) from the incident's thread. Part of decide():
 * events or a coded error, pure. Who may change a role is role-permissions.ts; a change
 * that changes nothing is answered as such before it is asked.
 */

import { GcIncidentError } from '../errors.js';
import { hasBidiControl } from '../text/bidi.js';
import { cleanFreeText } from '../text/free-text.js';
import type { IncidentCommand } from './commands.js';
import type { PendingEvent } from './decide.js';
import type { Incident } from './model.js';
import { checkRoleChange } from './role-permissions.js';
import { holderOf, INCIDENT_ROLES, type IncidentRole, ROLE_LABEL } from './roles.js';

/** A pinned message keeps this much text (a Slack message holds up to 40,000 characters). */
export const PINNED_TEXT_MAX = 3000;

type RecordCommand = Extract<
  IncidentCommand,
  { type: 'assign-role' | 'unassign-role' | 'pin-message' | 'unpin-message' }
>;

export function decideRecord(incident: Incident, command: RecordCommand): PendingEvent[] {
  switch (command.type) {
    case 'assign-role': {
      const { role, person } = command;
      if (!INCIDENT_ROLES.includes(role))
        throw new GcIncidentError('USAGE', `'${String(role).slice(0, 40)}' is not a role`, {
          role,
          roles: INCIDENT_ROLES,
        });
      checkPerson(person);
      if (role === 'responder') {
        if (incident.participants.includes(person) || incident.commander === person) return [];
        checkRoleChange(incident, command.actor, { kind: 'assign', role, person }, command.authority);
        return [{ type: 'role.assigned', data: { role, before: null, after: person } }];
      }
      const before = role === 'commander' ? incident.commander : (incident.roles?.[role] ?? null);
      if (before === person) return [];
      checkRoleChange(incident, command.actor, { kind: 'assign', role, person }, command.authority);
      return [
        { type: 'role.assigned', data: { role, before, after: person } },
        ...followTheRole(incident, role, person),
      ];
    }
    case 'unassign-role':
      return unassign(incident, command);
    case 'pin-message': {
      if ((incident.pinned ?? []).some((p) => p.channel === command.channel && p.ts === command.ts))
        return [];
      // Someone else's message: kept, but never with a terminal escape or a bidi override.
      const text = cleanFreeText(command.text.trim());
      if (text === '')
        throw new GcIncidentError('ILLEGAL_TRANSITION', 'a pinned message needs text', {
          reason: 'empty-message',
        });
      return [
        {
          type: 'message.pinned',
          data: {
            channel: command.channel,
            ts: command.ts,
            author: command.author,
            text: text.length > PINNED_TEXT_MAX ? `${text.slice(0, PINNED_TEXT_MAX - 1)}…` : text,
            postedAt: command.postedAt,
            permalink: command.permalink ?? null,
          },
        },
      ];
    }
    case 'unpin-message': {
      const pinned = (incident.pinned ?? []).find(
        (p) => p.channel === command.channel && p.ts === command.ts,
      );
      if (!pinned) return [];
      return [{ type: 'message.unpinned', data: { channel: command.channel, ts: command.ts } }];
    }
  }
}

/**
 * A role taken back: nobody holds it, the commander stands in (approvals, follow-ups). An
 * incident always has a commander (it is handed over instead), and responders are everyone
 * who joined, so neither is taken back. Taking back a role nobody holds records nothing.
 */
function unassign(
  incident: Incident,
  command: Extract<RecordCommand, { type: 'unassign-role' }>,
): PendingEvent[] {
  const { role } = command;
  if (!INCIDENT_ROLES.includes(role))
    throw new GcIncidentError('USAGE', `'${String(role).slice(0, 40)}' is not a role`, {
      role,
      roles: INCIDENT_ROLES,
    });
  if (role === 'commander')
    throw new GcIncidentError(
      'ILLEGAL_TRANSITION',
      'an incident always has a commander: hand the role over to someone instead (role @someone commander)',
      { role, reason: 'commander-required' },
    );
  if (role === 'responder')
    throw new GcIncidentError(
      'ILLEGAL_TRANSITION',
      'responders are everyone who joined the incident; that role is not taken back',
      { role, reason: 'responders-joined' },
    );
  const before = incident.roles?.[role];
  if (!before) return [];
  checkRoleChange(incident, command.actor, { kind: 'unassign', role }, command.authority);
  // Open items the holder had for this role go back to the commander, marked as standing in.
  const moved = (incident.followUps ?? [])
    .filter((f) => f.status === 'open' && f.owner === before && f.ownerRole === role)
    .map((f) => ({
      type: 'followup.changed' as const,
      data: {
        itemId: f.id,
        before: { owner: f.owner, roleUnassigned: f.roleUnassigned ?? false },
        after: { owner: incident.commander, roleUnassigned: true },
      },
    }));
  return [{ type: 'role.unassigned', data: { role, before } }, ...moved];
}

/**
 * Open follow-ups the runbook gave this role move to its new holder (and, when the commander
 * changes, the items the commander held for roles nobody had move with it).
 */
function followTheRole(incident: Incident, role: IncidentRole, person: string): PendingEvent[] {
  const previous = holderOf(incident, role).person;
  return (incident.followUps ?? [])
    .filter(
      (f) =>
        f.status === 'open' &&
        f.owner === previous &&
        (f.ownerRole === role || (role === 'commander' && f.roleUnassigned === true)),
    )
    .map((f) => {
      const stillUnassigned = f.ownerRole !== role;
      return {
        type: 'followup.changed' as const,
        data: {
          itemId: f.id,
          before: { owner: f.owner, roleUnassigned: f.roleUnassigned ?? false },
          after: { owner: person, roleUnassigned: stillUnassigned },
        },
      };
    });
}

/** A person is a Slack user id or a name from the terminal: short, one line, no bidi controls. */
function checkPerson(person: string): void {
  if (person.trim() === '' || person.length > 80 || /[\n\r\t]/.test(person) || hasBidiControl(person))
    throw new GcIncidentError(
      'USAGE',
      `'${person.slice(0, 40)}' is not a person: name a Slack user (@someone) or, in the terminal, a name`,
      { person: person.slice(0, 80) },
    );
}

export function roleLabel(role: string): string {
  return ROLE_LABEL[role as keyof typeof ROLE_LABEL] ?? role;
}
