/**
 * Who may approve a high-risk containment action: the approvers the runbook
 * names (a role in this incident, a user, a user group) and the approvers the
 * operators configured for every runbook (SLACK_APPROVERS). With neither,
 * whoever confirms is recorded as the approver. A role nobody holds (no
 * service owner assigned) is the commander's, and the refusal says so.
 */
import type { Approver } from '../../runbook/types.js';
import type { Incident } from '../model.js';
import { type ApproverFact, approversText, type RoleAsk } from '../refusals.js';
import { hasPersonInCommand } from '../role-permissions.js';
import { holderOf, holds, type IncidentRole } from '../roles.js';

/**
 * Who asks, by id only: a Slack user id (payload.user.id) or `cli:<user>`. Never a username:
 * Slack deprecated them and they are not unique (Slack Connect, Enterprise Grid), so a user
 * named `bob` in another workspace would pass for the approver `@bob`.
 */
export interface Approvee {
  readonly id: string;
}

/** A runbook's `@handle` as the id it was resolved to when the runbooks were loaded; undefined: not resolved. */
export type HandleResolver = (handle: string) => Promise<string | undefined>;

export interface ApprovalVerdict {
  readonly allowed: boolean;
  /** Who may approve, as facts (src/core/incident/refusals.ts); empty: anyone. */
  readonly approvers: readonly ApproverFact[];
  /** The same in plain words, for the terminal and the log. */
  readonly allowedText: string;
  /** The role that allowed this person, when a role did (recorded on the timeline). */
  readonly as?: IncidentRole | undefined;
  /** The roles that would allow someone, in the runbook's order (for "how to get the role"). */
  readonly roles: readonly IncidentRole[];
}

export async function mayApprove(
  user: Approvee,
  incident: Incident,
  runbookApprovers: readonly Approver[],
  configured: readonly string[],
  groupMembers: (group: string) => Promise<readonly string[]>,
  userIdOf: HandleResolver = async () => undefined,
): Promise<ApprovalVerdict> {
  const approvers: Approver[] = [
    ...runbookApprovers.map((a): Approver => (typeof a === 'string' ? { role: a } : a)),
    ...configured.map((id): Approver => (/^S/.test(id) ? { group: id } : { user: id })),
  ];
  const roles = approvers.flatMap((a) => (typeof a !== 'string' && 'role' in a ? [a.role] : []));
  if (approvers.length === 0) return { allowed: true, approvers: [], allowedText: 'anyone', roles };
  const facts = approvers.map((a): ApproverFact => {
    if (typeof a === 'string') return { kind: 'role', role: a, standIn: standsIn(incident, a) };
    if ('role' in a)
      return {
        kind: 'role',
        role: a.role,
        standIn: standsIn(incident, a.role),
        holder: namedHolder(incident, a.role),
      };
    return 'user' in a ? { kind: 'user', user: a.user } : { kind: 'group', group: a.group };
  });
  const verdict = (allowed: boolean, as?: IncidentRole): ApprovalVerdict => ({
    allowed,
    approvers: facts,
    allowedText: approversText(facts),
    as,
    roles,
  });
  for (const approver of approvers) {
    if (typeof approver === 'string') continue;
    if ('role' in approver) {
      // Responders are everyone who joined the incident, and its commander.
      if (holds(incident, approver.role, user.id)) return verdict(true, approver.role);
    } else if ('user' in approver) {
      const id = approver.user.startsWith('@') ? await userIdOf(approver.user) : approver.user;
      if (id !== undefined && id === user.id) return verdict(true);
    } else {
      const members = await groupMembers(approver.group).catch(() => [] as string[]);
      if (members.includes(user.id)) return verdict(true);
    }
  }
  return verdict(false);
}

/** Nobody holds the role: the commander stands in (said after the role; never for commander or responder). */
function standsIn(incident: Incident, role: IncidentRole): boolean {
  return role !== 'commander' && role !== 'responder' && holderOf(incident, role).fallback;
}

/**
 * Who holds a role, so the refused person knows whom to ask; nobody for responders (many) or a
 * role the commander stands in for (already said).
 */
function namedHolder(incident: Incident, role: IncidentRole): string | undefined {
  if (role === 'responder') return undefined;
  const holder = holderOf(incident, role);
  return holder.fallback ? undefined : holder.person;
}

/**
 * How someone refused gets the role that would allow them: ask the commander (or, with nobody
 * in command yet, take command). Undefined when no role would allow anyone (named users or
 * groups only). Each surface renders it with its own command to paste.
 */
export function roleHint(incident: Incident, verdict: ApprovalVerdict): RoleAsk | undefined {
  // Handing over the commander is a bigger step than taking a role beside it: ask for that last.
  const role = verdict.roles.find((r) => r !== 'commander') ?? verdict.roles[0];
  if (verdict.allowed || role === undefined) return undefined;
  if (!hasPersonInCommand(incident)) {
    // An alert opened it and nobody commands it yet: whoever takes command gives the roles.
    return {
      kind: 'take-command',
      next: verdict.roles.includes('commander') ? 'approve-as-commander' : role,
    };
  }
  return { kind: 'ask-commander', commander: incident.commander, role };
}
