/** `/gc-incident followup done|wontdo ITEM [reason]`: the item is closed; its reminders stop. */
import { reply, sectionMessage } from '../../respond.js';
import { commandKey, incidentFor, type SlashHandler } from './context.js';

export const changeFollowUp: SlashHandler<'followup-done' | 'followup-wontdo'> = async (request, ctx) => {
  const incidentId = request.item.incidentId ?? (await incidentFor(ctx, undefined)).id;
  const line = await ctx.services.flow.changeFollowUp(
    incidentId,
    request.item.itemId,
    request.kind === 'followup-done' ? { status: 'done' } : { status: 'wont-do', reason: request.reason },
    ctx.user,
    commandKey(ctx),
  );
  return reply(ctx.respond, sectionMessage('Follow-up updated', line));
};
