/** `/gc-incident close [ID]`: the incident is closed. */
import { reply, sectionMessage } from '../../respond.js';
import { commandKey, incidentFor, type SlashHandler } from './context.js';

export const closeIncident: SlashHandler<'close'> = async (request, ctx) => {
  const incident = await incidentFor(ctx, request.incidentId);
  await ctx.services.flow.setStatus(incident.id, 'closed', ctx.user, commandKey(ctx));
  return reply(ctx.respond, sectionMessage(`${incident.id} closed`, `✅ ${incident.id} is closed.`));
};
