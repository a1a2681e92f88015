/**
 * The one message saying a datasource is unavailable: its name, the error in plain words, and
 * one decision for every metric step (Skip metric steps, recorded with the reason) or Retry.
 */

import type { StepState } from '../../core/incident/model.js';
import { ACTION, metricsValue } from '../ids.js';
import { escapeMrkdwn } from '../limits.js';
import { button, type SlackMessage, section } from './common.js';
import { noticeMessage } from './step-output.js';

export function metricsUnavailableMessage(
  incidentId: string,
  datasource: string,
  message: string,
): SlackMessage {
  const text = `⚠️ Datasource '${datasource}' is unavailable: ${message}`;
  return {
    text,
    blocks: [
      section(
        `⚠️ *Datasource '${escapeMrkdwn(datasource)}' is unavailable*: ${escapeMrkdwn(message)}\nNo check or query can run until it answers. Skip every metric step (each is recorded as skipped, with this reason), or retry.`,
      ),
      {
        type: 'actions',
        elements: [
          button('Skip metric steps', ACTION.skipMetrics, metricsValue(incidentId, datasource), {
            style: 'danger',
          }),
          button('Retry', ACTION.retryMetrics, metricsValue(incidentId, datasource)),
        ],
      },
    ],
  };
}

/**
 * The thread's line once every metric step was skipped for the datasource: the steps' titles
 * come from the runbook and the error from the backend, so each is escaped (a title such as
 * `<!here> check` must not notify the channel).
 */
export function metricStepsSkippedMessage(
  steps: readonly StepState[],
  datasource: string,
  message: string,
): SlackMessage {
  const titles = steps.map((s) => `*${escapeMrkdwn(s.title)}*`).join(', ');
  return noticeMessage(
    `⏭️ ${steps.length} metric step(s) skipped (datasource '${escapeMrkdwn(datasource)}' unavailable: ${escapeMrkdwn(message)}): ${titles}`,
  );
}
