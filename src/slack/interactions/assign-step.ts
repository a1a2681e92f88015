/** Assign to me: the step gets an owner. */
import type { App } from '@slack/bolt';
import { onStepButton } from '../buttons.js';
import { ACTION } from '../ids.js';
import type { AppServices } from '../services.js';

export function registerAssignStep(app: App, services: AppServices): void {
  onStepButton(app, services, ACTION.assign, (c) =>
    services.flow.assign(c.incidentId, c.stepId, c.user, c.key),
  );
}
