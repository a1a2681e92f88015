/**
 * Who may change an incident from Slack, and from where: the one check every
 * slash command, click, shortcut and modal submission passes before its
 * listener (Bolt global middleware, so a request replayed after a takeover
 * passes it too).
 *
 * - Members: SLACK_INCIDENT_MEMBERS lists the Slack user ids (U…/W…) and
 *   user-group ids (S…, resolved through usergroups.users.list) who may change
 *   incidents (a 📌 reaction from anyone else is ignored). Empty, the default, keeps the earlier rule: every member of the
 *   workspace. Reads (status, list, export, runbooks, help, Show all steps) stay
 *   open to everyone; people are matched by id, never by username.
 * - Scope: a click acts only on the incident its message belongs to (its
 *   card or thread, in its channel; see click-scope.ts). Otherwise nothing is
 *   changed and the person is told where the incident lives.
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Incident } from '../core/incident/model.js';
import { type ClickTarget, IncidentHomes } from './click-scope.js';
import { parseSlashText, type SlashRequest } from './command-parser.js';
import { ACTION, FOLLOWUP_ACTION, INCIDENT_ACTION, METRICS_ACTION, STEP_ACTION } from './ids.js';
import { ephemeral, sectionMessage } from './respond.js';

export interface AccessDeps {
  /** SLACK_INCIDENT_MEMBERS; empty: everyone in the workspace. */
  readonly members: readonly string[];
  readonly groupMembers: (group: string) => Promise<readonly string[]>;
  readonly load: (incidentId: string) => Promise<Incident | undefined>;
  readonly logger: Logger;
}

/**
 * Whether each slash command changes an incident (or opens one). A record over every kind, so a
 * new command does not compile until it is classified here (a missing one was a way around the
 * member list).
 */
const CHANGES_BY_KIND: Readonly<Record<SlashRequest['kind'], boolean>> = {
  modal: true,
  start: true,
  close: true,
  split: true,
  note: true,
  role: true,
  'unassign-role': true,
  severity: true,
  'followup-add': true,
  'followup-done': true,
  'followup-wontdo': true,
  'followup-list': false,
  status: false,
  list: false,
  export: false,
  runbooks: false,
  simulate: false,
  help: false,
  invalid: false,
};
const CHANGES: ReadonlySet<SlashRequest['kind']> = new Set(
  (Object.keys(CHANGES_BY_KIND) as SlashRequest['kind'][]).filter((k) => CHANGES_BY_KIND[k]),
);
/** Buttons that only show something. */
const READ_ACTIONS: ReadonlySet<string> = new Set([ACTION.showSteps]);
/** How many members a refusal names before "and N more". */
const NAMED = 10;

type Body = Record<string, unknown>;

/** What a request asks, as far as access goes. */
export interface AccessRequest {
  readonly kind: 'command' | 'click' | 'submission' | 'shortcut' | 'event';
  readonly user: string;
  readonly changes: boolean;
  /** A click on a message: the incident its button names and where it was clicked. */
  readonly click?: ClickTarget;
}

/** Reads the parts of a (checked, see request-guard.ts) Slack body that decide access. */
export function accessRequest(body: Body): AccessRequest | undefined {
  if (typeof body.command === 'string' && typeof body.user_id === 'string') {
    const request = parseSlashText(typeof body.text === 'string' ? body.text : '');
    return { kind: 'command', user: body.user_id, changes: CHANGES.has(request.kind) };
  }
  if (body.type === 'event_callback') {
    // A 📌 pins a thread message to the record (src/slack/record.ts): a change like any other.
    const event = body.event as { type?: unknown; user?: unknown } | undefined;
    if (
      (event?.type === 'reaction_added' || event?.type === 'reaction_removed') &&
      typeof event.user === 'string'
    )
      return { kind: 'event', user: event.user, changes: true };
    return undefined;
  }
  const user = (body.user as { id?: unknown } | undefined)?.id;
  if (typeof user !== 'string') return undefined;
  if (body.type === 'view_submission') return { kind: 'submission', user, changes: true };
  if (body.type === 'message_action') return { kind: 'shortcut', user, changes: true };
  if (body.type !== 'block_actions') return undefined;
  const action = (
    body.actions as { action_id?: unknown; value?: unknown; block_id?: unknown }[] | undefined
  )?.[0];
  const actionId = String(action?.action_id ?? '');
  const changes = !READ_ACTIONS.has(actionId);
  const channel = (body.channel as { id?: unknown } | undefined)?.id;
  const scoped =
    STEP_ACTION.test(actionId) ||
    INCIDENT_ACTION.test(actionId) ||
    METRICS_ACTION.test(actionId) ||
    FOLLOWUP_ACTION.test(actionId) ||
    actionId === ACTION.roles;
  // A follow-up's user picker has no value: its block id carries the item (followup-buttons.ts).
  const value =
    typeof action?.value === 'string'
      ? action.value
      : typeof action?.block_id === 'string' && FOLLOWUP_ACTION.test(actionId)
        ? action.block_id.replace(/^followup:/, '')
        : '';
  const incidentId = value.split('|')[0] ?? '';
  if (!scoped || typeof channel !== 'string' || incidentId === '') return { kind: 'click', user, changes };
  const message = body.message as { ts?: unknown; thread_ts?: unknown } | undefined;
  const ephemeral = (body.container as { is_ephemeral?: unknown } | undefined)?.is_ephemeral === true;
  const text = (v: unknown) => (typeof v === 'string' && !ephemeral ? v : undefined);
  return {
    kind: 'click',
    user,
    changes,
    click: {
      incidentId,
      channel,
      messageTs: text(message?.ts),
      threadTs: text(message?.thread_ts),
      followUp: FOLLOWUP_ACTION.test(actionId),
    },
  };
}

/** Whether `user` may change incidents: listed by id, or in a listed user group. */
export async function isIncidentMember(
  user: string,
  members: readonly string[],
  groupMembers: (group: string) => Promise<readonly string[]>,
): Promise<boolean> {
  if (members.length === 0 || members.includes(user)) return true;
  for (const group of members.filter((m) => m.startsWith('S')))
    if ((await groupMembers(group)).includes(user)) return true;
  return false;
}

/** The refusal a non-member sees: who may act, and what to do. */
export function notMemberText(user: string, members: readonly string[]): string {
  const named = members
    .slice(0, NAMED)
    .map((m) => (m.startsWith('S') ? `<!subteam^${m}>` : `<@${m}>`))
    .join(', ');
  const more = members.length > NAMED ? ` and ${members.length - NAMED} more` : '';
  return (
    `🔒 Only the people SLACK_INCIDENT_MEMBERS lists may change incidents here: ${named}${more}. ` +
    `Nothing was changed. Ask one of them to do it, or ask whoever runs gc-incident to add your ` +
    `Slack id (${user}). Reading stays open to everyone: \`/gc-incident status\`, \`list\`, \`export\`.`
  );
}

export function incidentAccess(deps: AccessDeps): Middleware<AnyMiddlewareArgs> {
  const homes = new IncidentHomes(deps.load);

  return async (args) => {
    const request = accessRequest(args.body as Body);
    if (!request?.changes) return args.next();
    let refusal: string | undefined;
    try {
      if (!(await isIncidentMember(request.user, deps.members, deps.groupMembers)))
        refusal = notMemberText(request.user, deps.members);
      else if (request.click) refusal = await homes.check(request.click);
    } catch (error) {
      // Fail closed: membership that cannot be checked (Slack or the store down) is no membership.
      deps.logger.warn({ err: String(error), user: request.user }, 'access could not be checked');
      refusal =
        '⚠️ Could not check who may change incidents just now (Slack or the store did not answer); nothing was changed, try again in a minute.';
    }
    if (refusal === undefined) return args.next();
    deps.logger.info({ user: request.user, kind: request.kind }, 'request refused by the access check');
    await refuse(args, request, refusal, deps.logger);
  };
}

async function refuse(args: AnyMiddlewareArgs, request: AccessRequest, text: string, logger: Logger) {
  const { ack, respond } = args as unknown as {
    ack?: (response?: Record<string, unknown>) => Promise<void>;
    respond?: (message: Record<string, unknown>) => Promise<unknown>;
  };
  // Events are acknowledged by Bolt before any middleware, and nobody is waiting for an answer.
  if (request.kind === 'event') return;
  if (request.kind === 'submission') {
    // A modal has no response_url: the refusal replaces the modal.
    await ack?.({
      response_action: 'update',
      view: {
        type: 'modal',
        title: { type: 'plain_text', text: 'Not changed' },
        close: { type: 'plain_text', text: 'Close' },
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } }],
      },
    });
    return;
  }
  await ack?.();
  await respond?.(ephemeral(sectionMessage(text, text.slice(0, 3000)))).catch((error: unknown) =>
    logger.warn({ err: String(error) }, 'could not tell the user the request was refused'),
  );
}
