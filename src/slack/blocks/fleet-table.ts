/**
 * A fleet incident's services as a table on its card (kept current: the card is redrawn when a
 * service joins or is split out), and the one channel message that says a storm became one
 * incident. Pure.
 */
import { type FleetServiceStanding, fleetStandings } from '../../core/checks/fleet-checks.js';
import type { Incident } from '../../core/incident/model.js';
import { codeBlocks, escapeMrkdwn } from '../limits.js';
import { type SlackMessage, section } from './common.js';

/** Rows shown on the card; the rest are counted (Slack's section holds 3,000 characters). */
export const FLEET_ROWS_SHOWN = 40;

function pad(text: string, width: number): string {
  const cut = text.length > width ? `${text.slice(0, width - 1)}…` : text;
  return cut.padEnd(width);
}

/** A service's standing on the latest checks, in a table cell: ✗ over the limit, ✓ within, ? can't tell. */
function standingCell(s: FleetServiceStanding | undefined): string {
  if (!s) return '–';
  if (s.standing === 'bad') return `✗ ${s.shown ?? ''}`.trim();
  if (s.standing === 'good') return `✓ ${s.shown ?? ''}`.trim();
  return s.standing === 'no-data' ? '? no data' : s.standing === 'error' ? '? failed' : "? can't tell";
}

/** "latest checks: 4 over the limit, 10 within, 1 can't tell (no data or failed), 985 not queried". */
function standingsLine(standings: Map<string, FleetServiceStanding>, listed: number): string {
  if (standings.size === 0) return '';
  const all = [...standings.values()];
  const bad = all.filter((s) => s.standing === 'bad').length;
  const good = all.filter((s) => s.standing === 'good').length;
  const cannot = all.length - bad - good;
  const unqueried = listed - standings.size;
  return `\nlatest checks: *${bad} over the limit*, ${good} within${cannot > 0 ? `, ${cannot} can't tell (no data or failed)` : ''}${unqueried > 0 ? `, ${unqueried} not queried` : ''}`;
}

export function fleetTable(incident: Incident): ReturnType<typeof section> | undefined {
  const members = incident.fleet?.members ?? [];
  if (members.length === 0) return undefined;
  const standings = fleetStandings(incident);
  const width = Math.min(28, Math.max(7, ...members.map((m) => m.service.length)));
  const checked = standings.size > 0;
  const all = members
    .slice(0, FLEET_ROWS_SHOWN)
    .map(
      (m) =>
        `${pad(m.service, width)}  ${m.since ? m.since.slice(11, 16) : '     '}  ${checked ? `${pad(standingCell(standings.get(m.service)), 16)}  ` : ''}${m.incidentId ?? 'in this incident'}`,
    );
  // Times inside a code block cannot be Slack dates (shown in the reader's zone): they say UTC.
  const own = members.filter((m) => m.incidentId).length;
  const head = `*${members.length} services* (${members.length - own} in this incident, ${own} with their own; since: UTC)${standingsLine(standings, members.length)}`;
  const header = `${pad('service', width)}  since  ${checked ? `${pad('latest check', 16)}  ` : ''}incident`;
  // Rows that fit the section whole (with room for escaping and "…and N more"); the rest are counted.
  const budget = 2900 - head.length - header.length - 120;
  const rows: string[] = [];
  let used = 0;
  for (const row of all) {
    used += row.length + 1;
    if (used > budget) break;
    rows.push(row);
  }
  const more = members.length - rows.length;
  const table = [header, ...rows].join('\n');
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
