/**
 * Who may approve a high-risk containment action: the approvers the runbook
 * names (a role in this incident, a user, a user group) and the approvers the
 * operators configured for every runbook (SLACK_APPROVERS). With neither,
 * whoever confirms is recorded as the approver. A role nobody holds (no
 * service owner assigned) is the commander's, and the refusal says so.
 */
import type { Approver } from '../../runbook/types.js';
import type { Incident } from '../model.js';
import { describeRole, holds } from '../roles.js';

export interface Approvee {
  readonly id: string;
  /** Slack username (the @handle without @), when the payload carries it. */
  readonly username?: string | undefined;
}

export interface ApprovalVerdict {
  readonly allowed: boolean;
  /** Who may approve, for the message to someone who may not. */
  readonly allowedText: string;
}

export async function mayApprove(
  user: Approvee,
  incident: Incident,
  runbookApprovers: readonly Approver[],
  configured: readonly string[],
  groupMembers: (group: string) => Promise<readonly string[]>,
): Promise<ApprovalVerdict> {
  const approvers: Approver[] = [
    ...runbookApprovers.map((a): Approver => (typeof a === 'string' ? { role: a } : a)),
    ...configured.map((id): Approver => (/^S/.test(id) ? { group: id } : { user: id })),
  ];
  if (approvers.length === 0) return { allowed: true, allowedText: 'anyone' };
  const describe = approvers
    .map((a) =>
      typeof a === 'string'
        ? describeRole(incident, a)
        : 'role' in a
          ? describeRole(incident, a.role)
          : 'user' in a
            ? mention(a.user)
            : `members of ${groupMention(a.group)}`,
    )
    .join(', ');
  for (const approver of approvers) {
    if (typeof approver === 'string') continue;
    if ('role' in approver) {
      // Responders are everyone who joined the incident, and its commander.
      if (holds(incident, approver.role, user.id)) return { allowed: true, allowedText: describe };
    } else if ('user' in approver) {
      if (approver.user === user.id || (user.username && approver.user === `@${user.username}`))
        return { allowed: true, allowedText: describe };
    } else {
      const members = await groupMembers(approver.group).catch(() => [] as string[]);
      if (members.includes(user.id)) return { allowed: true, allowedText: describe };
    }
  }
  return { allowed: false, allowedText: describe };
}

function mention(user: string): string {
  return user.startsWith('@') ? user : `<@${user}>`;
}

function groupMention(group: string): string {
  return group.startsWith('@') ? group : `<!subteam^${group}>`;
}
