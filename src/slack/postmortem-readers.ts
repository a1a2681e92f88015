/**
 * Who the people of an incident are, for its postmortem: names and time zones from
 * users.info, looked up once per person. A person Slack cannot describe (no users:read
 * scope, a deactivated account) stays an id; the export never fails for it.
 */
import type { Incident, TimelineEvent } from '../core/incident/model.js';
import type { Readers } from '../core/postmortem/readable.js';
import type { SlackGateway } from './gateway.js';

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
/** users.info is Tier 4; an incident rarely has more people than this. */
const MAX_LOOKUPS = 40;

export function peopleOf(incident: Incident, timeline: readonly TimelineEvent[]): string[] {
  const ids = new Set<string>([
    incident.commander,
    ...incident.participants,
    ...incident.followUps.map((f) => f.owner),
    ...timeline.map((e) => e.actor),
  ]);
  return [...ids].filter((id) => SLACK_USER.test(id)).slice(0, MAX_LOOKUPS);
}

export async function postmortemReaders(
  slack: Pick<SlackGateway, 'userInfo'>,
  ids: readonly string[],
  teamTimeZone: string | undefined,
): Promise<Readers> {
  const names: Record<string, string> = {};
  const userZones: Record<string, string> = {};
  for (const id of ids) {
    const info = await slack.userInfo(id);
    if (!info) continue;
    names[id] = info.name;
    if (info.tz) userZones[id] = info.tz;
  }
  return { names, userZones, timeZone: teamTimeZone };
}
