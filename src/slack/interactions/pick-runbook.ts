/** Picking a runbook in the start modal shows that runbook's inputs. */
import type { App, BlockAction, StaticSelectAction } from '@slack/bolt';
import { decodeStartState, startModal } from '../blocks/modals.js';
import { describeError } from '../error-text.js';
import { ACTION } from '../ids.js';
import type { AppServices } from '../services.js';

export function registerPickRunbook(app: App, { runbooks, slack, logger }: AppServices): void {
  app.action<BlockAction<StaticSelectAction>>(ACTION.pickRunbook, async ({ ack, action, body }) => {
    await ack();
    const view = body.view;
    const state = view ? decodeStartState(view.private_metadata) : undefined;
    const selected = runbooks.find(action.selected_option.value)?.runbook;
    if (!view || !state || !selected) return;
    await slack
      .updateView(view.id, startModal(runbooks.list(), state, selected), view.hash)
      .catch((error) => logger.warn({ err: describeError(error) }, 'could not update the start modal'));
  });
}
