/** `/gc-incident list [all]`: open incidents (all of them with `all`). */
import { listMessage } from '../../blocks/replies.js';
import { reply } from '../../respond.js';
import type { SlashHandler } from './context.js';

export const listIncidents: SlashHandler<'list'> = async (request, { services, respond }) => {
  const incidents = await services.store.list({ limit: 100 });
  return reply(
    respond,
    listMessage(request.all ? incidents : incidents.filter((i) => i.status !== 'closed'), request.all),
  );
};
