/** Done: a manual step is marked done by whoever clicked. */
import type { App } from '@slack/bolt';
import { onStepButton } from '../buttons.js';
import { ACTION } from '../ids.js';
import type { AppServices } from '../services.js';

export function registerMarkDone(app: App, services: AppServices): void {
  onStepButton(app, services, ACTION.done, (c) => services.flow.done(c.incidentId, c.stepId, c.user, c.key));
}
