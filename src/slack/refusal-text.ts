/**
 * A refusal's facts (src/core/incident/refusals.ts) as mrkdwn: people as live mentions, user
 * text escaped, the command to paste in code. The terminal renders the same facts as plain
 * text (refusalText); the parity test checks both surfaces get the same facts.
 */
import {
  type ApproverFact,
  approverRoleText,
  type NotApprovedFacts,
  type RefusalFacts,
  type RoleChangeFacts,
  roleChangeWhat,
} from '../core/incident/refusals.js';
import { type IncidentRole, ROLE_LABEL, ROLE_TYPED } from '../core/incident/roles.js';
import { escapeMrkdwn } from './escape-mrkdwn.js';

/** The `/gc-incident role …` command a refusal offers to paste, as its parts. */
export interface RoleCommand {
  readonly incidentId: string;
  /** '@you', '@someone', or undefined for taking a role back (`… owner none`). */
  readonly person?: '@you' | '@someone' | undefined;
  readonly role: IncidentRole;
}

export function roleCommandText(command: RoleCommand): string {
  const typed = ROLE_TYPED[command.role];
  return command.person
    ? `/gc-incident role ${command.incidentId} ${command.person} ${typed}`
    : `/gc-incident role ${command.incidentId} ${typed} none`;
}

/** The command a refused role change offers. */
export function roleChangeCommand(f: RoleChangeFacts): RoleCommand {
  return f.change === 'unassign'
    ? { incidentId: f.incidentId, role: f.role }
    : { incidentId: f.incidentId, person: f.to === 'someone' ? '@someone' : '@you', role: f.role };
}

/** A Slack user as a live mention; a terminal name as escaped text. */
export function personMrkdwn(person: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(person) ? `<@${person}>` : escapeMrkdwn(person);
}

export function refusalMrkdwn(f: RefusalFacts): string {
  if (f.code === 'NOT_APPROVED') {
    const who = f.approvers.length === 0 ? 'anyone' : approversMrkdwn(f.approvers);
    return `only ${who} may approve '${escapeMrkdwn(f.stepTitle)}'${askMrkdwn(f)}`;
  }
  const command = roleCommandText(roleChangeCommand(f));
  if (f.commander === undefined) {
    const take = roleCommandText({ incidentId: f.incidentId, person: '@you', role: 'commander' });
    return `Nobody has taken command of ${f.incidentId} yet, and only the commander or an approver gives roles. Take command first: \`${take}\`, then run \`${command}\``;
  }
  const commander = personMrkdwn(f.commander);
  return `Only the commander (${commander}) or an approver may ${roleChangeWhat(f)}. Ask the commander (${commander}) to run \`${command}\``;
}

export function approversMrkdwn(approvers: readonly ApproverFact[]): string {
  return approvers
    .map((a) =>
      a.kind === 'role'
        ? `${approverRoleText(a)}${a.holder !== undefined ? ` (${personMrkdwn(a.holder)})` : ''}`
        : a.kind === 'user'
          ? a.user.startsWith('@')
            ? a.user
            : `<@${a.user}>`
          : `members of ${a.group.startsWith('@') ? a.group : `<!subteam^${a.group}>`}`,
    )
    .join(', ');
}

function askMrkdwn(f: NotApprovedFacts): string {
  const ask = f.ask;
  if (!ask) return '';
  if (ask.kind === 'take-command') {
    const take = roleCommandText({ incidentId: f.incidentId, person: '@you', role: 'commander' });
    const then =
      ask.next === 'approve-as-commander'
        ? 'approve as the commander'
        : `take the ${ROLE_LABEL[ask.next]} role`;
    return `. Nobody has taken command yet: take it with \`${take}\`, then ${then}`;
  }
  const command = roleCommandText({ incidentId: f.incidentId, person: '@you', role: ask.role });
  return `. To approve, ask the commander (${personMrkdwn(ask.commander)}) for the ${ROLE_LABEL[ask.role]} role: \`${command}\``;
}
