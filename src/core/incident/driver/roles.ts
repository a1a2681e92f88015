/**
 * Roles and what people say, as every surface records them: assign or hand over a role,
 * add a note, pin or unpin a message. Each is one command on the timeline; the surface
 * shows the result (Slack posts a line in the thread and refreshes the card).
 */
import type { IncidentCommand } from '../commands.js';
import type { Actor, Incident } from '../model.js';
import type { RoleAuthority } from '../role-permissions.js';
import type { IncidentRole } from '../roles.js';
import type { CommandOutcome } from '../service.js';
import { mayApprove } from './approvals.js';
import { type DriverDeps, execOn } from './context.js';
import type { Person } from './ports.js';

/** Who may is decided by the engine (role-permissions.ts) with what only the driver can look up. */
export async function assignRole(
  deps: DriverDeps,
  incident: Incident,
  role: IncidentRole,
  person: Actor,
  by: Person,
  key?: string,
): Promise<CommandOutcome> {
  const authority = await authorityOf(deps, incident, by);
  return record(deps, incident, {
    type: 'assign-role',
    role,
    person,
    authority,
    actor: by.id,
    idempotencyKey: key,
  });
}

/** Takes a role back: nobody holds it, the commander stands in (refused for the commander). */
export async function unassignRole(
  deps: DriverDeps,
  incident: Incident,
  role: IncidentRole,
  by: Person,
  key?: string,
): Promise<CommandOutcome> {
  const authority = await authorityOf(deps, incident, by);
  return record(deps, incident, {
    type: 'unassign-role',
    role,
    authority,
    actor: by.id,
    idempotencyKey: key,
  });
}

/**
 * What the engine cannot know: is this person an approver by name (SLACK_APPROVERS, or a user
 * or user group any of the runbook's actions names; the same check an approval makes), and which
 * roles the runbook lets approve. Roles named as approvers do not make their holders approvers
 * here: a role holder giving roles away would be the bypass this check closes.
 */
export async function authorityOf(deps: DriverDeps, incident: Incident, by: Person): Promise<RoleAuthority> {
  const { runbook } = deps.runbookOf(incident);
  const named = runbook.containment.actions.flatMap((a) => a.confirmation?.approvers ?? []);
  const people = named.filter((a) => typeof a !== 'string' && !('role' in a));
  const approvalRoles = [
    ...new Set(named.flatMap((a) => (typeof a === 'string' ? [a] : 'role' in a ? [a.role] : []))),
  ];
  const configured = deps.caps.approvers ?? [];
  // With no approver named at all, mayApprove lets anyone approve: that is no one named here.
  if (people.length === 0 && configured.length === 0) return { approver: false, approvalRoles };
  const verdict = await mayApprove(
    by,
    incident,
    people,
    configured,
    deps.caps.groupMembers ?? (async () => []),
    deps.caps.userIdOf,
  );
  return { approver: verdict.allowed, approvalRoles };
}

export function addNote(
  deps: DriverDeps,
  incident: Incident,
  text: string,
  by: Person,
  key?: string,
): Promise<CommandOutcome> {
  return record(deps, incident, { type: 'add-note', text, actor: by.id, idempotencyKey: key });
}

/** Raises or lowers the severity (no change when it is the same: nothing recorded, nothing shown). */
export function setSeverity(
  deps: DriverDeps,
  incident: Incident,
  severity: Incident['severity'],
  by: Person,
  key?: string,
): Promise<CommandOutcome> {
  return record(deps, incident, { type: 'set-severity', severity, actor: by.id, idempotencyKey: key });
}

export type PinCommand = Extract<IncidentCommand, { type: 'pin-message' | 'unpin-message' }>;

export function pin(deps: DriverDeps, incident: Incident, command: PinCommand): Promise<CommandOutcome> {
  return record(deps, incident, command);
}

async function record(deps: DriverDeps, incident: Incident, command: IncidentCommand) {
  const outcome = await execOn(deps, incident, command);
  if (outcome.events.length > 0 && !outcome.replayed) await deps.narrator.changed(outcome.incident);
  return outcome;
}
