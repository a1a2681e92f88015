/** Approve: a risky containment action is approved, if the clicker may approve it (the driver checks). */
import type { App } from '@slack/bolt';
import { onStepButton } from '../buttons.js';
import { ACTION } from '../ids.js';
import type { AppServices } from '../services.js';

export function registerApproveStep(app: App, services: AppServices): void {
  onStepButton(app, services, ACTION.approve, (c) =>
    services.flow.approve(c.incidentId, c.stepId, c.user, c.key),
  );
}
