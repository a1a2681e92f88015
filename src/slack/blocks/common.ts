/** Small Block Kit builders that apply the limits, shared by every surface. */
import type { Button, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { LIMITS, truncate } from '../limits.js';

export type Blocks = KnownBlock[];

/** A message body: blocks plus the plain-text fallback Slack shows in notifications. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: Blocks;
  /** A coloured bar (the card's severity); Slack shows attachment blocks below the message's. */
  readonly attachments?: readonly Attachment[] | undefined;
}

export interface Attachment {
  /** Hex colour of the bar at the attachment's left edge. */
  readonly color: string;
  /** Plain text for notifications and clients that cannot show blocks. */
  readonly fallback: string;
  readonly blocks: Blocks;
}

export function header(text: string): HeaderBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true },
  };
}

export function section(markdown: string, blockId?: string): SectionBlock {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(markdown || ' ', LIMITS.sectionText) },
    ...(blockId ? { block_id: truncate(blockId, LIMITS.blockId) } : {}),
  };
}

export function fields(pairs: readonly (readonly [string, string])[]): SectionBlock {
  return {
    type: 'section',
    fields: pairs.slice(0, LIMITS.sectionFields).map(([name, value]) => ({
      type: 'mrkdwn' as const,
      text: truncate(`*${name}*\n${value}`, LIMITS.fieldText),
    })),
  };
}

export function context(markdown: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(markdown, LIMITS.sectionText) }] };
}

export function button(
  label: string,
  actionId: string,
  value: string,
  options: {
    style?: 'primary' | 'danger';
    /** A confirmation dialog; `danger` makes its confirm button red. */
    confirm?: { title: string; text: string; confirm: string; danger?: boolean };
  } = {},
): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: truncate(label, LIMITS.buttonText), emoji: true },
    action_id: truncate(actionId, LIMITS.actionId),
    value: truncate(value, LIMITS.buttonValue),
    ...(options.style ? { style: options.style } : {}),
    ...(options.confirm
      ? {
          confirm: {
            title: { type: 'plain_text', text: truncate(options.confirm.title, LIMITS.confirmTitle) },
            text: { type: 'mrkdwn', text: truncate(options.confirm.text, LIMITS.confirmText) },
            confirm: { type: 'plain_text', text: truncate(options.confirm.confirm, LIMITS.confirmButton) },
            deny: { type: 'plain_text', text: 'Cancel' },
            ...(options.style === 'danger' || options.confirm.danger ? { style: 'danger' as const } : {}),
          },
        }
      : {}),
  };
}

/** A Slack mention for user ids; other actors (cli:…, system) as plain text. */
export function who(actor: string | undefined): string {
  if (!actor) return '—';
  return /^[UW][A-Z0-9]{2,}$/.test(actor) ? `<@${actor}>` : actor;
}
