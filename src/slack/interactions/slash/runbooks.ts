/** `/gc-incident runbooks`: the runbooks this app serves. */
import { runbooksMessage } from '../../blocks/replies.js';
import { reply } from '../../respond.js';
import type { SlashHandler } from './context.js';

export const listRunbooks: SlashHandler<'runbooks'> = async (_request, { services, respond }) =>
  reply(respond, runbooksMessage(services.runbooks.list()));
