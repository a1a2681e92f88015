/** Durations and times as people say them: "23 min", "2 h 5 min", "3 d 4 h". */

export function formatElapsed(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** "12 min ago", for a moment `now` is after. */
export function formatAgo(at: string | Date, now: Date): string {
  const ms = now.getTime() - new Date(at).getTime();
  return ms < 60_000 ? 'just now' : `${formatElapsed(ms)} ago`;
}

/**
 * Slack's own date formatting: each reader sees the time in their time zone, and
 * `{ago}` stays current as time passes. The fallback (clients that cannot format) is UTC.
 */
export function slackDate(at: string, format = '{date_short_pretty} {time}'): string {
  const seconds = Math.floor(Date.parse(at) / 1000);
  const fallback = new Date(seconds * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, ' UTC');
  return `<!date^${seconds}^${format}|${fallback}>`;
}
