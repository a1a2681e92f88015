/** `/gc-incident export [ID] [md|json|html]`: the postmortem, uploaded to the incident's thread. */
import { reply, sectionMessage } from '../../respond.js';
import { incidentFor, type SlashHandler } from './context.js';

export const exportPostmortem: SlashHandler<'export'> = async (request, ctx) => {
  const incident = await incidentFor(ctx, request.incidentId);
  const filename = await ctx.services.flow.exportToSlack(incident.id, request.format, ctx.channel);
  return reply(
    ctx.respond,
    sectionMessage(`${filename} uploaded`, `📝 \`${filename}\` is in the incident's thread.`),
  );
};
