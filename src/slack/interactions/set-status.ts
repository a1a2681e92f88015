/** Mitigated, Resolved, Close: the incident's status changes; resolving opens the postmortem notes. */
import type { App } from '@slack/bolt';
import { notesModal } from '../blocks/modals.js';
import { onIncidentButton } from '../buttons.js';
import { describeError } from '../error-text.js';
import { ACTION, STATUS_ACTION } from '../ids.js';
import type { AppServices } from '../services.js';

const STATUS = {
  [ACTION.mitigated]: 'mitigated',
  [ACTION.resolved]: 'resolved',
  [ACTION.close]: 'closed',
} as const;

export function registerSetStatus(app: App, services: AppServices): void {
  onIncidentButton(app, services, STATUS_ACTION, async ({ incidentId, user, key, actionId, triggerId }) => {
    const status = STATUS[actionId as keyof typeof STATUS];
    const incident = await services.flow.setStatus(incidentId, status, user, key);
    // Resolving is when the people who were there write what only they know.
    if (status === 'resolved') {
      await services.slack
        .openView(triggerId, notesModal(incidentId, incident.notes))
        .catch((error) =>
          services.logger.info({ err: describeError(error) }, 'could not open the postmortem notes modal'),
        );
    }
  });
}
