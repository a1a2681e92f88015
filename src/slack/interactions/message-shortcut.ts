/** Slash commands cannot be used in threads: the message shortcut opens the start modal from any message. */
import type { App } from '@slack/bolt';
import { startModal } from '../blocks/modals.js';
import { describeError } from '../error-text.js';
import { SHORTCUT } from '../ids.js';
import type { AppServices } from '../services.js';

export function registerMessageShortcut(
  app: App,
  { runbooks, slack, logger, appMetrics }: AppServices,
): void {
  app.shortcut(SHORTCUT, async ({ ack, shortcut }) => {
    await ack();
    appMetrics.interactions.inc({ kind: 'message_action', action: SHORTCUT });
    if (shortcut.type !== 'message_action') return;
    await slack
      .openView(
        shortcut.trigger_id,
        startModal(runbooks.list(), { channel: shortcut.channel.id, messageTs: shortcut.message.ts }),
      )
      .catch((error) => logger.warn({ err: describeError(error) }, 'could not open the start modal'));
  });
}
