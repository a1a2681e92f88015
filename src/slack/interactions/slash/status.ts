/** `/gc-incident status [ID]`: the incident's status and timeline. */
import { statusMessage } from '../../blocks/replies.js';
import { reply } from '../../respond.js';
import { incidentFor, type SlashHandler } from './context.js';

export const showStatus: SlashHandler<'status'> = async (request, ctx) => {
  const incident = await incidentFor(ctx, request.incidentId);
  return reply(ctx.respond, statusMessage(incident, await ctx.services.store.timeline(incident.id)));
};
