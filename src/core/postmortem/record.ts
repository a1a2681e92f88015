/**
 * What people said and who held which role, for the postmortem: role changes in order,
 * pinned messages still pinned and notes, and the timeline without pins that were taken
 * back (a 📌 removed takes its message out of the record). Pure.
 */
import type { Incident, TimelineEvent } from '../incident/model.js';
import type { Postmortem } from './model.js';

const pinKey = (d: Readonly<Record<string, unknown>>) => `${String(d.channel)}/${String(d.ts)}`;

export function roleChangesOf(timeline: readonly TimelineEvent[]): Postmortem['roleChanges'] {
  const out: Postmortem['roleChanges'][number][] = [];
  for (const e of timeline) {
    if (e.type === 'role.assigned')
      out.push({
        at: e.at,
        role: String(e.data.role),
        from: typeof e.data.before === 'string' ? e.data.before : null,
        to: String(e.data.after),
        by: e.actor,
      });
    else if (e.type === 'role.unassigned')
      out.push({ at: e.at, role: String(e.data.role), from: String(e.data.before), to: null, by: e.actor });
    else if (e.type === 'commander.changed')
      out.push({
        at: e.at,
        role: 'commander',
        from: String(e.data.before),
        to: String(e.data.after),
        by: e.actor,
      });
  }
  return out;
}

export function recordOf(incident: Incident, timeline: readonly TimelineEvent[]): Postmortem['record'] {
  const pinned = (incident.pinned ?? []).map((p) => ({
    at: p.postedAt,
    kind: 'pinned' as const,
    author: p.author,
    text: p.text,
    permalink: p.permalink ?? null,
    by: p.pinnedBy,
  }));
  const notes = timeline
    .filter((e) => e.type === 'note.added')
    .map((e) => ({
      at: e.at,
      kind: 'note' as const,
      author: e.actor,
      text: String(e.data.text),
      permalink: null,
      by: e.actor,
    }));
  return [...pinned, ...notes].sort((a, b) => a.at.localeCompare(b.at));
}

/** The timeline as the postmortem shows it: a pin taken back leaves no trace, nor does its removal. */
export function shownTimeline(incident: Incident, timeline: readonly TimelineEvent[]): TimelineEvent[] {
  const still = new Set((incident.pinned ?? []).map((p) => `${p.channel}/${p.ts}`));
  const shownPins = new Set<string>();
  return timeline.filter((e) => {
    if (e.type === 'message.unpinned') return false;
    if (e.type !== 'message.pinned') return true;
    const key = pinKey(e.data);
    // Pinned, unpinned, pinned again: the last pin is the one still standing.
    const last = timeline.findLast((x) => x.type === 'message.pinned' && pinKey(x.data) === key);
    if (!still.has(key) || last !== e || shownPins.has(key)) return false;
    shownPins.add(key);
    return true;
  });
}
