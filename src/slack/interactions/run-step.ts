/** Run: the step runs (a check, query, simulation, HTTP action or verification); its outcome goes to the thread. */
import type { App } from '@slack/bolt';
import { onStepButton } from '../buttons.js';
import { ACTION } from '../ids.js';
import type { AppServices } from '../services.js';

export function registerRunStep(app: App, services: AppServices): void {
  onStepButton(app, services, ACTION.run, (c) =>
    services.flow.runStep(c.incidentId, c.stepId, c.user, c.key),
  );
}
