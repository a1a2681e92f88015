/**
 * Block Kit's limits (docs.slack.dev "Block Kit" reference, mirrored in
 * @slack/types), and helpers that keep text inside them: long content is
 * truncated with an ellipsis or split across blocks and messages, never sent
 * for Slack to reject.
 */
import { escapeMrkdwnCode } from './escape-mrkdwn.js';
export const LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  messageText: 4000,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  callbackId: 255,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  placeholder: 150,
  inputLabel: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

/** Cuts text to at most `max` UTF-16 units (never more characters than Slack counts), with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  // Do not leave half of a surrogate pair behind.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Splits text at line breaks (or hard, for overlong lines) into pieces of at most `max` units. */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const rawLine of text.split('\n')) {
    let line = rawLine;
    while (line.length > max) {
      if (current) {
        pieces.push(current);
        current = '';
      }
      pieces.push(line.slice(0, max));
      line = line.slice(max);
    }
    const next = current === '' ? line : `${current}\n${line}`;
    if (next.length > max) {
      pieces.push(current);
      current = line;
    } else {
      current = next;
    }
  }
  if (current !== '' || pieces.length === 0) pieces.push(current);
  return pieces;
}

/** Preformatted text as one or more code blocks, each of which fits in a section. */
export function codeBlocks(text: string, max: number = LIMITS.sectionText): string[] {
  const fence = '```';
  // Slack parses <!channel>, <@U…> and <url|label> inside fences too: escape like any mrkdwn.
  const escaped = escapeMrkdwnCode(text);
  return splitText(escaped.trimEnd() || ' ', max - 2 * fence.length - 2).map(
    (piece) => `${fence}\n${piece}\n${fence}`,
  );
}

/** The shared mrkdwn escape (src/slack/escape-mrkdwn.ts), re-exported for the block builders. */
export { escapeMrkdwn } from './escape-mrkdwn.js';

/** Splits a list of blocks into messages of at most `max` blocks each. */
export function chunk<T>(items: readonly T[], max: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += max) out.push(items.slice(i, i + max));
  return out.length > 0 ? out : [[]];
}
