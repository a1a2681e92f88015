/**
 * Who may approve a high-risk containment action: the approvers the runbook
 * names (a role in this incident, a user, a user group) and the approvers the
 * operators configured for every runbook (SLACK_APPROVERS). With neither,
 * whoever confirms is recorded as the approver. A role nobody holds (no
 * service owner assigned) is the commander's, and the refusal says so.
 */
import type { Approver } from '../../runbook/types.js';
import { escapeMrkdwn } from '../../text/escape-mrkdwn.js';
import type { Incident } from '../model.js';
import { hasPersonInCommand } from '../role-permissions.js';
import { describeRole, holderOf, holds, type IncidentRole, ROLE_LABEL, ROLE_TYPED } from '../roles.js';

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
  /** Who may approve, for the message to someone who may not. */
  readonly allowedText: string;
  /** The same for Slack: who holds each role as a mention, user text escaped. */
  readonly allowedMrkdwn: string;
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
  if (approvers.length === 0) return { allowed: true, allowedText: 'anyone', allowedMrkdwn: 'anyone', roles };
  const describe = (live: boolean) =>
    approvers
      .map((a) =>
        typeof a === 'string'
          ? describeRole(incident, a)
          : 'role' in a
            ? `${describeRole(incident, a.role)}${heldBy(incident, a.role, live)}`
            : 'user' in a
              ? mention(a.user)
              : `members of ${groupMention(a.group)}`,
      )
      .join(', ');
  const verdict = (allowed: boolean, as?: IncidentRole): ApprovalVerdict => ({
    allowed,
    allowedText: describe(false),
    allowedMrkdwn: describe(true),
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

/**
 * " (<@U1>)" after a role someone holds, so the refused person knows whom to ask; nothing for
 * responders (many) or a role the commander stands in for (already said). A terminal name is
 * escaped for Slack; the plain text shows it as it is.
 */
function heldBy(incident: Incident, role: IncidentRole, mrkdwn: boolean): string {
  if (role === 'responder') return '';
  const holder = holderOf(incident, role);
  if (holder.fallback) return '';
  if (!mrkdwn) return ` (${holder.person})`;
  return ` (${/^[UW][A-Z0-9]{2,}$/.test(holder.person) ? `<@${holder.person}>` : escapeMrkdwn(holder.person)})`;
}

/**
 * How someone refused gets the role that would allow them: ask the commander, with the command
 * to paste (or, with nobody in command yet, take command). Empty when no role would allow
 * anyone (named users or groups only).
 */
export function roleHint(incident: Incident, verdict: ApprovalVerdict): { plain: string; mrkdwn: string } {
  // Handing over the commander is a bigger step than taking a role beside it: ask for that last.
  const role = verdict.roles.find((r) => r !== 'commander') ?? verdict.roles[0];
  if (verdict.allowed || role === undefined) return { plain: '', mrkdwn: '' };
  const label = ROLE_LABEL[role];
  if (!hasPersonInCommand(incident)) {
    // An alert opened it and nobody commands it yet: whoever takes command gives the roles.
    const take = `/gc-incident role ${incident.id} @you commander`;
    const then = verdict.roles.includes('commander') ? 'approve as the commander' : `take the ${label} role`;
    return {
      plain: `; nobody has taken command yet: take it (${take}), then ${then}`,
      mrkdwn: `. Nobody has taken command yet: take it with \`${take}\`, then ${then}`,
    };
  }
  const commander = incident.commander;
  const who = /^[UW][A-Z0-9]{2,}$/.test(commander) ? `<@${commander}>` : escapeMrkdwn(commander);
  return {
    plain: `; to approve, ask the commander (${commander}) for the ${label} role`,
    mrkdwn: `. To approve, ask the commander (${who}) for the ${label} role: \`/gc-incident role ${incident.id} @you ${ROLE_TYPED[role]}\``,
  };
}

function mention(user: string): string {
  return user.startsWith('@') ? user : `<@${user}>`;
}

function groupMention(group: string): string {
  return group.startsWith('@') ? group : `<!subteam^${group}>`;
}
