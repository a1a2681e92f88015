/** Show all steps: every step of the incident, phase by phase, in a modal (the card shows only open ones). */
import type { App } from '@slack/bolt';
import { stepLine } from '../blocks/card.js';
import { allStepsModal } from '../blocks/card-steps.js';
import { onIncidentButton } from '../buttons.js';
import { ACTION } from '../ids.js';
import type { AppServices } from '../services.js';

export function registerShowSteps(app: App, services: AppServices): void {
  onIncidentButton(app, services, ACTION.showSteps, async ({ incidentId, triggerId }) => {
    const incident = await services.service.get(incidentId);
    const runbook = services.runbooks.find(incident.runbookId)?.runbook;
    await services.slack.openView(triggerId, allStepsModal(incident, stepLine, runbook));
  });
}
