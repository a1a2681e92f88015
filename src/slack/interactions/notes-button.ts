/** Postmortem notes: opens the notes modal with what was written so far (notes-submit.ts saves it). */
import type { App } from '@slack/bolt';
import { notesModal } from '../blocks/modals.js';
import { onIncidentButton } from '../buttons.js';
import { ACTION } from '../ids.js';
import type { AppServices } from '../services.js';

export function registerNotesButton(app: App, services: AppServices): void {
  onIncidentButton(app, services, ACTION.notes, async ({ incidentId, triggerId }) => {
    const incident = await services.service.get(incidentId);
    await services.slack.openView(triggerId, notesModal(incidentId, incident.notes));
  });
}
