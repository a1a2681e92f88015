/**
 * Who may approve a high-risk containment action: the approvers the runbook
 * names (a role in this incident, a user, a user group) and the approvers the
 * operators configured for every runbook (SLACK_APPROVERS). With neither,
 * whoever confirms is recorded as the approver.
 */
import type { Approver } from '../../runbook/types.js';
import type { Incident } from '../model.js';

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
    ...runbookApprovers,
    ...configured.map((id): Approver => (/^S/.test(id) ? { group: id } : { user: id })),
  ];
  if (approvers.length === 0) return { allowed: true, allowedText: 'anyone' };
  const describe = approvers
    .map((a) =>
      'role' in a ? `the ${a.role}` : 'user' in a ? mention(a.user) : `members of ${groupMention(a.group)}`,
    )
    .join(', ');
  for (const approver of approvers) {
    if ('role' in approver) {
      if (approver.role === 'commander' && incident.commander === user.id)
        return { allowed: true, allowedText: describe };
      // Responders are everyone who joined the incident, and its commander.
      if (
        approver.role === 'responder' &&
        (incident.participants.includes(user.id) || incident.commander === user.id)
      )
        return { allowed: true, allowedText: describe };
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
