/** `/gc-incident followup add …`: a follow-up on this channel's incident, with its owner reminded. */
import { parseFollowUpAdd } from '../../followup-add-parser.js';
import { reply, sectionMessage } from '../../respond.js';
import { commandKey, incidentFor, type SlashHandler } from './context.js';

export const addFollowUp: SlashHandler<'followup-add'> = async (request, ctx) => {
  const incident = await incidentFor(ctx, undefined);
  const ref = await ctx.services.flow.addFollowUp(
    incident.id,
    parseFollowUpAdd(request.args),
    ctx.user,
    commandKey(ctx),
  );
  return reply(ctx.respond, sectionMessage(`${ref} added`, `📌 *${ref}* added; its owner will be reminded.`));
};
