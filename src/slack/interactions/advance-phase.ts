/** Next phase: the incident moves on, the channel is told, and the new phase begins. */
import type { App } from '@slack/bolt';
import { onIncidentButton } from '../buttons.js';
import { ACTION } from '../ids.js';
import type { AppServices } from '../services.js';

export function registerAdvancePhase(app: App, services: AppServices): void {
  onIncidentButton(app, services, ACTION.advance, (c) => services.flow.advance(c.incidentId, c.user, c.key));
}
