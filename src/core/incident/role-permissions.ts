/**
 * Who may change an incident's roles. Roles carry power (the commander and the service owner
 * approve risky actions, the runbook may name others), so giving one is the commander's call,
 * as in mature incident tools; the approvers the operators or the runbook name by person or
 * group may too. Everyone else may only do what gives them no power over others: join as a
 * responder, take an empty scribe seat that approves nothing, step down from a role they hold,
 * and take command of an incident nobody commands yet (opened by an alert). Decided in the
 * engine on the stored incident, so every surface gets the same answer. Pure.
 */
import { GcIncidentError } from '../errors.js';
import type { Actor, Incident } from './model.js';
import { type RoleChangeFacts, refusalText } from './refusals.js';
import type { IncidentRole } from './roles.js';

/**
 * Actors that are not people: an incident Alertmanager opened has `alertmanager` as its
 * commander until someone takes command (src/slack/flow/deps.ts ALERTMANAGER; a test keeps
 * the two in step); `system` records what the app did by itself.
 */
export const NOT_PEOPLE: readonly Actor[] = ['system', 'alertmanager'];

/** What the driver knows about the actor beyond the incident (the engine cannot look it up). */
export interface RoleAuthority {
  /** A named approver: SLACK_APPROVERS, or a user or user group the runbook's actions name. */
  readonly approver: boolean;
  /** Roles the runbook lets approve an action (the commander and service owner always count). */
  readonly approvalRoles: readonly IncidentRole[];
}

/** Without word from the driver: no approver, and every role but responder treated as powerful. */
export const NO_AUTHORITY: RoleAuthority = { approver: false, approvalRoles: ['scribe'] };

export type RoleChange =
  | { readonly kind: 'assign'; readonly role: IncidentRole; readonly person: Actor }
  | { readonly kind: 'unassign'; readonly role: IncidentRole };

/** Why a change is allowed (tests and logs read it). */
export type RoleGrant =
  | 'commander'
  | 'approver'
  | 'take-command'
  | 'responder'
  | 'empty-scribe-seat'
  | 'step-down';

export type RoleVerdict = { readonly allowed: true; readonly why: RoleGrant } | { readonly allowed: false };

/** An incident someone commands: not one opened by an alert that nobody has taken yet. */
export function hasPersonInCommand(incident: Incident): boolean {
  return !NOT_PEOPLE.includes(incident.commander);
}

/** The commander and the service owner always approve (and own follow-ups); the runbook may add roles. */
export function carriesApprovalPower(role: IncidentRole, authority: RoleAuthority): boolean {
  if (role === 'responder') return false; // everyone who joins is one; joining is open to all
  return role === 'commander' || role === 'service-owner' || authority.approvalRoles.includes(role);
}

export function mayChangeRole(
  incident: Incident,
  actor: Actor,
  change: RoleChange,
  authority: RoleAuthority = NO_AUTHORITY,
): RoleVerdict {
  const allow = (why: RoleGrant): RoleVerdict => ({ allowed: true, why });
  if (actor === incident.commander) return allow('commander');
  if (authority.approver) return allow('approver');
  if (change.kind === 'unassign') {
    const held = change.role !== 'commander' && change.role !== 'responder' && incident.roles?.[change.role];
    return held === actor ? allow('step-down') : { allowed: false };
  }
  const { role, person } = change;
  if (role === 'commander')
    return person === actor && !hasPersonInCommand(incident) ? allow('take-command') : { allowed: false };
  // Responders are everyone who joined, and anyone may join (assigning oneself a step joins).
  if (role === 'responder') return allow('responder');
  if (
    role === 'scribe' &&
    person === actor &&
    !incident.roles?.scribe &&
    !carriesApprovalPower(role, authority)
  )
    return allow('empty-scribe-seat');
  return { allowed: false };
}

/** Throws the refusal when the change is not allowed: its facts say whom to ask and what to run. */
export function checkRoleChange(
  incident: Incident,
  actor: Actor,
  change: RoleChange,
  authority: RoleAuthority = NO_AUTHORITY,
): void {
  if (mayChangeRole(incident, actor, change, authority).allowed) return;
  const inCommand = hasPersonInCommand(incident);
  const refusal: RoleChangeFacts = {
    code: 'ROLE_CHANGE_NOT_ALLOWED',
    incidentId: incident.id,
    role: change.role,
    change: change.kind,
    ...(change.kind === 'assign'
      ? { to: change.person === actor ? ('you' as const) : ('someone' as const) }
      : {}),
    user: actor,
    commander: inCommand ? incident.commander : undefined,
  };
  throw new GcIncidentError('ROLE_CHANGE_NOT_ALLOWED', refusalText(refusal), {
    role: change.role,
    change: change.kind,
    user: actor,
    reason: inCommand ? 'not-commander' : 'no-commander',
    refusal,
  });
}
