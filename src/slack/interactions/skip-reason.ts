/** The skip modal's submission: a reason is required; the step is skipped with it. */
import type { App } from '@slack/bolt';
import { viewValues } from '../blocks/modals.js';
import type { SlackUser } from '../flow/deps.js';
import { parseStepValue, VIEW } from '../ids.js';
import { refusal } from '../respond.js';
import type { AppServices } from '../services.js';

export function registerSkipReason(app: App, services: AppServices): void {
  app.view(VIEW.skip, async ({ ack, view, body }) => {
    const reason = viewValues(view.state as never).reason ?? '';
    if (reason.trim() === '')
      return ack({ response_action: 'errors', errors: { reason: 'Say why, for the postmortem' } });
    await ack();
    services.appMetrics.interactions.inc({ kind: 'view_submission', action: VIEW.skip });
    const target = parseStepValue(view.private_metadata);
    if (!target) return;
    const user: SlackUser = { id: body.user.id };
    try {
      await services.flow.skip(target.incidentId, target.stepId, user, reason, `slack:view:${view.id}`);
    } catch (error) {
      const incident = await services.store.load(target.incidentId).catch(() => undefined);
      if (incident?.card)
        await services.slack.ephemeral(incident.card.channel, user.id, refusal(error)).catch(() => {});
    }
  });
}
