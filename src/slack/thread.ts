/** Messages in an incident card's thread, and chart uploads beside them. */
import type { Logger } from 'pino';
import type { Incident } from '../core/incident/model.js';
import type { SlackMessage } from './blocks/common.js';
import type { SlackGateway } from './gateway.js';

/** Posts in order; the first message's ts (for a progress message to edit), or undefined without a card. */
export async function postToThread(
  slack: SlackGateway,
  incident: Incident,
  messages: readonly SlackMessage[],
): Promise<string | undefined> {
  if (!incident.card) return undefined;
  let first: string | undefined;
  for (const message of messages) {
    const { ts } = await slack.post(incident.card.channel, message, incident.card.ts, {
      incidentId: incident.id,
    });
    first ??= ts;
  }
  return first;
}

/** A chart PNG in a thread; a chart that cannot be drawn is logged, never an error to a person. */
export async function uploadChart(
  d: {
    slack: SlackGateway;
    logger: Logger;
    chart?: ((spec: Record<string, unknown>) => Promise<Buffer>) | undefined;
  },
  at: { channel: string; ts: string },
  filename: string,
  title: string,
  spec: Record<string, unknown>,
): Promise<void> {
  if (!d.chart) return;
  try {
    await d.slack.upload(at.channel, at.ts, { filename, title, content: await d.chart(spec) });
  } catch (error) {
    d.logger.warn({ filename, err: String(error) }, 'chart upload failed');
  }
}

/** The full comparison table as a file in the thread (the message shows the compact one). */
export async function uploadTable(
  d: { slack: SlackGateway; logger: Logger },
  channel: string,
  threadTs: string,
  step: { id: string; title: string },
  table: string,
): Promise<void> {
  try {
    await d.slack.upload(channel, threadTs, {
      filename: `${step.id}-comparison.txt`,
      title: `${step.title}: full comparison`,
      content: Buffer.from(table, 'utf8'),
    });
  } catch (error) {
    d.logger.warn({ step: step.id, err: String(error) }, 'table upload failed');
  }
}
