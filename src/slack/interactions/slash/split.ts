/** `/gc-incident split ID SERVICE`: a service listed by a fleet incident gets its own incident and card. */
import { escapeMrkdwn } from '../../limits.js';
import { reply, sectionMessage } from '../../respond.js';
import type { SlashHandler } from './context.js';

export const splitService: SlashHandler<'split'> = async (request, ctx) => {
  const { fleet, incident } = await ctx.services.flow.splitFromFleet(
    request.incidentId,
    request.service,
    ctx.user,
  );
  const service = escapeMrkdwn(request.service);
  return reply(
    ctx.respond,
    sectionMessage(
      `${request.service} split out of ${fleet.id} into ${incident.id}`,
      `✂️ *${service}* has its own incident, *${incident.id}*; ${fleet.id}'s table points to it.`,
    ),
  );
};
