/** Skip: asks why in a modal (the reason goes to the postmortem); skip-reason.ts records it. */
import type { App } from '@slack/bolt';
import { skipModal } from '../blocks/modals.js';
import { onStepButton } from '../buttons.js';
import { ACTION } from '../ids.js';
import type { AppServices } from '../services.js';

export function registerSkipStep(app: App, services: AppServices): void {
  onStepButton(app, services, ACTION.skip, async ({ incidentId, stepId, triggerId }) => {
    const incident = await services.service.get(incidentId);
    const step = incident.steps.find((s) => s.id === stepId);
    await services.slack.openView(triggerId, skipModal(incidentId, stepId, step?.title ?? stepId));
  });
}
