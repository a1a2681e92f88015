/**
 * The daily digest: overdue follow-ups, one message per incident channel.
 * Every replica's cron fires; a claim keyed by the day (in the digest's time
 * zone) lets exactly one of them send it.
 */
import type { Logger } from 'pino';
import type { Incident } from '../core/incident/model.js';
import type { Clock, Store } from '../core/ports.js';
import { followUpListMessage } from './blocks/followups.js';
import type { SlackGateway } from './gateway.js';

export function digestKey(now: Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return `digest:${new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)}`;
}

export async function sendDigest(deps: {
  store: Store;
  slack: SlackGateway;
  clock: Clock;
  logger: Logger;
  claimant: string;
  timeZone: string;
}): Promise<number> {
  const now = deps.clock.now();
  if (!(await deps.store.claimOnce(digestKey(now, deps.timeZone), deps.claimant, now))) return 0;
  const byChannel = new Map<string, { incident: Incident; item: Incident['followUps'][number] }[]>();
  for (const incident of await deps.store.list({ limit: 1000 })) {
    if (!incident.card) continue;
    for (const item of incident.followUps) {
      if (item.status !== 'open' || Date.parse(item.dueAt) > now.getTime()) continue;
      const rows = byChannel.get(incident.card.channel) ?? [];
      rows.push({ incident, item });
      byChannel.set(incident.card.channel, rows);
    }
  }
  let posted = 0;
  for (const [channel, rows] of byChannel) {
    try {
      await deps.slack.post(channel, followUpListMessage(rows, now, `🗓️ Overdue follow-ups (${rows.length})`));
      posted += 1;
    } catch (error) {
      deps.logger.warn({ channel, err: String(error) }, 'digest not posted');
    }
  }
  return posted;
}
