/**
 * Buttons under "datasource unavailable" (the thread message and the card's banner): Skip metric
 * steps (every check and query, recorded), Retry, and once it is back, Run skipped checks.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { describeError, userMessage } from '../error-text.js';
import type { SlackUser } from '../flow/deps.js';
import { ACTION, METRICS_ACTION, parseStepValue } from '../ids.js';
import type { AppServices } from '../services.js';

export function registerMetricsUnavailable(app: App, { flow, logger, appMetrics }: AppServices): void {
  app.action<BlockAction<ButtonAction>>(METRICS_ACTION, async ({ ack, action, body, respond }) => {
    await ack();
    appMetrics.interactions.inc({ kind: 'block_actions', action: action.action_id });
    // The value is INCIDENT|DATASOURCE.
    const target = parseStepValue(action.value);
    if (!target) return;
    const user: SlackUser = { id: body.user.id };
    const choice =
      action.action_id === ACTION.skipMetrics
        ? 'skip'
        : action.action_id === ACTION.rerunSkipped
          ? 'rerun'
          : 'retry';
    try {
      await flow.answerUnavailable(
        target.incidentId,
        choice,
        target.stepId,
        user,
        `slack:${body.trigger_id}:${action.action_id}`,
      );
    } catch (error) {
      logger.info({ action: action.action_id, err: describeError(error) }, 'click refused');
      const text = `⚠️ ${userMessage(error)}`;
      await respond({ response_type: 'ephemeral', replace_original: false, text }).catch(() => {});
    }
  });
}
