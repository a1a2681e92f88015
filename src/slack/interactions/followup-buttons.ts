/** Buttons on a reminder: Done, Snooze 1 day, and a user picker to reassign. */
import type { App, BlockAction } from '@slack/bolt';
import { helpMessage } from '../blocks/replies.js';
import { describeError } from '../error-text.js';
import type { SlackUser } from '../flow/deps.js';
import type { FollowUpChange } from '../flow/followups.js';
import { ACTION, FOLLOWUP_ACTION, parseStepValue } from '../ids.js';
import { refusal, reply, sectionMessage } from '../respond.js';
import type { AppServices } from '../services.js';

const DAY_MS = 24 * 3600 * 1000;

export function registerFollowUpButtons(app: App, { flow, logger, appMetrics }: AppServices): void {
  app.action<BlockAction>(FOLLOWUP_ACTION, async ({ ack, action, body, respond }) => {
    await ack();
    appMetrics.interactions.inc({ kind: 'block_actions', action: action.action_id });
    const user: SlackUser = { id: body.user.id };
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
      const change: FollowUpChange =
        action.action_id === ACTION.followupDone
          ? { status: 'done' }
          : action.action_id === ACTION.followupSnooze
            ? { snoozeMs: DAY_MS }
            : { owner: action.type === 'users_select' ? action.selected_user : undefined };
      if ('owner' in change && !change.owner) return;
      const line = await flow.changeFollowUp(target.incidentId, target.stepId, change, user, key);
      await reply(respond, sectionMessage('Follow-up updated', `Updated: ${line}`));
    } catch (error) {
      logger.info({ action: action.action_id, err: describeError(error) }, 'click refused');
      await reply(respond, refusal(error)).catch(() => {});
    }
  });
}
