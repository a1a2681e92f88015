/** The postmortem notes modal's submission: saved on the timeline, said in the thread. */
import type { App } from '@slack/bolt';
import { notesFromValues, viewValues } from '../blocks/modals.js';
import { describeError } from '../error-text.js';
import type { SlackUser } from '../flow/deps.js';
import { VIEW } from '../ids.js';
import type { AppServices } from '../services.js';

export function registerNotesSubmit(app: App, { flow, logger, appMetrics }: AppServices): void {
  app.view(VIEW.notes, async ({ ack, view, body }) => {
    await ack();
    appMetrics.interactions.inc({ kind: 'view_submission', action: VIEW.notes });
    const user: SlackUser = { id: body.user.id };
    const notes = notesFromValues(viewValues(view.state as never));
    try {
      await flow.notePostmortem(view.private_metadata, notes, user, `slack:view:${view.id}:${view.hash}`);
    } catch (error) {
      logger.warn({ err: describeError(error) }, 'could not save postmortem notes');
    }
  });
}
