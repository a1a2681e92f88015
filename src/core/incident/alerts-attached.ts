/**
 * Alerts attached to an incident: which are firing, which names were seen. A notification that
 * changes neither (Alertmanager repeats itself) records nothing, so no idempotency key is needed.
 */
import { type FleetMember, MAX_FLEET_MEMBERS } from '../alerts/fleet.js';
import { GcIncidentError } from '../errors.js';
import type { IncidentCommand } from './commands.js';
import type { PendingEvent } from './decide.js';
import { type AlertSummary, type Incident, MAX_ALERT_NAMES, MAX_TRACKED_ALERTS } from './model.js';

type Attach = Extract<IncidentCommand, { type: 'attach-alerts' }>;

const EMPTY: AlertSummary = { firing: [], names: [], notifications: 0, lastAt: '' };

export function decideAttach(incident: Incident, command: Attach): PendingEvent[] {
  const before = incident.alerts ?? EMPTY;
  const firing = new Set(before.firing);
  const started = [...new Set(command.firing.map((a) => a.fingerprint))].filter((f) => !firing.has(f));
  const stopped = [...new Set(command.resolved)].filter((f) => firing.has(f));
  const names = [...new Set(command.firing.map((a) => a.name))].filter((n) => !before.names.includes(n));
  if (started.length === 0 && stopped.length === 0 && names.length === 0) return [];
  return [{ type: 'alerts.attached', data: { firing: started, resolved: stopped, names } }];
}

export function applyAttached(incident: Incident, data: Record<string, unknown>, at: string): AlertSummary {
  const before = incident.alerts ?? EMPTY;
  const resolved = new Set(data.resolved as string[]);
  const firing = [...before.firing.filter((f) => !resolved.has(f)), ...(data.firing as string[])];
  return {
    // Past the cap, the newest fingerprints are not tracked (the count on the card says "at least").
    firing: firing.slice(0, MAX_TRACKED_ALERTS),
    names: [...before.names, ...(data.names as string[])].slice(0, MAX_ALERT_NAMES),
    notifications: before.notifications + 1,
    lastAt: at,
  };
}

type Join = Extract<IncidentCommand, { type: 'join-fleet' }>;
type Split = Extract<IncidentCommand, { type: 'split-fleet' }>;

export function decideJoin(incident: Incident, command: Join): PendingEvent[] {
  const listed = new Set((incident.fleet?.members ?? []).map((m) => m.cause));
  const room = MAX_FLEET_MEMBERS - listed.size;
  const members = command.members.filter((m) => !listed.has(m.cause)).slice(0, Math.max(0, room));
  return members.length === 0 ? [] : [{ type: 'fleet.joined', data: { members } }];
}

export function decideSplit(incident: Incident, command: Split): PendingEvent[] {
  const member = incident.fleet?.members.find((m) => m.cause === command.cause);
  if (!member)
    throw new GcIncidentError(
      'ILLEGAL_TRANSITION',
      `${incident.id} lists no service of cause ${command.cause}`,
      {
        incidentId: incident.id,
        cause: command.cause,
      },
    );
  if (member.incidentId === command.incidentId) return [];
  return [
    {
      type: 'fleet.split',
      data: { cause: command.cause, service: member.service, incidentId: command.incidentId },
    },
  ];
}

export function applyFleet(
  incident: Incident,
  type: 'fleet.joined' | 'fleet.split',
  data: Record<string, unknown>,
  at: string,
) {
  const members = incident.fleet?.members ?? [];
  if (type === 'fleet.joined')
    return {
      members: [...members, ...(data.members as FleetMember[]).map((m) => ({ ...m, since: m.since ?? at }))],
    };
  return {
    members: members.map((m) => (m.cause === data.cause ? { ...m, incidentId: String(data.incidentId) } : m)),
  };
}
