/**
 * A Slack message's text as plain text for the record: mentions, channels and links
 * resolved to what people saw (`<@U1|ann>` → `@ann`, `<https://x|docs>` → `docs (https://x)`)
 * and Slack's three entities decoded. Everything that shows it escapes it again for its
 * own format (mrkdwn, Markdown, HTML). Pure.
 */

/** C0 controls but tab and newline, and DEL, built from code points (no control characters in the source). */
const CONTROL = new RegExp(
  `[${String.fromCharCode(0)}-${String.fromCharCode(8)}${String.fromCharCode(11)}-${String.fromCharCode(31)}${String.fromCharCode(127)}]`,
  'g',
);

export function slackTextToPlain(text: string): string {
  const resolved = text
    .replace(/<([^<>]*)>/g, (_whole, inner: string) => {
      const [target = '', label] = inner.split('|', 2);
      if (target.startsWith('@')) return label ? `@${label}` : target;
      if (target.startsWith('#')) return label ? `#${label}` : target;
      if (target.startsWith('!subteam^')) return label ?? '@group';
      if (target.startsWith('!date^')) return label ?? '';
      if (target.startsWith('!')) return `@${target.slice(1)}`;
      return label && label !== target ? `${label} (${target})` : target;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  // Control characters (a terminal escape sequence in a pasted log) would act when `show` prints them.
  return resolved.replace(CONTROL, '');
}

/** A Slack message ts (`1700000000.000100`) as UTC ISO 8601. */
export function tsToIso(ts: string): string {
  const seconds = Number(ts);
  return Number.isFinite(seconds) ? new Date(Math.floor(seconds * 1000)).toISOString() : ts;
}
