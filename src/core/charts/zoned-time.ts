/**
 * Chart time axes in the team's time zone. Vega's renderer knows only UTC and the process's
 * local zone (the server's, usually UTC), so a chart meant for a team in Berlin would read
 * an hour off its postmortem's timeline. Instead, each instant is shifted by its zone's UTC
 * offset at that instant and drawn on a UTC scale: the axis then reads wall-clock time in
 * the zone, DST changes included. Pure: Intl only, no clock.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at `ms` (ms since the epoch), in milliseconds (Berlin in winter: +3,600,000). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms)))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  // Whole seconds on both sides: the formatter drops the milliseconds.
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** Whether Intl knows the zone (a typo in configuration falls back to UTC rather than throwing mid-render). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * A function turning instants into the values a UTC time scale should plot for the zone,
 * and the axis title naming the zone. UTC (or no zone, or an unknown one) leaves instants as they are.
 */
export function zonedAxis(timeZone: string | undefined): { shift: (ms: number) => number; title: string } {
  if (!timeZone || timeZone === 'UTC' || timeZone === 'Etc/UTC' || !isKnownTimeZone(timeZone))
    return { shift: (ms) => ms, title: 'time (UTC)' };
  return { shift: (ms) => ms + zoneOffsetMs(ms, timeZone), title: `time (${timeZone})` };
}
