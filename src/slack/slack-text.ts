/**
 * A Slack message's text as plain text for the record: mentions, channels and links
 * resolved to what people saw (`<@U1|ann>` → `@ann`, `<https://x|docs>` → `docs (https://x)`)
 * and Slack's three entities decoded. Everything that shows it escapes it again for its
 * own format (mrkdwn, Markdown, HTML). Pure.
 */
export function slackTextToPlain(text: string): string {
  return (
    text
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
      .replace(/&amp;/g, '&')
      // Control characters (a terminal escape sequence in a pasted log) would act when printed by `show`.
      .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '')
  );
}

/** A Slack message ts (`1700000000.000100`) as UTC ISO 8601. */
export function tsToIso(ts: string): string {
  const seconds = Number(ts);
  return Number.isFinite(seconds) ? new Date(Math.floor(seconds * 1000)).toISOString() : ts;
}
