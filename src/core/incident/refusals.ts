/**
 * Refusals as facts: who may approve, which role is missing, whom to ask. The driver and the
 * engine throw a GcIncidentError whose `details.refusal` carries these facts; each surface
 * renders them in its own words (Slack: src/slack/refusal-text.ts, live mentions and the
 * command to paste; the terminal and the log: `refusalText` below, which is the error's
 * message). The core holds no Slack syntax, so the facts carry ids, never mentions.
 */
import { isGcIncidentError } from '../errors.js';
import type { Actor } from './model.js';
import type { IncidentRole } from './roles.js';
import { ROLE_LABEL } from './roles.js';

/** One approver as the refused person should read it. */
export type ApproverFact =
  | {
      readonly kind: 'role';
      readonly role: IncidentRole;
      /** Nobody holds it: the commander stands in (said after the role). */
      readonly standIn: boolean;
      /** Who holds it, when naming them helps (not responders, not a stand-in). */
      readonly holder?: Actor | undefined;
    }
  /** A user id (U…) or a runbook's `@handle` that was not resolved. */
  | { readonly kind: 'user'; readonly user: string }
  /** A user group id (S…) or its `@handle`. */
  | { readonly kind: 'group'; readonly group: string };

/** How someone refused gets the role that would allow them. */
export type RoleAsk =
  /** Nobody has taken command (an alert opened it): take command, then approve or take the role. */
  | { readonly kind: 'take-command'; readonly next: 'approve-as-commander' | IncidentRole }
  /** Ask the commander for the role. */
  | { readonly kind: 'ask-commander'; readonly commander: Actor; readonly role: IncidentRole };

export interface NotApprovedFacts {
  readonly code: 'NOT_APPROVED';
  readonly incidentId: string;
  readonly stepId: string;
  readonly stepTitle: string;
  readonly user: Actor;
  readonly approvers: readonly ApproverFact[];
  readonly ask?: RoleAsk | undefined;
}

export interface RoleChangeFacts {
  readonly code: 'ROLE_CHANGE_NOT_ALLOWED';
  readonly incidentId: string;
  readonly role: IncidentRole;
  readonly change: 'assign' | 'unassign';
  /** Assigning: to the person asking, or to someone else (for the command to paste). */
  readonly to?: 'you' | 'someone' | undefined;
  readonly user: Actor;
  /** Undefined: nobody has taken command yet. */
  readonly commander?: Actor | undefined;
}

export type RefusalFacts = NotApprovedFacts | RoleChangeFacts;

/** What the refused person was not allowed to do, in words every surface shares. */
export function roleChangeWhat(f: RoleChangeFacts): string {
  const label = ROLE_LABEL[f.role];
  if (f.change === 'unassign') return `take the ${label} role back (or its holder, stepping down)`;
  return f.role === 'commander' ? 'hand the commander role over' : `give the ${label} role`;
}

/** An approver's role as words: "the service owner (not assigned: the commander stands in)". */
export function approverRoleText(fact: Extract<ApproverFact, { kind: 'role' }>): string {
  const label = `the ${ROLE_LABEL[fact.role]}`;
  return fact.standIn ? `${label} (not assigned: the commander stands in)` : label;
}

/**
 * Plain words (the terminal, the log, the error's message): people as their ids or names, and
 * no command to paste (each surface has its own way to give a role: Slack adds its slash
 * command, src/slack/refusal-text.ts; the terminal gives roles with `walk --role`).
 */
export function refusalText(f: RefusalFacts): string {
  if (f.code === 'NOT_APPROVED') {
    const who = f.approvers.length === 0 ? 'anyone' : approversText(f.approvers);
    return `only ${who} may approve '${f.stepTitle}'${askText(f)}`;
  }
  if (f.commander === undefined)
    return `nobody has taken command of ${f.incidentId} yet, and only the commander or an approver gives roles: take command first`;
  return `only the commander (${f.commander}) or an approver may ${roleChangeWhat(f)}; ask the commander`;
}

export function approversText(approvers: readonly ApproverFact[]): string {
  return approvers
    .map((a) =>
      a.kind === 'role'
        ? `${approverRoleText(a)}${a.holder !== undefined ? ` (${a.holder})` : ''}`
        : a.kind === 'user'
          ? a.user
          : `members of ${a.group}`,
    )
    .join(', ');
}

function askText(f: NotApprovedFacts): string {
  const ask = f.ask;
  if (!ask) return '';
  if (ask.kind === 'take-command') {
    const next =
      ask.next === 'approve-as-commander'
        ? 'approve as the commander'
        : `take the ${ROLE_LABEL[ask.next]} role`;
    return `; nobody has taken command yet: take command, then ${next}`;
  }
  return `; to approve, ask the commander (${ask.commander}) for the ${ROLE_LABEL[ask.role]} role`;
}

/** The facts a refusal carries (GcIncidentError details.refusal), or undefined for any other error. */
export function refusalOf(error: unknown): RefusalFacts | undefined {
  if (!isGcIncidentError(error)) return undefined;
  const refusal = error.details.refusal;
  if (!refusal || typeof refusal !== 'object') return undefined;
  const code = (refusal as { code?: unknown }).code;
  return code === 'NOT_APPROVED' || code === 'ROLE_CHANGE_NOT_ALLOWED'
    ? (refusal as RefusalFacts)
    : undefined;
}
