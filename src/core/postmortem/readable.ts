/**
 * What makes a postmortem readable, kept apart from the canonical document: people's
 * names instead of Slack ids, times in the team's time zone to the minute, the impact
 * window, and a curated timeline (decisions, checks with values, actions, notes) with
 * the raw event log left for an appendix. Pure: names and the zone come from the caller.
 */
import type { Postmortem } from './model.js';

export interface Readers {
  /** Slack user id → the person's name (users.info); ids not here are shown as they are. */
  readonly names?: Readonly<Record<string, string>> | undefined;
  /** IANA time zone of the team (default UTC). */
  readonly timeZone?: string | undefined;
  /** Slack user id → that person's time zone (users.info `tz`): follow-up due dates are shown in it. */
  readonly userZones?: Readonly<Record<string, string>> | undefined;
  /** Charts of the incident window's metrics: SVG for the HTML, a file name for the Markdown. */
  readonly metricCharts?: readonly MetricChart[] | undefined;
  /** Simulate step id → the chart file written beside the Markdown (the HTML inlines its own). */
  readonly simulationCharts?: Readonly<Record<string, string>> | undefined;
}

export interface MetricChart {
  readonly title: string;
  /** The chart's file name, written beside the Markdown (a relative link that opens in any viewer). */
  readonly file: string;
  readonly svg?: string | undefined;
  /** The query in Prometheus' own graph page, linked under the chart. */
  readonly link?: string | undefined;
}

export function personName(actor: string | null | undefined, readers: Readers): string {
  if (!actor) return '—';
  if (actor === 'system') return 'gc-incident';
  if (actor.startsWith('cli:')) return actor.slice(4);
  return readers.names?.[actor] ?? actor;
}

/** "2026-11-20 14:03 UTC" (or the team's zone): no seconds, no milliseconds. */
export function teamTime(iso: string | null | undefined, readers: Readers): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const zone = readers.timeZone ?? 'UTC';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}

/**
 * The impact window: from the first detection (or the opening) to what ended it, named:
 * verification held, verified by hand (by whom), or resolved unverified.
 */
export function impactWindow(
  pm: Postmortem,
  readers: Readers = {},
): { start: string; end: string | null; ms: number | null; endedBy: string } {
  const start = pm.keyTimes.detected ?? pm.keyTimes.opened;
  const from = pm.keyTimes.detected ? 'the first detection' : 'the opening (detection not checked)';
  const v = pm.verificationOutcome;
  let end: string | null = null;
  let what = 'not over';
  if ((v.how === 'held' || v.how === 'by-hand') && v.at) {
    end = v.at;
    what = v.how === 'held' ? 'verification held' : `verified by hand by ${personName(v.by, readers)}`;
  } else if (pm.keyTimes.resolved) {
    end = pm.keyTimes.resolved;
    what =
      v.how === 'no-checks' ? 'resolved (the runbook has no verification checks)' : 'resolved unverified';
  }
  return {
    start,
    end,
    ms: end ? Math.max(0, Date.parse(end) - Date.parse(start)) : null,
    endedBy: `from ${from} to ${what}`,
  };
}

/** "resolved", or "resolved (unverified)" when nothing verified the fix. */
export function statusWithEvidence(pm: Postmortem): string {
  const { status } = pm.header;
  if (status !== 'resolved' && status !== 'closed') return status;
  const how = pm.verificationOutcome.how;
  if (how === 'unverified' || how === 'pending') return `${status} (unverified)`;
  if (how === 'by-hand') return `${status} (verified by hand)`;
  return status;
}

/** Events a reader needs; the others (step started, card posted, joins) stay in the appendix. */
const CURATED = new Set([
  'incident.opened',
  'phase.started',
  'step.completed',
  'step.failed',
  'step.skipped',
  'action.approved',
  'status.changed',
  'commander.changed',
  'severity.changed',
  'role.assigned',
  'role.unassigned',
  'message.pinned',
  'note.added',
  'followup.created',
  'datasource.unavailable',
  'datasource.recovered',
  'verification.by-hand',
]);

/** describeEvent's text for a step skipped because its datasource was down. */
const OUTAGE_SKIP = /^[a-z0-9][a-z0-9-]*: skipped \(datasource '([^']+)' unavailable: /;

const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z/g;

/** Event texts for people: Slack ids as names, ISO timestamps (due dates) in the team's time to the minute. */
export function humaniseTimes(text: string, readers: Readers): string {
  let out = text.replace(ISO_TIME, (iso) => teamTime(iso, readers));
  for (const [id, name] of Object.entries(readers.names ?? {})) out = out.split(id).join(name);
  return out;
}

export interface CuratedEntry {
  readonly at: string;
  readonly who: string;
  readonly what: string;
}

export function curatedTimeline(pm: Postmortem, readers: Readers): CuratedEntry[] {
  const titles = new Map<string, string>();
  for (const s of [...pm.detection, ...pm.triage, ...pm.containment, ...pm.verification])
    titles.set(s.stepId, s.title);
  const checks = new Map([...pm.detection, ...pm.verification].map((c) => [c.stepId, c]));
  // Steps skipped because a datasource was down are one row per batch, not one per step.
  const rows: { e: Postmortem['timeline'][number]; count: number }[] = [];
  const batch = (x: Postmortem['timeline'][number]) =>
    x.type === 'step.skipped' && OUTAGE_SKIP.test(x.text) ? `${x.at}|${x.actor}` : undefined;
  for (const e of pm.timeline.filter((x) => CURATED.has(x.type))) {
    const prev = rows.at(-1);
    if (prev && batch(e) !== undefined && batch(prev.e) === batch(e)) prev.count++;
    else rows.push({ e, count: 1 });
  }
  return rows.map(({ e, count }) => {
    const outage = e.type === 'step.skipped' ? OUTAGE_SKIP.exec(e.text) : null;
    if (outage)
      return {
        at: e.at,
        who: personName(e.actor, readers),
        what: `${count} metric step${count === 1 ? '' : 's'} skipped: datasource '${outage[1]}' unreachable (not checked)`,
      };
    const id = /^([a-z0-9][a-z0-9-]*): /.exec(e.text)?.[1];
    let what = e.text;
    if (id && titles.has(id)) {
      const check = checks.get(id);
      const rest = e.text.slice(id.length + 2);
      if (e.type === 'step.completed' && check && check.value !== null && check.at === e.at)
        what = `${titles.get(id)}: ${check.figure ?? `${check.value} ${check.operator} ${check.threshold}`} (${check.verdict ?? 'checked'})`;
      else what = `${titles.get(id)}: ${rest.replace(/^\w+ → done/, 'done')}`;
    }
    return { at: e.at, who: personName(e.actor, readers), what: humaniseTimes(what, readers) };
  });
}
