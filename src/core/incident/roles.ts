/**
 * The people of an incident by role: commander (one, always set), service owner and
 * scribe (one each, maybe unassigned), responders (everyone who joined). A runbook names
 * follow-up owners and approvers by role; an unassigned role falls back to the commander,
 * and the fallback is said wherever the result is shown. Pure.
 */
import type { Role } from '../runbook/types.js';
import type { Actor, Incident } from './model.js';

export type IncidentRole = Role;

export const INCIDENT_ROLES: readonly IncidentRole[] = ['commander', 'service-owner', 'scribe', 'responder'];

/** The roles held by one person at a time (responders are many). */
export type SingleRole = Exclude<IncidentRole, 'responder'>;

export const ROLE_LABEL: Record<IncidentRole, string> = {
  commander: 'commander',
  'service-owner': 'service owner',
  scribe: 'scribe',
  responder: 'responder',
};

/** The words people type for a role after `/gc-incident role` (in the commands we suggest). */
export const ROLE_TYPED: Record<IncidentRole, string> = {
  commander: 'commander',
  'service-owner': 'owner',
  scribe: 'scribe',
  responder: 'responder',
};

/** What people type after `/gc-incident role`: the role names and their short forms. */
const ALIASES: Record<string, IncidentRole> = {
  commander: 'commander',
  ic: 'commander',
  'incident-commander': 'commander',
  lead: 'commander',
  'service-owner': 'service-owner',
  owner: 'service-owner',
  so: 'service-owner',
  scribe: 'scribe',
  notes: 'scribe',
  responder: 'responder',
  responders: 'responder',
};

export function parseRole(text: string): IncidentRole | undefined {
  return ALIASES[text.toLowerCase()];
}

/** A role given in a runbook: `service-owner` or `{role: service-owner}`. */
export type RoleRef = IncidentRole | { readonly role: IncidentRole };

export function roleName(ref: RoleRef): IncidentRole {
  return typeof ref === 'string' ? ref : ref.role;
}

export interface RoleHolder {
  readonly person: Actor;
  /** The role is not assigned: `person` is the commander, standing in. */
  readonly fallback: boolean;
}

/** Who holds a role now. Responders: the first who joined; with no one, the commander. */
export function holderOf(incident: Incident, role: IncidentRole): RoleHolder {
  if (role === 'commander') return { person: incident.commander, fallback: false };
  if (role === 'responder') {
    const first = incident.participants.find((p) => p !== incident.commander);
    return first ? { person: first, fallback: false } : { person: incident.commander, fallback: true };
  }
  const person = incident.roles?.[role];
  return person ? { person, fallback: false } : { person: incident.commander, fallback: true };
}

/** Does this person hold the role? An unassigned role is held by the commander. */
export function holds(incident: Incident, role: IncidentRole, person: Actor): boolean {
  if (role === 'responder') return incident.participants.includes(person) || incident.commander === person;
  return holderOf(incident, role).person === person;
}

/** "the service owner" or "the service owner (not assigned: the commander stands in)". */
export function describeRole(incident: Incident, role: IncidentRole): string {
  const label = `the ${ROLE_LABEL[role]}`;
  if (role === 'commander' || role === 'responder') return label;
  return holderOf(incident, role).fallback ? `${label} (not assigned: the commander stands in)` : label;
}

/** Every role and who holds it, for cards, status and the postmortem. */
export function roleTable(incident: Incident): {
  commander: Actor;
  serviceOwner: Actor | null;
  scribe: Actor | null;
  responders: readonly Actor[];
} {
  return {
    commander: incident.commander,
    serviceOwner: incident.roles?.['service-owner'] ?? null,
    scribe: incident.roles?.scribe ?? null,
    responders: incident.participants.filter((p) => p !== incident.commander),
  };
}

/** After a follow-up's owner: " (the service owner)", or that the commander got it for want of one. */
export function ownerNote(item: {
  readonly ownerRole?: IncidentRole | undefined;
  readonly roleUnassigned?: boolean | undefined;
}): string {
  if (!item.ownerRole) return '';
  const label = ROLE_LABEL[item.ownerRole];
  return item.roleUnassigned ? ` (the commander: no ${label} assigned)` : ` (the ${label})`;
}
