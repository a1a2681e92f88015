/** `/gc-incident simulate WORKLOAD [what-if…]`: an ad-hoc simulation, posted in this channel. */
import { simulateFromSlack } from '../../adhoc-simulation.js';
import type { SlashHandler } from './context.js';

export const simulate: SlashHandler<'simulate'> = async (request, { services, user, channel }) =>
  simulateFromSlack(services, user.id, channel, request.target, request.whatIfs);
