/** Verified by hand: the card's button opens the modal; its submission records the note (required). */
import type { App } from '@slack/bolt';
import { MANUAL_NOTE_MAX } from '../../core/incident/decide-evidence.js';
import { viewValues } from '../blocks/modals.js';
import { verifyByHandModal } from '../blocks/verify-modal.js';
import { onIncidentButton } from '../buttons.js';
import type { SlackUser } from '../flow/deps.js';
import { ACTION, VIEW } from '../ids.js';
import { refusal } from '../respond.js';
import type { AppServices } from '../services.js';

export function registerVerifyByHand(app: App, services: AppServices): void {
  onIncidentButton(app, services, ACTION.verifyByHand, async ({ incidentId, triggerId }) => {
    const incident = await services.service.get(incidentId);
    await services.slack.openView(triggerId, verifyByHandModal(incident));
  });
  app.view(VIEW.verifyByHand, async ({ ack, view, body }) => {
    const note = (viewValues(view.state as never).note ?? '').trim();
    if (note === '')
      return ack({
        response_action: 'errors',
        errors: { note: 'Say how you verified it, for the postmortem' },
      });
    if (note.length > MANUAL_NOTE_MAX)
      return ack({
        response_action: 'errors',
        errors: { note: `Keep it under ${MANUAL_NOTE_MAX} characters (it has ${note.length})` },
      });
    await ack();
    services.appMetrics.interactions.inc({ kind: 'view_submission', action: VIEW.verifyByHand });
    const user: SlackUser = { id: body.user.id };
    const incidentId = view.private_metadata;
    try {
      await services.flow.verifyByHand(incidentId, note, user, `slack:view:${view.id}`);
    } catch (error) {
      const incident = await services.store.load(incidentId).catch(() => undefined);
      if (incident?.card)
        await services.slack.ephemeral(incident.card.channel, user.id, refusal(error)).catch(() => {});
    }
  });
}
