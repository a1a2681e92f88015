/**
 * Bolt listeners: acknowledge at once, then hand over to the incident flow.
 * Thin on purpose; every answer to a person is a short ephemeral message,
 * never an error page and never silence.
 */
import type { App, BlockAction, ButtonAction, RespondFn, StaticSelectAction } from '@slack/bolt';
import { isGcIncidentError } from '../core/errors.js';
import { parseFollowUpAdd } from '../core/followups/plan.js';
import { resolveInputs } from '../core/incident/inputs.js';
import type { Incident } from '../core/incident/model.js';
import { escapeFallbackText, escapeMrkdwn } from '../core/text/escape-mrkdwn.js';
import { simulateFromSlack } from './adhoc-simulation.js';
import type { SlackMessage } from './blocks/common.js';
import { followUpListMessage } from './blocks/followups.js';
import {
  decodeStartState,
  notesFromValues,
  notesModal,
  skipModal,
  startModal,
  viewValues,
} from './blocks/modals.js';
import { helpMessage, listMessage, runbooksMessage, statusMessage } from './blocks/replies.js';
import { parseSlashText, type SlashRequest } from './command-parser.js';
import { errorMrkdwn } from './error-text.js';
import {
  ACTION,
  FOLLOWUP_ACTION,
  INCIDENT_ACTION,
  parseStepValue,
  SHORTCUT,
  STEP_ACTION,
  VIEW,
} from './ids.js';
import { describeError, type IncidentFlow, type SlackUser, userMessage } from './incident-flow.js';
import { registerMetricsUnavailable } from './interactions/metrics-unavailable.js';
import { handleRecordSlash, registerRecord } from './interactions/roles.js';
import type { AppServices } from './services.js';

export const SLASH_COMMAND = '/gc-incident';

function ephemeral(message: SlackMessage) {
  return {
    response_type: 'ephemeral' as const,
    replace_original: false,
    text: escapeFallbackText(message.text),
    blocks: message.blocks,
  };
}

async function reply(respond: RespondFn, message: SlackMessage): Promise<void> {
  await respond(ephemeral(message));
}

export function registerListeners(app: App, services: AppServices): void {
  const { flow, logger, appMetrics } = services;

  // Listeners keep running after their ack; tracking them lets shutdown (and tests) wait for them.
  app.use(async ({ next }) => {
    const listener = next();
    flow.track(listener);
    await listener;
  });

  app.command(SLASH_COMMAND, async ({ ack, command, respond, context }) => {
    const request = parseSlashText(command.text ?? '');
    // Answers that need nothing but the text go back with the ack itself: fastest, no extra call.
    if (request.kind === 'invalid' || request.kind === 'help') {
      await ack(
        ephemeral(helpMessage(request.kind === 'invalid' ? escapeMrkdwn(request.problem) : undefined)),
      );
      appMetrics.commands.inc({ command: request.kind, outcome: request.kind === 'help' ? 'ok' : 'invalid' });
      return;
    }
    await ack();
    if (context.retryNum)
      logger.info(
        { retryNum: context.retryNum, reason: context.retryReason },
        'Slack retried a slash command',
      );
    const user: SlackUser = { id: command.user_id, username: command.user_name };
    try {
      await handleSlash(request, {
        services,
        user,
        channel: command.channel_id,
        triggerId: command.trigger_id,
        respond,
      });
      appMetrics.commands.inc({ command: request.kind, outcome: 'ok' });
    } catch (error) {
      appMetrics.commands.inc({
        command: request.kind,
        outcome: isGcIncidentError(error) ? error.code : 'error',
      });
      logger.warn({ command: request.kind, err: describeError(error) }, 'slash command refused');
      await reply(respond, helpMessageFor(error, request)).catch(() => {});
    }
  });

  app.action<BlockAction<ButtonAction>>(STEP_ACTION, async ({ ack, action, body, respond }) => {
    await ack();
    appMetrics.interactions.inc({ kind: 'block_actions', action: action.action_id });
    const target = parseStepValue(action.value);
    const user: SlackUser = { id: body.user.id, username: body.user.username };
    if (!target)
      return reply(respond, helpMessage('that button carries no incident; use `/gc-incident status`'));
    // The same click delivered twice (a retry) carries the same trigger id: the engine replays it.
    const key = `slack:${body.trigger_id}:${action.action_id}:${target.stepId}`;
    try {
      switch (action.action_id) {
        case ACTION.run:
          return await flow.runStep(target.incidentId, target.stepId, user, key);
        case ACTION.done:
          return await flow.done(target.incidentId, target.stepId, user, key);
        case ACTION.assign:
          return await flow.assign(target.incidentId, target.stepId, user, key);
        case ACTION.approve:
          return await flow.approve(target.incidentId, target.stepId, user, key);
        case ACTION.skip: {
          const incident = await services.service.get(target.incidentId);
          const step = incident.steps.find((s) => s.id === target.stepId);
          return await services.slack.openView(
            body.trigger_id,
            skipModal(target.incidentId, target.stepId, step?.title ?? target.stepId),
          );
        }
      }
    } catch (error) {
      logger.info({ action: action.action_id, err: describeError(error) }, 'click refused');
      await reply(respond, refusal(error)).catch(() => {});
    }
  });

  registerMetricsUnavailable(app, services);
  registerRecord(app, services);

  // Buttons on reminders: Done, Snooze 1 day, and a user picker to reassign.
  app.action<BlockAction>(FOLLOWUP_ACTION, async ({ ack, action, body, respond }) => {
    await ack();
    appMetrics.interactions.inc({ kind: 'block_actions', action: action.action_id });
    const user: SlackUser = { id: body.user.id, username: body.user.username };
    const target = parseStepValue(
      action.type === 'button' ? action.value : action.block_id.replace(/^followup:/, ''),
    );
    if (!target)
      return reply(
        respond,
        helpMessage('that reminder carries no follow-up; use `/gc-incident followup list`'),
      );
    const key = `slack:${body.trigger_id}:${action.action_id}:${target.stepId}`;
    try {
      const change =
        action.action_id === ACTION.followupDone
          ? { status: 'done' as const }
          : action.action_id === ACTION.followupSnooze
            ? { snoozeMs: 24 * 3600 * 1000 }
            : { owner: action.type === 'users_select' ? action.selected_user : undefined };
      if ('owner' in change && !change.owner) return;
      const line = await flow.changeFollowUp(target.incidentId, target.stepId, change as never, user, key);
      await reply(respond, {
        text: 'Follow-up updated',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `Updated: ${line}` } }],
      });
    } catch (error) {
      logger.info({ action: action.action_id, err: describeError(error) }, 'click refused');
      await reply(respond, refusal(error)).catch(() => {});
    }
  });

  app.action<BlockAction<ButtonAction>>(INCIDENT_ACTION, async ({ ack, action, body, respond }) => {
    await ack();
    appMetrics.interactions.inc({ kind: 'block_actions', action: action.action_id });
    const incidentId = action.value ?? '';
    const user: SlackUser = { id: body.user.id, username: body.user.username };
    const key = `slack:${body.trigger_id}:${action.action_id}`;
    try {
      if (action.action_id === ACTION.advance) await flow.advance(incidentId, user, key);
      else if (action.action_id === ACTION.notes) {
        const incident = await services.service.get(incidentId);
        await services.slack.openView(body.trigger_id, notesModal(incidentId, incident.notes));
      } else {
        const status = (
          {
            [ACTION.mitigated]: 'mitigated',
            [ACTION.resolved]: 'resolved',
            [ACTION.close]: 'closed',
          } as const
        )[action.action_id as typeof ACTION.mitigated | typeof ACTION.resolved | typeof ACTION.close];
        const incident = await flow.setStatus(incidentId, status, user, key);
        // Resolving is when the people who were there write what only they know.
        if (status === 'resolved') {
          await services.slack
            .openView(body.trigger_id, notesModal(incidentId, incident.notes))
            .catch((error) =>
              logger.info({ err: describeError(error) }, 'could not open the postmortem notes modal'),
            );
        }
      }
    } catch (error) {
      logger.info({ action: action.action_id, err: describeError(error) }, 'click refused');
      await reply(respond, refusal(error)).catch(() => {});
    }
  });

  // Picking a runbook in the start modal shows that runbook's inputs.
  app.action<BlockAction<StaticSelectAction>>(ACTION.pickRunbook, async ({ ack, action, body }) => {
    await ack();
    const view = body.view;
    const state = view ? decodeStartState(view.private_metadata) : undefined;
    const selected = services.runbooks.find(action.selected_option.value)?.runbook;
    if (!view || !state || !selected) return;
    await services.slack
      .updateView(view.id, startModal(services.runbooks.list(), state, selected), view.hash)
      .catch((error) => logger.warn({ err: describeError(error) }, 'could not update the start modal'));
  });

  app.view(VIEW.start, async ({ ack, view, body }) => {
    const values = viewValues(view.state as never);
    const state = decodeStartState(view.private_metadata);
    const entry = values.runbook ? services.runbooks.find(values.runbook) : undefined;
    if (!entry) return ack({ response_action: 'errors', errors: { runbook: 'Pick a runbook' } });
    const inputs: Record<string, string> = {};
    for (const [blockId, value] of Object.entries(values))
      if (blockId.startsWith('input:')) inputs[blockId.slice(6)] = value;
    try {
      resolveInputs(entry.runbook, inputs);
    } catch (error) {
      const field =
        isGcIncidentError(error) && typeof error.details.input === 'string'
          ? `input:${error.details.input}`
          : 'runbook';
      return ack({ response_action: 'errors', errors: { [field]: userMessage(error).slice(0, 150) } });
    }
    await ack();
    appMetrics.interactions.inc({ kind: 'view_submission', action: VIEW.start });
    const user: SlackUser = { id: body.user.id, username: body.user.name };
    const channel = state?.channel ?? body.user.id;
    try {
      const trigger = state?.messageTs ? await services.slack.permalink(channel, state.messageTs) : undefined;
      await flow.start({
        runbookId: entry.runbook.metadata.id,
        service: values.service,
        severity: values.severity,
        summary: values.summary,
        inputs,
        channel,
        user,
        trigger,
        idempotencyKey: `slack:view:${view.id}`,
      });
    } catch (error) {
      logger.warn({ err: describeError(error) }, 'could not start an incident from the modal');
      await services.slack.ephemeral(channel, user.id, refusal(error)).catch(() => {});
    }
  });

  app.view(VIEW.notes, async ({ ack, view, body }) => {
    await ack();
    appMetrics.interactions.inc({ kind: 'view_submission', action: VIEW.notes });
    const user: SlackUser = { id: body.user.id, username: body.user.name };
    const notes = notesFromValues(viewValues(view.state as never));
    try {
      await flow.notePostmortem(view.private_metadata, notes, user, `slack:view:${view.id}:${view.hash}`);
    } catch (error) {
      logger.warn({ err: describeError(error) }, 'could not save postmortem notes');
    }
  });

  app.view(VIEW.skip, async ({ ack, view, body }) => {
    const reason = viewValues(view.state as never).reason ?? '';
    if (reason.trim() === '')
      return ack({ response_action: 'errors', errors: { reason: 'Say why, for the postmortem' } });
    await ack();
    appMetrics.interactions.inc({ kind: 'view_submission', action: VIEW.skip });
    const target = parseStepValue(view.private_metadata);
    if (!target) return;
    const user: SlackUser = { id: body.user.id, username: body.user.name };
    try {
      await flow.skip(target.incidentId, target.stepId, user, reason, `slack:view:${view.id}`);
    } catch (error) {
      const incident = await services.store.load(target.incidentId).catch(() => undefined);
      if (incident?.card)
        await services.slack.ephemeral(incident.card.channel, user.id, refusal(error)).catch(() => {});
    }
  });

  // Slash commands cannot be used in threads: the shortcut starts an incident from any message.
  app.shortcut(SHORTCUT, async ({ ack, shortcut }) => {
    await ack();
    appMetrics.interactions.inc({ kind: 'message_action', action: SHORTCUT });
    if (shortcut.type !== 'message_action') return;
    await services.slack
      .openView(
        shortcut.trigger_id,
        startModal(services.runbooks.list(), {
          channel: shortcut.channel.id,
          messageTs: shortcut.message.ts,
        }),
      )
      .catch((error) => logger.warn({ err: describeError(error) }, 'could not open the start modal'));
  });
}

interface SlashContext {
  readonly services: AppServices;
  readonly user: SlackUser;
  readonly channel: string;
  readonly triggerId: string;
  readonly respond: RespondFn;
}

async function handleSlash(
  request: Exclude<SlashRequest, { kind: 'invalid' | 'help' }>,
  ctx: SlashContext,
): Promise<void> {
  const { services, user, channel, respond } = ctx;
  const { flow, runbooks, store } = services;
  switch (request.kind) {
    case 'modal':
      return services.slack.openView(ctx.triggerId, startModal(runbooks.list(), { channel }));
    case 'start':
      await flow.start({
        runbookId: request.runbookId,
        service: request.service,
        severity: request.severity,
        inputs: request.inputs,
        channel,
        user,
        idempotencyKey: `slack:cmd:${ctx.triggerId}`,
      });
      return;
    case 'runbooks':
      return reply(respond, runbooksMessage(runbooks.list()));
    case 'list': {
      const incidents = await store.list({ limit: 100 });
      return reply(
        respond,
        listMessage(request.all ? incidents : incidents.filter((i) => i.status !== 'closed'), request.all),
      );
    }
    case 'status': {
      const incident = await incidentFor(flow, services, request.incidentId, channel);
      return reply(respond, statusMessage(incident, await store.timeline(incident.id)));
    }
    case 'close': {
      const incident = await incidentFor(flow, services, request.incidentId, channel);
      await flow.setStatus(incident.id, 'closed', user, `slack:cmd:${ctx.triggerId}`);
      return reply(respond, {
        text: `${incident.id} closed`,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `✅ ${incident.id} is closed.` } }],
      });
    }
    case 'export': {
      const incident = await incidentFor(flow, services, request.incidentId, channel);
      const filename = await flow.exportToSlack(incident.id, request.format, channel);
      return reply(respond, {
        text: `${filename} uploaded`,
        blocks: [
          {
            type: 'section',
            text: { type: 'mrkdwn', text: `📝 \`${filename}\` is in the incident's thread.` },
          },
        ],
      });
    }
    case 'followup-add': {
      const incident = await incidentFor(flow, services, undefined, channel);
      const ref = await flow.addFollowUp(
        incident.id,
        parseFollowUpAdd(request.args),
        user,
        `slack:cmd:${ctx.triggerId}`,
      );
      return reply(respond, {
        text: `${ref} added`,
        blocks: [
          {
            type: 'section',
            text: { type: 'mrkdwn', text: `📌 *${ref}* added; its owner will be reminded.` },
          },
        ],
      });
    }
    case 'followup-list': {
      const now = services.clock.now();
      const incidents = request.incidentId
        ? [await services.service.get(request.incidentId)]
        : await store.list({ limit: 200 });
      const rows = incidents.flatMap((incident) =>
        incident.followUps
          .filter((item) => (request.mine ? item.owner === user.id : true))
          .map((item) => ({ incident, item })),
      );
      const open = request.incidentId ? rows : rows.filter((r) => r.item.status === 'open');
      const title = request.mine
        ? 'Your open follow-ups'
        : request.incidentId
          ? `Follow-ups of ${request.incidentId}`
          : 'Open follow-ups';
      return reply(respond, followUpListMessage(open, now, title));
    }
    case 'followup-done':
    case 'followup-wontdo': {
      const incidentId =
        request.item.incidentId ?? (await incidentFor(flow, services, undefined, channel)).id;
      const line = await flow.changeFollowUp(
        incidentId,
        request.item.itemId,
        request.kind === 'followup-done' ? { status: 'done' } : { status: 'wont-do', reason: request.reason },
        user,
        `slack:cmd:${ctx.triggerId}`,
      );
      return reply(respond, {
        text: 'Follow-up updated',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: line } }],
      });
    }
    case 'simulate':
      return simulateFromSlack(services, user.id, channel, request.target, request.whatIfs);
    case 'role':
    case 'note':
      return handleRecordSlash(request, ctx);
  }
}

async function incidentFor(
  flow: IncidentFlow,
  services: AppServices,
  id: string | undefined,
  channel: string,
): Promise<Incident> {
  if (id) return services.service.get(id);
  const incident = await flow.incidentForChannel(channel);
  if (!incident) {
    throw Object.assign(new Error('no incident here'), {
      explanation:
        'No open incident has its card in this channel; name one, such as `/gc-incident status GC-2026-0001` (see `/gc-incident list`).',
    });
  }
  return incident;
}

function refusal(error: unknown): SlackMessage {
  const text = `⚠️ ${errorMrkdwn(error, userMessage(error))}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } }] };
}

function helpMessageFor(error: unknown, request: SlashRequest): SlackMessage {
  if (
    isGcIncidentError(error) &&
    (error.code === 'RUNBOOK_NOT_FOUND' || error.code === 'INPUT_INVALID' || error.code === 'USAGE')
  ) {
    return helpMessage(escapeMrkdwn(`${request.kind}: ${error.message}`));
  }
  return refusal(error);
}
