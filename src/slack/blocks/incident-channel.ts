/**
 * What an incident's own channel shows, as pure functions: its name from the template, its
 * topic (title, severity, commander, status), the one line in the channel the incident was
 * opened from that links to it, and the notice when Slack would not create it.
 */
import type { Incident } from '../../core/incident/model.js';
import { neutraliseBidi } from '../../core/text/bidi.js';
import { escapeMrkdwn } from '../escape-mrkdwn.js';
import { truncate } from '../limits.js';
import type { SlackMessage } from './common.js';
import { section } from './common.js';

/** Slack's rules: lower case, letters, digits, hyphens and underscores, at most 80 characters. */
export function channelName(template: string, incident: Incident): string {
  const [, year = '', number = ''] = /^[A-Z]+-(\d{4})-(\d+)$/.exec(incident.id) ?? [];
  const values: Record<string, string> = { year, number, service: incident.service, id: incident.id };
  const name = template
    .replace(/\{(year|number|service|id)\}/g, (_, key: string) => values[key] ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  return name.slice(0, 80).replace(/-+$/, '');
}

const STATUS_WORD: Record<Incident['status'], string> = {
  open: 'open',
  mitigated: 'mitigated',
  resolved: 'resolved',
  closed: 'closed',
};

/** Slack's limit for conversations.setTopic (characters); longer topics are refused. */
export const TOPIC_MAX = 250;

function commanderOf(incident: Incident): string {
  return /^[UW][A-Z0-9]+$/.test(incident.commander) ? `<@${incident.commander}>` : incident.commander;
}

/** "3 alerts firing", once alerts were folded into the incident (none firing: "alerts resolved"). */
function alertsOf(incident: Incident): string | undefined {
  const alerts = incident.alerts;
  if (!alerts || alerts.notifications === 0) return undefined;
  const firing = alerts.firing.length;
  return firing === 0 ? 'alerts resolved' : `${firing} alert${firing === 1 ? '' : 's'} firing`;
}

/**
 * The channel topic, kept current: what, how bad, who leads, where it stands, its alerts. At
 * most TOPIC_MAX characters: the title is what gets cut, never the facts before it.
 */
export function channelTopic(incident: Incident): string {
  const facts = [
    incident.id,
    incident.severity.toUpperCase(),
    STATUS_WORD[incident.status],
    `commander ${commanderOf(incident)}`,
    alertsOf(incident),
  ].filter((f): f is string => Boolean(f));
  const head = `${facts.join(' · ')} · `;
  // A topic is not escaped by Slack's rules for messages: a title's `<!here>` or `<@U…>` would be
  // a mention there. Angle brackets become look-alikes (same length, so the cut stays exact).
  const title = neutraliseBidi(incident.title).replace(/</g, '‹').replace(/>/g, '›');
  return truncate(`${head}${truncate(title, Math.max(1, TOPIC_MAX - head.length))}`, TOPIC_MAX);
}

/** The one line where the incident was opened, edited when what it shows changes. */
export function announcementMessage(incident: Incident, channel: string): SlackMessage {
  const icon = incident.status === 'resolved' || incident.status === 'closed' ? '✅' : '🚨';
  const severity = incident.severity.toUpperCase();
  const status = STATUS_WORD[incident.status];
  const alerts = alertsOf(incident);
  // The text says everything the blocks show: it is what a later edit is compared with.
  const text = `${icon} ${incident.id} (${severity}, ${status}${alerts ? `, ${alerts}` : ''}): ${incident.title}, commander ${commanderOf(incident)}, worked in its own channel`;
  return {
    text,
    blocks: [
      section(
        `${icon} *${incident.id}* · ${severity} · *${status}* · ${escapeMrkdwn(incident.title)}\nCommander ${commanderOf(incident)}${alerts ? ` · ${alerts}` : ''} · worked in <#${channel}>: join it to help.`,
      ),
    ],
  };
}

/** Why the incident stayed a thread, and what an admin can do: one message, in that thread. */
export function channelFallbackText(error: string, name: string): string {
  switch (error) {
    case 'name_taken':
      return `⚠️ A channel named #${name} exists already, so this incident stays in this thread. Rename or archive the old channel, or change INCIDENT_CHANNEL_NAME.`;
    case 'missing_scope':
      return '⚠️ I may not create channels in this workspace (scope channels:manage missing), so this incident stays in this thread. An admin can reinstall the app from manifest.yml.';
    case 'restricted_action':
      return '⚠️ This workspace lets only some members create channels, so this incident stays in this thread. An admin can allow the app to, or set INCIDENT_CHANNEL_SEVERITIES=none.';
    default:
      return `⚠️ Slack would not create the incident channel (\`${error}\`), so this incident stays in this thread.`;
  }
}
