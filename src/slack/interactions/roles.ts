/**
 * Roles and the record: the card's Roles button and its modal, `/gc-incident role` and
 * `/gc-incident note`, and 📌 reactions (reaction_added / reaction_removed) in an incident's thread.
 */
import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import { parseRole, ROLE_LABEL } from '../../core/incident/roles.js';
import { section } from '../blocks/common.js';
import { person, rolesModal } from '../blocks/roles.js';
import type { SlashRequest } from '../command-parser.js';
import { describeError, errorMrkdwn, userMessage } from '../error-text.js';
import { escapeFallbackText } from '../escape-mrkdwn.js';
import type { SlackUser } from '../flow/deps.js';
import { ACTION, VIEW } from '../ids.js';
import {
  assignRoleFromSlack,
  noteFromSlack,
  PIN_REACTION,
  pinFromReaction,
  severityFromSlack,
  unassignRoleFromSlack,
} from '../record.js';
import type { AppServices } from '../services.js';

function ephemeral(text: string) {
  return {
    response_type: 'ephemeral' as const,
    replace_original: false,
    text: escapeFallbackText(text.replace(/[*_]/g, '')),
    blocks: [section(text.slice(0, 3000))],
  };
}

/** A Slack user id as users_select submits it (U… or, on Enterprise Grid, W…). */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

const refusal = (error: unknown) => ephemeral(`⚠️ ${errorMrkdwn(error, userMessage(error))}`);

export function registerRecord(app: App, services: AppServices): void {
  const { logger, appMetrics } = services;

  app.action<BlockAction<ButtonAction>>(ACTION.roles, async ({ ack, action, body, respond }) => {
    await ack();
    appMetrics.interactions.inc({ kind: 'block_actions', action: action.action_id });
    try {
      const incident = await services.service.get(action.value ?? '');
      await services.slack.openView(body.trigger_id, rolesModal(incident));
    } catch (error) {
      logger.info({ action: action.action_id, err: describeError(error) }, 'click refused');
      await respond(refusal(error)).catch(() => {});
    }
  });

  app.view(VIEW.roles, async ({ ack, view, body }) => {
    const values = view.state.values as Record<
      string,
      Record<string, { selected_option?: { value: string } | null; selected_user?: string | null }>
    >;
    const role = parseRole(values.role?.value?.selected_option?.value ?? '');
    const person = values.person?.value?.selected_user ?? undefined;
    if (!role) return ack({ response_action: 'errors', errors: { role: 'Pick a role' } });
    if (!person) return ack({ response_action: 'errors', errors: { person: 'Pick a person' } });
    // The users_select only offers user ids; a forged submission could carry any text (`<!channel>`).
    if (!SLACK_USER_ID.test(person))
      return ack({ response_action: 'errors', errors: { person: 'Pick a person from the list' } });
    await ack();
    appMetrics.interactions.inc({ kind: 'view_submission', action: VIEW.roles });
    const user: SlackUser = { id: body.user.id };
    try {
      await assignRoleFromSlack(services, view.private_metadata, role, person, user, `slack:view:${view.id}`);
    } catch (error) {
      logger.info({ err: describeError(error) }, 'role assignment refused');
      const incident = await services.store.load(view.private_metadata).catch(() => undefined);
      if (incident?.card)
        await services.slack.ephemeral(incident.card.channel, user.id, refusal(error)).catch(() => {});
    }
  });

  // 📌 on a message in an incident's thread pins it to the record; removing the last 📌 unpins it.
  for (const type of ['reaction_added', 'reaction_removed'] as const) {
    app.event(type, async ({ event, body }) => {
      if (event.reaction !== PIN_REACTION || event.item.type !== 'message') return;
      appMetrics.interactions.inc({ kind: 'event', action: type });
      const eventId = (body as { event_id?: string }).event_id ?? `${event.item.ts}:${event.event_ts}`;
      await pinFromReaction(
        services,
        event.item.channel,
        event.item.ts,
        { id: event.user },
        `slack:event:${eventId}`,
      ).catch((error) => logger.warn({ event: type, err: describeError(error) }, 'could not record a 📌'));
    });
  }
}

interface RecordContext {
  readonly services: AppServices;
  readonly user: SlackUser;
  readonly channel: string;
  readonly triggerId: string;
  readonly respond: RespondFn;
}

/** `/gc-incident role …` (and `role … none`), `note …` and `severity …`, for the slash listener. */
export async function handleRecordSlash(
  request: Extract<SlashRequest, { kind: 'role' | 'unassign-role' | 'note' | 'severity' }>,
  ctx: RecordContext,
): Promise<void> {
  const { services, user, channel } = ctx;
  const incidentId = request.incidentId ?? (await services.flow.incidentForChannel(channel))?.id;
  if (!incidentId)
    throw Object.assign(new Error('no incident here'), {
      explanation: `No open incident has its card in this channel; name one: \`/gc-incident ${request.kind === 'unassign-role' ? 'role' : request.kind} GC-2026-0001 …\` (see \`/gc-incident list\`).`,
    });
  const key = `slack:cmd:${ctx.triggerId}`;
  if (request.kind === 'role') {
    await assignRoleFromSlack(services, incidentId, request.role, request.user, user, key);
    await ctx.respond(
      ephemeral(
        `👥 Recorded on ${incidentId}: <@${request.user}> ${request.role === 'responder' ? 'joined as responder' : `is the ${ROLE_LABEL[request.role]}`}.`,
      ),
    );
    return;
  }
  if (request.kind === 'unassign-role') {
    const label = ROLE_LABEL[request.role];
    const { before } = await unassignRoleFromSlack(services, incidentId, request.role, user, key);
    await ctx.respond(
      ephemeral(
        before
          ? `👥 Recorded on ${incidentId}: ${person(before)} is no longer the ${label}; the commander stands in.`
          : `👥 Nobody holds the ${label} role on ${incidentId}; nothing changed.`,
      ),
    );
    return;
  }
  if (request.kind === 'severity') {
    const changed = await severityFromSlack(services, incidentId, request.severity, user, key);
    const label = request.severity.toUpperCase();
    await ctx.respond(
      ephemeral(
        changed
          ? `🚦 Recorded on ${incidentId}: severity ${label}.`
          : `🚦 ${incidentId} is ${label} already; nothing changed.`,
      ),
    );
    return;
  }
  await noteFromSlack(services, incidentId, request.text, user, key);
  await ctx.respond(ephemeral(`📝 Noted on the timeline of ${incidentId}; it goes into the postmortem.`));
}
