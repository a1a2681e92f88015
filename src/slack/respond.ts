/**
 * What every listener answers with: a short ephemeral message, never an error page and never
 * silence. A refusal says what was wrong in words a person can act on.
 */
import type { RespondFn } from '@slack/bolt';
import type { SlackMessage } from './blocks/common.js';
import { errorMrkdwn, userMessage } from './error-text.js';
import { escapeFallbackText } from './escape-mrkdwn.js';

export function ephemeral(message: SlackMessage) {
  return {
    response_type: 'ephemeral' as const,
    replace_original: false,
    text: escapeFallbackText(message.text),
    blocks: message.blocks,
  };
}

export async function reply(respond: RespondFn, message: SlackMessage): Promise<void> {
  await respond(ephemeral(message));
}

/** One mrkdwn section: the shape of every short answer. */
export function sectionMessage(text: string, mrkdwn: string): SlackMessage {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: mrkdwn } }] };
}

export function refusal(error: unknown): SlackMessage {
  const text = `⚠️ ${errorMrkdwn(error, userMessage(error))}`;
  return sectionMessage(text, text.slice(0, 3000));
}
