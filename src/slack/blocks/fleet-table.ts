/**
 * A fleet incident's services as a table on its card (kept current: the card is redrawn when a
 * service joins or is split out), and the one channel message that says a storm became one
 * incident. Pure.
 */
import type { Incident } from '../../core/incident/model.js';
import { codeBlocks, escapeMrkdwn } from '../limits.js';
import { type SlackMessage, section } from './common.js';

/** Rows shown on the card; the rest are counted (Slack's section holds 3,000 characters). */
export const FLEET_ROWS_SHOWN = 40;

function pad(text: string, width: number): string {
  const cut = text.length > width ? `${text.slice(0, width - 1)}…` : text;
  return cut.padEnd(width);
}

export function fleetTable(incident: Incident): ReturnType<typeof section> | undefined {
  const members = incident.fleet?.members ?? [];
  if (members.length === 0) return undefined;
  const width = Math.min(28, Math.max(7, ...members.map((m) => m.service.length)));
  const rows = members
    .slice(0, FLEET_ROWS_SHOWN)
    .map(
      (m) =>
        `${pad(m.service, width)}  ${m.since ? m.since.slice(11, 16) : '     '}  ${m.incidentId ?? 'in this incident'}`,
    );
  const more = members.length - rows.length;
  const table = [`${pad('service', width)}  since  incident`, ...rows].join('\n');
  // Times inside a code block cannot be Slack dates (shown in the reader's zone): they say UTC.
  const own = members.filter((m) => m.incidentId).length;
  const head = `*${members.length} services* (${members.length - own} in this incident, ${own} with their own; since: UTC)`;
  const [code] = codeBlocks(table, 2900 - head.length);
  return section(`${head}\n${code}${more > 0 ? `\n…and ${more} more` : ''}`, 'fleet');
}

/** Posted once per fleet incident, in its channel. */
export function fleetAnnouncement(incident: Incident, services: number): SlackMessage {
  const text = `🌊 ${services} services alert for the same runbook at once: one fleet incident, ${incident.id}, lists them instead of a card each.`;
  return {
    text,
    blocks: [
      section(
        `🌊 *${services} services* alert for *${escapeMrkdwn(incident.title.replace(/^Fleet: /, ''))}* at once: one fleet incident, *${incident.id}*, lists them instead of a card each. New services join its table.`,
      ),
    ],
  };
}
