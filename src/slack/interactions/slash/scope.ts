/**
 * Where an incident may be changed from. Anyone in the workspace could once
 * resolve or annotate any incident by id from any channel; a command that
 * changes an incident is now taken only in the channel its card lives in
 * (the thread included), and a read from elsewhere says where it lives.
 */
import { GcIncidentError } from '../../../core/errors.js';
import type { SlashRequest } from '../../command-parser.js';
import type { SlashContext } from './context.js';

const CHANGES: ReadonlySet<SlashRequest['kind']> = new Set([
  'close',
  'role',
  'unassign-role',
  'note',
  'severity',
  'followup-done',
  'followup-wontdo',
]);
const READS: ReadonlySet<SlashRequest['kind']> = new Set(['status', 'export', 'followup-list']);

function namedIncident(request: SlashRequest): string | undefined {
  if ('incidentId' in request) return request.incidentId;
  if ('item' in request) return request.item.incidentId;
  return undefined;
}

/**
 * Refuses a change to an incident named from another channel (an Error with the explanation
 * users see); for a read from another channel, the line saying where the incident lives.
 */
export async function checkScope(request: SlashRequest, ctx: SlashContext): Promise<string | undefined> {
  const id = namedIncident(request);
  if (!id || (!CHANGES.has(request.kind) && !READS.has(request.kind))) return undefined;
  const incident = await ctx.services.store.load(id).catch(() => undefined);
  const home = incident?.card?.channel;
  if (!home || home === ctx.channel) return undefined;
  if (CHANGES.has(request.kind)) {
    const why = 'change it from there (its card or thread), so everyone following it sees the change';
    // The id matched INCIDENT_ID and the channel is Slack's own id: the mention may stay live.
    throw new GcIncidentError('ILLEGAL_TRANSITION', `${id} lives in channel ${home}: ${why}`, {
      incidentId: id,
      channel: home,
      mrkdwn: `${id} lives in <#${home}>: ${why}.`,
    });
  }
  return `${id} lives in <#${home}>; follow it there.`;
}
