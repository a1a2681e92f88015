/**
 * The shape every card button shares: ack at once, count it, find the incident (and step) the
 * button carries, and answer a refusal with an ephemeral message. A button's own file says
 * only what its click does.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { helpMessage } from './blocks/replies.js';
import { describeError } from './error-text.js';
import type { SlackUser } from './flow/deps.js';
import { parseStepValue } from './ids.js';
import { refusal, reply } from './respond.js';
import type { AppServices } from './services.js';

export interface IncidentClick {
  readonly incidentId: string;
  readonly user: SlackUser;
  readonly actionId: string;
  /** The same click delivered twice (a retry) carries the same trigger id: the engine replays it. */
  readonly key: string;
  readonly triggerId: string;
}

export interface StepClick extends IncidentClick {
  readonly stepId: string;
}

/** A button on a step (its value is INCIDENT|STEP). */
export function onStepButton(
  app: App,
  { logger, appMetrics }: AppServices,
  actionId: string,
  handle: (click: StepClick) => Promise<unknown>,
): void {
  app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, action, body, respond }) => {
    await ack();
    appMetrics.interactions.inc({ kind: 'block_actions', action: action.action_id });
    const target = parseStepValue(action.value);
    const user: SlackUser = { id: body.user.id };
    if (!target)
      return reply(respond, helpMessage('that button carries no incident; use `/gc-incident status`'));
    try {
      await handle({
        ...target,
        user,
        actionId: action.action_id,
        key: `slack:${body.trigger_id}:${action.action_id}:${target.stepId}`,
        triggerId: body.trigger_id,
      });
    } catch (error) {
      logger.info({ action: action.action_id, err: describeError(error) }, 'click refused');
      await reply(respond, refusal(error)).catch(() => {});
    }
  });
}

/** A button on the incident itself (its value is the incident id). */
export function onIncidentButton(
  app: App,
  { logger, appMetrics }: AppServices,
  actionId: string | RegExp,
  handle: (click: IncidentClick) => Promise<unknown>,
): void {
  app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, action, body, respond }) => {
    await ack();
    appMetrics.interactions.inc({ kind: 'block_actions', action: action.action_id });
    try {
      await handle({
        incidentId: action.value ?? '',
        user: { id: body.user.id },
        actionId: action.action_id,
        key: `slack:${body.trigger_id}:${action.action_id}`,
        triggerId: body.trigger_id,
      });
    } catch (error) {
      logger.info({ action: action.action_id, err: describeError(error) }, 'click refused');
      await reply(respond, refusal(error)).catch(() => {});
    }
  });
}
