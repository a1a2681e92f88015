/** `/gc-incident followup list [ID|mine]`: open follow-ups (an incident's, all of them; or yours). */
import { followUpListMessage } from '../../blocks/followups.js';
import { reply } from '../../respond.js';
import type { SlashHandler } from './context.js';

export const listFollowUps: SlashHandler<'followup-list'> = async (request, { services, user, respond }) => {
  const now = services.clock.now();
  const incidents = request.incidentId
    ? [await services.service.get(request.incidentId)]
    : await services.store.list({ limit: 200 });
  const rows = incidents.flatMap((incident) =>
    incident.followUps
      .filter((item) => (request.mine ? item.owner === user.id : true))
      .map((item) => ({ incident, item })),
  );
  const open = request.incidentId ? rows : rows.filter((r) => r.item.status === 'open');
  const title = request.mine
    ? 'Your open follow-ups'
    : request.incidentId
      ? `Follow-ups of ${request.incidentId}`
      : 'Open follow-ups';
  return reply(respond, followUpListMessage(open, now, title));
};
