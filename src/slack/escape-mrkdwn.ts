/**
 * The one escaping function for Slack mrkdwn. Slack reads `<…>` as a mention
 * (`<!channel>`, `<!here>`, `<@U…>`), a channel or a link (`<https://x|y>`),
 * and it does so inside code spans and fences too; `&` starts an entity. So
 * every interpolated value, wherever it lands in a message (section text,
 * fields, code fences, the top-level notification `text`), goes through
 * `escapeMrkdwn`; `escapeMrkdwnCode` adds what a fence needs (no closing
 * fence inside). Bidi controls become visible markers.
 */
import { neutraliseBidi } from '../core/text/bidi.js';

export function escapeMrkdwn(text: string): string {
  return neutraliseBidi(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** For text inside a ``` fence: escaped like any mrkdwn, and unable to close the fence early. */
export function escapeMrkdwnCode(text: string): string {
  return escapeMrkdwn(text).replace(/```/g, 'ˋˋˋ');
}

/**
 * The top-level `text` of a post (notification and fallback). Builders write it
 * plain (titles, ids); it is escaped here once, where every post leaves, so a
 * title such as `Check <!here>` cannot notify the channel. An entity that is
 * already escaped stays as it is (no `&amp;lt;`).
 */
export function escapeFallbackText(text: string): string {
  return neutraliseBidi(text)
    .replace(/&(?!(?:amp|lt|gt);)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
