/**
 * Bolt listeners: one file per interaction in interactions/ (a slash command, a button, a
 * modal's submission, a shortcut), each acknowledging at once and handing over to the
 * incident flow. Interactions never import each other; their shared shape is in buttons.ts
 * and respond.ts. A new interaction is a new file and one line here.
 */
import type { App } from '@slack/bolt';
import { registerAdvancePhase } from './interactions/advance-phase.js';
import { registerApproveStep } from './interactions/approve-step.js';
import { registerAssignStep } from './interactions/assign-step.js';
import { registerFollowUpButtons } from './interactions/followup-buttons.js';
import { registerMarkDone } from './interactions/mark-done.js';
import { registerMessageShortcut } from './interactions/message-shortcut.js';
import { registerMetricsUnavailable } from './interactions/metrics-unavailable.js';
import { registerNotesButton } from './interactions/notes-button.js';
import { registerNotesSubmit } from './interactions/notes-submit.js';
import { registerPickRunbook } from './interactions/pick-runbook.js';
import { registerRecord } from './interactions/roles.js';
import { registerRunStep } from './interactions/run-step.js';
import { registerSetStatus } from './interactions/set-status.js';
import { registerShowSteps } from './interactions/show-steps.js';
import { registerSkipReason } from './interactions/skip-reason.js';
import { registerSkipStep } from './interactions/skip-step.js';
import { registerSlashCommand } from './interactions/slash-command.js';
import { registerStartSubmit } from './interactions/start-submit.js';
import { registerVerifyByHand } from './interactions/verify-by-hand.js';
import type { AppServices } from './services.js';

export { SLASH_COMMAND } from './interactions/slash-command.js';

export function registerListeners(app: App, services: AppServices): void {
  // Listeners keep running after their ack; tracking them lets shutdown (and tests) wait for them.
  app.use(async ({ next }) => {
    const listener = next();
    services.flow.track(listener);
    await listener;
  });

  registerSlashCommand(app, services);
  // Buttons on a step of the card.
  registerRunStep(app, services);
  registerMarkDone(app, services);
  registerAssignStep(app, services);
  registerApproveStep(app, services);
  registerSkipStep(app, services);
  registerMetricsUnavailable(app, services);
  // Buttons on the incident.
  registerAdvancePhase(app, services);
  registerNotesButton(app, services);
  registerSetStatus(app, services);
  registerVerifyByHand(app, services);
  registerShowSteps(app, services);
  // Buttons on reminders.
  registerFollowUpButtons(app, services);
  // Starting from the modal or a message.
  registerPickRunbook(app, services);
  registerStartSubmit(app, services);
  registerMessageShortcut(app, services);
  // Modal submissions.
  registerNotesSubmit(app, services);
  registerSkipReason(app, services);
  // Roles, 📌 reactions and notes: what people say reaches the record.
  registerRecord(app, services);
}
