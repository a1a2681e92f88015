/**
 * The start modal's submission: the runbook and its inputs are checked before the ack (a
 * wrong input is shown on its field), then the incident opens in the channel it came from.
 */
import type { App } from '@slack/bolt';
import { isGcIncidentError } from '../../core/errors.js';
import { resolveInputs } from '../../core/incident/inputs.js';
import { decodeStartState, viewValues } from '../blocks/modals.js';
import { describeError, userMessage } from '../error-text.js';
import type { SlackUser } from '../flow/deps.js';
import { VIEW } from '../ids.js';
import { refusal } from '../respond.js';
import type { AppServices } from '../services.js';

export function registerStartSubmit(app: App, services: AppServices): void {
  const { flow, runbooks, slack, logger, appMetrics } = services;
  app.view(VIEW.start, async ({ ack, view, body }) => {
    const values = viewValues(view.state as never);
    const state = decodeStartState(view.private_metadata);
    const entry = values.runbook ? runbooks.find(values.runbook) : undefined;
    if (!entry) return ack({ response_action: 'errors', errors: { runbook: 'Pick a runbook' } });
    const inputs: Record<string, string> = {};
    for (const [blockId, value] of Object.entries(values))
      if (blockId.startsWith('input:')) inputs[blockId.slice(6)] = value;
    try {
      resolveInputs(entry.runbook, inputs);
    } catch (error) {
      const field =
        isGcIncidentError(error) && typeof error.details.input === 'string'
          ? `input:${error.details.input}`
          : 'runbook';
      return ack({ response_action: 'errors', errors: { [field]: userMessage(error).slice(0, 150) } });
    }
    await ack();
    appMetrics.interactions.inc({ kind: 'view_submission', action: VIEW.start });
    const user: SlackUser = { id: body.user.id };
    const channel = state?.channel ?? body.user.id;
    try {
      const trigger = state?.messageTs ? await slack.permalink(channel, state.messageTs) : undefined;
      await flow.start({
        runbookId: entry.runbook.metadata.id,
        service: values.service,
        severity: values.severity,
        summary: values.summary,
        inputs,
        channel,
        user,
        trigger,
        idempotencyKey: `slack:view:${view.id}`,
      });
    } catch (error) {
      logger.warn({ err: describeError(error) }, 'could not start an incident from the modal');
      await slack.ephemeral(channel, user.id, refusal(error)).catch(() => {});
    }
  });
}
